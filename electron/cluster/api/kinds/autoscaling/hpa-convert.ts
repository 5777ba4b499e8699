// autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler. v2 is stored; v1 only knows a CPU utilisation target,
// so (like upstream) everything else v2 carries rides along in annotations on the v1 form and is restored on the way back.
import type { KObject } from '../../types';
import { clone } from '../../object';

const METRICS_ANN = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS_ANN = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS_ANN = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR_ANN = 'autoscaling.alpha.kubernetes.io/behavior';

const isCpuUtilization = (m: any): boolean => m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization';

/** v2 (stored) -> v1 (served). */
export function hpaV2ToV1(obj: KObject): KObject {
  const o = clone(obj);
  const spec = o.spec ?? {};
  const status = o.status ?? {};
  const annotations: Record<string, string> = { ...(o.metadata.annotations ?? {}) };
  const metrics: any[] = spec.metrics ?? [];
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu);
  if (others.length) annotations[METRICS_ANN] = JSON.stringify(others);
  if (spec.behavior) annotations[BEHAVIOR_ANN] = JSON.stringify(spec.behavior);
  const current: any[] = status.currentMetrics ?? [];
  const curCpu = current.find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu');
  const curOthers = current.filter((m) => m !== curCpu);
  if (curOthers.length) annotations[CURRENT_METRICS_ANN] = JSON.stringify(curOthers);
  if ((status.conditions ?? []).length) annotations[CONDITIONS_ANN] = JSON.stringify(status.conditions);
  const v1Spec: any = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas != null) v1Spec.minReplicas = spec.minReplicas;
  if (cpu?.resource?.target?.averageUtilization != null) v1Spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  const v1Status: any = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
  if (status.observedGeneration != null) v1Status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime != null) v1Status.lastScaleTime = status.lastScaleTime;
  if (curCpu?.resource?.current?.averageUtilization != null) v1Status.currentCPUUtilizationPercentage = curCpu.resource.current.averageUtilization;
  const meta = { ...o.metadata };
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v1Spec, status: v1Status };
}

function takeJson(annotations: Record<string, string>, key: string): any[] | any | undefined {
  const raw = annotations[key];
  delete annotations[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** v1 (served) -> v2 (stored). */
export function hpaV1ToV2(obj: KObject): KObject {
  const o = clone(obj);
  const spec = o.spec ?? {};
  const status = o.status ?? {};
  const annotations: Record<string, string> = { ...(o.metadata.annotations ?? {}) };
  const otherMetrics = takeJson(annotations, METRICS_ANN) ?? [];
  const behavior = takeJson(annotations, BEHAVIOR_ANN);
  const curOthers = takeJson(annotations, CURRENT_METRICS_ANN) ?? [];
  const conditions = takeJson(annotations, CONDITIONS_ANN);
  const metrics: any[] = [];
  if (spec.targetCPUUtilizationPercentage != null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  metrics.push(...otherMetrics);
  const v2Spec: any = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas != null) v2Spec.minReplicas = spec.minReplicas;
  if (metrics.length) v2Spec.metrics = metrics;
  if (behavior) v2Spec.behavior = behavior;
  const current: any[] = [];
  if (status.currentCPUUtilizationPercentage != null) {
    current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
  }
  current.push(...curOthers);
  const v2Status: any = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
  if (status.observedGeneration != null) v2Status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime != null) v2Status.lastScaleTime = status.lastScaleTime;
  if (current.length) v2Status.currentMetrics = current;
  if (conditions) v2Status.conditions = conditions;
  const meta = { ...o.metadata };
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v2Spec, status: v2Status };
}
