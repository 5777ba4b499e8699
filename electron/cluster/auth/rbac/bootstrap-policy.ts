// kube-apiserver v1.33's bootstrap RBAC policy (the roles and bindings every cluster starts with), written as data in
// a short notation: rule(verbs, groups, resources, names?) and urls(verbs, paths). Derived from reading upstream's
// bootstrappolicy; reconciled at start by reconcile.ts.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from 'kubernetes-types/rbac/v1';

const RW = ['create', 'delete', 'deletecollection', 'patch', 'update'];
export const READ = ['get', 'list', 'watch'];
const ALL = [...RW, ...READ];

const w = (s: string) => s.split(' ').filter(Boolean);
export function rule(verbs: string[] | string, groups: string, resources: string, names?: string): PolicyRule {
  const r: PolicyRule = {
    apiGroups: groups === '' ? [''] : groups.split(',').map((g) => (g === 'core' ? '' : g)),
    resources: w(resources),
    verbs: typeof verbs === 'string' ? w(verbs) : verbs,
  };
  if (names) r.resourceNames = w(names);
  return r;
}
const urls = (verbs: string, paths: string): PolicyRule => ({ nonResourceURLs: w(paths), verbs: w(verbs) });
export const events = rule('create patch update', 'core,events.k8s.io', 'events');

export const BOOTSTRAP_LABEL = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';

