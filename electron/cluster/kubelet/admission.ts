// Node-level admission, as the kubelet re-checks a bound pod before running it: node selector/affinity and
// whether the pod's requests fit next to the pods already admitted here.
import type { KObject } from '../api/types';
import { computePodRequests, nodeAllocatable, type Resource } from '../scheduler/resources';
import { podMatchesNodeSelectorAndAffinity } from '../scheduler/node-selector';

export interface Rejection {
  reason: string;
  message: string;
}

export function admitPod(pod: KObject, node: KObject | undefined, admitted: KObject[]): Rejection | undefined {
  if (!node) return undefined;
  if (!podMatchesNodeSelectorAndAffinity(pod as any, node as any)) {
    return { reason: 'NodeAffinity', message: "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" };
  }
  const alloc = nodeAllocatable(node.status);
  const want = computePodRequests(pod as any);
  const used: Resource = { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() };
  for (const p of admitted) {
    const r = computePodRequests(p as any);
    used.milliCPU += r.milliCPU;
    used.memory += r.memory;
    used.ephemeralStorage += r.ephemeralStorage;
    for (const [k, v] of r.scalar) used.scalar.set(k, (used.scalar.get(k) ?? 0) + v);
  }
  const insufficient: { name: string; requested: number; used: number; capacity: number }[] = [];
  if (alloc.allowedPodNumber && admitted.length + 1 > alloc.allowedPodNumber)
    insufficient.push({ name: 'pods', requested: 1, used: admitted.length, capacity: alloc.allowedPodNumber });
  if (want.milliCPU && used.milliCPU + want.milliCPU > alloc.milliCPU)
    insufficient.push({ name: 'cpu', requested: want.milliCPU, used: used.milliCPU, capacity: alloc.milliCPU });
  if (want.memory && used.memory + want.memory > alloc.memory)
    insufficient.push({ name: 'memory', requested: want.memory, used: used.memory, capacity: alloc.memory });
  for (const [k, v] of want.scalar) {
    const cap = alloc.scalar.get(k) ?? 0;
    if (v && (used.scalar.get(k) ?? 0) + v > cap) insufficient.push({ name: k, requested: v, used: used.scalar.get(k) ?? 0, capacity: cap });
  }
  if (!insufficient.length) return undefined;
  const first = insufficient[0];
  return {
    reason: `OutOf${first.name}`,
    message: `Pod was rejected: Node didn't have enough resource: ${first.name}, requested: ${first.requested}, used: ${first.used}, capacity: ${first.capacity}`,
  };
}
