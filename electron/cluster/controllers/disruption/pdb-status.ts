// PodDisruptionBudget arithmetic (upstream disruption controller): expected pods from the owning controllers'
// scale, desired healthy from minAvailable / maxUnavailable (int or percent, rounded up), and disruptionsAllowed.
import type { KObject } from '../../api/types';
import { isPodReady } from '../replicaset/pod-helpers';

export function scaledValue(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
  return Math.ceil((parseInt(m[1], 10) * total) / 100);
}

export interface PdbCounts {
  expectedPods: number;
  desiredHealthy: number;
  currentHealthy: number;
  disruptionsAllowed: number;
}

/**
 * @param pods pods selected by the PDB
 * @param scaleOf total replicas of the controllers of those pods (needed for percentages and maxUnavailable)
 * @param disrupted pod names the eviction API has just disrupted (not counted as healthy)
 */
export function computePdbCounts(pdb: KObject, pods: KObject[], scaleOf: () => number, disrupted: Set<string> = new Set()): PdbCounts {
  const spec = pdb.spec ?? {};
  let expectedPods: number;
  let desiredHealthy: number;
  if (spec.maxUnavailable != null) {
    expectedPods = scaleOf();
    desiredHealthy = Math.max(0, expectedPods - scaledValue(spec.maxUnavailable, expectedPods));
  } else if (typeof spec.minAvailable === 'number') {
    expectedPods = pods.length;
    desiredHealthy = spec.minAvailable;
  } else if (typeof spec.minAvailable === 'string') {
    expectedPods = scaleOf();
    desiredHealthy = scaledValue(spec.minAvailable, expectedPods);
  } else {
    expectedPods = pods.length;
    desiredHealthy = 0;
  }
  const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p) && !disrupted.has(p.metadata.name!)).length;
  // nothing may be disrupted when no pods are expected at all
  const disruptionsAllowed = expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
  return { expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed };
}
