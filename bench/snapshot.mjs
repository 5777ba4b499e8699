// Lab reset through a cluster snapshot: a cluster with 200+ user objects (configmaps, a deployment's pods), a
// snapshot, then what a lab does (a new namespace with 100 objects, 50 deletions, node taints and labels, a
// PriorityClass, a powered-off node), then POST /kubelab/snapshots/NAME/restore. Target: ≤ 1 s per restore.
import { startCluster, fmt } from './lib.mjs';

const c = await startCluster({ nodes: 3 });
const must = async (method, path, body, headers) => {
  const r = await c.request(method, path, body, headers);
  if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
  return r.text ? JSON.parse(r.text) : undefined;
};
const cm = (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v'.repeat(200) } });
const merge = { 'content-type': 'application/merge-patch+json' };

await must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'base' } });
for (let i = 0; i < 180; i++) await must('POST', '/api/v1/namespaces/base/configmaps', cm(`cm-${i}`));
await must('POST', '/apis/apps/v1/namespaces/base/deployments', {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 10,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
  },
});
const snap = await must('POST', '/kubelab/snapshots/bench', {});
console.log(`snapshot: ${snap.objects} stored objects at revision ${snap.revision}`);

const times = [];
for (let round = 0; round < 5; round++) {
  await must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } });
  for (let i = 0; i < 100; i++) await must('POST', '/api/v1/namespaces/lab/configmaps', cm(`x-${i}`));
  for (let i = 0; i < 50; i++) await must('DELETE', `/api/v1/namespaces/base/configmaps/cm-${i}`);
  await must(
    'PATCH',
    '/api/v1/nodes/kubelab-worker',
    { metadata: { labels: { disk: 'ssd' } }, spec: { taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] } },
    merge,
  );
  await must('PATCH', '/api/v1/nodes/kubelab-worker2', { spec: { unschedulable: true }, metadata: { annotations: { 'kubelab.io/power': 'off' } } }, merge);
  await must('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'urgent' },
    value: 1000,
  });
  const t0 = performance.now();
  const r = await must('POST', '/kubelab/snapshots/bench/restore', {});
  const ms = performance.now() - t0;
  times.push(ms);
  console.log(
    `restore ${round + 1}: ${fmt(ms)} ms over HTTPS (${r.ms} ms in the server): ${r.deleted} deleted, ${r.updated} changed back, ${r.created} recreated, nodes powered: ${r.nodesPowered.join(', ') || 'none'}`,
  );
  const node = await must('GET', '/api/v1/nodes/kubelab-worker');
  if (node.spec.taints?.length || node.metadata.labels.disk) throw new Error('the restore left the taint or label');
}
times.sort((a, b) => a - b);
console.log(`median restore: ${fmt(times[2])} ms (target ≤ 1000 ms) — ${times[2] <= 1000 ? 'OK' : 'TOO SLOW'}`);
await c.stop();
