// storage.k8s.io/v1 StorageClass (cluster-scoped).
import type { FieldError } from '../../errors';
import { forbidden, immutable, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import { isQualifiedName } from '../../validation/names';
import { age, ageCol, col, nameCol } from '../strategy-helpers';
import { deepEqual } from '../../object';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

export const isDefaultStorageClass = (obj: any): boolean => {
  const a = obj?.metadata?.annotations ?? {};
  return a[DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
};

function validateStorageClass(obj: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!obj.provisioner) errs.push(required('provisioner', ''));
  else {
    if (obj.provisioner.length > 63 * 4) errs.push(invalid('provisioner', obj.provisioner, 'must be no more than 252 characters'));
    for (const m of isQualifiedName(obj.provisioner.toLowerCase())) errs.push(invalid('provisioner', obj.provisioner, m));
  }
  if (obj.reclaimPolicy !== 'Delete' && obj.reclaimPolicy !== 'Retain') {
    errs.push(notSupported('reclaimPolicy', obj.reclaimPolicy ?? '', ['Delete', 'Retain']));
  }
  if (obj.volumeBindingMode !== 'Immediate' && obj.volumeBindingMode !== 'WaitForFirstConsumer') {
    errs.push(
      obj.volumeBindingMode
        ? notSupported('volumeBindingMode', obj.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer'])
        : required('volumeBindingMode', ''),
    );
  }
  const params = obj.parameters ?? {};
  if (Object.keys(params).length > 512) errs.push(invalid('parameters', undefined, 'must have at most 512 parameters'));
  return errs;
}

function validateStorageClassUpdate(obj: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (obj.volumeBindingMode !== old.volumeBindingMode) errs.push(immutable('volumeBindingMode', obj.volumeBindingMode));
  return errs;
}

export const storageClassStrategy: KindStrategy = {
  info: {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'StorageClass',
    resource: 'storageclasses',
    singular: 'storageclass',
    namespaced: false,
    shortNames: ['sc'],
    storagePrefix: 'storageclasses',
  },
  defaults: (obj) => {
    obj.reclaimPolicy ??= 'Delete';
    obj.volumeBindingMode ??= 'Immediate';
  },
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
  table: {
    columns: [
      nameCol,
      col('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
      col(
        'ReclaimPolicy',
        'string',
        'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.',
      ),
      col(
        'VolumeBindingMode',
        'string',
        'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.',
      ),
      col('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
      ageCol,
    ],
    row: (obj, now) => [
      obj.metadata.name + (isDefaultStorageClass(obj) ? ' (default)' : ''),
      obj.provisioner ?? '',
      obj.reclaimPolicy ?? 'Delete',
      obj.volumeBindingMode ?? 'Immediate',
      obj.allowVolumeExpansion ?? false,
      age(obj, now),
    ],
  },
};
