// Namespaces: label-format names, the "kubernetes" finalizer on create, phase Active.
import { type FieldError, invalid } from '../../errors';
import type { KindStrategy } from '../../kind';
import { isQualifiedName } from '../../validation/names';
import { translateTimestampSince } from './age';
import { ageColumn, col, nameColumn } from './format';

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

function validateSpecFinalizers(finalizers: string[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => {
    const p = `spec.finalizers[${i}]`;
    for (const m of isQualifiedName(f)) errs.push(invalid(p, f, m));
    if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) errs.push(invalid(p, f, 'name is neither a standard finalizer name nor is it fully qualified'));
  });
  return errs;
}

export const namespaces: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    resource: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: { status: true, other: ['finalize'] },
  },
  nameValidation: 'label',
  defaults(obj) {
    // Every namespace carries its own name as a label so NetworkPolicies can select it.
    if (obj.metadata.name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    obj.spec ??= {};
    obj.status ??= {};
    obj.status.phase ||= 'Active';
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Active' };
    obj.spec ??= {};
    const fin: string[] = obj.spec.finalizers ?? [];
    if (!fin.includes('kubernetes')) obj.spec.finalizers = [...fin, 'kubernetes'];
  },
  prepareForUpdate(obj, old) {
    // Only the finalize subresource may change spec.finalizers.
    obj.spec = { ...(obj.spec ?? {}), finalizers: old.spec?.finalizers };
    if (obj.spec.finalizers === undefined) delete obj.spec.finalizers;
    obj.status = old.status;
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
  },
  validate: (obj) => validateSpecFinalizers(obj.spec?.finalizers),
  validateStatusUpdate(obj) {
    if (!obj.metadata.deletionTimestamp && obj.status?.phase !== 'Active') {
      return [invalid('status.Phase', obj.status?.phase ?? '', "may only be 'Active' if `deletionTimestamp` is empty")];
    }
    return [];
  },
  table: {
    columns: [nameColumn(), col('Status', 'string', 0, 'The status of the namespace'), ageColumn()],
    row: (ns, now) => [ns.metadata.name, ns.status?.phase ?? '', translateTimestampSince(ns.metadata.creationTimestamp, now)],
  },
  fieldSelectors: { 'status.phase': (o) => o.status?.phase ?? '' },
  returnDeletedObject: true,
  // the namespace controller empties the namespace, then removes its spec.finalizers through namespaces/finalize
  beginDeletion(obj) {
    if (!obj.spec?.finalizers?.length) return false;
    obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
    return true;
  },
  readyToDelete: (obj) => !obj.spec?.finalizers?.length,
};
