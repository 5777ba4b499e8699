// The static pod manifests kubeadm writes to /etc/kubernetes/manifests on a control-plane node: etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler with kubeadm's flags, probes, requests and hostPath volumes. KubeLab's
// control plane runs in-process; these pods stand for it on the node so it is visible like on a kubeadm cluster.
import type { KObject } from '../../api/types';

export interface ControlPlaneVersions {
  kubernetes: string;
  etcd: string;
}

/** the etcd kubeadm v1.33 deploys */
export const ETCD_VERSION = '3.5.21-0';

export const CONTROL_PLANE_IMAGES = {
  'kube-apiserver': 'registry.k8s.io/kube-apiserver',
  'kube-controller-manager': 'registry.k8s.io/kube-controller-manager',
  'kube-scheduler': 'registry.k8s.io/kube-scheduler',
  etcd: 'registry.k8s.io/etcd',
} as const;

export interface ManifestContext {
  nodeName: string;
  nodeIP: string;
  /** the API server's port: the cluster's real one, so the flags and probes name what kubectl talks to */
  apiPort: number;
  serviceCIDR: string;
  podCIDR: string;
  versions: ControlPlaneVersions;
}

type HostPathType = 'DirectoryOrCreate' | 'FileOrCreate';
interface HostVolume {
  name: string;
  path: string;
  type: HostPathType;
  mountPath?: string;
  readOnly?: boolean;
}

const CA_VOLUMES: HostVolume[] = [
  { name: 'ca-certs', path: '/etc/ssl/certs', type: 'DirectoryOrCreate', readOnly: true },
  { name: 'etc-ca-certificates', path: '/etc/ca-certificates', type: 'DirectoryOrCreate', readOnly: true },
  { name: 'k8s-certs', path: '/etc/kubernetes/pki', type: 'DirectoryOrCreate', readOnly: true },
  { name: 'usr-local-share-ca-certificates', path: '/usr/local/share/ca-certificates', type: 'DirectoryOrCreate', readOnly: true },
  { name: 'usr-share-ca-certificates', path: '/usr/share/ca-certificates', type: 'DirectoryOrCreate', readOnly: true },
];

function probe(
  host: string,
  path: string,
  port: number,
  scheme: 'HTTP' | 'HTTPS',
  o: { failureThreshold: number; initialDelaySeconds?: number; periodSeconds: number },
): Record<string, unknown> {
  return {
    failureThreshold: o.failureThreshold,
    httpGet: { host, path, port, scheme },
    ...(o.initialDelaySeconds ? { initialDelaySeconds: o.initialDelaySeconds } : {}),
    periodSeconds: o.periodSeconds,
    timeoutSeconds: 15,
  };
}

function staticPod(
  name: string,
  image: string,
  command: string[],
  extra: { annotations?: Record<string, string>; requests: Record<string, string>; probes: Record<string, unknown>; volumes: HostVolume[] },
): KObject {
  const byName = [...extra.volumes].sort((a, b) => a.name.localeCompare(b.name));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
      labels: { component: name, tier: 'control-plane' },
      name,
      namespace: 'kube-system',
    },
    spec: {
      containers: [
        {
          command,
          image,
          imagePullPolicy: 'IfNotPresent',
          name,
          ...extra.probes,
          resources: { requests: extra.requests },
          volumeMounts: extra.volumes.map((v) => ({ mountPath: v.mountPath ?? v.path, name: v.name, ...(v.readOnly ? { readOnly: true } : {}) })),
        },
      ],
      hostNetwork: true,
      priority: 2000001000,
      priorityClassName: 'system-node-critical',
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      volumes: byName.map((v) => ({ hostPath: { path: v.path, type: v.type }, name: v.name })),
    },
  };
}

