// ControllerRevisions as StatefulSets and DaemonSets keep them (upstream pkg/controller/history): each distinct pod
// template is stored once as a strategic-merge patch, numbered; re-applying an old template bumps that revision.
import type { Client } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { StatusError } from '../../api/errors';
import { clone, deepEqual } from '../../api/object';
import { newControllerRef } from '../replicaset/pod-helpers';

/** the revision data: the template with "$patch: replace", as upstream's getPatch produces */
export function templatePatch(owner: KObject): Record<string, unknown> {
  return { spec: { template: { ...clone(owner.spec?.template ?? {}), $patch: 'replace' } } };
}

/** the owner with the revision's template applied (ApplyRevision) */
export function applyRevision(owner: KObject, rev: KObject): KObject {
  const o = clone(owner);
  const t = clone(rev.data?.spec?.template ?? {});
  delete t.$patch;
  o.spec = { ...(o.spec ?? {}), template: t };
  return o;
}

export const revisionNumber = (r: KObject): number => Number(r.revision ?? 0);

/** oldest revision number first, ties by creation time then name */
export function sortRevisions(revs: KObject[]): KObject[] {
  return [...revs].sort(
    (a, b) =>
      revisionNumber(a) - revisionNumber(b) ||
      Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? '') ||
      (a.metadata.name! < b.metadata.name! ? -1 : 1),
  );
}
export const nextRevision = (revs: KObject[]): number => (revs.length ? Math.max(...revs.map(revisionNumber)) + 1 : 1);
export const equalRevision = (a: KObject, b: KObject): boolean => deepEqual(a.data, b.data);

export function revisionName(parent: string, hash: string): string {
  return `${parent.length > 223 ? parent.slice(0, 223) : parent}-${hash}`;
}

export interface RevisionSpec {
  owner: KObject;
  ownerKind: string;
  data: Record<string, unknown>;
  revision: number;
  labels: Record<string, string>;
  /** name suffix for a collision count */
  hash(collisionCount: number): string;
  /** label carrying the hash (upstream: controller.kubernetes.io/hash for StatefulSets, controller-revision-hash for DaemonSets) */
  hashLabel: string;
}

/** creates a revision; on a name clash with different data the collision count grows (returned) and it retries */
export async function createRevision(client: Client, spec: RevisionSpec, collisionCount: number): Promise<{ rev: KObject; collisionCount: number }> {
  const ns = spec.owner.metadata.namespace;
  for (let cc = collisionCount; ; cc++) {
    const hash = spec.hash(cc);
    const obj: KObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: revisionName(spec.owner.metadata.name!, hash),
        namespace: ns,
        labels: { ...spec.labels, [spec.hashLabel]: hash },
        ownerReferences: [newControllerRef(spec.owner, 'apps/v1', spec.ownerKind)],
      },
      data: spec.data,
      revision: spec.revision,
    };
    try {
      return { rev: await client.create(R.controllerrevisions, ns, obj), collisionCount: cc };
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      const existing = await client.get(R.controllerrevisions, ns, obj.metadata.name!);
      if (deepEqual(existing.data, obj.data)) return { rev: existing, collisionCount: cc };
    }
  }
}

export async function bumpRevision(client: Client, rev: KObject, revision: number): Promise<KObject> {
  if (revisionNumber(rev) === revision) return rev;
  return client.update(R.controllerrevisions, rev.metadata.namespace, { ...clone(rev), revision });
}

/** deletes the oldest revisions beyond `limit`, never one that is live (named in `live`) */
export async function truncateHistory(client: Client, revs: KObject[], live: Set<string>, limit: number): Promise<void> {
  const history = sortRevisions(revs).filter((r) => !live.has(r.metadata.name!));
  const excess = history.length - limit;
  for (let i = 0; i < excess; i++) {
    await client.delete(R.controllerrevisions, history[i].metadata.namespace, history[i].metadata.name!).catch((err) => {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    });
  }
}
