// Storage figures: a pod with a dynamically provisioned claim to Running vs one with an emptyDir, snapshot and
// restore of a 100 MiB volume, and 500 claims bound to static volumes.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, fmt, cpuTicks } from './lib.mjs';

const report = (name, value, target) => console.log(`${name.padEnd(52)} ${String(value).padStart(12)}   target ${target}`);
const cl = await startCluster({ nodes: 3 });
const NS = '/api/v1/namespaces/default';
const json = async (method, path, body) => {
  const r = await cl.request(method, path, body);
  if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return JSON.parse(r.text);
};
const until = async (fn, what, ms = 60_000) => {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out: ${what}`);
};
const pod = (name, volume) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'd', mountPath: '/data' }] }],
    volumes: [{ name: 'd', ...volume }],
  },
});
const claim = (name, spec = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const running = (name) => until(async () => (await json('GET', `${NS}/pods/${name}`)).status?.phase === 'Running', `${name} Running`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// 1. provision + bind + Running vs emptyDir (five of each, medians)
const empty = [];
const pvc = [];
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  await json('POST', `${NS}/pods`, pod(`e${i}`, { emptyDir: {} }));
  await running(`e${i}`);
  empty.push(performance.now() - t);
  t = performance.now();
  await json('POST', `${NS}/persistentvolumeclaims`, claim(`c${i}`));
  await json('POST', `${NS}/pods`, pod(`p${i}`, { persistentVolumeClaim: { claimName: `c${i}` } }));
  await running(`p${i}`);
  pvc.push(performance.now() - t);
}
report('pod with emptyDir → Running (median)', `${fmt(median(empty), 0)} ms`, '-');
report('claim provisioned + bound + pod Running (median)', `${fmt(median(pvc), 0)} ms`, '-');
report('  ratio to the emptyDir pod', `${fmt(median(pvc) / median(empty), 2)}x`, '≤ 1.5x');

// 2. snapshot + restore of a 100 MiB volume (the files are written straight into the volume's folder)
const c0 = await json('GET', `${NS}/persistentvolumeclaims/c0`);
const node = (await json('GET', `${NS}/pods/p0`)).spec.nodeName;
const dir = join(cl.dataDir, 'nodes', node, 'csi', 'hostpath.csi.k8s.io', 'volumes', c0.metadata.uid);
mkdirSync(dir, { recursive: true });
const chunk = Buffer.alloc(1024 * 1024, 7);
for (let i = 0; i < 100; i++) writeFileSync(join(dir, `f${i}`), chunk);
let t = performance.now();
await json('POST', '/apis/snapshot.storage.k8s.io/v1/namespaces/default/volumesnapshots', {
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshot',
  metadata: { name: 'big' },
  spec: { source: { persistentVolumeClaimName: 'c0' } },
});
await until(async () => (await json('GET', '/apis/snapshot.storage.k8s.io/v1/namespaces/default/volumesnapshots/big')).status?.readyToUse, 'snapshot ready');
const snapMs = performance.now() - t;
t = performance.now();
await json(
  'POST',
  `${NS}/persistentvolumeclaims`,
  claim('restored', { dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'big' } }),
);
await json('POST', `${NS}/pods`, pod('restorer', { persistentVolumeClaim: { claimName: 'restored' } }));
await running('restorer');
const restoreMs = performance.now() - t;
report('snapshot of 100 MiB → readyToUse', `${fmt(snapMs, 0)} ms`, '-');
report('restore of it → pod Running', `${fmt(restoreMs, 0)} ms`, '-');
report('  snapshot + restore', `${fmt((snapMs + restoreMs) / 1000, 2)} s`, '≤ 2 s');

// 3. 500 claims bound to 500 static volumes
const N = 500;
for (let i = 0; i < N; i++)
  await json('POST', '/api/v1/persistentvolumes', {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `bench-${i}` },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'bench', hostPath: { path: `/mnt/bench-${i}` } },
  });
await until(
  async () => (await json('GET', '/api/v1/persistentvolumes?fieldSelector=status.phase%3DAvailable')).items.length >= N,
  'volumes available',
  120_000,
).catch(() => undefined);
t = performance.now();
// the cluster process's CPU time for it too: on a shared machine the wall time mostly measures the neighbours
const cpu0 = cpuTicks(cl.proc.pid);
await Promise.all(Array.from({ length: N }, (_, i) => json('POST', `${NS}/persistentvolumeclaims`, claim(`b${i}`, { storageClassName: 'bench' }))));
await until(
  async () =>
    (await json('GET', `${NS}/persistentvolumeclaims`)).items.filter((c) => c.metadata.name.startsWith('b') && c.status?.phase === 'Bound').length === N,
  '500 bound',
  120_000,
);
report('500 claims created and bound to static volumes', `${fmt((performance.now() - t) / 1000, 2)} s`, '≤ 5 s');
report('  CPU time the cluster used for it', `${fmt((cpuTicks(cl.proc.pid) - cpu0) / 100, 2)} s`, '-');
await cl.stop();