export function controlPlaneManifests(c: ManifestContext): KObject[] {
  const ip = c.nodeIP;
  const tag = c.versions.kubernetes;
  const etcd = staticPod(
    'etcd',
    `${CONTROL_PLANE_IMAGES.etcd}:${c.versions.etcd}`,
    [
      'etcd',
      `--advertise-client-urls=https://${ip}:2379`,
      '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
      '--client-cert-auth=true',
      '--data-dir=/var/lib/etcd',
      '--experimental-initial-corrupt-check=true',
      '--experimental-watch-progress-notify-interval=5s',
      `--initial-advertise-peer-urls=https://${ip}:2380`,
      `--initial-cluster=${c.nodeName}=https://${ip}:2380`,
      '--key-file=/etc/kubernetes/pki/etcd/server.key',
      `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`,
      '--listen-metrics-urls=http://127.0.0.1:2381',
      `--listen-peer-urls=https://${ip}:2380`,
      `--name=${c.nodeName}`,
      '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
      '--peer-client-cert-auth=true',
      '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
      '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
      '--snapshot-count=10000',
      '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
    ],
    {
      annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${ip}:2379` },
      requests: { cpu: '100m', memory: '100Mi' },
      probes: {
        livenessProbe: probe('127.0.0.1', '/livez', 2381, 'HTTP', { failureThreshold: 8, initialDelaySeconds: 10, periodSeconds: 10 }),
        readinessProbe: probe('127.0.0.1', '/readyz', 2381, 'HTTP', { failureThreshold: 3, periodSeconds: 1 }),
        startupProbe: probe('127.0.0.1', '/readyz', 2381, 'HTTP', { failureThreshold: 24, initialDelaySeconds: 10, periodSeconds: 10 }),
      },
      volumes: [
        { name: 'etcd-data', path: '/var/lib/etcd', type: 'DirectoryOrCreate' },
        { name: 'etcd-certs', path: '/etc/kubernetes/pki/etcd', type: 'DirectoryOrCreate' },
      ],
    },
  );
  const apiserver = staticPod(
    'kube-apiserver',
    `${CONTROL_PLANE_IMAGES['kube-apiserver']}:${tag}`,
    [
      'kube-apiserver',
      `--advertise-address=${ip}`,
      '--allow-privileged=true',
      '--authorization-mode=Node,RBAC',
      '--client-ca-file=/etc/kubernetes/pki/ca.crt',
      '--enable-admission-plugins=NodeRestriction',
      '--enable-bootstrap-token-auth=true',
      '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
      '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
      '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
      '--etcd-servers=https://127.0.0.1:2379',
      '--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt',
      '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
      '--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt',
      '--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key',
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-username-headers=X-Remote-User',
      `--secure-port=${c.apiPort}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
      '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
      `--service-cluster-ip-range=${c.serviceCIDR}`,
      '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
      '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
    ],
    {
      annotations: { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${ip}:${c.apiPort}` },
      requests: { cpu: '250m' },
      probes: {
        livenessProbe: probe(ip, '/livez', c.apiPort, 'HTTPS', { failureThreshold: 8, initialDelaySeconds: 10, periodSeconds: 10 }),
        readinessProbe: probe(ip, '/readyz', c.apiPort, 'HTTPS', { failureThreshold: 3, periodSeconds: 1 }),
        startupProbe: probe(ip, '/livez', c.apiPort, 'HTTPS', { failureThreshold: 24, initialDelaySeconds: 10, periodSeconds: 10 }),
      },
      volumes: CA_VOLUMES,
    },
  );
  const kubeconfig = (file: string): HostVolume => ({ name: 'kubeconfig', path: `/etc/kubernetes/${file}`, type: 'FileOrCreate', readOnly: true });
  const controllerManager = staticPod(
    'kube-controller-manager',
    `${CONTROL_PLANE_IMAGES['kube-controller-manager']}:${tag}`,
    [
      'kube-controller-manager',
      '--allocate-node-cidrs=true',
      '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--bind-address=127.0.0.1',
      '--client-ca-file=/etc/kubernetes/pki/ca.crt',
      `--cluster-cidr=${c.podCIDR}`,
      '--cluster-name=kubernetes',
      '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
      '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key',
      '--controllers=*,bootstrapsigner,tokencleaner',
      '--kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--leader-elect=true',
      '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
      '--root-ca-file=/etc/kubernetes/pki/ca.crt',
      '--service-account-private-key-file=/etc/kubernetes/pki/sa.key',
      `--service-cluster-ip-range=${c.serviceCIDR}`,
      '--use-service-account-credentials=true',
    ],
    {
      requests: { cpu: '200m' },
      probes: {
        livenessProbe: probe('127.0.0.1', '/healthz', 10257, 'HTTPS', { failureThreshold: 8, initialDelaySeconds: 10, periodSeconds: 10 }),
        startupProbe: probe('127.0.0.1', '/healthz', 10257, 'HTTPS', { failureThreshold: 24, initialDelaySeconds: 10, periodSeconds: 10 }),
      },
      volumes: [
        ...CA_VOLUMES.slice(0, 2),
        { name: 'flexvolume-dir', path: '/usr/libexec/kubernetes/kubelet-plugins/volume/exec', type: 'DirectoryOrCreate' },
        CA_VOLUMES[2],
        { ...kubeconfig('controller-manager.conf'), mountPath: '/etc/kubernetes/controller-manager.conf' },
        ...CA_VOLUMES.slice(3),
      ],
    },
  );
  const scheduler = staticPod(
    'kube-scheduler',
    `${CONTROL_PLANE_IMAGES['kube-scheduler']}:${tag}`,
    [
      'kube-scheduler',
      '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
      '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
      '--bind-address=127.0.0.1',
      '--kubeconfig=/etc/kubernetes/scheduler.conf',
      '--leader-elect=true',
    ],
    {
      requests: { cpu: '100m' },
      probes: {
        livenessProbe: probe('127.0.0.1', '/livez', 10259, 'HTTPS', { failureThreshold: 8, initialDelaySeconds: 10, periodSeconds: 10 }),
        readinessProbe: probe('127.0.0.1', '/readyz', 10259, 'HTTPS', { failureThreshold: 3, periodSeconds: 1 }),
        startupProbe: probe('127.0.0.1', '/livez', 10259, 'HTTPS', { failureThreshold: 24, initialDelaySeconds: 10, periodSeconds: 10 }),
      },
      volumes: [kubeconfig('scheduler.conf')],
    },
  );
  return [etcd, apiserver, controllerManager, scheduler];
}
