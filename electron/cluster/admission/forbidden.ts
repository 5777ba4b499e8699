// Admission rejections worded like upstream's admission.NewForbidden: `<resource> "<name>" is forbidden: <why>`.
import { errForbidden, qualifiedResource, type StatusError } from '../api/errors';
import type { AdmissionAttributes } from './types';

/**
 * The name upstream reports: on create the object's name has not been generated yet there, so an object created
 * from generateName is reported by its prefix (the registry here generates the name before admission runs).
 */
export function admissionName(a: AdmissionAttributes): string {
  const m = a.object?.metadata;
  if (
    a.operation === 'CREATE' &&
    m?.generateName &&
    m.name &&
    m.name.length === Math.min(m.generateName.length, 58) + 5 &&
    m.name.startsWith(m.generateName.slice(0, 58))
  ) {
    return m.generateName;
  }
  return a.name || m?.name || m?.generateName || 'Unknown';
}

export function admissionForbidden(a: AdmissionAttributes, why: string): StatusError {
  const resource = qualifiedResource(a.gvr.group, a.gvr.resource);
  const name = admissionName(a);
  return errForbidden(`${resource} "${name}" is forbidden: ${why}`, { name, group: a.gvr.group || undefined, kind: a.gvr.resource });
}

/** Go's utilerrors.NewAggregate(...).Error(): one message alone, several de-duplicated inside brackets. */
export function aggregateMessage(msgs: string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(', ')}]`;
}
