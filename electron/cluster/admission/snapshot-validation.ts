// The validation rules of the snapshot.storage.k8s.io/v1 CRDs (x-kubernetes-validations in the shipped definitions,
// the validation webhook before them): one source per snapshot or content, sources fixed once set, no empty class
// name, a content bound to a named snapshot. Errors read as the API server reports a failed CEL rule (422, the
// field, the value's CEL type, the rule's message). The definitions KubeLab installs carry no x-kubernetes-validations
// (this plugin came first), so the snapshot API gets its rules here, not from the CRD rule evaluator.
import type { FieldError } from '../api/errors';
import { errInvalid, invalid } from '../api/errors';
import type { AdmissionPlugin } from './types';

const GROUP = 'snapshot.storage.k8s.io';
const has = (o: any, k: string) => o != null && o[k] !== undefined && o[k] !== null;

function sourceRules(path: string, src: any, old: any | undefined, a: string, b: string): FieldError[] {
  const errs: FieldError[] = [];
  if (src == null) return errs;
  if (old) {
    if (has(old, a) && !has(src, a)) errs.push(invalid(path, 'object', `${a} is required once set`));
    if (has(old, b) && !has(src, b)) errs.push(invalid(path, 'object', `${b} is required once set`));
  }
  if (has(src, a) === has(src, b)) errs.push(invalid(path, 'object', `exactly one of ${b} and ${a} must be set`));
  if (old) {
    for (const k of [a, b]) if (has(src, k) && has(old, k) && src[k] !== old[k]) errs.push(invalid(`${path}.${k}`, 'string', `${k} is immutable`));
  }
  return errs;
}

export const snapshotValidation: AdmissionPlugin = {
  name: 'SnapshotValidation',
  validate(a) {
    if (a.gvr.group !== GROUP || a.subresource || !a.object || (a.operation !== 'CREATE' && a.operation !== 'UPDATE')) return;
    const old = a.operation === 'UPDATE' ? a.oldObject : undefined;
    const spec = a.object.spec ?? {};
    const errs: FieldError[] = [];
    if (a.gvr.resource === 'volumesnapshots') {
      errs.push(...sourceRules('spec.source', spec.source, old?.spec?.source, 'persistentVolumeClaimName', 'volumeSnapshotContentName'));
      if (spec.volumeSnapshotClassName === '')
        errs.push(invalid('spec.volumeSnapshotClassName', 'string', 'volumeSnapshotClassName must not be the empty string when set'));
      if (errs.length) throw errInvalid(GROUP, 'VolumeSnapshot', a.name, errs);
    } else if (a.gvr.resource === 'volumesnapshotcontents') {
      errs.push(...sourceRules('spec.source', spec.source, old?.spec?.source, 'volumeHandle', 'snapshotHandle'));
      const ref = spec.volumeSnapshotRef;
      if (ref && (!ref.name || !ref.namespace))
        errs.push(invalid('spec.volumeSnapshotRef', 'object', 'both spec.volumeSnapshotRef.name and spec.volumeSnapshotRef.namespace must be set'));
      if (old && has(old.spec, 'sourceVolumeMode') && spec.sourceVolumeMode !== old.spec.sourceVolumeMode)
        errs.push(invalid('spec.sourceVolumeMode', 'string', 'sourceVolumeMode is immutable'));
      if (errs.length) throw errInvalid(GROUP, 'VolumeSnapshotContent', a.name, errs);
    }
  },
};
