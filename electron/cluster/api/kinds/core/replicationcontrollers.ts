// ReplicationControllers: the original workload, selector defaulted from the template labels; +scale.
import { type FieldError, forbidden, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import { bumpGenerationOnSpecChange, setInitialGeneration } from './generation';
import type { KObject } from '../../types';
import { validateLabels } from '../../validation/meta';
import { translateTimestampSince } from './age';
import { ageColumn, col, nameColumn } from './format';
import { formatLabels } from '../../selectors';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from './pod-spec';

function validateRCSpec(spec: any): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof spec.minReadySeconds === 'number' && spec.minReadySeconds < 0)
    errs.push(invalid('spec.minReadySeconds', spec.minReadySeconds, 'must be greater than or equal to 0'));
  const selector: Record<string, string> = spec.selector ?? {};
  if (Object.keys(selector).length === 0) errs.push(required('spec.selector'));
  else errs.push(...validateLabels(selector, 'spec.selector'));
  if (typeof spec.replicas === 'number' && spec.replicas < 0) errs.push(invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  const tpl = spec.template;
  if (!tpl) return [...errs, required('spec.template')];
  const labels: Record<string, string> = tpl.metadata?.labels ?? {};
  if (Object.keys(selector).length && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    errs.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(tpl, 'spec.template'));
  const rp = tpl.spec?.restartPolicy;
  if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp ?? '', ['Always']));
  if (tpl.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

export const replicationcontrollers: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'ReplicationController',
    resource: 'replicationcontrollers',
    singular: 'replicationcontroller',
    namespaced: true,
    shortNames: ['rc'],
    categories: ['all'],
    subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
  },
  defaults(obj: KObject) {
    const spec = (obj.spec ??= {});
    const tplLabels = spec.template?.metadata?.labels;
    if (tplLabels && Object.keys(tplLabels).length) {
      if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...tplLabels };
      if (!obj.metadata.labels || Object.keys(obj.metadata.labels).length === 0) obj.metadata.labels = { ...tplLabels };
    }
    spec.replicas ??= 1;
    if (spec.template) defaultPodTemplateSpec(spec.template);
  },
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
    setInitialGeneration(obj);
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
    bumpGenerationOnSpecChange(obj, old);
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
  },
  validate: (obj) => validateRCSpec(obj.spec ?? {}),
  validateStatusUpdate(obj) {
    const errs: FieldError[] = [];
    for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) {
      const v = obj.status?.[f];
      if (typeof v === 'number' && v < 0) errs.push(invalid(`status.${f}`, v, 'must be greater than or equal to 0'));
    }
    return errs;
  },
  table: {
    columns: [
      nameColumn(),
      col('Desired', 'integer', 0, 'Replicas is the number of desired replicas.'),
      col('Current', 'integer', 0, 'Replicas is the most recently observed number of replicas.'),
      col('Ready', 'integer', 0, 'The number of ready replicas for this replication controller.'),
      ageColumn(),
      col('Containers', 'string', 1, 'Names of each container in the template.'),
      col('Images', 'string', 1, 'Images referenced by each container in the template.'),
      col('Selector', 'string', 1, 'Selector is a label query over pods that should match the Replicas count.'),
    ],
    row(rc, now) {
      const containers: any[] = rc.spec?.template?.spec?.containers ?? [];
      return [
        rc.metadata.name,
        rc.spec?.replicas ?? 0,
        rc.status?.replicas ?? 0,
        rc.status?.readyReplicas ?? 0,
        translateTimestampSince(rc.metadata.creationTimestamp, now),
        containers.map((c) => c.name).join(','),
        containers.map((c) => c.image).join(','),
        formatLabels(rc.spec?.selector),
      ];
    },
  },
  fieldSelectors: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
};
