// apps/v1 Deployment: defaults, validation and columns as kube-apiserver v1.33 has them.
import type { FieldError } from '../../errors';
import { forbidden, invalid, notSupported } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { defaultPodTemplateSpec } from '../core/pod-spec';
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
  nonNegative,
  resetStatusAndGeneration,
  wide,
} from '../strategy-helpers';
import { selectorString } from '../../selectors';
import { selectorImmutable, validateRollingParams, validateTemplateForController, validateWorkloadSelector } from './workload-validation';

export function defaultDeployment(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

export function validateDeploymentSpec(spec: any, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.replicas, `${path}.replicas`));
  errs.push(...validateWorkloadSelector(spec.selector, `${path}.selector`, 'deployment'));
  errs.push(...validateTemplateForController(spec.template, spec.selector, `${path}.template`));
  const st = spec.strategy ?? {};
  if (st.type !== 'Recreate' && st.type !== 'RollingUpdate') {
    errs.push(notSupported(`${path}.strategy.type`, st.type ?? '', ['Recreate', 'RollingUpdate']));
  } else if (st.type === 'Recreate' && st.rollingUpdate) {
    errs.push(forbidden(`${path}.strategy.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"));
  } else if (st.type === 'RollingUpdate') {
    errs.push(...validateRollingParams(st.rollingUpdate, `${path}.strategy.rollingUpdate`));
  }
  errs.push(...nonNegative(spec.minReadySeconds, `${path}.minReadySeconds`));
  errs.push(...nonNegative(spec.revisionHistoryLimit, `${path}.revisionHistoryLimit`));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, `${path}.progressDeadlineSeconds`));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalid(`${path}.progressDeadlineSeconds`, spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export const deploymentStrategy: KindStrategy = {
  info: {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    resource: 'deployments',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    storagePrefix: 'deployments',
    subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
  },
  defaults: defaultDeployment,
  prepareForCreate: (obj) => resetStatusAndGeneration(obj),
  // annotations bump the generation too: the controller copies them onto the ReplicaSets.
  prepareForUpdate: (obj, old) => keepStatusBumpGeneration(obj, old, (o) => o.metadata.annotations ?? {}),
  prepareForStatusUpdate: keepSpec,
  validate: (obj) => validateDeploymentSpec(obj.spec ?? {}),
  validateUpdate: (obj, old) => selectorImmutable(obj, old),
  table: {
    columns: [
      nameCol,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      ageCol,
      containersCol,
      imagesCol,
      wide('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
    ],
    row(obj, now) {
      const st = obj.status ?? {};
      const [names, images] = containerCells(obj.spec?.template?.spec?.containers);
      return [
        obj.metadata.name,
        `${st.readyReplicas ?? 0}/${obj.spec?.replicas ?? 0}`,
        st.updatedReplicas ?? 0,
        st.availableReplicas ?? 0,
        age(obj, now),
        names,
        images,
        selectorString(obj.spec?.selector),
      ];
    },
  },
  returnDeletedObject: true,
};
