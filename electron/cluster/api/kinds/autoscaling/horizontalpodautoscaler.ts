// autoscaling/v2 HorizontalPodAutoscaler (the storage version), with autoscaling/v1 served beside it.
import type { FieldError } from '../../errors';
import { invalid, notSupported, required } from '../../errors';
import type { KindStrategy, TableSpec } from '../../kind';
import type { KObject } from '../../types';
import { canonicalQuantity } from '../../quantity';
import { age, ageCol, col, keepSpec, nameCol, resetStatusAndGeneration } from '../strategy-helpers';
import { hpaV1ToV2, hpaV2ToV1 } from './hpa-convert';

const DEFAULT_CPU_UTILIZATION = 80;
const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

function defaultScalingRules(rules: any, up: boolean): any {
  const r = rules ?? {};
  if (up) {
    r.stabilizationWindowSeconds ??= 0;
    r.selectPolicy ??= 'Max';
    r.policies ??= [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ];
  } else {
    r.stabilizationWindowSeconds ??= 300;
    r.selectPolicy ??= 'Max';
    r.policies ??= [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  }
  return r;
}

export function defaultHpa(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  // behaviour is only filled in when the user asked for some of it
  if (spec.behavior) {
    spec.behavior.scaleUp = defaultScalingRules(spec.behavior.scaleUp, true);
    spec.behavior.scaleDown = defaultScalingRules(spec.behavior.scaleDown, false);
  }
}

function validateHpa(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  const ref = spec.scaleTargetRef ?? {};
  if (!ref.kind) errs.push(required('spec.scaleTargetRef.kind', ''));
  if (!ref.name) errs.push(required('spec.scaleTargetRef.name', ''));
  if (spec.minReplicas != null && spec.minReplicas < 1) errs.push(invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'));
  if ((spec.maxReplicas ?? 0) < 1) errs.push(invalid('spec.maxReplicas', spec.maxReplicas ?? 0, 'must be greater than 0'));
  else if (spec.minReplicas != null && spec.maxReplicas < spec.minReplicas) {
    errs.push(invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  }
  (spec.metrics ?? []).forEach((m: any, i: number) => {
    const p = `spec.metrics[${i}]`;
    if (!m?.type) {
      errs.push(required(`${p}.type`, 'must specify a metric source type'));
      return;
    }
    if (!METRIC_TYPES.includes(m.type)) {
      errs.push(notSupported(`${p}.type`, m.type, METRIC_TYPES));
      return;
    }
    const key = m.type.charAt(0).toLowerCase() + m.type.slice(1);
    if (!m[key]) errs.push(required(`${p}.${key}`, `must populate information for the given metric source`));
    const target = m[key]?.target;
    if (m[key] && !target) errs.push(required(`${p}.${key}.target`, 'must specify a metric target'));
    if (target?.averageUtilization != null && target.averageUtilization < 1) {
      errs.push(invalid(`${p}.${key}.target.averageUtilization`, target.averageUtilization, 'must be greater than 0'));
    }
  });
  return errs;
}

function metricTarget(spec: any): string {
  return spec?.target?.averageValue != null
    ? canonicalQuantity(spec.target.averageValue)
    : spec?.target?.value != null
      ? canonicalQuantity(spec.target.value)
      : '';
}

/** The TARGETS cell: up to two metrics as "current/target", "<unknown>" until the controller measured them. */
export function formatHpaMetrics(specs: any[] | undefined, statuses: any[] | undefined): string {
  const list: string[] = [];
  const all = specs ?? [];
  if (!all.length) return '<none>';
  all.forEach((m, i) => {
    const st = statuses?.[i];
    switch (m?.type) {
      case 'Resource':
      case 'ContainerResource': {
        const key = m.type === 'Resource' ? 'resource' : 'containerResource';
        const src = m[key] ?? {};
        const cur = st?.[key]?.current;
        if (src.target?.averageValue != null) {
          list.push(
            `${src.name}: ${cur?.averageValue != null ? canonicalQuantity(cur.averageValue) : '<unknown>'}/${canonicalQuantity(src.target.averageValue)}`,
          );
        } else {
          const current = cur?.averageUtilization != null ? `${cur.averageUtilization}%` : '<unknown>';
          const target = src.target?.averageUtilization != null ? `${src.target.averageUtilization}%` : '<auto>';
          list.push(`${src.name}: ${current}/${target}`);
        }
        break;
      }
      case 'Pods': {
        const cur = st?.pods?.current?.averageValue;
        list.push(`${cur != null ? canonicalQuantity(cur) : '<unknown>'}/${metricTarget(m.pods)}`);
        break;
      }
      case 'Object':
      case 'External': {
        const key = m.type === 'Object' ? 'object' : 'external';
        const src = m[key] ?? {};
        const cur = st?.[key]?.current;
        if (src.target?.averageValue != null) {
          list.push(`${cur?.averageValue != null ? canonicalQuantity(cur.averageValue) : '<unknown>'}/${canonicalQuantity(src.target.averageValue)} (avg)`);
        } else {
          list.push(`${cur?.value != null ? canonicalQuantity(cur.value) : '<unknown>'}/${metricTarget(src)}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
  });
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

export const hpaTable: TableSpec = {
  columns: [
    nameCol,
    col(
      'Reference',
      'string',
      'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
    ),
    col(
      'Targets',
      'string',
      'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond.',
    ),
    col('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. It defaults to 1 pod.'),
    col(
      'MaxPods',
      'string',
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.',
    ),
    col('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    ageCol,
  ],
  // rows come in either served form; v1 objects are read through their v2 equivalent
  row: (o, now) => hpaRow(o.apiVersion === 'autoscaling/v1' ? hpaV1ToV2(o) : o, now),
};

function hpaRow(obj: KObject, now: Date): unknown[] {
  return [
    obj.metadata.name,
    `${obj.spec?.scaleTargetRef?.kind ?? ''}/${obj.spec?.scaleTargetRef?.name ?? ''}`,
    formatHpaMetrics(obj.spec?.metrics, obj.status?.currentMetrics),
    obj.spec?.minReplicas != null ? String(obj.spec.minReplicas) : '<unset>',
    obj.spec?.maxReplicas ?? 0,
    obj.status?.currentReplicas ?? 0,
    age(obj, now),
  ];
}

export const horizontalPodAutoscalerStrategy: KindStrategy = {
  info: {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    resource: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    storagePrefix: 'horizontalpodautoscalers',
    subresources: { status: true },
  },
  defaults: defaultHpa,
  prepareForCreate: (obj) => resetStatusAndGeneration(obj, { currentReplicas: 0, desiredReplicas: 0 }),
  prepareForUpdate: (obj, old) => {
    if (old.status === undefined) delete obj.status;
    else obj.status = old.status;
  },
  prepareForStatusUpdate: keepSpec,
  validate: validateHpa,
  table: hpaTable,
  alsoServed: [{ version: 'v1', toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1, table: hpaTable }],
};
