/**
 * The cluster DNS add-on as kubeadm installs it (cmd/kubeadm/app/phases/addons/dns): the coredns ConfigMap with
 * kubeadm's default Corefile, the coredns ServiceAccount, the system:coredns ClusterRole and binding, the
 * coredns Deployment (two replicas labelled k8s-app=kube-dns) and the kube-dns Service on 10.96.0.10.
 */
import type { KObject } from '../../api/types';
import { addonBinding } from '../addon-binding';
import { COREDNS_IMAGE, COREDNS_VERSION } from './program';

export const CLUSTER_DNS_IP = '10.96.0.10';
export const CLUSTER_DOMAIN = 'cluster.local';

export const DEFAULT_COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success ${CLUSTER_DOMAIN}
       disable denial ${CLUSTER_DOMAIN}
    }
    loop
    reload
    loadbalance
}
`;

const labels = { 'k8s-app': 'kube-dns' };

export function clusterDnsObjects(): {
  resource: 'configmaps' | 'serviceaccounts' | 'clusterroles' | 'clusterrolebindings' | 'deployments' | 'services';
  namespace?: string;
  object: KObject;
}[] {
  return [
    {
      resource: 'configmaps',
      namespace: 'kube-system',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: DEFAULT_COREFILE } },
    },
    {
      resource: 'serviceaccounts',
      namespace: 'kube-system',
      object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system' } },
    },
    {
      resource: 'clusterroles',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'system:coredns' },
        rules: [
          { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
        ],
      },
    },
    { resource: 'clusterrolebindings', object: addonBinding('system:coredns', 'system:coredns', 'coredns') },
    {
      resource: 'deployments',
      namespace: 'kube-system',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'coredns', namespace: 'kube-system', labels },
        spec: {
          replicas: 2,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              priorityClassName: 'system-cluster-critical',
              serviceAccountName: 'coredns',
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      weight: 100,
                      podAffinityTerm: {
                        labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] },
                        topologyKey: 'kubernetes.io/hostname',
                      },
                    },
                  ],
                },
              },
              tolerations: [
                { key: 'CriticalAddonsOnly', operator: 'Exists' },
                { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
              ],
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              containers: [
                {
                  name: 'coredns',
                  image: `${COREDNS_IMAGE}:${COREDNS_VERSION}`,
                  imagePullPolicy: 'IfNotPresent',
                  resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
                  args: ['-conf', '/etc/coredns/Corefile'],
                  volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
                  ports: [
                    { containerPort: 53, name: 'dns', protocol: 'UDP' },
                    { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                    { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
                    { containerPort: 8080, name: 'liveness-probe', protocol: 'TCP' },
                    { containerPort: 8181, name: 'readiness-probe', protocol: 'TCP' },
                  ],
                  livenessProbe: {
                    httpGet: { path: '/health', port: 'liveness-probe', scheme: 'HTTP' },
                    initialDelaySeconds: 60,
                    timeoutSeconds: 5,
                    successThreshold: 1,
                    failureThreshold: 5,
                  },
                  readinessProbe: { httpGet: { path: '/ready', port: 'readiness-probe', scheme: 'HTTP' } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
                    readOnlyRootFilesystem: true,
                  },
                },
              ],
              dnsPolicy: 'Default',
              volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
            },
          },
        },
      },
    },
    {
      resource: 'services',
      namespace: 'kube-system',
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'kube-dns',
          namespace: 'kube-system',
          labels: { ...labels, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
          annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
        },
        spec: {
          clusterIP: CLUSTER_DNS_IP,
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
            { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
            { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
          ],
          selector: labels,
        },
      },
    },
  ];
}
