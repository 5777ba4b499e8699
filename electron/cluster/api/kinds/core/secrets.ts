// Secrets: stringData folded into base64 data, type defaults and per-type required keys.
import { type FieldError, errBadRequest, immutable, invalid, required, tooLong } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { isConfigMapKey } from '../../validation/names';
import { translateTimestampSince } from './age';
import { MAX_DATA_SIZE, validateImmutablePayload } from './configmaps';
import { ageColumn, col, nameColumn } from './format';

/** Index of the first byte Go's strict base64 decoder rejects, or -1 when the text decodes. */
export function base64ErrorOffset(s: string): number {
  const body = s.replace(/=+$/, '');
  const bad = body.search(/[^A-Za-z0-9+/]/);
  if (bad >= 0) return bad;
  const pad = s.length - body.length;
  if (pad > 2 || s.length % 4 !== 0) {
    // Go reports where the incomplete quantum starts.
    return body.length - (body.length % 4) + (pad > 2 ? 2 : 0);
  }
  return -1;
}

function decodedSize(v: string): number {
  return Buffer.from(v, 'base64').length;
}

function validateSecret(s: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const data: Record<string, string> = s.data ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, m));
    size += decodedSize(String(v ?? ''));
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong('data', '', MAX_DATA_SIZE));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const jsonKey = (k: string) => {
    if (!has(k)) return errs.push(required(`data[${k}]`));
    try {
      const parsed = JSON.parse(Buffer.from(data[k], 'base64').toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    } catch (e) {
      errs.push(invalid(`data[${k}]`, '<secret contents redacted>', (e as Error).message));
    }
  };
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata.annotations?.['kubernetes.io/service-account.name']) errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      jsonKey('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      jsonKey('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(required('data[username]'), required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(required('data[tls.key]'));
      break;
  }
  return errs;
}

export const secrets: KindStrategy = {
  info: { group: '', version: 'v1', kind: 'Secret', resource: 'secrets', singular: 'secret', namespaced: true },
  defaults(obj) {
    obj.type ||= 'Opaque';
    for (const v of Object.values(obj.data ?? {})) {
      const at = base64ErrorOffset(String(v ?? ''));
      // Upstream fails decoding the body, before validation, with a 400.
      if (at >= 0) throw errBadRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at}`);
    }
    if (obj.stringData) {
      obj.data ??= {};
      for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) obj.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete obj.stringData;
    }
  },
  validate: (obj) => validateSecret(obj),
  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    if ((obj.type ?? '') !== (old.type ?? '')) errs.push(immutable('type', obj.type ?? ''));
    errs.push(...validateImmutablePayload(obj, old, ['data']));
    return errs;
  },
  table: {
    columns: [nameColumn(), col('Type', 'string', 0, 'The type of the secret'), col('Data', 'integer', 0, 'The number of entries in the secret'), ageColumn()],
    row: (s, now) => [s.metadata.name, s.type ?? '', Object.keys(s.data ?? {}).length, translateTimestampSince(s.metadata.creationTimestamp, now)],
  },
  fieldSelectors: { type: (o) => o.type ?? '' },
  returnDeletedObject: true,
};
