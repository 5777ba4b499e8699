// The controllers' own roles of kube-apiserver v1.33's bootstrap policy: one `system:controller:<sa>` ClusterRole per
// kube-controller-manager controller, bound to the ServiceAccount kube-system/<sa> it acts as when the controller
// manager runs with --use-service-account-credentials (kubeadm's default). Only the roles of features enabled by
// default in v1.33 are listed. Derived from reading upstream's controller policy; written in bootstrap-policy's notation.
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from 'kubernetes-types/rbac/v1';
import { READ, cr, crb, events, rule, sa } from './bootstrap-policy';

export const CONTROLLER_ROLE_PREFIX = 'system:controller:';

const CONTROLLER_RULES: Record<string, PolicyRule[]> = {
  'attachdetach-controller': [
    rule('list watch', '', 'persistentvolumes persistentvolumeclaims'),
    rule(READ, '', 'nodes'),
    rule('patch update', '', 'nodes/status'),
    rule('list watch', '', 'pods'),
    events,
    rule('get create delete list watch', 'storage.k8s.io', 'volumeattachments'),
    rule(READ, 'storage.k8s.io', 'csidrivers'),
    rule(READ, 'storage.k8s.io', 'csinodes'),
  ],
  'clusterrole-aggregation-controller': [rule('escalate get list watch update patch', 'rbac.authorization.k8s.io', 'clusterroles')],
  'cronjob-controller': [
    rule('get list watch update', 'batch', 'cronjobs'),
    rule('get list watch create update delete patch', 'batch', 'jobs'),
    rule('update', 'batch', 'cronjobs/status'),
    rule('update', 'batch', 'cronjobs/finalizers'),
    rule('list watch delete', '', 'pods'),
    events,
  ],
  'daemon-set-controller': [
    rule(READ, 'extensions,apps', 'daemonsets'),
    rule('update', 'extensions,apps', 'daemonsets/status'),
    rule('update', 'extensions,apps', 'daemonsets/finalizers'),
    rule('list watch', '', 'nodes'),
    rule('list watch create delete patch', '', 'pods'),
    rule('create', '', 'pods/binding'),
    rule('get list watch create delete update patch', 'apps', 'controllerrevisions'),
    events,
  ],
  'deployment-controller': [
    rule('get list watch update', 'extensions,apps', 'deployments'),
    rule('update', 'extensions,apps', 'deployments/status'),
    rule('update', 'extensions,apps', 'deployments/finalizers'),
    rule('get list watch create update patch delete', 'apps,extensions', 'replicasets'),
    rule('get list watch update', '', 'pods'),
    events,
  ],
  'disruption-controller': [
    rule(READ, 'extensions,apps', 'deployments'),
    rule(READ, 'apps,extensions', 'replicasets'),
    rule(READ, '', 'replicationcontrollers'),
    rule(READ, 'policy', 'poddisruptionbudgets'),
    rule(READ, 'apps', 'statefulsets'),
    rule('update', 'policy', 'poddisruptionbudgets/status'),
    rule('patch update', '', 'pods/status'),
    rule('get', '*', '*/scale'),
    events,
  ],
  'endpoint-controller': [
    rule(READ, '', 'services pods'),
    rule('get list watch create update delete', '', 'endpoints'),
    rule('create', '', 'endpoints/restricted'),
    events,
  ],
  'endpointslice-controller': [
    rule(READ, '', 'services pods nodes'),
    rule('update', '', 'services/finalizers'),
    rule('get list watch create update delete', 'discovery.k8s.io', 'endpointslices'),
    events,
  ],
  'endpointslicemirroring-controller': [
    rule(READ, '', 'services endpoints'),
    rule('update', '', 'services/finalizers'),
    rule('update', '', 'endpoints/finalizers'),
    rule('get list watch create update delete', 'discovery.k8s.io', 'endpointslices'),
    events,
  ],
  'expand-controller': [
    rule('get list watch update patch', '', 'persistentvolumes'),
    rule('update patch', '', 'persistentvolumeclaims/status'),
    rule(READ, '', 'persistentvolumeclaims'),
    events,
    rule('get', '', 'services'),
  ],
  'ephemeral-volume-controller': [
    rule(READ, '', 'pods'),
    rule('update', '', 'pods/finalizers'),
    rule('get list watch create', '', 'persistentvolumeclaims'),
    events,
  ],
  'generic-garbage-collector': [rule('get list watch patch update delete', '*', '*'), events],
  'horizontal-pod-autoscaler': [
    rule(READ, 'autoscaling', 'horizontalpodautoscalers'),
    rule('update', 'autoscaling', 'horizontalpodautoscalers/status'),
    rule('get update', '*', '*/scale'),
    rule('list watch', '', 'pods'),
    rule('list watch', 'metrics.k8s.io', 'pods'),
    rule(READ, 'custom.metrics.k8s.io', '*'),
    rule(READ, 'external.metrics.k8s.io', '*'),
    events,
  ],
  'job-controller': [
    rule('get list watch update patch', 'batch', 'jobs'),
    rule('update', 'batch', 'jobs/status'),
    rule('update', 'batch', 'jobs/finalizers'),
    rule('list watch create delete patch', '', 'pods'),
    events,
  ],
  'namespace-controller': [
    rule('get list watch delete', '', 'namespaces'),
    rule('update', '', 'namespaces/finalize namespaces/status'),
    rule('get list watch delete deletecollection', '*', '*'),
  ],
  'node-controller': [
    rule('get list watch update delete patch', '', 'nodes'),
    rule('patch update', '', 'nodes/status'),
    rule('patch update', '', 'pods/status'),
    rule('list watch get delete', '', 'pods'),
    events,
  ],
  'persistent-volume-binder': [
    rule('get list watch update create delete', '', 'persistentvolumes'),
    rule('update', '', 'persistentvolumes/status'),
    rule('get list watch update', '', 'persistentvolumeclaims'),
    rule('update', '', 'persistentvolumeclaims/status'),
    rule('list watch get create delete', '', 'pods'),
    rule(READ, 'storage.k8s.io', 'storageclasses'),
    rule('list watch', '', 'nodes'),
    events,
    rule('watch', '', 'events'),
    rule('get', '', 'services'),
  ],
  'pod-garbage-collector': [rule('list watch delete', '', 'pods'), rule(READ, '', 'nodes'), rule('patch', '', 'pods/status')],
  'replicaset-controller': [
    rule('get list watch update', 'apps,extensions', 'replicasets'),
    rule('update', 'apps,extensions', 'replicasets/status'),
    rule('update', 'apps,extensions', 'replicasets/finalizers'),
    rule('list watch patch create delete', '', 'pods'),
    events,
  ],
  'replication-controller': [
    rule('get list watch update', '', 'replicationcontrollers'),
    rule('update', '', 'replicationcontrollers/status'),
    rule('update', '', 'replicationcontrollers/finalizers'),
    rule('list watch patch create delete', '', 'pods'),
    events,
  ],
  'resourcequota-controller': [rule('list watch', '*', '*'), rule('update', '', 'resourcequotas/status'), events],
  'route-controller': [rule('list watch', '', 'nodes'), rule('patch', '', 'nodes/status'), events],
  'service-account-controller': [rule('create', '', 'serviceaccounts'), events],
  'service-controller': [rule(READ, '', 'services'), rule('patch update', '', 'services/status'), rule('list watch', '', 'nodes'), events],
  'service-cidrs-controller': [
    rule('get list watch patch update', 'networking.k8s.io', 'servicecidrs'),
    rule('patch update', 'networking.k8s.io', 'servicecidrs/finalizers'),
    rule('patch update', 'networking.k8s.io', 'servicecidrs/status'),
    rule(READ, 'networking.k8s.io', 'ipaddresses'),
    events,
  ],
  'statefulset-controller': [
    rule('list watch', '', 'pods'),
    rule(READ, 'apps', 'statefulsets'),
    rule('update', 'apps', 'statefulsets/status'),
    rule('update', 'apps', 'statefulsets/finalizers'),
    rule('get create delete update patch', '', 'pods'),
    rule('get create delete update patch list watch', 'apps', 'controllerrevisions'),
    rule('get create list watch', '', 'persistentvolumeclaims'),
    rule('update delete', '', 'persistentvolumeclaims'),
    rule('update', '', 'pods/finalizers'),
    events,
  ],
  'ttl-controller': [rule('update patch list watch', '', 'nodes'), events],
  'certificate-controller': [
    rule('get list watch delete', 'certificates.k8s.io', 'certificatesigningrequests'),
    rule('update', 'certificates.k8s.io', 'certificatesigningrequests/status certificatesigningrequests/approval'),
    rule('approve', 'certificates.k8s.io', 'signers', 'kubernetes.io/kube-apiserver-client-kubelet'),
    rule(
      'sign',
      'certificates.k8s.io',
      'signers',
      'kubernetes.io/legacy-unknown kubernetes.io/kube-apiserver-client kubernetes.io/kube-apiserver-client-kubelet kubernetes.io/kubelet-serving',
    ),
    rule('create', 'authorization.k8s.io', 'subjectaccessreviews'),
    events,
  ],
  'pvc-protection-controller': [rule('get list watch update', '', 'persistentvolumeclaims'), rule('list watch get', '', 'pods'), events],
  'pv-protection-controller': [rule('get list watch update', '', 'persistentvolumes'), events],
  'ttl-after-finished-controller': [rule('get list watch delete', 'batch', 'jobs'), events],
  'root-ca-cert-publisher': [rule('create update', '', 'configmaps'), events],
  'validatingadmissionpolicy-status-controller': [
    rule(READ, 'admissionregistration.k8s.io', 'validatingadmissionpolicies'),
    rule('get patch update', 'admissionregistration.k8s.io', 'validatingadmissionpolicies/status'),
    events,
  ],
  'legacy-service-account-token-cleaner': [
    rule('get', '', 'configmaps', 'kube-apiserver-legacy-service-account-token-tracking'),
    rule('patch delete', '', 'secrets'),
  ],
  'selinux-warning-controller': [
    events,
    rule(READ, '', 'persistentvolumes'),
    rule(READ, '', 'persistentvolumeclaims'),
    rule(READ, '', 'pods'),
    rule(READ, 'storage.k8s.io', 'csidrivers'),
  ],
};

/** the ServiceAccounts (in kube-system) the controller manager's controllers act as */
export const CONTROLLER_SERVICE_ACCOUNTS: readonly string[] = Object.keys(CONTROLLER_RULES);

export const CONTROLLER_ROLES: ClusterRole[] = CONTROLLER_SERVICE_ACCOUNTS.map((name) => cr(CONTROLLER_ROLE_PREFIX + name, CONTROLLER_RULES[name]));

export const CONTROLLER_ROLE_BINDINGS: ClusterRoleBinding[] = CONTROLLER_SERVICE_ACCOUNTS.map((name) =>
  crb(CONTROLLER_ROLE_PREFIX + name, [sa('kube-system', name)]),
);
