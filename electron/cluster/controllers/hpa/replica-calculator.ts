// The HPA's arithmetic (upstream podautoscaler ReplicaCalculator and normalizeDesiredReplicasWithBehaviors),
// as pure functions: resource utilization → desired replicas (with tolerance and the unready/missing-metrics
// rebalancing), then stabilization windows, scaling policies and min/max bounds.

export const TOLERANCE = 0.1;

export interface PodSample {
  name: string;
  /** phase Pending or not Ready: its usage is not trusted for scaling up */
  ready: boolean;
  /** being deleted or Failed: left out entirely */
  ignored?: boolean;
  /** sum of the containers' requests of the resource (milli-units); undefined when a container lacks one */
  requestMilli?: number;
  /** usage from the metrics API (milli-units); undefined when the pod has no metrics */
  usageMilli?: number;
}

export interface UtilizationResult {
  replicas: number;
  utilization: number;
  averageMilli: number;
}

export class MetricError extends Error {}

/** desired replicas for a Resource metric with target averageUtilization (percent of request) */
export function replicasForUtilization(
  currentReplicas: number,
  targetUtilization: number,
  pods: PodSample[],
  resource = 'cpu',
  tolerance = TOLERANCE,
): UtilizationResult {
  const live = pods.filter((p) => !p.ignored);
  if (!pods.length) throw new MetricError('no pods returned by selector while calculating replica count');
  const withMetrics = live.filter((p) => p.usageMilli !== undefined);
  const readyWithMetrics = withMetrics.filter((p) => p.ready);
  const unready = live.filter((p) => !p.ready);
  const missing = live.filter((p) => p.ready && p.usageMilli === undefined);
  if (!readyWithMetrics.length) throw new MetricError('did not receive metrics for targeted pods (pods might be unready)');
  for (const p of live) if (p.requestMilli === undefined || p.requestMilli === 0) throw new MetricError(`missing request for ${resource} in pod ${p.name}`);

  const ratio = (samples: { usage: number; request: number }[]) => {
    const usage = samples.reduce((a, s) => a + s.usage, 0);
    const req = samples.reduce((a, s) => a + s.request, 0);
    const utilization = Math.trunc((usage * 100) / req);
    return { utilization, usageRatio: utilization / targetUtilization, average: usage / samples.length };
  };
  const base = readyWithMetrics.map((p) => ({ usage: p.usageMilli!, request: p.requestMilli! }));
  const first = ratio(base);
  const result = (replicas: number): UtilizationResult => ({ replicas, utilization: first.utilization, averageMilli: Math.round(first.average) });
  const scaleUpWithUnready = unready.length > 0 && first.usageRatio > 1;
  if (!scaleUpWithUnready && !missing.length) {
    if (Math.abs(1 - first.usageRatio) <= tolerance) return result(currentReplicas);
    return result(Math.ceil(first.usageRatio * readyWithMetrics.length));
  }
  // be conservative: pods without metrics count as fully used when shrinking and idle when growing; unready ones idle
  const samples = [...base];
  if (missing.length) {
    for (const p of missing) samples.push({ usage: first.usageRatio < 1 ? p.requestMilli! : 0, request: p.requestMilli! });
  }
  if (scaleUpWithUnready) for (const p of unready) samples.push({ usage: 0, request: p.requestMilli! });
  const second = ratio(samples);
  if (Math.abs(1 - second.usageRatio) <= tolerance || (first.usageRatio < 1 && second.usageRatio > 1) || (first.usageRatio > 1 && second.usageRatio < 1)) {
    return result(currentReplicas);
  }
  const next = Math.ceil(second.usageRatio * samples.length);
  if ((second.usageRatio < 1 && next > currentReplicas) || (second.usageRatio > 1 && next < currentReplicas)) return result(currentReplicas);
  return result(next);
}

export interface Policy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}
export interface Rules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: Policy[];
}
export interface Behavior {
  scaleUp?: Rules;
  scaleDown?: Rules;
}
export interface Recommendation {
  at: number;
  replicas: number;
}
export interface ScaleEvent {
  at: number;
  change: number;
}

export const DEFAULT_SCALE_UP: Required<Rules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
export const DEFAULT_SCALE_DOWN: Required<Rules> = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

export interface NormalizeInput {
  current: number;
  desired: number;
  minReplicas: number;
  maxReplicas: number;
  behavior?: Behavior;
  /** earlier unnormalized recommendations of this HPA (the caller records `desired` afterwards) */
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
  now: number;
}

export interface Condition {
  type: 'AbleToScale' | 'ScalingLimited';
  status: 'True' | 'False';
  reason: string;
  message: string;
}
export interface NormalizeResult {
  replicas: number;
  conditions: Condition[];
}

