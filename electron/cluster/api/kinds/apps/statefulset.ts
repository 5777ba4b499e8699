// apps/v1 StatefulSet.
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
} from '../strategy-helpers';
import { clone, deepEqual } from '../../object';
import { validateTemplateForController, validateWorkloadSelector } from './workload-validation';

export function defaultStatefulSet(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.podManagementPolicy ??= 'OrderedReady';
  const us = (spec.updateStrategy ??= {});
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    us.rollingUpdate ??= {};
    us.rollingUpdate.partition ??= 0;
  }
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ??= 'Retain';
  retention.whenScaled ??= 'Retain';
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
  // claim templates are full PersistentVolumeClaims, so they get the PVC defaults (kind, volumeMode, Pending)
  for (const pvc of spec.volumeClaimTemplates ?? []) {
    pvc.apiVersion ??= 'v1';
    pvc.kind ??= 'PersistentVolumeClaim';
    pvc.spec ??= {};
    pvc.spec.volumeMode ??= 'Filesystem';
    pvc.status ??= {};
    pvc.status.phase ??= 'Pending';
  }
}

function validateStatefulSet(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy;
  if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', pmp ?? '', "must be 'OrderedReady' or 'Parallel'"));
  const us = spec.updateStrategy ?? {};
  if (us.type === 'OnDelete') {
    if (us.rollingUpdate) errs.push(invalid('spec.updateStrategy.rollingUpdate', undefined, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (us.type === 'RollingUpdate') {
    errs.push(...nonNegative(us.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  } else {
    errs.push(notSupported('spec.updateStrategy.type', us.type ?? '', ['OnDelete', 'RollingUpdate']));
  }
  const pol = spec.persistentVolumeClaimRetentionPolicy ?? {};
  for (const k of ['whenDeleted', 'whenScaled']) {
    if (pol[k] !== undefined && pol[k] !== 'Retain' && pol[k] !== 'Delete') {
      errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, pol[k], ['Retain', 'Delete']));
    }
  }
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (spec.ordinals) errs.push(...nonNegative(spec.ordinals.start, 'spec.ordinals.start'));
  errs.push(...validateWorkloadSelector(spec.selector, 'spec.selector', 'statefulset'));
  errs.push(...validateTemplateForController(spec.template, spec.selector, 'spec.template', 'StatefulSet', false));
  return errs;
}

const MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function validateStatefulSetUpdate(obj: KObject, old: KObject): FieldError[] {
  const strip = (spec: any) => {
    const s = clone(spec ?? {});
    for (const k of MUTABLE) delete s[k];
    return s;
  };
  if (deepEqual(strip(obj.spec), strip(old.spec))) return [];
  return [
    forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

export const statefulSetStrategy: KindStrategy = {
  info: {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    resource: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    storagePrefix: 'statefulsets',
    subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
  },
  defaults: defaultStatefulSet,
  prepareForCreate: (obj) => resetStatusAndGeneration(obj, { replicas: 0, availableReplicas: 0 }),
  prepareForUpdate: (obj, old) => keepStatusBumpGeneration(obj, old),
  prepareForStatusUpdate: keepSpec,
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  table: {
    columns: [nameCol, col('Ready', 'string', 'Number of the pod with ready state'), ageCol, containersCol, imagesCol],
    row(obj, now) {
      const [names, images] = containerCells(obj.spec?.template?.spec?.containers);
      return [obj.metadata.name, `${obj.status?.readyReplicas ?? 0}/${obj.spec?.replicas ?? 0}`, age(obj, now), names, images];
    },
  },
  returnDeletedObject: true,
};
