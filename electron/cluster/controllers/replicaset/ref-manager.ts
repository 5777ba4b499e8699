// Adoption and release by controllerRef, like upstream's ControllerRefManager: an owner claims the orphans its
// selector matches and lets go of the objects it owns that its selector no longer matches.
import type { Client } from '../../client/types';
import type { GVR, KObject } from '../../api/types';
import { StatusError } from '../../api/errors';
import { controllerRefOf, newControllerRef } from './pod-helpers';

export interface ClaimOptions {
  client: Client;
  gvr: GVR;
  owner: KObject;
  ownerApiVersion: string;
  ownerKind: string;
  matches(obj: KObject): boolean;
}

const ignorable = (err: unknown): boolean => err instanceof StatusError && (err.code === 404 || err.code === 422);

/** returns the objects the owner controls after adopting/releasing */
export async function claimObjects(objs: KObject[], o: ClaimOptions): Promise<KObject[]> {
  const claimed: KObject[] = [];
  const ownerUid = o.owner.metadata.uid;
  const ownerDeleting = !!o.owner.metadata.deletionTimestamp;
  for (const obj of objs) {
    const ref = controllerRefOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (o.matches(obj)) {
        claimed.push(obj);
        continue;
      }
      // ours but no longer selected: let it go (not while we are being deleted: the GC handles that)
      if (ownerDeleting || obj.metadata.deletionTimestamp) continue;
      await release(obj, o).catch((err) => {
        if (!ignorable(err)) throw err;
      });
      continue;
    }
    if (ownerDeleting || obj.metadata.deletionTimestamp || !o.matches(obj)) continue;
    // an orphan that matches: adopt it
    const adopted = await adopt(obj, o).catch((err) => {
      if (ignorable(err)) return undefined;
      throw err;
    });
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

// Both are patches, as upstream's ControllerRefManager sends them: the controllers' roles grant `patch` on what they
// own, not `update`, and the uid in the patch makes it fail (422) if the object was replaced by one of the same name.
async function adopt(obj: KObject, o: ClaimOptions): Promise<KObject> {
  const ref = newControllerRef(o.owner, o.ownerApiVersion, o.ownerKind);
  return o.client.patch(o.gvr, obj.metadata.namespace, obj.metadata.name!, 'strategic', { metadata: { ownerReferences: [ref], uid: obj.metadata.uid } });
}

async function release(obj: KObject, o: ClaimOptions): Promise<void> {
  await o.client.patch(o.gvr, obj.metadata.namespace, obj.metadata.name!, 'strategic', {
    metadata: { ownerReferences: [{ $patch: 'delete', uid: o.owner.metadata.uid }], uid: obj.metadata.uid },
  });
}
