import { describe, expect, it } from 'vitest';
import { StatusError, errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { configmaps } from './configmaps';
import { namespaces } from './namespaces';
import { secrets } from './secrets';

const ctx = { operation: 'create' as const, now: new Date() };
const upd = { operation: 'update' as const, now: new Date() };
const obj = (kind: string, fields: any): KObject => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default' }, ...fields });

describe('configmaps', () => {
  it('validates keys and total size', () => {
    const bad = obj('ConfigMap', { data: { 'bad key': '1', ok: 'x'.repeat(1024 * 1024) } });
    const errs = configmaps.validate!(bad, ctx);
    expect(errInvalid('', 'ConfigMap', 'x', [errs[0]]).message).toBe(
      "ConfigMap \"x\" is invalid: data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    );
    expect(errs[1]).toMatchObject({ type: 'FieldValueTooLong', detail: 'may not be more than 1048576 bytes' });
  });
  it('immutable configmaps reject data changes', () => {
    const old = obj('ConfigMap', { data: { a: '1' }, immutable: true });
    const next = obj('ConfigMap', { data: { a: '2' }, immutable: true });
    expect(errInvalid('', 'ConfigMap', 'x', configmaps.validateUpdate!(next, old, upd)).message).toBe(
      'ConfigMap "x" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    );
  });
});

describe('secrets', () => {
  it('defaults type and folds stringData into data', () => {
    const s = obj('Secret', { stringData: { password: 's3cr3t' } });
    secrets.defaults!(s);
    expect(s.type).toBe('Opaque');
    expect(s.data).toEqual({ password: Buffer.from('s3cr3t').toString('base64') });
    expect(s.stringData).toBeUndefined();
  });
  it('rejects data that is not base64 like the decoder does', () => {
    const s = obj('Secret', { data: { a: 'not base64!' } });
    expect(() => secrets.defaults!(s)).toThrow(StatusError);
    expect(() => secrets.defaults!(s)).toThrow('Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
  });
  it('type-specific keys', () => {
    const tls = obj('Secret', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==' } });
    expect(errInvalid('', 'Secret', 'x', secrets.validate!(tls, ctx)).message).toBe('Secret "x" is invalid: data[tls.key]: Required value');
    const sa = obj('Secret', { type: 'kubernetes.io/service-account-token' });
    expect(errInvalid('', 'Secret', 'x', secrets.validate!(sa, ctx)).message).toBe(
      'Secret "x" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value',
    );
    const dcj = obj('Secret', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') } });
    expect(secrets.validate!(dcj, ctx)).toEqual([]);
  });
  it('type is immutable', () => {
    const old = obj('Secret', { type: 'Opaque', data: {} });
    const next = obj('Secret', { type: 'kubernetes.io/tls', data: {} });
    expect(errInvalid('', 'Secret', 'x', secrets.validateUpdate!(next, old, upd)).message).toBe(
      'Secret "x" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable',
    );
  });
  it('field selector on type', () => {
    expect(secrets.fieldSelectors!.type(obj('Secret', { type: 'Opaque' }))).toBe('Opaque');
  });
});

describe('namespaces', () => {
  it('get phase Active, the kubernetes finalizer and their name label', () => {
    const ns: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } };
    namespaces.defaults!(ns);
    namespaces.prepareForCreate!(ns);
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'dev' });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
    expect(namespaces.table!.row({ ...ns, metadata: { ...ns.metadata, creationTimestamp: new Date(Date.now() - 5000).toISOString() } }, new Date())).toEqual([
      'dev',
      'Active',
      '5s',
    ]);
    expect(namespaces.nameValidation).toBe('label');
  });
});
