// The RBAC authorizer against a table of decisions kube-apiserver v1.33 makes for the same roles and bindings
// (upstream's rbac authorizer tests and `kubectl auth can-i` against a kind cluster), plus the escalation comparison.
import { describe, expect, it } from 'vitest';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-types/rbac/v1';
import { RbacResolver, rbacAuthorizer, type RbacSource } from './authorizer';
import { compactString, uncoveredRules } from './rules';
import { CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS } from './bootstrap-policy';
import { aggregatedRules } from '../../controllers/clusterroleaggregation/clusterrole-aggregation-controller';
import type { AuthorizationAttributes } from '../authorizer';

const role = (ns: string, name: string, rules: Role['rules']): Role => ({ metadata: { namespace: ns, name }, rules });
const rb = (ns: string, name: string, kind: 'Role' | 'ClusterRole', ref: string, subjects: RoleBinding['subjects']): RoleBinding => ({
  metadata: { namespace: ns, name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: ref },
  subjects,
});

/** the bootstrap roles with their aggregation done, as a running cluster has them */
function aggregatedBootstrap(extra: ClusterRole[] = []): ClusterRole[] {
  const crs = structuredClone([...CLUSTER_ROLES, ...extra]);
  for (let i = 0; i < 3; i++) for (const r of crs) if (r.aggregationRule) r.rules = aggregatedRules(r, crs);
  return crs;
}

function source(extra: { roles?: Role[]; clusterRoles?: ClusterRole[]; roleBindings?: RoleBinding[]; clusterRoleBindings?: ClusterRoleBinding[] }): RbacSource {
  const crs = aggregatedBootstrap(extra.clusterRoles);
  return {
    role: (ns, name) => extra.roles?.find((r) => r.metadata?.namespace === ns && r.metadata?.name === name),
    clusterRole: (name) => crs.find((r) => r.metadata?.name === name),
    clusterRoleBindings: () => [...CLUSTER_ROLE_BINDINGS, ...(extra.clusterRoleBindings ?? [])],
    roleBindings: () => extra.roleBindings ?? [],
  };
}

const SA = { name: 'system:serviceaccount:team:dev', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] };
const JANE = { name: 'jane', groups: ['devs', 'system:authenticated'] };
const BOB = { name: 'bob', groups: ['system:authenticated'] };
const ANON = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

const z = rbacAuthorizer(
  new RbacResolver(
    source({
      roles: [
        role('team', 'pod-reader', [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }]),
        role('team', 'one-cm', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['app-config'], verbs: ['get', 'update'] }]),
        role('team', 'scaler', [{ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update', 'patch'] }]),
      ],
      clusterRoles: [{ metadata: { name: 'metrics' }, rules: [{ nonResourceURLs: ['/metrics', '/logs/*'], verbs: ['get'] }] }],
      roleBindings: [
        rb('team', 'dev-read', 'Role', 'pod-reader', [{ kind: 'ServiceAccount', name: 'dev', namespace: 'team' }]),
        rb('team', 'dev-cm', 'Role', 'one-cm', [{ kind: 'ServiceAccount', name: 'dev' }]),
        rb('team', 'devs-edit', 'ClusterRole', 'edit', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'devs' }]),
        rb('team', 'bob-scale', 'Role', 'scaler', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }]),
        rb('team', 'broken', 'Role', 'missing', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }]),
      ],
      clusterRoleBindings: [
        {
          metadata: { name: 'm' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'metrics' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
        },
      ],
    }),
  ),
);

