import { describe, expect, it } from 'vitest';
import type { KObject } from '../types';
import { applyConflictError, applyPatch, formatConflictMessage, updateManagedFields } from './index';

const DEPLOY = 'io.k8s.api.apps.v1.Deployment';
const CM = 'io.k8s.api.core.v1.ConfigMap';
const t0 = new Date('2025-01-01T10:00:00Z');
const t1 = new Date('2025-01-01T11:00:00Z');

const deployment = (replicas: number, containers: object[] = [{ name: 'nginx', image: 'nginx:1.25' }]): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } },
});

describe('applyPatch (server-side apply)', () => {
  it('creates an object owned by the applier with FieldsV1', () => {
    const r = applyPatch(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1' } }, 'kubectl', {
      force: false,
      defName: CM,
      now: t0,
    });
    expect(r.conflicts).toEqual([]);
    expect(r.object.data).toEqual({ a: '1' });
    expect(r.managedFields).toEqual([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2025-01-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
    ]);
    expect(r.object.metadata.managedFields).toEqual(r.managedFields);
  });

  it('records list items by key with "." and atomic structs as leaves', () => {
    const r = applyPatch(undefined, deployment(2), 'kubectl', { force: false, defName: DEPLOY, now: t0 });
    expect(r.managedFields[0].fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    });
  });

  it('leaves object and managedFields unchanged on a repeated apply', () => {
    const first = applyPatch(undefined, deployment(2), 'kubectl', { force: false, defName: DEPLOY, now: t0 });
    const second = applyPatch(first.object, deployment(2), 'kubectl', { force: false, defName: DEPLOY, now: t1 });
    expect(second.object).toEqual(first.object);
    expect(second.managedFields).toEqual(first.managedFields);
  });

  it('conflicts when another manager owns a field it changes; force takes ownership', () => {
    const first = applyPatch(undefined, deployment(2), 'kubectl', { force: false, defName: DEPLOY, now: t0 });
    // a client-side tool changes replicas with an Update
    const edited = structuredClone(first.object);
    edited.spec.replicas = 5;
    edited.metadata.managedFields = updateManagedFields(first.object, edited, 'kubectl-client-side-apply', 'Update', 'apps/v1', { defName: DEPLOY, now: t1 });
    expect(edited.metadata.managedFields!.map((m) => [m.manager, m.operation, m.fieldsV1])).toEqual([
      ['kubectl', 'Apply', expect.not.objectContaining({ 'f:spec': expect.objectContaining({ 'f:replicas': {} }) })],
      ['kubectl-client-side-apply', 'Update', { 'f:spec': { 'f:replicas': {} } }],
    ]);

    const other = applyPatch(edited, deployment(3), 'other', { force: false, defName: DEPLOY, now: t1 });
    expect(other.conflicts).toEqual([{ manager: '"kubectl-client-side-apply" using apps/v1', path: '.spec.replicas' }]);
    expect(formatConflictMessage(other.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    const err = applyConflictError(other.conflicts);
    expect(err.code).toBe(409);
    expect(err.status.details?.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
    ]);
    expect(other.object).toBe(edited);

    const forced = applyPatch(edited, deployment(3), 'other', { force: true, defName: DEPLOY, now: t1 });
    expect(forced.conflicts).toEqual([]);
    expect(forced.object.spec.replicas).toBe(3);
    expect(forced.managedFields.map((m) => m.manager)).toEqual(['kubectl', 'other']);
  });

  it('shares fields applied with the same value instead of conflicting', () => {
    const first = applyPatch(undefined, deployment(2), 'a', { force: false, defName: DEPLOY, now: t0 });
    const second = applyPatch(first.object, deployment(2), 'b', { force: false, defName: DEPLOY, now: t1 });
    expect(second.conflicts).toEqual([]);
    expect(second.managedFields.map((m) => m.manager)).toEqual(['a', 'b']);
  });

  it('reports several conflicts grouped by manager', () => {
    expect(
      formatConflictMessage([
        { manager: '"x"', path: '.spec.replicas' },
        { manager: '"x"', path: '.spec.paused' },
      ]),
    ).toBe('Apply failed with 2 conflicts: conflicts with "x":\n- .spec.replicas\n- .spec.paused');
  });

  it('removes fields the manager no longer applies, unless another manager owns them', () => {
    const two = [
      { name: 'nginx', image: 'nginx:1.25' },
      { name: 'sidecar', image: 'busybox' },
    ];
    const first = applyPatch(undefined, { ...deployment(2, two), metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } } }, 'kubectl', {
      force: false,
      defName: DEPLOY,
      now: t0,
    });
    const second = applyPatch(first.object, deployment(2), 'kubectl', { force: false, defName: DEPLOY, now: t1 });
    expect(second.object.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['nginx']);
    expect(second.object.metadata.labels).toEqual({ app: 'web' });

    // someone else took ownership of the tier label through an update: it survives the re-apply
    const edited = structuredClone(first.object);
    edited.metadata.labels!.tier = 'backend';
    edited.metadata.managedFields = updateManagedFields(first.object, edited, 'kubectl-edit', 'Update', 'apps/v1', { defName: DEPLOY, now: t1 });
    const third = applyPatch(edited, deployment(2), 'kubectl', { force: false, defName: DEPLOY, now: t1 });
    expect(third.object.metadata.labels).toEqual({ app: 'web', tier: 'backend' });
  });

  it('drops a struct the applier stopped sending altogether, not leaving it as an empty map', () => {
    const VAP = 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy';
    const policy = (spec: object): KObject => ({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'p' },
      spec,
    });
    const validations = [{ expression: 'true' }];
    const first = applyPatch(undefined, policy({ paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations }), 'kubectl', {
      force: false,
      defName: VAP,
      now: t0,
    });
    expect(first.object.spec.paramKind).toEqual({ apiVersion: 'v1', kind: 'ConfigMap' });
    const second = applyPatch(first.object, policy({ validations }), 'kubectl', { force: false, defName: VAP, now: t1 });
    expect(second.object.spec).toEqual({ validations });
    expect(second.managedFields[0].fieldsV1).toEqual({ 'f:spec': { 'f:validations': {} } });
  });
});