function rules(r: Rules | undefined, d: Required<Rules>): Required<Rules> {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds,
    selectPolicy: r?.selectPolicy ?? d.selectPolicy,
    policies: r?.policies ?? d.policies,
  };
}

export function normalizeReplicas(i: NormalizeInput): NormalizeResult {
  const up = rules(i.behavior?.scaleUp, DEFAULT_SCALE_UP);
  const down = rules(i.behavior?.scaleDown, DEFAULT_SCALE_DOWN);
  const conditions: Condition[] = [];

  // stabilization: never go below the lowest recent recommendation going up, nor above the highest going down
  let upRec = i.desired;
  let downRec = i.desired;
  for (const r of i.recommendations) {
    if (r.at > i.now - up.stabilizationWindowSeconds * 1000) upRec = Math.min(upRec, r.replicas);
    if (r.at > i.now - down.stabilizationWindowSeconds * 1000) downRec = Math.max(downRec, r.replicas);
  }
  let stabilized = i.current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  if (stabilized !== i.desired) {
    conditions.push(
      stabilized > i.desired
        ? {
            type: 'AbleToScale',
            status: 'True',
            reason: 'ScaleDownStabilized',
            message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
          }
        : {
            type: 'AbleToScale',
            status: 'True',
            reason: 'ScaleUpStabilized',
            message: 'recent recommendations were lower than current one, applying the lowest recent recommendation',
          },
    );
  } else {
    conditions.push({ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' });
  }

  let limited = stabilized;
  let limitReason: Condition | undefined;
  if (stabilized > i.current) {
    const limit = scaleUpLimit(i.current, i.scaleUpEvents, up, i.now);
    const max = Math.min(limit, i.maxReplicas);
    if (limit < i.maxReplicas && stabilized > limit) {
      limitReason = {
        type: 'ScalingLimited',
        status: 'True',
        reason: 'ScaleUpLimit',
        message: 'the desired replica count is increasing faster than the maximum scale rate',
      };
    } else if (stabilized > i.maxReplicas) {
      limitReason = {
        type: 'ScalingLimited',
        status: 'True',
        reason: 'TooManyReplicas',
        message: 'the desired replica count is more than the maximum replica count',
      };
    }
    limited = Math.min(stabilized, max);
  } else if (stabilized < i.current) {
    const limit = scaleDownLimit(i.current, i.scaleDownEvents, down, i.now);
    const min = Math.max(limit, i.minReplicas);
    if (limit > i.minReplicas && stabilized < limit) {
      limitReason = {
        type: 'ScalingLimited',
        status: 'True',
        reason: 'ScaleDownLimit',
        message: 'the desired replica count is decreasing faster than the maximum scale rate',
      };
    } else if (stabilized < i.minReplicas) {
      limitReason = {
        type: 'ScalingLimited',
        status: 'True',
        reason: 'TooFewReplicas',
        message: 'the desired replica count is less than the minimum replica count',
      };
    }
    limited = Math.max(stabilized, min);
  } else if (stabilized > i.maxReplicas) {
    limitReason = {
      type: 'ScalingLimited',
      status: 'True',
      reason: 'TooManyReplicas',
      message: 'the desired replica count is more than the maximum replica count',
    };
    limited = i.maxReplicas;
  } else if (stabilized < i.minReplicas) {
    limitReason = {
      type: 'ScalingLimited',
      status: 'True',
      reason: 'TooFewReplicas',
      message: 'the desired replica count is less than the minimum replica count',
    };
    limited = i.minReplicas;
  }
  conditions.push(
    limitReason ?? { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' },
  );
  return { replicas: limited, conditions };
}

function changeInPeriod(events: ScaleEvent[], periodSeconds: number, now: number): number {
  return events.filter((e) => e.at > now - periodSeconds * 1000).reduce((a, e) => a + e.change, 0);
}

function scaleUpLimit(current: number, events: ScaleEvent[], r: Required<Rules>, now: number): number {
  if (r.selectPolicy === 'Disabled') return current;
  let result = r.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of r.policies) {
    const startOfPeriod = current - changeInPeriod(events, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? startOfPeriod + p.value : Math.ceil(startOfPeriod * (1 + p.value / 100));
    result = r.selectPolicy === 'Min' ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return Math.max(result, current);
}

function scaleDownLimit(current: number, events: ScaleEvent[], r: Required<Rules>, now: number): number {
  if (r.selectPolicy === 'Disabled') return current;
  let result = r.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of r.policies) {
    const startOfPeriod = current + changeInPeriod(events, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? startOfPeriod - p.value : Math.ceil(startOfPeriod * (1 - p.value / 100));
    result = r.selectPolicy === 'Min' ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return Math.min(result, current);
}