export function cr(name: string, rules: PolicyRule[] | null, opts: { labels?: Record<string, string>; aggregate?: string } = {}): ClusterRole {
  const role: ClusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { ...BOOTSTRAP_LABEL, ...opts.labels }, annotations: { [AUTOUPDATE]: 'true' } },
  };
  if (opts.aggregate) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [opts.aggregate]: 'true' } }] };
  if (rules) role.rules = rules;
  return role;
}
const toAdmin = { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' };
const toEdit = { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' };
const toView = { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' };

const approver = (signer: string) =>
  cr(`system:certificates.k8s.io:${signer.replace('kubernetes.io/', '')}-approver`, [rule('approve', 'certificates.k8s.io', 'signers', signer)]);

export const CLUSTER_ROLES: ClusterRole[] = [
  cr('cluster-admin', [rule('*', '*', '*'), urls('*', '*')]),
  cr('admin', null, { aggregate: 'rbac.authorization.k8s.io/aggregate-to-admin' }),
  cr('edit', null, { labels: toAdmin, aggregate: 'rbac.authorization.k8s.io/aggregate-to-edit' }),
  cr('view', null, { labels: toEdit, aggregate: 'rbac.authorization.k8s.io/aggregate-to-view' }),
  cr(
    'system:aggregate-to-admin',
    [rule('create', 'authorization.k8s.io', 'localsubjectaccessreviews'), rule(ALL, 'rbac.authorization.k8s.io', 'rolebindings roles')],
    { labels: toAdmin },
  ),
  cr(
    'system:aggregate-to-edit',
    [
      rule(READ, '', 'pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy'),
      rule('impersonate', '', 'serviceaccounts'),
      rule(RW, '', 'pods pods/attach pods/exec pods/portforward pods/proxy'),
      rule('create', '', 'pods/eviction'),
      rule(
        RW,
        '',
        'configmaps events persistentvolumeclaims replicationcontrollers replicationcontrollers/scale secrets serviceaccounts services services/proxy',
      ),
      rule('create', '', 'serviceaccounts/token'),
      rule(RW, 'apps', 'daemonsets deployments deployments/rollback deployments/scale replicasets replicasets/scale statefulsets statefulsets/scale'),
      rule(RW, 'autoscaling', 'horizontalpodautoscalers'),
      rule(RW, 'batch', 'cronjobs jobs'),
      rule(
        RW,
        'extensions',
        'daemonsets deployments deployments/rollback deployments/scale ingresses networkpolicies replicasets replicasets/scale replicationcontrollers/scale',
      ),
      rule(RW, 'policy', 'poddisruptionbudgets'),
      rule(RW, 'networking.k8s.io', 'ingresses networkpolicies'),
      rule(ALL, 'coordination.k8s.io', 'leases'),
    ],
    { labels: toEdit },
  ),
  cr(
    'system:aggregate-to-view',
    [
      rule(
        READ,
        '',
        'configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods replicationcontrollers replicationcontrollers/scale serviceaccounts services services/status',
      ),
      rule(READ, '', 'bindings events limitranges namespaces/status pods/log pods/status replicationcontrollers/status resourcequotas resourcequotas/status'),
      rule(READ, '', 'namespaces'),
      rule(READ, 'discovery.k8s.io', 'endpointslices'),
      rule(
        READ,
        'apps',
        'controllerrevisions daemonsets daemonsets/status deployments deployments/scale deployments/status replicasets replicasets/scale replicasets/status statefulsets statefulsets/scale statefulsets/status',
      ),
      rule(READ, 'autoscaling', 'horizontalpodautoscalers horizontalpodautoscalers/status'),
      rule(READ, 'batch', 'cronjobs cronjobs/status jobs jobs/status'),
      rule(
        READ,
        'extensions',
        'daemonsets daemonsets/status deployments deployments/scale deployments/status ingresses ingresses/status networkpolicies replicasets replicasets/scale replicasets/status replicationcontrollers/scale',
      ),
      rule(READ, 'policy', 'poddisruptionbudgets poddisruptionbudgets/status'),
      rule(READ, 'networking.k8s.io', 'ingresses ingresses/status networkpolicies'),
    ],
    { labels: toView },
  ),
  cr('system:auth-delegator', [rule('create', 'authentication.k8s.io', 'tokenreviews'), rule('create', 'authorization.k8s.io', 'subjectaccessreviews')]),
  cr('system:basic-user', [
    rule('create', 'authorization.k8s.io', 'selfsubjectaccessreviews selfsubjectrulesreviews'),
    rule('create', 'authentication.k8s.io', 'selfsubjectreviews'),
  ]),
  cr('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [rule('create', 'certificates.k8s.io', 'certificatesigningrequests/nodeclient')]),
  cr('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [
    rule('create', 'certificates.k8s.io', 'certificatesigningrequests/selfnodeclient'),
  ]),
  approver('kubernetes.io/kube-apiserver-client'),
  approver('kubernetes.io/kube-apiserver-client-kubelet'),
  approver('kubernetes.io/kubelet-serving'),
  approver('kubernetes.io/legacy-unknown'),
  cr('system:discovery', [urls('get', '/api /api/* /apis /apis/* /healthz /livez /openapi /openapi/* /readyz /version /version/')]),
  cr('system:heapster', [rule(READ, '', 'events namespaces nodes pods'), rule(READ, 'extensions', 'deployments')]),
  cr('system:kube-aggregator', [rule(READ, '', 'endpoints services')]),
  cr('system:kube-controller-manager', [
    events,
    rule('create', 'coordination.k8s.io', 'leases'),
    rule('get update', 'coordination.k8s.io', 'leases', 'kube-controller-manager'),
    rule('create', '', 'secrets serviceaccounts'),
    rule('delete', '', 'secrets'),
    rule('get', '', 'configmaps namespaces secrets serviceaccounts'),
    rule('update', '', 'secrets serviceaccounts'),
    rule('create', 'authentication.k8s.io', 'tokenreviews'),
    rule('create', 'authorization.k8s.io', 'subjectaccessreviews'),
    rule('list watch', '*', '*'),
    rule('create', '', 'serviceaccounts/token'),
  ]),
  cr('system:kube-dns', [rule('list watch', '', 'endpoints services')]),
  cr('system:kube-scheduler', [
    events,
    rule('create', 'coordination.k8s.io', 'leases'),
    rule('get update', 'coordination.k8s.io', 'leases', 'kube-scheduler'),
    rule(READ, '', 'nodes'),
    rule('delete get list watch', '', 'pods'),
    rule('create', '', 'bindings pods/binding'),
    rule('patch update', '', 'pods/status'),
    rule(READ, '', 'replicationcontrollers services'),
    rule(READ, 'apps,extensions', 'replicasets'),
    rule(READ, 'apps', 'statefulsets'),
    rule(READ, 'policy', 'poddisruptionbudgets'),
    rule(READ, '', 'persistentvolumeclaims persistentvolumes'),
    rule('create', 'authentication.k8s.io', 'tokenreviews'),
    rule('create', 'authorization.k8s.io', 'subjectaccessreviews'),
    rule(READ, 'storage.k8s.io', 'csinodes'),
    rule(READ, '', 'namespaces'),
    rule(READ, 'storage.k8s.io', 'csidrivers'),
    rule(READ, 'storage.k8s.io', 'csistoragecapacities'),
  ]),
  cr('system:kubelet-api-admin', [rule(READ, '', 'nodes'), rule('proxy', '', 'nodes'), rule('*', '', 'nodes/log nodes/metrics nodes/proxy nodes/stats')]),
  cr('system:monitoring', [urls('get', '/healthz /healthz/* /livez /livez/* /metrics /metrics/slis /readyz /readyz/*')]),
  cr('system:node', [
    rule('create', 'authentication.k8s.io', 'tokenreviews'),
    rule('create', 'authorization.k8s.io', 'localsubjectaccessreviews subjectaccessreviews'),
    rule(READ, '', 'services'),
    rule('create get list watch', '', 'nodes'),
    rule('patch update', '', 'nodes/status'),
    rule('patch update', '', 'nodes'),
    rule('create patch update', '', 'events'),
    rule(READ, '', 'pods'),
    rule('create delete', '', 'pods'),
    rule('patch update', '', 'pods/status'),
    rule('create', '', 'pods/eviction'),
    rule(READ, '', 'configmaps secrets'),
    rule('get', '', 'persistentvolumeclaims persistentvolumes'),
    rule('get', '', 'endpoints'),
    rule('create get list watch', 'certificates.k8s.io', 'certificatesigningrequests'),
    rule('create delete get patch update', 'coordination.k8s.io', 'leases'),
    rule('get', 'storage.k8s.io', 'volumeattachments'),
    rule('create', '', 'serviceaccounts/token'),
    rule('get patch update', '', 'persistentvolumeclaims/status'),
    rule(READ, 'storage.k8s.io', 'csidrivers'),
    rule('create delete get patch update', 'storage.k8s.io', 'csinodes'),
    rule(READ, 'node.k8s.io', 'runtimeclasses'),
  ]),
  cr('system:node-bootstrapper', [rule('create get list watch', 'certificates.k8s.io', 'certificatesigningrequests')]),
  cr('system:node-problem-detector', [rule('get', '', 'nodes'), rule('patch', '', 'nodes/status'), events]),
  cr('system:node-proxier', [
    rule('list watch', '', 'endpoints services'),
    rule(READ, '', 'nodes'),
    events,
    rule('list watch', 'discovery.k8s.io', 'endpointslices'),
  ]),
  cr('system:persistent-volume-provisioner', [
    rule('create delete get list watch', '', 'persistentvolumes'),
    rule('get list update watch', '', 'persistentvolumeclaims'),
    rule(READ, 'storage.k8s.io', 'storageclasses'),
    rule('watch', '', 'events'),
    events,
  ]),
  cr('system:public-info-viewer', [urls('get', '/healthz /livez /readyz /version /version/')]),
  cr('system:service-account-issuer-discovery', [urls('get', '/.well-known/openid-configuration /openid/v1/jwks')]),
  cr('system:volume-scheduler', [
    rule('get list patch update watch', '', 'persistentvolumes'),
    rule(READ, 'storage.k8s.io', 'storageclasses'),
    rule('get list patch update watch', '', 'persistentvolumeclaims'),
  ]),
];

const group = (name: string): Subject => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
const user = (name: string): Subject => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
export const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

export function crb(name: string, subjects: Subject[], role = name): ClusterRoleBinding {
  const b: ClusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAP_LABEL }, annotations: { [AUTOUPDATE]: 'true' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  };
  if (subjects.length) b.subjects = subjects;
  return b;
}

export const CLUSTER_ROLE_BINDINGS: ClusterRoleBinding[] = [
  crb('cluster-admin', [group('system:masters')]),
  crb('system:basic-user', [group('system:authenticated')]),
  crb('system:discovery', [group('system:authenticated')]),
  crb('system:kube-controller-manager', [user('system:kube-controller-manager')]),
  crb('system:kube-dns', [sa('kube-system', 'kube-dns')]),
  crb('system:kube-scheduler', [user('system:kube-scheduler')]),
  crb('system:monitoring', [group('system:monitoring')]),
  // upstream keeps this binding without subjects: kubelets are authorized by the Node authorizer
  crb('system:node', []),
  crb('system:node-proxier', [user('system:kube-proxy')]),
  crb('system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
  crb('system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
  crb('system:volume-scheduler', [user('system:kube-scheduler')]),
];

function nsRole(namespace: string, name: string, rules: PolicyRule[]): Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace, labels: { ...BOOTSTRAP_LABEL }, annotations: { [AUTOUPDATE]: 'true' } },
    rules,
  };
}
function nsBinding(namespace: string, name: string, role: string, subjects: Subject[]): RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace, labels: { ...BOOTSTRAP_LABEL }, annotations: { [AUTOUPDATE]: 'true' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
    subjects,
  };
}

