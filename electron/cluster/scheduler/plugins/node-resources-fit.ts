// NodeResourcesFit: the pod's requests must fit in allocatable minus what the node's pods already request.
import { unschedulable, type FilterPlugin } from '../types';
import type { NodeInfo } from '../node-info';
import type { PodInfo } from '../pod-info';

export const ERR_TOO_MANY_PODS = 'Too many pods';
export const insufficient = (resource: string): string => `Insufficient ${resource}`;

/** Reasons in upstream's order: pods, cpu, memory, ephemeral-storage, then extended resources. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const out: string[] = [];
  const a = node.allocatable;
  const u = node.requested;
  if (node.pods.size + 1 > a.allowedPodNumber) out.push(ERR_TOO_MANY_PODS);
  const r = pod.requests;
  if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalar.size === 0) return out;
  if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - u.milliCPU) out.push(insufficient('cpu'));
  if (r.memory > 0 && r.memory > a.memory - u.memory) out.push(insufficient('memory'));
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - u.ephemeralStorage) out.push(insufficient('ephemeral-storage'));
  for (const [name, q] of r.scalar) {
    if (q === 0) continue;
    if (q > (a.scalar.get(name) ?? 0) - (u.scalar.get(name) ?? 0)) out.push(insufficient(name));
  }
  return out;
}

export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(_s, pod, node) {
    const reasons = insufficientResources(pod, node);
    return reasons.length ? unschedulable(...reasons) : null;
  },
};
