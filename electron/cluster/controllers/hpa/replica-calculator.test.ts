import { describe, expect, it } from 'vitest';
import { normalizeReplicas, replicasForUtilization, MetricError, type PodSample } from './replica-calculator';

const pods = (usages: (number | undefined)[], request = 100, ready = true): PodSample[] =>
  usages.map((u, i) => ({ name: `p${i}`, ready, requestMilli: request, usageMilli: u }));

describe('replicasForUtilization', () => {
  it('scales up by the usage ratio', () => {
    // 2 pods at 100% of request, target 50% → 4
    expect(replicasForUtilization(2, 50, pods([100, 100]))).toEqual({ replicas: 4, utilization: 100, averageMilli: 100 });
  });
  it('stays put within the 10% tolerance', () => {
    expect(replicasForUtilization(3, 50, pods([54, 52, 50])).replicas).toBe(3);
  });
  it('scales down when below target', () => {
    expect(replicasForUtilization(4, 50, pods([10, 10, 10, 10])).replicas).toBe(1);
  });
  it('treats missing metrics conservatively', () => {
    // scaling down: the pod without metrics counts as 100% → no scale down beyond what the rest justify
    expect(replicasForUtilization(3, 50, pods([20, 20, undefined])).replicas).toBe(3);
    // scaling up: it counts as 0%
    expect(replicasForUtilization(3, 50, pods([100, 100, undefined])).replicas).toBe(4);
  });
  it('does not count unready pods when scaling up', () => {
    const s = [...pods([100, 100]), { name: 'new', ready: false, requestMilli: 100 }];
    expect(replicasForUtilization(3, 50, s).replicas).toBe(4);
  });
  it('fails without requests or metrics', () => {
    expect(() => replicasForUtilization(1, 50, [{ name: 'a', ready: true, usageMilli: 5 }])).toThrow(/missing request for cpu/);
    expect(() => replicasForUtilization(1, 50, pods([undefined]))).toThrow(MetricError);
  });
});

describe('normalizeReplicas', () => {
  const base = { minReplicas: 1, maxReplicas: 10, recommendations: [], scaleUpEvents: [], scaleDownEvents: [], now: 1_000_000 };
  it('clamps to maxReplicas with TooManyReplicas', () => {
    const r = normalizeReplicas({ ...base, current: 8, desired: 12 });
    expect(r.replicas).toBe(10);
    expect(r.conditions.find((c) => c.type === 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
  });
  it('limits scale-up rate to max(4 pods, 100%) per 15 s', () => {
    const r = normalizeReplicas({ ...base, maxReplicas: 100, current: 2, desired: 20 });
    expect(r.replicas).toBe(6);
    expect(r.conditions.find((c) => c.type === 'ScalingLimited')).toMatchObject({ reason: 'ScaleUpLimit' });
  });
  it('keeps the highest recommendation of the last 5 minutes when scaling down', () => {
    const r = normalizeReplicas({ ...base, current: 5, desired: 2, recommendations: [{ at: base.now - 60_000, replicas: 5 }] });
    expect(r.replicas).toBe(5);
    expect(r.conditions.find((c) => c.type === 'AbleToScale')).toMatchObject({ reason: 'ScaleDownStabilized' });
    const later = normalizeReplicas({ ...base, current: 5, desired: 2, recommendations: [{ at: base.now - 301_000, replicas: 5 }] });
    expect(later.replicas).toBe(2);
  });
  it('reports DesiredWithinRange otherwise', () => {
    const r = normalizeReplicas({ ...base, current: 3, desired: 4 });
    expect(r.replicas).toBe(4);
    expect(r.conditions.find((c) => c.type === 'ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
  });
});
