// The cluster as it was before the current lab: a KubeLab cluster keeps one snapshot for it (/kubelab/snapshots),
// taken when a lab starts and restored by reset and cleanup, so node taints, labels, cordons, cluster-scoped
// objects and powered-off nodes do not leak into the next lab. Other clusters (any kubeconfig) have no snapshots:
// the engine then falls back to deleting the lab's namespaces.
import type { KubeClient } from './kube-client';

export const LAB_SNAPSHOT = 'kubelab-lab';
const PATH = `/kubelab/snapshots/${LAB_SNAPSHOT}`;

export interface LabSnapshot {
  name: string;
  takenAt: string;
  objects: number;
  labels: Record<string, string>;
}
export interface SnapshotRestore {
  created: number;
  updated: number;
  deleted: number;
  nodesPowered: string[];
  ms: number;
}

/** the current lab snapshot; null when there is none; undefined when the cluster does not keep snapshots */
export async function labSnapshot(kube: KubeClient): Promise<LabSnapshot | null | undefined> {
  const r = await kube.request('GET', '/kubelab/snapshots');
  if (r.status === 404 || r.status === 403) return undefined;
  if (r.status >= 400) throw new Error(`listing the cluster's snapshots: ${r.body?.message ?? `HTTP ${r.status}`}`);
  return (r.body.items as LabSnapshot[]).find((s) => s.name === LAB_SNAPSHOT) ?? null;
}

export async function takeLabSnapshot(kube: KubeClient, lab: string): Promise<LabSnapshot> {
  return kube.json('POST', PATH, { labels: { lab } });
}

export async function restoreLabSnapshot(kube: KubeClient): Promise<SnapshotRestore> {
  return kube.json('POST', `${PATH}/restore`, {});
}

export async function dropLabSnapshot(kube: KubeClient): Promise<void> {
  await kube.json('DELETE', PATH);
}
