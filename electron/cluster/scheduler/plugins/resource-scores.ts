// NodeResourcesFit's LeastAllocated scoring and NodeResourcesBalancedAllocation (both over cpu and memory, weight 1 each).
import { MAX_NODE_SCORE, type ScorePlugin } from '../types';
import type { NodeInfo } from '../node-info';
import type { PodInfo } from '../pod-info';

function leastAllocated(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = leastAllocated(node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU, node.allocatable.milliCPU);
  const mem = leastAllocated(node.nonZeroRequested.memory + pod.nonZeroRequests.memory, node.allocatable.memory);
  return Math.trunc((cpu + mem) / 2);
}

export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const frac = (req: number, cap: number) => (cap === 0 ? 0 : Math.min(1, req / cap));
  const cpu = frac(node.requested.milliCPU + pod.requests.milliCPU, node.allocatable.milliCPU);
  const mem = frac(node.requested.memory + pod.requests.memory, node.allocatable.memory);
  // with two resources the standard deviation is half their difference
  const std = Math.abs(cpu - mem) / 2;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const nodeResourcesFitScore: ScorePlugin = {
  name: 'NodeResourcesFit',
  score: (_s, pod, node) => leastAllocatedScore(pod, node),
};

export const balancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  score: (_s, pod, node) => balancedAllocationScore(pod, node),
};
