// Running the filter chain: PreFilter once per attempt, then Filter per node, stopping at the first rejection.
import type { NodeInfo } from './node-info';
import type { PodInfo } from './pod-info';
import { Code, isRejected, type CycleState, type Profile, type Snapshot, type Status } from './types';

/** Runs every PreFilter; returns the first rejecting status (tagged with its plugin) or null. */
export function runPreFilters(profile: Profile, state: CycleState, pod: PodInfo, snap: Snapshot): Status | null {
  for (const f of profile.filters) {
    if (!f.preFilter) continue;
    const st = f.preFilter(state, pod, snap);
    if (st && st.code !== Code.Success) return { ...st, plugin: f.name };
  }
  return null;
}

/** Filters one node: null when it fits, else the first failing plugin's status. */
export function runFilters(profile: Profile, state: CycleState, pod: PodInfo, node: NodeInfo, snap: Snapshot): Status | null {
  for (const f of profile.filters) {
    const st = f.filter(state, pod, node, snap);
    if (st && (isRejected(st) || st.code === Code.Error)) return { ...st, plugin: f.name };
  }
  return null;
}

/**
 * Pods nominated to this node with at least our priority have a claim on its room, so the node must fit us
 * with them added; upstream also requires a fit without them (affinity to a nominated pod must not count).
 */
export function runFiltersWithNominated(profile: Profile, state: CycleState, pod: PodInfo, node: NodeInfo, snap: Snapshot): Status | null {
  const nominated = (snap.nominatedPods?.(node.name) ?? []).filter((n) => n.key !== pod.key && n.priority >= pod.priority);
  if (nominated.length) {
    const withNominated = node.clone();
    for (const n of nominated) withNominated.addPod(n);
    const st = runFilters(profile, state, pod, withNominated, snap);
    if (st) return st;
  }
  return runFilters(profile, state, pod, node, snap);
}
