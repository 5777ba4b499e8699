// pvc-protection: a claim being deleted keeps kubernetes.io/pvc-protection while any pod that is not finished still
// refers to it (directly or as its generic ephemeral volume), then the finalizer goes and the claim with it.
import type { Pod } from 'kubernetes-types/core/v1';
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import { isStatus } from '../../client/errors';
import type { KObject } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { updateCopy } from './update-object';
import { PVC_PROTECTION_FINALIZER, podClaimNames, podIsActive } from '../../storage/binding';

export function startPvcProtectionController(client: Client, informers: InformerFactory): { stop(): void } {
  const claims = informers.informer(R.persistentvolumeclaims);
  const pods = informers.informer(R.pods);
  const queue = new WorkQueue(
    async (key) => {
      await Promise.all([claims.synced(), pods.synced()]);
      const pvc = claims.get(key);
      if (!pvc?.metadata.deletionTimestamp || !pvc.metadata.finalizers?.includes(PVC_PROTECTION_FINALIZER)) return;
      const ns = pvc.metadata.namespace!;
      const inUse = (list: KObject[]) => list.some((p) => podIsActive(p as Pod) && podClaimNames(p as Pod).includes(pvc.metadata.name!));
      if (inUse(pods.list(ns))) return;
      // the cache may not have seen a pod created a moment ago: a live list decides, as upstream's second check does
      if (inUse((await client.list(R.pods, ns)).items)) return;
      try {
        await updateCopy(
          client,
          R.persistentvolumeclaims,
          pvc,
          (o) => (o.metadata.finalizers = o.metadata.finalizers!.filter((f: string) => f !== PVC_PROTECTION_FINALIZER)),
        );
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
    },
    { workers: 2, name: 'pvc-protection' },
  );
  const addClaim = (c: KObject) => {
    if (c.metadata.deletionTimestamp) queue.add(objectKey(c));
  };
  claims.onAdd(addClaim);
  claims.onUpdate((_a, c) => addClaim(c));
  const podChanged = (p: KObject) => {
    for (const n of podClaimNames(p as Pod)) {
      const c = claims.getByName(p.metadata.namespace, n);
      if (c) addClaim(c);
    }
  };
  pods.onUpdate((_a, p) => podChanged(p));
  pods.onDelete(podChanged);
  return { stop: () => queue.stop() };
}
