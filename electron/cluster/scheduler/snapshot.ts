// The cluster as the scheduler sees it: nodes with their pods, namespace labels and PDBs.
import { NodeInfo } from './node-info';
import { podInfo, type PodInfo } from './pod-info';
import type { Node, Pod, PodDisruptionBudget, Snapshot } from './types';

export interface SnapshotInput {
  nodes: Node[];
  podsByNode: Map<string, Pod[]>;
  namespaces?: { metadata?: { name?: string; labels?: Record<string, string> } }[];
  pdbs?: PodDisruptionBudget[];
}

/** A mutable snapshot: nodes and bound pods, updated incrementally (the scheduler cache builds on it). */
export class ClusterSnapshot implements Snapshot {
  protected readonly nodes = new Map<string, NodeInfo>();
  /** pod key → node name, for every pod counted on some node */
  protected readonly podNode = new Map<string, string>();
  protected readonly nsLabels = new Map<string, Record<string, string>>();
  protected pdbList: PodDisruptionBudget[] = [];
  private listCache: NodeInfo[] | null = null;

  nodeInfos(): NodeInfo[] {
    if (!this.listCache) this.listCache = [...this.nodes.values()].filter((n) => n.node !== undefined);
    return this.listCache;
  }

  get(nodeName: string): NodeInfo | undefined {
    const n = this.nodes.get(nodeName);
    return n?.node ? n : undefined;
  }

  namespaceLabels(namespace: string): Record<string, string> | undefined {
    return this.nsLabels.get(namespace);
  }

  pdbs(): PodDisruptionBudget[] {
    return this.pdbList;
  }

  setNamespace(name: string, labels: Record<string, string> | undefined): void {
    this.nsLabels.set(name, labels ?? {});
  }

  deleteNamespace(name: string): void {
    this.nsLabels.delete(name);
  }

  setPDBs(pdbs: PodDisruptionBudget[]): void {
    this.pdbList = pdbs;
  }

  upsertNode(node: Node): NodeInfo {
    const name = node.metadata?.name ?? '';
    let ni = this.nodes.get(name);
    if (!ni) {
      ni = new NodeInfo(name, node);
      this.nodes.set(name, ni);
      this.listCache = null;
    } else {
      if (!ni.node) this.listCache = null;
      ni.setNode(node);
    }
    return ni;
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni) return;
    // pods may still be bound to a deleted node until garbage-collected; keep counting them without the node
    if (ni.pods.size > 0) ni.node = undefined;
    else this.nodes.delete(name);
    this.listCache = null;
  }

  /** Counts `pod` on `nodeName` (replacing any earlier placement of the same pod). */
  addPod(pod: Pod, nodeName: string): PodInfo {
    const pi = podInfo(pod);
    this.removePod(pi.key);
    let ni = this.nodes.get(nodeName);
    if (!ni) {
      ni = new NodeInfo(nodeName);
      this.nodes.set(nodeName, ni);
    }
    ni.addPod(pi);
    this.podNode.set(pi.key, nodeName);
    return pi;
  }

  removePod(key: string): PodInfo | undefined {
    const nodeName = this.podNode.get(key);
    if (nodeName === undefined) return undefined;
    this.podNode.delete(key);
    const ni = this.nodes.get(nodeName);
    const pi = ni?.removePod(key);
    if (ni && !ni.node && ni.pods.size === 0) this.nodes.delete(nodeName);
    return pi;
  }

  nodeOfPod(key: string): string | undefined {
    return this.podNode.get(key);
  }
}

/** Builds a snapshot from plain objects (tests, bench, one-off decisions). */
export function buildSnapshot(input: SnapshotInput): ClusterSnapshot {
  const s = new ClusterSnapshot();
  for (const n of input.nodes) s.upsertNode(n);
  for (const [node, pods] of input.podsByNode) for (const p of pods) s.addPod(p, node);
  for (const ns of input.namespaces ?? []) s.setNamespace(ns.metadata?.name ?? '', ns.metadata?.labels);
  s.setPDBs(input.pdbs ?? []);
  return s;
}

/** A view of `base` where some nodes are replaced (preemption evaluates pods removed from one node). */
export class OverlaySnapshot implements Snapshot {
  constructor(
    private readonly base: Snapshot,
    private readonly overrides: Map<string, NodeInfo>,
  ) {}
  nodeInfos(): NodeInfo[] {
    return this.base.nodeInfos().map((n) => this.overrides.get(n.name) ?? n);
  }
  get(nodeName: string): NodeInfo | undefined {
    return this.overrides.get(nodeName) ?? this.base.get(nodeName);
  }
  namespaceLabels(ns: string) {
    return this.base.namespaceLabels(ns);
  }
  pdbs() {
    return this.base.pdbs();
  }
}
