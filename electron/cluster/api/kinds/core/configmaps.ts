// ConfigMaps: key syntax, a 1 MiB total, and the `immutable` switch.
import { type FieldError, forbidden, invalid, tooLong } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { isConfigMapKey } from '../../validation/names';
import { translateTimestampSince } from './age';
import { ageColumn, col, nameColumn } from './format';

export const MAX_DATA_SIZE = 1024 * 1024;

const json = (v: unknown) => JSON.stringify(v ?? null);

export function validateConfigMap(cm: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const data: Record<string, string> = cm.data ?? {};
  const bin: Record<string, string> = cm.binaryData ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, m));
    if (k in bin) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(String(v ?? ''));
  }
  for (const [k, v] of Object.entries(bin)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`binaryData[${k}]`, k, m));
    if (k in data) errs.push(invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    size += Buffer.from(String(v ?? ''), 'base64').length;
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong('', '', MAX_DATA_SIZE));
  return errs;
}

/** Shared by ConfigMaps and Secrets: once immutable, the payload and the flag stay as they are. */
export function validateImmutablePayload(obj: KObject, old: KObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) if (json(obj[f]) !== json(old[f])) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
  return errs;
}

export const configmaps: KindStrategy = {
  info: { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'] },
  validate: (obj) => validateConfigMap(obj),
  validateUpdate: (obj, old) => validateImmutablePayload(obj, old, ['data', 'binaryData']),
  table: {
    columns: [nameColumn(), col('Data', 'integer', 0, 'Data contains the configuration data'), ageColumn()],
    row: (cm, now) => [
      cm.metadata.name,
      Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
      translateTimestampSince(cm.metadata.creationTimestamp, now),
    ],
  },
  returnDeletedObject: true,
};
