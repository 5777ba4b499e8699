// Which store writes take the cluster back to a snapshot: a pure comparison of two key → stored-JSON maps.
// The controllers and kubelets keep running while the cluster is restored, so what they own right now (status,
// heartbeats, leader leases) stays as it is; what users changed (objects created or deleted, specs, labels,
// annotations, taints, cordons) goes back to the snapshot's version.
import type { KObject } from '../api/types';
import { deepEqual } from '../api/object';

/** keys that are the cluster's own heartbeat and leader election: never part of a user's change */
const VOLATILE = ['/registry/leases/kube-node-lease/', '/registry/leases/kube-system/'];
export const isVolatileKey = (key: string): boolean => VOLATILE.some((p) => key.startsWith(p));

/**
 * Events are a log of what happened, not state: a restore keeps the events of namespaces that stay (including
 * those the restore itself causes) and does not bring back events that expired since the snapshot.
 */
const EVENTS = /^\/registry\/events\/([^/]+)\//;
const keepsEvent = (key: string, snapshot: ReadonlyMap<string, string>): boolean => {
  const m = EVENTS.exec(key);
  return !!m && snapshot.has(`/registry/namespaces/${m[1]}`);
};

export type RestoreOp =
  | { op: 'create'; key: string; value: string }
  | { op: 'update'; key: string; value: string; expectedModRevision: number }
  | { op: 'delete'; key: string; expectedModRevision: number };

export interface CurrentKey {
  value: string;
  modRevision: number;
}

/**
 * A pod's node is the scheduler's to set (a binding), not a user's: a pod the snapshot caught Pending and that has
 * been bound since keeps its node, or the scheduler would bind it a second time while its kubelet runs it.
 */
function podNode(key: string, o: KObject): string | undefined {
  return key.startsWith('/registry/pods/') ? (o.spec as { nodeName?: string } | undefined)?.nodeName : undefined;
}

/** the object's user-owned part: everything but status, the server's write bookkeeping and a pod's binding */
function userPart(key: string, o: KObject): unknown {
  const { status: _s, metadata, ...rest } = o as KObject & { status?: unknown };
  void _s;
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = metadata ?? {};
  void _rv;
  void _mf;
  void _g;
  if (podNode(key, o) !== undefined) {
    const { nodeName: _n, ...spec } = rest.spec as Record<string, unknown>;
    void _n;
    return { ...rest, spec, metadata: meta };
  }
  return { ...rest, metadata: meta };
}

/** a pod brought back from the snapshot starts over on its node: its old status named containers that are gone */
function recreated(key: string, value: string): string {
  if (!key.startsWith('/registry/pods/')) return value;
  const pod = JSON.parse(value) as KObject;
  pod.status = { phase: 'Pending', ...(pod.status?.qosClass ? { qosClass: pod.status.qosClass } : {}) };
  return JSON.stringify(pod);
}

/** the snapshot's object carrying the current status (a spec change bumps the generation so controllers act) */
function merged(key: string, snap: KObject, cur: KObject): KObject {
  // an object being deleted now but not then comes back whole (a Terminating namespace is Active again)
  if (cur.metadata.deletionTimestamp && !snap.metadata.deletionTimestamp) return snap;
  const out: KObject = { ...snap, metadata: { ...snap.metadata } };
  const node = podNode(key, cur);
  if (node !== undefined) out.spec = { ...(snap.spec as object), nodeName: node };
  if ('status' in cur) out.status = cur.status;
  else delete out.status;
  if (cur.metadata.generation !== undefined) {
    out.metadata.generation = deepEqual(snap.spec, cur.spec) ? cur.metadata.generation : cur.metadata.generation + 1;
  }
  return out;
}

export interface RestorePlan {
  ops: RestoreOp[];
  created: number;
  updated: number;
  deleted: number;
}

export function planRestore(snapshot: ReadonlyMap<string, string>, current: ReadonlyMap<string, CurrentKey>): RestorePlan {
  const ops: RestoreOp[] = [];
  let created = 0,
    updated = 0,
    deleted = 0;
  for (const [key, cur] of current) {
    if (isVolatileKey(key) || snapshot.has(key) || keepsEvent(key, snapshot)) continue;
    ops.push({ op: 'delete', key, expectedModRevision: cur.modRevision });
    deleted++;
  }
  for (const [key, value] of snapshot) {
    if (isVolatileKey(key)) continue;
    const cur = current.get(key);
    if (!cur && EVENTS.test(key)) continue;
    if (!cur) {
      ops.push({ op: 'create', key, value: recreated(key, value) });
      created++;
      continue;
    }
    if (cur.value === value) continue;
    const s = JSON.parse(value) as KObject,
      c = JSON.parse(cur.value) as KObject;
    if (s.metadata?.uid !== c.metadata?.uid) {
      // another object of the same name: the snapshot's one replaces it (watchers see a delete, then a create)
      ops.push({ op: 'delete', key, expectedModRevision: cur.modRevision }, { op: 'create', key, value: recreated(key, value) });
      updated++;
      continue;
    }
    if (deepEqual(userPart(key, s), userPart(key, c))) continue;
    ops.push({ op: 'update', key, value: JSON.stringify(merged(key, s, c)), expectedModRevision: cur.modRevision });
    updated++;
  }
  return { ops, created, updated, deleted };
}
