import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { storageClassStrategy as sc } from './index';
import { runtimeClassStrategy } from '../node';
import { priorityClassStrategy } from '../scheduling';

const ctx = { operation: 'create' as const, now: new Date('2025-01-01T00:00:00Z') };

describe('cluster-scoped classes', () => {
  it('StorageClass defaults, immutability and the "(default)" name suffix', () => {
    const o: KObject = {
      metadata: { name: 'standard', creationTimestamp: '2024-12-31T00:00:00Z', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kubelab.io/hostpath',
    };
    sc.defaults!(o);
    expect([o.reclaimPolicy, o.volumeBindingMode]).toEqual(['Delete', 'Immediate']);
    expect(sc.validate!(o, ctx)).toEqual([]);
    expect(sc.table!.row(o, ctx.now)).toEqual(['standard (default)', 'kubelab.io/hostpath', 'Delete', 'Immediate', false, '24h']);
    const next = { ...o, provisioner: 'other.io/x', parameters: { a: 'b' } };
    expect(errInvalid('storage.k8s.io', 'StorageClass', 'standard', sc.validateUpdate!(next, o, ctx)).message).toBe(
      'StorageClass.storage.k8s.io "standard" is invalid: [parameters: Forbidden: updates to parameters are forbidden., provisioner: Forbidden: updates to provisioner are forbidden.]',
    );
  });
  it('RuntimeClass handler must be a DNS label and cannot change', () => {
    const o: KObject = { metadata: { name: 'gvisor' }, handler: 'Run_SC' };
    const m = errInvalid('node.k8s.io', 'RuntimeClass', 'gvisor', runtimeClassStrategy.validate!(o, ctx)).message;
    expect(m).toMatch(/^RuntimeClass\.node\.k8s\.io "gvisor" is invalid: handler: Invalid value: "Run_SC": a lowercase RFC 1123 label/);
    const ok: KObject = { metadata: { name: 'gvisor' }, handler: 'runsc' };
    expect(runtimeClassStrategy.validate!(ok, ctx)).toEqual([]);
    expect(errInvalid('node.k8s.io', 'RuntimeClass', 'gvisor', runtimeClassStrategy.validateUpdate!({ ...ok, handler: 'kata' }, ok, ctx)).message).toBe(
      'RuntimeClass.node.k8s.io "gvisor" is invalid: handler: Invalid value: "kata": field is immutable',
    );
  });
  it('PriorityClass reserves system- names and freezes value', () => {
    const bad: KObject = { metadata: { name: 'system-mine' }, value: 10 };
    expect(errInvalid('scheduling.k8s.io', 'PriorityClass', 'system-mine', priorityClassStrategy.validate!(bad, ctx)).message).toBe(
      'PriorityClass.scheduling.k8s.io "system-mine" is invalid: metadata.name: Forbidden: priority class names with \'system-\' prefix are reserved for system use only. error: system-mine is not a known system priority class',
    );
    const pc: KObject = { metadata: { name: 'high' }, value: 1000 };
    priorityClassStrategy.defaults!(pc);
    expect(pc.preemptionPolicy).toBe('PreemptLowerPriority');
    expect(errInvalid('scheduling.k8s.io', 'PriorityClass', 'high', priorityClassStrategy.validateUpdate!({ ...pc, value: 5 }, pc, ctx)).message).toBe(
      'PriorityClass.scheduling.k8s.io "high" is invalid: value: Forbidden: may not be changed in an update.',
    );
  });
});