export const NAMESPACE_ROLES: Role[] = [
  nsRole('kube-system', 'extension-apiserver-authentication-reader', [rule(READ, '', 'configmaps', 'extension-apiserver-authentication')]),
  nsRole('kube-system', 'system::leader-locking-kube-controller-manager', [
    rule('watch', '', 'configmaps'),
    rule('get update', '', 'configmaps', 'kube-controller-manager'),
  ]),
  nsRole('kube-system', 'system::leader-locking-kube-scheduler', [rule('watch', '', 'configmaps'), rule('get update', '', 'configmaps', 'kube-scheduler')]),
  nsRole('kube-system', 'system:controller:bootstrap-signer', [rule(READ, '', 'secrets')]),
  nsRole('kube-system', 'system:controller:cloud-provider', [rule('create get list watch', '', 'configmaps')]),
  nsRole('kube-system', 'system:controller:token-cleaner', [rule('delete get list watch', '', 'secrets'), events]),
  nsRole('kube-public', 'system:controller:bootstrap-signer', [rule(READ, '', 'configmaps'), rule('update', '', 'configmaps', 'cluster-info'), events]),
];

export const NAMESPACE_ROLE_BINDINGS: RoleBinding[] = [
  nsBinding('kube-system', 'system::extension-apiserver-authentication-reader', 'extension-apiserver-authentication-reader', [
    user('system:kube-controller-manager'),
    user('system:kube-scheduler'),
  ]),
  nsBinding('kube-system', 'system::leader-locking-kube-controller-manager', 'system::leader-locking-kube-controller-manager', [
    user('system:kube-controller-manager'),
    sa('kube-system', 'kube-controller-manager'),
  ]),
  nsBinding('kube-system', 'system::leader-locking-kube-scheduler', 'system::leader-locking-kube-scheduler', [
    user('system:kube-scheduler'),
    sa('kube-system', 'kube-scheduler'),
  ]),
  nsBinding('kube-system', 'system:controller:bootstrap-signer', 'system:controller:bootstrap-signer', [sa('kube-system', 'bootstrap-signer')]),
  nsBinding('kube-system', 'system:controller:cloud-provider', 'system:controller:cloud-provider', [sa('kube-system', 'cloud-provider')]),
  nsBinding('kube-system', 'system:controller:token-cleaner', 'system:controller:token-cleaner', [sa('kube-system', 'token-cleaner')]),
  nsBinding('kube-public', 'system:controller:bootstrap-signer', 'system:controller:bootstrap-signer', [sa('kube-system', 'bootstrap-signer')]),
];
