// PersistentVolumes: one volume source, capacity in storage only, reclaim policy; `kubectl get pv` table.
import { type FieldError, forbidden, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import { isDNS1123Subdomain } from '../../validation/names';
import { translateTimestampSince } from './age';
import { accessModesString, ageColumn, col, nameColumn } from './format';
import { storageClassOf, storageString, validateAccessModes, validatePositiveStorage } from './storage-common';
import { VOLUME_SOURCES } from './volumes';

const PV_SOURCES = [
  ...VOLUME_SOURCES.filter(
    (s) => !['emptyDir', 'gitRepo', 'secret', 'persistentVolumeClaim', 'downwardAPI', 'configMap', 'projected', 'ephemeral', 'image'].includes(s),
  ),
  'local',
];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

function validatePV(pv: any): FieldError[] {
  const spec = pv.spec ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes'));
  const cap = spec.capacity ?? {};
  if (Object.keys(cap).length === 0) errs.push(required('spec.capacity'));
  for (const [k, v] of Object.entries(cap)) {
    if (k !== 'storage') errs.push(notSupported('spec.capacity', k, ['storage']));
    else errs.push(...validatePositiveStorage(v, 'spec.capacity[storage]'));
  }
  const rp = spec.persistentVolumeReclaimPolicy;
  if (rp && !RECLAIM_POLICIES.includes(rp)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', rp, RECLAIM_POLICIES));
  const sources = PV_SOURCES.filter((s) => spec[s]);
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  else if (sources.length > 1) errs.push(forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  if (spec.hostPath && !spec.hostPath.path) errs.push(required('spec.hostPath.path'));
  if (spec.local && !spec.local.path) errs.push(required('spec.local.path'));
  if (spec.local && !spec.nodeAffinity) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  if (spec.csi) {
    if (!spec.csi.driver) errs.push(required('spec.csi.driver'));
    if (!spec.csi.volumeHandle) errs.push(required('spec.csi.volumeHandle'));
  }
  if (spec.storageClassName) for (const m of isDNS1123Subdomain(spec.storageClassName)) errs.push(invalid('spec.storageClassName', spec.storageClassName, m));
  if (spec.volumeMode && !['Block', 'Filesystem'].includes(spec.volumeMode))
    errs.push(notSupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  return errs;
}

const json = (v: unknown) => JSON.stringify(v ?? null);

export const persistentvolumes: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'PersistentVolume',
    resource: 'persistentvolumes',
    singular: 'persistentvolume',
    namespaced: false,
    shortNames: ['pv'],
    subresources: { status: true },
  },
  defaults(obj) {
    obj.spec ??= {};
    obj.spec.persistentVolumeReclaimPolicy ||= 'Retain';
    obj.spec.volumeMode ??= 'Filesystem';
    obj.status ??= {};
    obj.status.phase ||= 'Pending';
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending', lastPhaseTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
    // Upstream stamps the phase change time whenever the phase moves.
    if (obj.status?.phase !== old.status?.phase) obj.status.lastPhaseTransitionTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  },
  validate: (obj) => validatePV(obj),
  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    const sourceOf = (s: any) => Object.fromEntries(PV_SOURCES.filter((k) => s?.[k]).map((k) => [k, s[k]]));
    if (json(sourceOf(obj.spec)) !== json(sourceOf(old.spec))) {
      errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
    }
    if ((obj.spec?.volumeMode ?? '') !== (old.spec?.volumeMode ?? '')) errs.push(invalid('spec.volumeMode', obj.spec?.volumeMode ?? '', 'field is immutable'));
    if (old.spec?.nodeAffinity && json(obj.spec?.nodeAffinity) !== json(old.spec.nodeAffinity)) {
      errs.push(invalid('spec.nodeAffinity', obj.spec?.nodeAffinity ?? null, 'field is immutable'));
    }
    return errs;
  },
  table: {
    columns: [
      nameColumn(),
      col('Capacity', 'string', 0, "capacity is the description of the persistent volume's resources and capacity."),
      col('Access Modes', 'string', 0, 'accessModes contains all ways the volume can be mounted.'),
      col('Reclaim Policy', 'string', 0, 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
      col('Status', 'string', 0, 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
      col('Claim', 'string', 0, 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
      col('StorageClass', 'string', 0, 'storageClassName is the name of StorageClass to which this persistent volume belongs.'),
      col('VolumeAttributesClass', 'string', 0, 'Name of VolumeAttributesClass to which this persistent volume belongs.'),
      col('Reason', 'string', 0, 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
      ageColumn(),
      col('VolumeMode', 'string', 1, 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.'),
    ],
    row(pv, now) {
      const spec = pv.spec ?? {};
      const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
      const phase = pv.metadata.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '');
      return [
        pv.metadata.name,
        storageString(spec.capacity?.storage),
        accessModesString(spec.accessModes),
        spec.persistentVolumeReclaimPolicy ?? '',
        phase,
        claim,
        storageClassOf(pv),
        spec.volumeAttributesClassName ?? '<unset>',
        pv.status?.reason ?? '',
        translateTimestampSince(pv.metadata.creationTimestamp, now),
        spec.volumeMode ?? '<unset>',
      ];
    },
  },
  returnDeletedObject: true,
};
