// apps/v1 ReplicaSet.
import type { FieldError } from '../../errors';
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
import { formatLabelSelector } from '../../selectors';
import { selectorImmutable, validateTemplateForController, validateWorkloadSelector } from './workload-validation';

export function defaultReplicaSet(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.replicas ??= 1;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

function validateReplicaSet(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    // upstream's message really says "deployment" for ReplicaSets too
    ...validateWorkloadSelector(spec.selector, 'spec.selector', 'deployment'),
    ...validateTemplateForController(spec.template, spec.selector, 'spec.template'),
  ];
}

export const replicaSetStrategy: KindStrategy = {
  info: {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    resource: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    storagePrefix: 'replicasets',
    subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
  },
  defaults: defaultReplicaSet,
  prepareForCreate: (obj) => resetStatusAndGeneration(obj, { replicas: 0 }),
  prepareForUpdate: (obj, old) => keepStatusBumpGeneration(obj, old),
  prepareForStatusUpdate: keepSpec,
  validate: validateReplicaSet,
  validateUpdate: (obj, old) => selectorImmutable(obj, old),
  table: {
    columns: [
      nameCol,
      col('Desired', 'integer', 'Replicas is the number of desired pods.'),
      col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
      col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
      ageCol,
      containersCol,
      imagesCol,
      wide('Selector', 'Selector is a label query over pods that should match the replica count.'),
    ],
    row(obj, now) {
      const [names, images] = containerCells(obj.spec?.template?.spec?.containers);
      return [
        obj.metadata.name,
        obj.spec?.replicas ?? 0,
        obj.status?.replicas ?? 0,
        obj.status?.readyReplicas ?? 0,
        age(obj, now),
        names,
        images,
        formatLabelSelector(obj.spec?.selector),
      ];
    },
  },
  returnDeletedObject: true,
};
