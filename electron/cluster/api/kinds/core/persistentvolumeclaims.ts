// PersistentVolumeClaims: spec fixed once created, except growing a bound claim's storage request.
import { type FieldError, forbidden, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import { isDNS1123Subdomain } from '../../validation/names';
import { validateLabelSelector } from '../../validation/selectors';
import { translateTimestampSince } from './age';
import { accessModesString, ageColumn, col, nameColumn } from './format';
import { storageClassOf, storageSize, storageString, validateAccessModes, validatePositiveStorage } from './storage-common';

const json = (v: unknown) => JSON.stringify(v ?? null);

function validatePVCSpec(spec: any): FieldError[] {
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes', 'at least 1 access mode is required');
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) errs.push(required('spec.resources[storage]'));
  else errs.push(...validatePositiveStorage(storage, 'spec.resources[storage]'));
  if (spec.storageClassName) for (const m of isDNS1123Subdomain(spec.storageClassName)) errs.push(invalid('spec.storageClassName', spec.storageClassName, m));
  if (spec.volumeMode && !['Block', 'Filesystem'].includes(spec.volumeMode))
    errs.push(notSupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  return errs;
}

function validatePVCUpdate(obj: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  const newSpec = structuredClone(obj.spec ?? {});
  const oldSpec = structuredClone(old.spec ?? {});
  // The binder may set volumeName once.
  if (!oldSpec.volumeName) oldSpec.volumeName = newSpec.volumeName;
  if (oldSpec.volumeName === undefined) delete oldSpec.volumeName;
  const bound = obj.status?.phase === 'Bound';
  if (bound && newSpec.resources?.requests) {
    if (oldSpec.resources?.requests?.storage === undefined) delete newSpec.resources.requests.storage;
    else newSpec.resources.requests.storage = oldSpec.resources.requests.storage;
  }
  if (bound) {
    newSpec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
    if (newSpec.volumeAttributesClassName === undefined) delete newSpec.volumeAttributesClassName;
  }
  if (json(newSpec) !== json(oldSpec)) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = storageSize(obj.spec?.resources?.requests?.storage);
  const oldSize = storageSize(old.spec?.resources?.requests?.storage);
  const statusSize = storageSize(old.status?.capacity?.storage);
  if (newSize < oldSize && newSize <= statusSize) {
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  return errs;
}

export const persistentvolumeclaims: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    resource: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: { status: true },
  },
  defaults(obj) {
    obj.spec ??= {};
    obj.spec.volumeMode ??= 'Filesystem';
    obj.status ??= {};
    obj.status.phase ||= 'Pending';
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending' };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
  },
  validate: (obj) => validatePVCSpec(obj.spec ?? {}),
  validateUpdate: (obj, old) => validatePVCUpdate(obj, old),
  table: {
    columns: [
      nameColumn(),
      col('Status', 'string', 0, 'phase represents the current phase of PersistentVolumeClaim.'),
      col('Volume', 'string', 0, 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      col('Capacity', 'string', 0, 'capacity represents the actual resources of the underlying volume.'),
      col('Access Modes', 'string', 0, 'accessModes contains the desired access modes the volume should have.'),
      col('StorageClass', 'string', 0, 'storageClassName is the name of the StorageClass required by the claim.'),
      col('VolumeAttributesClass', 'string', 0, 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
      ageColumn(),
      col('VolumeMode', 'string', 1, 'volumeMode defines what type of volume is required by the claim.'),
    ],
    row(pvc, now) {
      const spec = pvc.spec ?? {};
      const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? '');
      const bound = !!spec.volumeName;
      return [
        pvc.metadata.name,
        phase,
        spec.volumeName ?? '',
        bound ? storageString(pvc.status?.capacity?.storage) : '',
        bound ? accessModesString(pvc.status?.accessModes) : '',
        storageClassOf(pvc),
        spec.volumeAttributesClassName || '<unset>',
        translateTimestampSince(pvc.metadata.creationTimestamp, now),
        spec.volumeMode ?? '<unset>',
      ];
    },
  },
  returnDeletedObject: true,
};