const res = (user: typeof SA, verb: string, resource: string, ns?: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({
  user,
  verb,
  resourceRequest: true,
  apiGroup: '',
  resource,
  namespace: ns,
  ...extra,
});
const url = (user: typeof SA, verb: string, path: string): AuthorizationAttributes => ({ user, verb, resourceRequest: false, path });

// [description, attributes, upstream allows]
const TABLE: [string, AuthorizationAttributes, boolean][] = [
  ['SA lists pods in its bound namespace', res(SA, 'list', 'pods', 'team'), true],
  ['SA deletes pods', res(SA, 'delete', 'pods', 'team'), false],
  ['SA lists pods elsewhere (RoleBinding is namespace-confined)', res(SA, 'list', 'pods', 'default'), false],
  ['SA lists pods cluster-wide', res(SA, 'list', 'pods'), false],
  ['SA reads pods/log', res(SA, 'get', 'pods', 'team', { subresource: 'log', name: 'x' }), true],
  ['SA execs (pods/exec not in the role)', res(SA, 'create', 'pods', 'team', { subresource: 'exec', name: 'x' }), false],
  ['resourceNames: the named ConfigMap', res(SA, 'get', 'configmaps', 'team', { name: 'app-config' }), true],
  ['resourceNames: another ConfigMap', res(SA, 'get', 'configmaps', 'team', { name: 'other' }), false],
  ['resourceNames: list is not a named request', res(SA, 'list', 'configmaps', 'team'), false],
  ['SA subject without namespace defaults to the binding namespace', res(SA, 'update', 'configmaps', 'team', { name: 'app-config' }), true],
  ['group bound to edit creates deployments', res(JANE, 'create', 'deployments', 'team', { apiGroup: 'apps' }), true],
  ['edit updates deployments/scale', res(JANE, 'update', 'deployments', 'team', { apiGroup: 'apps', subresource: 'scale', name: 'd' }), true],
  ['edit reads secrets', res(JANE, 'get', 'secrets', 'team', { name: 's' }), true],
  ['edit may not create roles', res(JANE, 'create', 'roles', 'team', { apiGroup: 'rbac.authorization.k8s.io' }), false],
  ['edit may not write resourcequotas', res(JANE, 'update', 'resourcequotas', 'team', { name: 'q' }), false],
  ['edit may impersonate serviceaccounts', res(JANE, 'impersonate', 'serviceaccounts', 'team', { name: 'x' }), true],
  ['edit in team gives nothing in default', res(JANE, 'get', 'pods', 'default', { name: 'x' }), false],
  ['*/scale matches deployments/scale', res(BOB, 'patch', 'deployments', 'team', { apiGroup: 'apps', subresource: 'scale', name: 'd' }), true],
  ['*/scale does not match deployments', res(BOB, 'patch', 'deployments', 'team', { apiGroup: 'apps', name: 'd' }), false],
  ['*/scale is limited to its group', res(BOB, 'patch', 'replicationcontrollers', 'team', { subresource: 'scale', name: 'r' }), false],
  ['nonResourceURL exact', url(BOB, 'get', '/metrics'), true],
  ['nonResourceURL prefix *', url(BOB, 'get', '/logs/kube-apiserver.log'), true],
  ['nonResourceURL verb mismatch', url(BOB, 'post', '/metrics'), false],
  ['every authenticated user: discovery', url(BOB, 'get', '/apis/apps/v1'), true],
  ['every authenticated user: selfsubjectaccessreviews', res(BOB, 'create', 'selfsubjectaccessreviews', undefined, { apiGroup: 'authorization.k8s.io' }), true],
  ['every authenticated user: selfsubjectreviews', res(BOB, 'create', 'selfsubjectreviews', undefined, { apiGroup: 'authentication.k8s.io' }), true],
  ['anonymous: /version (system:public-info-viewer)', url(ANON, 'get', '/version'), true],
  ['anonymous: /healthz', url(ANON, 'get', '/healthz'), true],
  ['anonymous: no discovery', url(ANON, 'get', '/api'), false],
  ['anonymous: no pods', res(ANON, 'list', 'pods', 'default'), false],
  [
    'the scheduler binds pods',
    res({ name: 'system:kube-scheduler', groups: ['system:authenticated'] }, 'create', 'pods', 'a', { subresource: 'binding', name: 'p' }),
    true,
  ],
  ['the scheduler may not create pods', res({ name: 'system:kube-scheduler', groups: ['system:authenticated'] }, 'create', 'pods', 'a'), false],
  [
    'the scheduler updates its lease by name only',
    res({ name: 'system:kube-scheduler', groups: [] }, 'update', 'leases', 'kube-system', { apiGroup: 'coordination.k8s.io', name: 'kube-scheduler' }),
    true,
  ],
  [
    'the scheduler may not update other leases',
    res({ name: 'system:kube-scheduler', groups: [] }, 'update', 'leases', 'kube-system', { apiGroup: 'coordination.k8s.io', name: 'x' }),
    false,
  ],
  ['system:masters via the cluster-admin binding', res({ name: 'root', groups: ['system:masters'] }, 'delete', 'nodes', undefined, { name: 'n' }), true],
  ['system:monitoring group reads /metrics', url({ name: 'prom', groups: ['system:monitoring'] }, 'get', '/metrics'), true],
];

describe('RBAC authorizer decisions match kube-apiserver v1.33', () => {
  for (const [what, attrs, allowed] of TABLE) {
    it(what, () => expect(z.authorize(attrs).decision === 'allow').toBe(allowed));
  }

  it('names the binding that allowed a request, as upstream reason', () => {
    expect(z.authorize(res(SA, 'get', 'pods', 'team', { name: 'x' })).reason).toBe(
      'RBAC: allowed by RoleBinding "dev-read/team" of Role "pod-reader" to ServiceAccount "dev/team"',
    );
  });

  it('reports a binding to a missing role as upstream', () => {
    expect(z.authorize(res(BOB, 'get', 'pods', 'team', { name: 'x' })).reason).toBe('RBAC: role.rbac.authorization.k8s.io "missing" not found');
  });

  it('aggregation puts the view rules into edit and admin', () => {
    const crs = aggregatedBootstrap();
    const view = crs.find((r) => r.metadata?.name === 'view')!;
    expect(view.rules?.some((r) => r.resources?.includes('pods') && r.verbs.includes('list'))).toBe(true);
    const admin = crs.find((r) => r.metadata?.name === 'admin')!;
    expect(admin.rules?.some((r) => r.resources?.includes('rolebindings'))).toBe(true);
  });
});

describe('escalation check: the rules a user holds must cover what they grant', () => {
  it('a wildcard covers everything, names and subresources', () => {
    expect(
      uncoveredRules(
        [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
        [{ apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['x'], verbs: ['patch'] }],
      ),
    ).toEqual([]);
  });
  it('named rules do not cover unnamed ones; the missing verbs are merged per resource', () => {
    const missing = uncoveredRules(
      [
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: ['a'], verbs: ['get'] },
      ],
      [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'delete'] }],
    );
    expect(missing.map(compactString)).toEqual([
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
    ]);
  });
  it('*/subresource covers that subresource of any resource', () => {
    expect(
      uncoveredRules(
        [{ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update'] }],
        [{ apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['update'] }],
      ),
    ).toEqual([]);
  });
});
