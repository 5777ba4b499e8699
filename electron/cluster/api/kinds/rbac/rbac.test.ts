import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { clusterRoleBindingStrategy, roleBindingStrategy, roleStrategy } from './index';

const ctx = { operation: 'create' as const, now: new Date('2025-01-01T00:00:00Z') };

describe('RBAC', () => {
  it('validates rules with upstream messages', () => {
    const role: KObject = {
      metadata: { name: 'r', namespace: 'ns' },
      rules: [
        { verbs: [], resources: ['pods'] },
        { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      ],
    };
    expect(errInvalid('rbac.authorization.k8s.io', 'Role', 'r', roleStrategy.validate!(role, ctx)).message).toBe(
      'Role.rbac.authorization.k8s.io "r" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, ' +
        'rules[0].apiGroups: Required value: resource rules must supply at least one api group, ' +
        'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs]',
    );
    expect(roleStrategy.nameValidation).toBe('path-segment');
  });
  it('defaults subject API groups and refuses to change roleRef', () => {
    const rb: KObject = {
      metadata: { name: 'rb', namespace: 'ns' },
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [
        { kind: 'User', name: 'jane' },
        { kind: 'ServiceAccount', name: 'default', namespace: 'ns' },
      ],
    };
    roleBindingStrategy.defaults!(rb);
    expect(rb.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
    // a ServiceAccount's group is the core group "", which omitempty leaves out of what the server returns
    expect(rb.subjects.map((s: any) => s.apiGroup)).toEqual(['rbac.authorization.k8s.io', undefined]);
    expect('apiGroup' in rb.subjects[1]).toBe(false);
    expect(roleBindingStrategy.validate!(rb, ctx)).toEqual([]);
    const changed = { ...rb, roleRef: { ...rb.roleRef, name: 'other' } };
    expect(errInvalid('rbac.authorization.k8s.io', 'RoleBinding', 'rb', roleBindingStrategy.validateUpdate!(changed, rb, ctx)).message).toBe(
      'RoleBinding.rbac.authorization.k8s.io "rb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef',
    );
    (rb.metadata as any).creationTimestamp = '2024-12-31T23:00:00Z';
    expect(roleBindingStrategy.table!.row(rb, ctx.now)).toEqual(['rb', 'Role/r', '60m', 'jane', '', 'ns/default']);
  });
  it('requires a ClusterRole and subject namespaces in cluster bindings', () => {
    const crb: KObject = { metadata: { name: 'crb' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] };
    clusterRoleBindingStrategy.defaults!(crb);
    expect(errInvalid('rbac.authorization.k8s.io', 'ClusterRoleBinding', 'crb', clusterRoleBindingStrategy.validate!(crb, ctx)).message).toBe(
      'ClusterRoleBinding.rbac.authorization.k8s.io "crb" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value]',
    );
  });
});
