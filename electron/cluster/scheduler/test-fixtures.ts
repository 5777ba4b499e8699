// Hand-built nodes and pods for the scheduler's tests.
import type { Container, Taint } from 'kubernetes-types/core/v1';
import type { Node, Pod } from './types';

let uid = 0;

export function makeNode(
  name: string,
  o: {
    cpu?: string;
    memory?: string;
    pods?: string;
    labels?: Record<string, string>;
    taints?: Taint[];
    unschedulable?: boolean;
    extra?: Record<string, string>;
  } = {},
): Node {
  const alloc = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', 'ephemeral-storage': '100Gi', ...(o.extra ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-${name}`, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable: alloc, capacity: alloc },
  };
}

export const controlPlaneTaint: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

export function makePod(
  name: string,
  o: {
    ns?: string;
    cpu?: string;
    memory?: string;
    requests?: Record<string, string>;
    labels?: Record<string, string>;
    priority?: number;
    nodeName?: string;
    spec?: Partial<NonNullable<Pod['spec']>>;
    created?: string;
  } = {},
): Pod {
  const requests: Record<string, string> = { ...(o.requests ?? {}) };
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const c: Container = { name: 'c', image: 'nginx', resources: Object.keys(requests).length ? { requests } : {} };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? 'default', uid: `uid-${name}-${++uid}`, labels: o.labels, creationTimestamp: o.created ?? '2025-01-01T00:00:00Z' },
    spec: { containers: [c], schedulerName: 'default-scheduler', priority: o.priority ?? 0, nodeName: o.nodeName, ...(o.spec ?? {}) },
    status: { phase: 'Pending' },
  };
}
