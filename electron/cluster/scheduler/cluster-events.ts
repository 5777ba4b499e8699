// Which plugins' verdicts a cluster change can flip: decides which unschedulable pods a change moves back.
import type { ClusterEvent } from './queue';
import type { Node, Pod } from './types';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export const NODE_ADD: ClusterEvent = { label: 'NodeAdd' };

/** null when nothing the scheduler looks at changed (heartbeats, conditions). */
export function nodeUpdateEvent(oldNode: Node, node: Node): ClusterEvent | null {
  const plugins = new Set<string>();
  if (!!oldNode.spec?.unschedulable !== !!node.spec?.unschedulable || !same(oldNode.spec?.taints, node.spec?.taints)) {
    for (const p of ['NodeUnschedulable', 'TaintToleration', 'PodTopologySpread']) plugins.add(p);
  }
  if (!same(oldNode.metadata?.labels, node.metadata?.labels)) {
    for (const p of ['NodeAffinity', 'PodTopologySpread', 'InterPodAffinity', 'VolumeBinding']) plugins.add(p);
  }
  if (!same(oldNode.status?.allocatable, node.status?.allocatable)) plugins.add('NodeResourcesFit');
  if (!same(oldNode.status?.images, node.status?.images)) plugins.add('ImageLocality');
  return plugins.size ? { label: 'NodeUpdate', plugins } : null;
}

export const NODE_DELETE: ClusterEvent = { label: 'NodeDelete', plugins: new Set(['PodTopologySpread']) };

export const ASSIGNED_POD_ADD: ClusterEvent = { label: 'AssignedPodAdd', plugins: new Set(['InterPodAffinity', 'PodTopologySpread']) };

/** a bound pod went away (deleted, finished, or a binding was undone): its room is free again */
export const ASSIGNED_POD_DELETE: ClusterEvent = {
  label: 'AssignedPodDelete',
  plugins: new Set(['NodeResourcesFit', 'NodePorts', 'InterPodAffinity', 'PodTopologySpread', 'VolumeBinding', 'VolumeRestrictions']),
};

export function assignedPodUpdateEvent(oldPod: Pod, pod: Pod): ClusterEvent | null {
  return same(oldPod.metadata?.labels, pod.metadata?.labels) ? null : { label: 'AssignedPodUpdate', plugins: ASSIGNED_POD_ADD.plugins };
}

export const NAMESPACE_CHANGE: ClusterEvent = { label: 'NamespaceChange', plugins: new Set(['InterPodAffinity']) };
