// storage.k8s.io/v1 CSIDriver, CSINode and VolumeAttachment.
import type { FieldError } from '../../errors';
import { immutable, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import { isDNS1123Subdomain } from '../../validation/names';
import { age, ageCol, col, keepSpec, nameCol } from '../strategy-helpers';
import { deepEqual } from '../../object';

const FS_GROUP_POLICIES = ['File', 'None', 'ReadWriteOnceWithFSType'];
const LIFECYCLE_MODES = ['Ephemeral', 'Persistent'];

function validateCSIDriver(obj: any): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.attachRequired == null) errs.push(required('spec.attachRequired', ''));
  if (spec.podInfoOnMount == null) errs.push(required('spec.podInfoOnMount', ''));
  if (spec.fsGroupPolicy != null && !FS_GROUP_POLICIES.includes(spec.fsGroupPolicy))
    errs.push(notSupported('spec.fsGroupPolicy', spec.fsGroupPolicy, FS_GROUP_POLICIES));
  (spec.volumeLifecycleModes ?? []).forEach((m: string, i: number) => {
    if (!LIFECYCLE_MODES.includes(m)) errs.push(notSupported(`spec.volumeLifecycleModes[${i}]`, m, LIFECYCLE_MODES));
  });
  return errs;
}

export const csiDriverStrategy: KindStrategy = {
  info: {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'CSIDriver',
    resource: 'csidrivers',
    singular: 'csidriver',
    namespaced: false,
    storagePrefix: 'csidrivers',
  },
  defaults: (obj) => {
    const spec = (obj.spec ??= {});
    spec.attachRequired ??= true;
    spec.podInfoOnMount ??= false;
    spec.storageCapacity ??= false;
    spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
    if (!spec.volumeLifecycleModes?.length) spec.volumeLifecycleModes = ['Persistent'];
    spec.requiresRepublish ??= false;
    spec.seLinuxMount ??= false;
  },
  validate: validateCSIDriver,
  validateUpdate: (obj, old) => {
    const errs: FieldError[] = [];
    if (obj.spec?.attachRequired !== old.spec?.attachRequired) errs.push(immutable('spec.attachRequired', obj.spec?.attachRequired));
    if (!deepEqual(obj.spec?.volumeLifecycleModes, old.spec?.volumeLifecycleModes))
      errs.push(immutable('spec.volumeLifecycleModes', obj.spec?.volumeLifecycleModes));
    return errs;
  },
  table: {
    columns: [
      nameCol,
      col('AttachRequired', 'boolean', 'attachRequired indicates this CSI volume driver requires an attach operation'),
      col('PodInfoOnMount', 'boolean', 'podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations'),
      col('StorageCapacity', 'boolean', 'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity'),
      col(
        'TokenRequests',
        'string',
        "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication.",
      ),
      col(
        'RequiresRepublish',
        'boolean',
        'requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume.',
      ),
      col('Modes', 'string', 'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.'),
      ageCol,
    ],
    row(obj, now) {
      const s = obj.spec ?? {};
      const modes = (s.volumeLifecycleModes ?? []).join(',') || '<none>';
      const tokens = s.tokenRequests == null ? '<unset>' : s.tokenRequests.map((t: any) => t.audience).join(',');
      return [
        obj.metadata.name,
        s.attachRequired ?? true,
        s.podInfoOnMount ?? false,
        s.storageCapacity ?? false,
        tokens,
        s.requiresRepublish ?? false,
        modes,
        age(obj, now),
      ];
    },
  },
};

export const csiNodeStrategy: KindStrategy = {
  info: {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'CSINode',
    resource: 'csinodes',
    singular: 'csinode',
    namespaced: false,
    storagePrefix: 'csinodes',
  },
  validate: (obj) => {
    const errs: FieldError[] = [];
    const seen = new Set<string>();
    (obj.spec?.drivers ?? []).forEach((d: any, i: number) => {
      const p = `spec.drivers[${i}]`;
      if (!d?.name) errs.push(required(`${p}.name`, ''));
      else if (seen.has(d.name)) errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, badValue: d.name });
      else seen.add(d.name);
      if (!d?.nodeID) errs.push(required(`${p}.nodeID`, ''));
    });
    return errs;
  },
  table: {
    columns: [nameCol, col('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageCol],
    row: (obj, now) => [obj.metadata.name, (obj.spec?.drivers ?? []).length, age(obj, now)],
  },
};

function validateVolumeAttachment(obj: any): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.attacher) errs.push(required('spec.attacher', ''));
  if (!spec.nodeName) errs.push(required('spec.nodeName', ''));
  else for (const m of isDNS1123Subdomain(spec.nodeName)) errs.push(invalid('spec.nodeName', spec.nodeName, m));
  const src = spec.source ?? {};
  const n = (src.persistentVolumeName ? 1 : 0) + (src.inlineVolumeSpec ? 1 : 0);
  if (n !== 1) errs.push(invalid('spec.source', undefined, 'must specify exactly one of persistentVolumeName and inlineVolumeSpec'));
  return errs;
}

export const volumeAttachmentStrategy: KindStrategy = {
  info: {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'VolumeAttachment',
    resource: 'volumeattachments',
    singular: 'volumeattachment',
    namespaced: false,
    storagePrefix: 'volumeattachments',
    subresources: { status: true },
  },
  prepareForCreate: (obj) => {
    delete obj.status;
  },
  prepareForUpdate: (obj, old) => {
    if (old.status === undefined) delete obj.status;
    else obj.status = old.status;
  },
  prepareForStatusUpdate: keepSpec,
  validate: validateVolumeAttachment,
  validateUpdate: (obj, old) => (deepEqual(obj.spec, old.spec) ? [] : [immutable('spec', undefined)]),
  table: {
    columns: [
      nameCol,
      col('Attacher', 'string', 'attacher indicates the name of the volume driver that MUST handle this request.'),
      col('PV', 'string', 'persistentVolumeName represents the name of the persistent volume to attach.'),
      col('Node', 'string', 'nodeName represents the node that the volume should be attached to.'),
      col('Attached', 'boolean', 'attached indicates the volume is successfully attached.'),
      ageCol,
    ],
    row: (obj, now) => [
      obj.metadata.name,
      obj.spec?.attacher ?? '',
      obj.spec?.source?.persistentVolumeName ?? '',
      obj.spec?.nodeName ?? '',
      obj.status?.attached ?? false,
      age(obj, now),
    ],
  },
};
