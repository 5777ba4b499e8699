// The Node object a simulated kubelet registers: kind-like names, labels, capacity, addresses and nodeInfo.
import type { KObject } from '../api/types';

export interface NodeSpecConfig {
  name: string;
  /** 0-based position in the cluster; decides addresses and pod CIDR */
  index: number;
  controlPlane: boolean;
  /** control plane nodes get the NoSchedule taint only when the cluster has workers (kind/kubeadm behaviour) */
  taintControlPlane: boolean;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  capacity?: Record<string, string>;
  runtimeVersion: string;
  kernelVersion?: string;
}

export const KUBELET_VERSION = 'v1.33.4';
export const NODE_OS_IMAGE = 'Debian GNU/Linux 12 (bookworm)';
export const NODE_KERNEL = '6.8.0-kubelab';

export function nodeInternalIP(index: number): string {
  return `172.18.0.${index + 2}`;
}
export function nodePodCIDR(index: number): string {
  return `10.244.${index}.0/24`;
}

export function buildNode(c: NodeSpecConfig): KObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': c.name,
    'kubernetes.io/os': 'linux',
    ...(c.controlPlane ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}),
    ...(c.labels ?? {}),
  };
  const taints = [...(c.taints ?? [])];
  if (c.controlPlane && c.taintControlPlane) taints.unshift({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
  const capacity: Record<string, string> = {
    cpu: '4',
    'ephemeral-storage': '102626232Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: '8148012Ki',
    pods: '110',
    ...(c.capacity ?? {}),
  };
  const cidr = nodePodCIDR(c.index);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: c.name,
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: cidr, podCIDRs: [cidr], providerID: `kind://docker/kubelab/${c.name}`, ...(taints.length ? { taints } : {}) },
    status: { capacity, allocatable: { ...capacity } },
  };
}

export function nodeStatus(c: NodeSpecConfig, ready: boolean, now: string, prev?: KObject): Record<string, unknown> {
  const prevConds: any[] = prev?.status?.conditions ?? [];
  const cond = (type: string, status: string, reason: string, message: string) => {
    const p = prevConds.find((x) => x.type === type);
    return { type, status, lastHeartbeatTime: now, lastTransitionTime: p && p.status === status ? p.lastTransitionTime : now, reason, message };
  };
  const capacity = (prev?.status?.capacity as Record<string, string>) ?? buildNode(c).status.capacity;
  return {
    capacity,
    allocatable: prev?.status?.allocatable ?? capacity,
    conditions: [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      ready ? cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status') : cond('Ready', 'False', 'KubeletNotReady', 'container runtime is down'),
    ],
    addresses: [
      { type: 'InternalIP', address: nodeInternalIP(c.index) },
      { type: 'Hostname', address: c.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: machineId(c.name),
      systemUUID: machineId(c.name + '-uuid'),
      bootID: machineId(c.name + '-boot'),
      kernelVersion: c.kernelVersion ?? NODE_KERNEL,
      osImage: NODE_OS_IMAGE,
      containerRuntimeVersion: c.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
    images: prev?.status?.images ?? [],
  };
}

function machineId(seed: string): string {
  let h = 2166136261;
  let out = '';
  for (let i = 0; out.length < 32; i++) {
    h ^= seed.charCodeAt(i % seed.length) + i;
    h = Math.imul(h, 16777619) >>> 0;
    out += (h & 0xffff).toString(16).padStart(4, '0');
  }
  return out.slice(0, 32);
}
