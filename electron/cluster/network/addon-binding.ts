import type { KObject } from '../api/types';

/** the ClusterRoleBinding kubeadm writes for an add-on's ServiceAccount (CoreDNS, kube-proxy) */
export function addonBinding(name: string, clusterRole: string, serviceAccount: string, namespace = 'kube-system'): KObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
  };
}