describe('updateManagedFields', () => {
  it('records a create with "." on newly created maps and items, not on value structs', () => {
    const obj = deployment(1);
    obj.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    const mf = updateManagedFields(undefined, obj, 'kubectl-create', 'Update', 'apps/v1', { defName: DEPLOY, now: t0 });
    expect(mf).toHaveLength(1);
    expect(mf[0]).toMatchObject({
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2025-01-01T10:00:00Z',
      fieldsType: 'FieldsV1',
    });
    const f = mf[0].fieldsV1 as any;
    expect(f['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:app': {} } });
    expect(f['f:spec']['f:strategy']).toEqual({ 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} });
    expect(f['f:spec']['f:template']['f:spec']['f:containers']).toEqual({ 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } });
    expect(f['f:spec']['f:selector']).toEqual({});
  });

  it('keeps managedFields for a no-op update and records status writes with the subresource', () => {
    const obj = deployment(1);
    obj.metadata.managedFields = updateManagedFields(undefined, obj, 'kubectl-create', 'Update', 'apps/v1', { defName: DEPLOY, now: t0 });
    expect(updateManagedFields(obj, structuredClone(obj), 'kube-controller-manager', 'Update', 'apps/v1', { defName: DEPLOY, now: t1 })).toEqual(
      obj.metadata.managedFields,
    );

    const withStatus = structuredClone(obj);
    withStatus.status = { replicas: 1, conditions: [{ type: 'Available', status: 'True' }] };
    const mf = updateManagedFields(obj, withStatus, 'kube-controller-manager', 'Update', 'apps/v1', { defName: DEPLOY, now: t1, subresource: 'status' });
    expect(mf[1]).toMatchObject({ manager: 'kube-controller-manager', subresource: 'status', time: '2025-01-01T11:00:00Z' });
    expect(mf[1].fieldsV1).toEqual({
      'f:status': { '.': {}, 'f:conditions': { 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:replicas': {} },
    });
  });

  it('moves ownership of changed fields to the updater', () => {
    const obj = deployment(1);
    obj.metadata.managedFields = updateManagedFields(undefined, obj, 'kubectl-create', 'Update', 'apps/v1', { defName: DEPLOY, now: t0 });
    const scaled = structuredClone(obj);
    scaled.spec.replicas = 4;
    const mf = updateManagedFields(obj, scaled, 'kubectl', 'Update', 'apps/v1', { defName: DEPLOY, now: t1 });
    expect(mf.map((m) => m.manager)).toEqual(['kubectl-create', 'kubectl']);
    expect((mf[0].fieldsV1 as any)['f:spec']['f:replicas']).toBeUndefined();
    expect(mf[1].fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });
});

describe('updateManagedFields on create (shape-keyed reuse)', () => {
  it('gives alike objects the same fields with their own time, and tells apart list keys and map keys', () => {
    const a = updateManagedFields(undefined, deployment(2), 'kube-controller-manager', 'Update', 'apps/v1', { defName: DEPLOY, now: t0 });
    const b = updateManagedFields(undefined, deployment(7), 'kube-controller-manager', 'Update', 'apps/v1', { defName: DEPLOY, now: t1 });
    expect(b[0].fieldsV1).toEqual(a[0].fieldsV1);
    expect([a[0].time, b[0].time]).toEqual(['2025-01-01T10:00:00Z', '2025-01-01T11:00:00Z']);
    b[0].fieldsV1 = {};
    const again = updateManagedFields(undefined, deployment(2), 'kube-controller-manager', 'Update', 'apps/v1', { defName: DEPLOY, now: t0 });
    expect(again).toEqual(a);

    const other = updateManagedFields(undefined, deployment(2, [{ name: 'redis', image: 'redis' }]), 'kube-controller-manager', 'Update', 'apps/v1', {
      defName: DEPLOY,
      now: t0,
    });
    expect(Object.keys((other[0].fieldsV1 as any)['f:spec']['f:template']['f:spec']['f:containers'])).toEqual(['k:{"name":"redis"}']);
    const labelled = deployment(2);
    labelled.metadata.labels = { tier: 'web' };
    const l = updateManagedFields(undefined, labelled, 'kube-controller-manager', 'Update', 'apps/v1', { defName: DEPLOY, now: t0 });
    expect((l[0].fieldsV1 as any)['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:tier': {} } });
    const byOther = updateManagedFields(undefined, deployment(2), 'kubectl-create', 'Update', 'apps/v1', { defName: DEPLOY, now: t0 });
    expect(byOther[0].manager).toBe('kubectl-create');
  });
});
