/**
 * kube-proxy as kubeadm installs it (cmd/kubeadm/app/phases/addons/proxy): a DaemonSet in kube-system running on
 * every node in the host network, reading its configuration from the kube-proxy ConfigMap, with the ServiceAccount
 * and the binding to system:node-proxier. The data path itself is the cluster network's proxier; these pods are
 * what a student lists, describes, reads the log of and execs `iptables-save` in, as on a kubeadm cluster.
 */
import type { KObject } from '../../api/types';
import { addonBinding } from '../addon-binding';
import { KUBE_PROXY_IMAGE, KUBE_PROXY_VERSION } from './program';

const labels = { 'k8s-app': 'kube-proxy' };

export function kubeProxyObjects(): { resource: 'serviceaccounts' | 'clusterrolebindings' | 'daemonsets'; namespace?: string; object: KObject }[] {
  return [
    {
      resource: 'serviceaccounts',
      namespace: 'kube-system',
      object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-proxy', namespace: 'kube-system' } },
    },
    { resource: 'clusterrolebindings', object: addonBinding('kubeadm:node-proxier', 'system:node-proxier', 'kube-proxy') },
    {
      resource: 'daemonsets',
      namespace: 'kube-system',
      object: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'kube-proxy', namespace: 'kube-system', labels },
        spec: {
          selector: { matchLabels: labels },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: { labels },
            spec: {
              priorityClassName: 'system-node-critical',
              serviceAccountName: 'kube-proxy',
              hostNetwork: true,
              tolerations: [{ operator: 'Exists' }],
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              containers: [
                {
                  name: 'kube-proxy',
                  image: `${KUBE_PROXY_IMAGE}:${KUBE_PROXY_VERSION}`,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
                  env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
                  securityContext: { privileged: true },
                  volumeMounts: [
                    { name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' },
                    { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
                    { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: 'kube-proxy', configMap: { name: 'kube-proxy' } },
                { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
                { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
              ],
            },
          },
        },
      },
    },
  ];
}
