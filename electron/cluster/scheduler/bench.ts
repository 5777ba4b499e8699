// Throughput of the pure core: schedule nPods replicas onto nNodes, assuming each pod as it is placed.
import { scheduleOne } from './schedule-one';
import { ClusterSnapshot } from './snapshot';
import type { Node, Pod } from './types';

export function benchScheduleCore(nPods: number, nNodes: number): { podsPerSecond: number; scheduled: number; elapsedMs: number } {
  const snap = new ClusterSnapshot();
  const podsPerNode = String(Math.max(110, Math.ceil(nPods / nNodes) + 10));
  for (let i = 0; i < nNodes; i++) {
    const alloc = { cpu: '64', memory: '256Gi', pods: podsPerNode, 'ephemeral-storage': '100Gi' };
    const node: Node = {
      metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
      spec: {},
      status: { allocatable: alloc, capacity: alloc },
    };
    snap.upsertNode(node);
  }
  const pods: Pod[] = [];
  for (let i = 0; i < nPods; i++) {
    pods.push({
      metadata: { name: `web-${i}`, namespace: 'default', uid: `bench-${i}`, labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: '50m', memory: '64Mi' } } }] },
    });
  }
  const start = performance.now();
  let scheduled = 0;
  for (const p of pods) {
    const r = scheduleOne(p, snap);
    if ('node' in r) {
      snap.addPod(p, r.node);
      scheduled++;
    }
  }
  const elapsedMs = performance.now() - start;
  return { podsPerSecond: (nPods / elapsedMs) * 1000, scheduled, elapsedMs };
}
