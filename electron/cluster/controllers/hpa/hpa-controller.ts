// The HorizontalPodAutoscaler controller (autoscaling/v2): every 15 s it reads the target's scale subresource,
// the pods' usage from the resource metrics API (metrics.k8s.io/v1beta1 PodMetrics) and rescales the target.
// Without a metrics API it reports ScalingActive=False / FailedGetResourceMetric, as upstream does.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { GVR, KObject } from '../../api/types';
import { quantityMilli, formatMilli } from '../../api/quantity';
import { WorkQueue } from '../workqueue';
import { EventRecorder } from '../../client/event-recorder';
import { isStatus } from '../../client/errors';
import { rfc3339 } from '../../api/time';
import { MetricError, normalizeReplicas, replicasForUtilization, type PodSample, type Recommendation, type ScaleEvent } from './replica-calculator';

export const METRICS_PODS: GVR = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' };
const SYNC_PERIOD_MS = 15_000;

export interface HpaOptions {
  resolve(apiVersion: string, kind: string): GVR | undefined;
  now?: () => Date;
  syncPeriodMs?: number;
}

interface History {
  recommendations: Recommendation[];
  up: ScaleEvent[];
  down: ScaleEvent[];
}

function podReady(p: KObject): boolean {
  return (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

function requestMilli(pod: KObject, resource: string, container?: string): number | undefined {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    if (container && c.name !== container) continue;
    const v = c.resources?.requests?.[resource];
    if (v === undefined) return undefined;
    total += quantityMilli(v);
  }
  return total;
}

function metricsError(err: unknown): string {
  if (isStatus(err, 404)) return 'the server could not find the requested resource (get pods.metrics.k8s.io)';
  return (err as Error).message;
}

export function startHpaController(client: Client, informers: InformerFactory, opts: HpaOptions): { stop(): void } {
  const now = opts.now ?? (() => new Date());
  const hpas = informers.informer(R.horizontalpodautoscalers);
  const recorder = new EventRecorder(client, { component: 'horizontal-pod-autoscaler', now });
  const history = new Map<string, History>();
  const queue = new WorkQueue((key) => sync(key), { workers: 2, name: 'hpa' });
  hpas.onAdd((h) => queue.add(objectKey(h)));
  hpas.onUpdate((a, h) => {
    if (a.metadata.generation !== h.metadata.generation) queue.add(objectKey(h));
  });
  hpas.onDelete((h) => history.delete(objectKey(h)));
  const timer = setInterval(() => {
    for (const h of hpas.list()) queue.add(objectKey(h));
  }, opts.syncPeriodMs ?? SYNC_PERIOD_MS);
  timer.unref();

  async function sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    let hpa: KObject;
    try {
      hpa = await client.get(R.horizontalpodautoscalers, ns, name);
    } catch (err) {
      if (isStatus(err, 404)) return;
      throw err;
    }
    const t = now();
    const ts = rfc3339(t);
    const spec = hpa.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    const status: any = { ...(hpa.status ?? {}), observedGeneration: hpa.metadata.generation };
    const conds = new Map<string, any>((hpa.status?.conditions ?? []).map((c: any) => [c.type, c]));
    const setCond = (type: string, st: string, reason: string, message: string) => {
      const prev = conds.get(type);
      conds.set(type, { type, status: st, lastTransitionTime: prev && prev.status === st ? prev.lastTransitionTime : ts, reason, message });
    };
    const write = async () => {
      status.conditions = ['AbleToScale', 'ScalingActive', 'ScalingLimited'].map((x) => conds.get(x)).filter(Boolean);
      if (JSON.stringify(status) === JSON.stringify(hpa.status ?? {})) return;
      await client.updateStatus(R.horizontalpodautoscalers, ns, { ...hpa, status });
    };

    const gvr = opts.resolve(ref.apiVersion ?? '', ref.kind ?? '');
    let scale: KObject;
    try {
      if (!gvr) throw new Error(`no matches for kind "${ref.kind}" in group "${(ref.apiVersion ?? '').split('/').slice(0, -1).join('/')}"`);
      scale = await client.get(gvr, ns, ref.name, 'scale');
    } catch (err) {
      const msg = `the HPA controller was unable to get the target's current scale: ${(err as Error).message}`;
      recorder.event(hpa, 'Warning', 'FailedGetScale', (err as Error).message);
      setCond('AbleToScale', 'False', 'FailedGetScale', msg);
      await write();
      return;
    }
    const current: number = scale.spec?.replicas ?? 0;
    status.currentReplicas = scale.status?.replicas ?? current;
    const minReplicas: number = spec.minReplicas ?? 1;
    const maxReplicas: number = spec.maxReplicas ?? 1;
    if (current === 0 && minReplicas !== 0) {
      status.desiredReplicas = 0;
      setCond('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
      setCond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
      await write();
      return;
    }

    // ---- metrics ----
    let desired = 0;
    let reasonText = '';
    const currentMetrics: any[] = [];
    const errors: string[] = [];
    let failReason = '';
    const selector: string = scale.status?.selector ?? '';
    for (const m of spec.metrics ?? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]) {
      if (m.type !== 'Resource' && m.type !== 'ContainerResource') {
        errors.push(`unable to get metric for ${m.type} metrics: no custom/external metrics API is served`);
        failReason = failReason || (m.type === 'Pods' ? 'FailedGetPodsMetric' : m.type === 'Object' ? 'FailedGetObjectMetric' : 'FailedGetExternalMetric');
        continue;
      }
      const r = m.resource ?? m.containerResource;
      const resName: string = r.name;
      const container: string | undefined = m.containerResource?.container;
      const label = `${resName} resource${r.target?.type === 'Utilization' ? ' utilization (percentage of request)' : ''}`;
      let usage: Map<string, number>;
      try {
        const list = await client.list(METRICS_PODS, ns, { labelSelector: selector });
        usage = new Map(
          list.items.map((pm: any) => [
            pm.metadata.name,
            (pm.containers ?? [])
              .filter((c: any) => !container || c.name === container)
              .reduce((a: number, c: any) => a + quantityMilli(c.usage?.[resName] ?? '0'), 0),
          ]),
        );
      } catch (err) {
        const inner = `failed to get ${resName} utilization: unable to get metrics for resource ${resName}: unable to fetch metrics from resource metrics API: ${metricsError(err)}`;
        recorder.event(hpa, 'Warning', 'FailedGetResourceMetric', inner);
        errors.push(`failed to get ${resName} resource metric value: ${inner}`);
        failReason = failReason || 'FailedGetResourceMetric';
        continue;
      }
      const pods = (await client.list(R.pods, ns, { labelSelector: selector })).items;
      const samples: PodSample[] = pods.map((p) => ({
        name: p.metadata.name!,
        ready: p.status?.phase !== 'Pending' && podReady(p),
        ignored: !!p.metadata.deletionTimestamp || p.status?.phase === 'Failed',
        requestMilli: requestMilli(p, resName, container),
        usageMilli: usage.get(p.metadata.name!),
      }));
      try {
        if (r.target?.type === 'Utilization') {
          const res = replicasForUtilization(current, r.target.averageUtilization, samples, resName);
          currentMetrics.push({
            type: m.type,
            [m.type === 'Resource' ? 'resource' : 'containerResource']: {
              name: resName,
              ...(container ? { container } : {}),
              current: { averageUtilization: res.utilization, averageValue: formatMilli(res.averageMilli) },
            },
          });
          if (res.replicas > desired) {
            desired = res.replicas;
            reasonText = `${label} ${res.replicas > current ? 'above' : 'below'} target`;
          }
        } else {
          // AverageValue: usage per pod against the target quantity
          const withUsage = samples.filter((s) => !s.ignored && s.usageMilli !== undefined);
          if (!withUsage.length) throw new MetricError('did not receive metrics for targeted pods (pods might be unready)');
          const avg = withUsage.reduce((a, s) => a + s.usageMilli!, 0) / withUsage.length;
          const ratio = avg / quantityMilli(r.target.averageValue);
          const replicas = Math.abs(1 - ratio) <= 0.1 ? current : Math.ceil(ratio * withUsage.length);
          currentMetrics.push({
            type: m.type,
            [m.type === 'Resource' ? 'resource' : 'containerResource']: { name: resName, current: { averageValue: formatMilli(Math.round(avg)) } },
          });
          if (replicas > desired) {
            desired = replicas;
            reasonText = `${label} ${replicas > current ? 'above' : 'below'} target`;
          }
        }
      } catch (err) {
        errors.push(`failed to get ${resName} resource metric value: failed to get ${resName} utilization: ${(err as Error).message}`);
        failReason = failReason || 'FailedGetResourceMetric';
      }
    }
    if (currentMetrics.length) status.currentMetrics = currentMetrics;
    else delete status.currentMetrics;
    setCond('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    if (errors.length && !currentMetrics.length) {
      const total = (spec.metrics ?? [1]).length;
      recorder.event(
        hpa,
        'Warning',
        'FailedComputeMetricsReplicas',
        `invalid metrics (${errors.length} invalid out of ${total}), first error is: ${errors[0]}`,
      );
      setCond(
        'ScalingActive',
        'False',
        failReason,
        `the HPA was unable to compute the replica count: ${errors[0].replace(/^failed to get \S+ resource metric value: /, '')}`,
      );
      status.desiredReplicas = status.desiredReplicas ?? current;
      await write();
      return;
    }
    setCond(
      'ScalingActive',
      'True',
      'ValidMetricFound',
      `the HPA was able to successfully calculate a replica count from ${reasonText.replace(/ (above|below) target$/, '')}`,
    );

    const h = history.get(key) ?? { recommendations: [], up: [], down: [] };
    history.set(key, h);
    const tms = t.getTime();
    const norm = normalizeReplicas({
      current,
      desired,
      minReplicas,
      maxReplicas,
      behavior: spec.behavior,
      recommendations: h.recommendations,
      scaleUpEvents: h.up,
      scaleDownEvents: h.down,
      now: tms,
    });
    h.recommendations = [...h.recommendations.filter((r) => r.at > tms - 3600_000), { at: tms, replicas: desired }];
    for (const c of norm.conditions) setCond(c.type, c.status, c.reason, c.message);
    status.desiredReplicas = norm.replicas;
    if (norm.replicas !== current) {
      try {
        // an update of the Scale read above, as upstream's scale client does (the controller's role grants get and
        // update on */scale, not patch); a conflict means the target moved meanwhile and the next sync retries
        await client.update(gvr!, ns, { ...scale, spec: { ...scale.spec, replicas: norm.replicas } }, { subresource: 'scale' });
      } catch (err) {
        setCond('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${(err as Error).message}`);
        recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${norm.replicas}; reason: ${reasonText}; error: ${(err as Error).message}`);
        await write();
        return;
      }
      (norm.replicas > current ? h.up : h.down).push({ at: tms, change: Math.abs(norm.replicas - current) });
      h.up = h.up.filter((e) => e.at > tms - 3600_000);
      h.down = h.down.filter((e) => e.at > tms - 3600_000);
      setCond('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${norm.replicas}`);
      recorder.event(
        hpa,
        'Normal',
        'SuccessfulRescale',
        `New size: ${norm.replicas}; reason: ${norm.replicas > current ? reasonText : 'All metrics below target'}`,
      );
      status.lastScaleTime = ts;
    }
    await write();
  }

  return {
    stop: () => {
      clearInterval(timer);
      queue.stop();
    },
  };
}
