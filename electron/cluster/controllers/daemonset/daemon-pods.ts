// What makes a node eligible for a daemon pod and how the pod is pinned to it (upstream pkg/controller/daemon/util
// and NodeShouldRunDaemonPod): default tolerations, nodeSelector/affinity, taints, and a metadata.name node affinity.
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import { clone } from '../../api/object';
import { podMatchesNodeSelectorAndAffinity } from '../../scheduler/node-selector';
import { firstUntolerated } from '../../scheduler/tolerations';
import type { Node } from '../../scheduler/types';

export const HASH_LABEL = 'controller-revision-hash';
export const GENERATION_LABEL = 'pod-template-generation';

/** tolerations every daemon pod gets, so node conditions never evict or block it */
export function withDaemonTolerations(spec: { tolerations?: Toleration[]; hostNetwork?: boolean }): void {
  const add: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) add.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const tols = [...(spec.tolerations ?? [])];
  for (const t of add) {
    const i = tols.findIndex((x) => x.key === t.key && x.effect === t.effect);
    if (i >= 0) tols[i] = t;
    else tols.push(t);
  }
  spec.tolerations = tols;
}

/** the pod template a DaemonSet creates pods from: tolerations plus revision labels */
export function daemonPodTemplate(ds: KObject, hash: string): KObject {
  const t = clone(ds.spec?.template ?? {});
  t.metadata ??= {};
  t.metadata.labels = { ...(t.metadata.labels ?? {}), [GENERATION_LABEL]: String(ds.metadata.generation ?? 1), [HASH_LABEL]: hash };
  t.spec ??= {};
  withDaemonTolerations(t.spec);
  return t;
}

/** pins a pod to one node by a required metadata.name affinity term, replacing other required terms */
export function pinToNode(spec: KObject['spec'], nodeName: string): void {
  const affinity = (spec.affinity ??= {});
  const na = (affinity.nodeAffinity ??= {});
  na.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
}

/** the node a daemon pod is for: its nodeName, or the node its metadata.name affinity names */
export function targetNode(pod: KObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** whether a daemon pod should be started on the node, and whether an existing one may keep running */
export function nodeShouldRunDaemonPod(node: KObject, ds: KObject): { shouldRun: boolean; shouldContinue: boolean } {
  const spec = clone(ds.spec?.template?.spec ?? {});
  withDaemonTolerations(spec);
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinue: false };
  if (!podMatchesNodeSelectorAndAffinity({ spec } as Pod, node as Node)) return { shouldRun: false, shouldContinue: false };
  const taints = (node.spec?.taints ?? []) as Taint[];
  if (firstUntolerated(taints, spec.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
    return { shouldRun: false, shouldContinue: !firstUntolerated(taints, spec.tolerations, (t) => t.effect === 'NoExecute') };
  }
  return { shouldRun: true, shouldContinue: true };
}
