// Upstream's volume controllers write with update, and their system:controller:* ClusterRoles grant update, not
// patch: the change goes onto a copy of the cached object, sent with the cached resourceVersion, so a stale cache
// ends in a conflict and the work queue's retry.
import type { Client } from '../../client/types';
import type { GVR, KObject } from '../../api/types';

export async function updateCopy<T extends KObject>(client: Client, r: GVR, cached: T, change: (copy: KObject) => void, subresource?: 'status'): Promise<T> {
  const copy = structuredClone(cached);
  change(copy);
  const ns = copy.metadata.namespace;
  return (subresource ? client.updateStatus(r, ns, copy) : client.update(r, ns, copy)) as Promise<T>;
}

/** a status with the fields set to null removed (what a merge patch's nulls did) */
export function dropNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}
