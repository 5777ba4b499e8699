// batch/v1 Job: defaults, server-generated selector, validation, immutability and the STATUS/DURATION columns.
import type { FieldError } from '../../errors';
import { invalid } from '../../errors';
import type { KindStrategy, ValidationContext } from '../../kind';
import type { KObject } from '../../types';
import { humanDuration } from '../core/age';
import { defaultPodTemplateSpec } from '../core/pod-spec';
import { goInvalid, goLabelSelector, goPodTemplate } from '../go-format';
import {
  age,
  ageCol,
  col,
  containerCells,
  containersCol,
  imagesCol,
  keepSpec,
  keepStatusBumpGeneration,
  nameCol,
  resetStatusAndGeneration,
  wide,
} from '../strategy-helpers';
import { clone, deepEqual } from '../../object';
import { formatLabelSelector } from '../../selectors';
import { validateJobSpec } from './job-spec';

const LEGACY_UID = 'controller-uid';
const LEGACY_NAME = 'job-name';
export const JOB_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
const INT32_MAX = 2147483647;

export function defaultJob(obj: KObject): void {
  const spec = (obj.spec ??= {});
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? INT32_MAX : 6;
  // a Job without labels of its own takes its pod template's
  const tplLabels = spec.template?.metadata?.labels;
  if (tplLabels && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...tplLabels };
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) pattern.status ??= 'True';
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

/**
 * Without manualSelector the API server owns the selector: it keys on the Job's UID and stamps the same labels
 * on the pod template (new and legacy names). Upstream does this during create validation, once the UID exists.
 */
export function generateJobSelector(obj: KObject): void {
  const spec = (obj.spec ??= {});
  if (spec.manualSelector === true) return;
  const uid = obj.metadata.uid;
  if (!uid) return;
  const tpl = (spec.template ??= {});
  const meta = (tpl.metadata ??= {});
  const labels = (meta.labels ??= {});
  labels[LEGACY_UID] ??= uid;
  labels[LEGACY_NAME] ??= obj.metadata.name;
  labels[JOB_UID_LABEL] ??= uid;
  labels[JOB_NAME_LABEL] ??= obj.metadata.name;
  spec.selector ??= { matchLabels: { [JOB_UID_LABEL]: uid } };
}

function validateJob(obj: KObject, ctx: ValidationContext): FieldError[] {
  if (ctx.operation === 'create') generateJobSelector(obj);
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.manualSelector !== true && ctx.operation === 'create' && obj.metadata.uid) {
    const uid = spec.selector?.matchLabels?.[JOB_UID_LABEL] ?? spec.selector?.matchLabels?.[LEGACY_UID];
    if (uid !== obj.metadata.uid) {
      errs.push(goInvalid('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
    }
  }
  errs.push(...validateJobSpec(spec, 'spec'));
  return errs;
}

/** When a suspended Job never started, its pod scheduling directives may still change (KEP-2926). */
function onlySchedulingDirectivesChanged(newTpl: any, oldTpl: any): boolean {
  const strip = (t: any) => {
    const c = clone(t ?? {});
    if (c.metadata) {
      delete c.metadata.labels;
      delete c.metadata.annotations;
    }
    if (c.spec) {
      delete c.spec.nodeSelector;
      delete c.spec.tolerations;
      delete c.spec.affinity;
      delete c.spec.schedulingGates;
    }
    return c;
  };
  return deepEqual(strip(newTpl), strip(oldTpl));
}

function validateJobUpdate(obj: KObject, old: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const prev = old.spec ?? {};
  const errs: FieldError[] = [];
  if (!deepEqual(spec.selector, prev.selector)) errs.push(goInvalid('spec.selector', goLabelSelector(spec.selector), 'field is immutable'));
  if (!deepEqual(spec.template, prev.template)) {
    const neverStarted = prev.suspend === true && old.status?.startTime == null;
    if (!(neverStarted && onlySchedulingDirectivesChanged(spec.template, prev.template))) {
      errs.push(goInvalid('spec.template', goPodTemplate(spec.template), 'field is immutable'));
    }
  }
  if (spec.completionMode !== prev.completionMode) errs.push(invalid('spec.completionMode', spec.completionMode, 'field is immutable'));
  if (spec.completions !== prev.completions) {
    // elastic Indexed Jobs may change completions together with parallelism
    const elastic = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism && prev.completions === prev.parallelism;
    if (!elastic) errs.push(invalid('spec.completions', spec.completions ?? null, 'field is immutable'));
  }
  if (!deepEqual(spec.podFailurePolicy, prev.podFailurePolicy)) errs.push(invalid('spec.podFailurePolicy', undefined, 'field is immutable'));
  if (spec.backoffLimitPerIndex !== prev.backoffLimitPerIndex)
    errs.push(invalid('spec.backoffLimitPerIndex', spec.backoffLimitPerIndex ?? null, 'field is immutable'));
  return errs;
}

const hasCondition = (obj: KObject, type: string): boolean => (obj.status?.conditions ?? []).some((c: any) => c.type === type && c.status === 'True');

export function jobStatusCell(obj: KObject): string {
  if (hasCondition(obj, 'Complete')) return 'Complete';
  if (hasCondition(obj, 'Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(obj, 'Suspended')) return 'Suspended';
  if (hasCondition(obj, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completionsCell(obj: KObject): string {
  const succeeded = obj.status?.succeeded ?? 0;
  const c = obj.spec?.completions;
  if (c != null) return `${succeeded}/${c}`;
  const p = obj.spec?.parallelism ?? 0;
  return p > 1 ? `${succeeded}/1 of ${p}` : `${succeeded}/1`;
}

function durationCell(obj: KObject, now: Date): string {
  const start = obj.status?.startTime;
  if (!start) return '';
  const end = obj.status?.completionTime ? Date.parse(obj.status.completionTime) : now.getTime();
  return humanDuration(end - Date.parse(start));
}

export const jobStrategy: KindStrategy = {
  info: {
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    resource: 'jobs',
    singular: 'job',
    namespaced: true,
    categories: ['all'],
    storagePrefix: 'jobs',
    subresources: { status: true },
  },
  defaults: defaultJob,
  prepareForCreate: (obj) => resetStatusAndGeneration(obj),
  prepareForUpdate: (obj, old) => keepStatusBumpGeneration(obj, old),
  prepareForStatusUpdate: keepSpec,
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  fieldSelectors: { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
  table: {
    columns: [
      nameCol,
      col('Status', 'string', 'Status of the job.'),
      col('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
      col('Duration', 'string', 'Time required to complete the job.'),
      ageCol,
      containersCol,
      imagesCol,
      wide('Selector', 'A label query over pods that should match the pod count.'),
    ],
    row(obj, now) {
      const [names, images] = containerCells(obj.spec?.template?.spec?.containers);
      return [
        obj.metadata.name,
        jobStatusCell(obj),
        completionsCell(obj),
        durationCell(obj, now),
        age(obj, now),
        names,
        images,
        formatLabelSelector(obj.spec?.selector),
      ];
    },
  },
  returnDeletedObject: true,
};
