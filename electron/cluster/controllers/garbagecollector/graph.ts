// The ownership graph the garbage collector keeps: every object by uid, its owners and its dependents.
import type { GVR, KObject } from '../../api/types';

export interface GraphNode {
  uid: string;
  gvr: GVR;
  namespace?: string;
  name: string;
  owners: { uid: string; apiVersion: string; kind: string; name: string; blockOwnerDeletion?: boolean }[];
  deleting: boolean;
  finalizers: string[];
}

export class OwnerGraph {
  readonly nodes = new Map<string, GraphNode>();
  /** owner uid → dependent uids (the owner itself may be absent) */
  readonly dependents = new Map<string, Set<string>>();

  upsert(gvr: GVR, o: KObject): { node: GraphNode; old?: GraphNode } {
    const uid = o.metadata.uid!;
    const old = this.nodes.get(uid);
    const node: GraphNode = {
      uid,
      gvr,
      namespace: o.metadata.namespace,
      name: o.metadata.name!,
      owners: (o.metadata.ownerReferences ?? []).map((r) => ({
        uid: r.uid,
        apiVersion: r.apiVersion,
        kind: r.kind,
        name: r.name,
        blockOwnerDeletion: r.blockOwnerDeletion,
      })),
      deleting: !!o.metadata.deletionTimestamp,
      finalizers: o.metadata.finalizers ?? [],
    };
    if (old) for (const ow of old.owners) this.dependents.get(ow.uid)?.delete(uid);
    for (const ow of node.owners) {
      let s = this.dependents.get(ow.uid);
      if (!s) this.dependents.set(ow.uid, (s = new Set()));
      s.add(uid);
    }
    this.nodes.set(uid, node);
    return { node, old };
  }

  remove(uid: string): GraphNode | undefined {
    const n = this.nodes.get(uid);
    if (!n) return undefined;
    for (const ow of n.owners) {
      const s = this.dependents.get(ow.uid);
      s?.delete(uid);
      if (s && s.size === 0 && !this.nodes.has(ow.uid)) this.dependents.delete(ow.uid);
    }
    this.nodes.delete(uid);
    return n;
  }

  dependentsOf(uid: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const d of this.dependents.get(uid) ?? []) {
      const n = this.nodes.get(d);
      if (n) out.push(n);
    }
    return out;
  }
}
