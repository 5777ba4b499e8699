// Cluster network figures: a wget through a ClusterIP vs the same wget to the pod IP (from a pod, via kubectl
// exec), the exec floor; the simulated kube-proxy's rule update after one endpoint change among 1000 Services, and
// the full rule computation (plus the iptables-save text) for 1000 Services with 5000 endpoints, with RSS growth.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { startCluster, kubectlBin, percentile, fmt, ROOT } from './lib.mjs';

const report = (name, value, target) => console.log(`${name.padEnd(52)} ${value.padStart(12)}   target ${target}`);

// ---- in-process: rule computation and per-Service sync
const dir = mkdtempSync(join(tmpdir(), 'kubelab-bench-net-'));
const out = join(dir, 'network.mjs');
await esbuild.build({
  stdin: {
    contents:
      "export { Proxier } from './electron/cluster/network/proxier'; export { computeAllRules } from './electron/cluster/network/rules'; export { iptablesSave } from './electron/cluster/network/views/iptables';",
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: out,
  logLevel: 'error',
});
const { Proxier, computeAllRules, iptablesSave } = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

const SERVICES = 1000,
  PER = 5;
const services = [],
  slices = [];
for (let i = 0; i < SERVICES; i++) {
  services.push({
    metadata: { name: `s${i}`, namespace: 'bench' },
    spec: {
      type: i % 10 === 0 ? 'NodePort' : 'ClusterIP',
      clusterIP: `10.96.${(i >> 8) + 1}.${i & 255}`,
      ports: [{ port: 80, protocol: 'TCP', nodePort: i % 10 === 0 ? 30000 + i : undefined }],
    },
  });
  slices.push({
    metadata: { name: `s${i}-x`, namespace: 'bench', labels: { 'kubernetes.io/service-name': `s${i}` } },
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    endpoints: Array.from({ length: PER }, (_, j) => ({
      addresses: [`10.244.${((i * PER + j) >> 8) & 255}.${(i * PER + j) & 255}`],
      nodeName: `n${j % 3}`,
      conditions: { ready: true, serving: true, terminating: false },
    })),
  });
}
globalThis.gc?.();
const rss0 = process.memoryUsage().rss;
let t = performance.now();
const rules = computeAllRules(services, slices);
const computeMs = performance.now() - t;
t = performance.now();
const text = iptablesSave({ rules, node: 'n0' });
const saveMs = performance.now() - t;
report(`rule computation, ${SERVICES} Services / ${SERVICES * PER} endpoints`, `${fmt(computeMs, 0)} ms`, '≤ 1000 ms');
report(`iptables-save text for them (${text.split('\n').length} lines)`, `${fmt(saveMs, 0)} ms`, '-');

// a Proxier over list+index caches holding the same objects; then one endpoint changes
const cache = (items, indexed) => {
  const idx = new Map();
  const h = { add: [], update: [], del: [] };
  const map = new Map(items.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
  return {
    list: () => [...map.values()],
    getByName: (ns, n) => map.get(`${ns}/${n}`),
    onAdd: (f) => h.add.push(f),
    onUpdate: (f) => h.update.push(f),
    onDelete: (f) => h.del.push(f),
    addIndex: (name, fn) => {
      const m = new Map();
      for (const o of map.values()) for (const v of fn(o)) m.set(v, [...(m.get(v) ?? []), o]);
      idx.set(name, { fn, m });
    },
    byIndex: (name, v) => idx.get(name)?.m.get(v) ?? [],
    put: (o) => {
      const k = `${o.metadata.namespace}/${o.metadata.name}`;
      const old = map.get(k);
      map.set(k, o);
      for (const { fn, m } of idx.values())
        for (const v of fn(o))
          m.set(
            v,
            (m.get(v) ?? []).map((x) => (x.metadata.name === o.metadata.name ? o : x)),
          );
      h.update.forEach((f) => f(old, o));
    },
    indexed,
  };
};
const sv = cache(services),
  sl = cache(slices);
t = performance.now();
const proxier = new Proxier({ services: sv, slices: sl, nodeOfNodeIP: () => undefined });
report('Proxier start over the same objects', `${fmt(performance.now() - t, 0)} ms`, '-');
const syncs = [];
for (let k = 0; k < 50; k++) {
  const i = (k * 37) % SERVICES;
  const s = structuredClone(slices[i]);
  s.endpoints[0].conditions.ready = k % 2 === 0;
  t = performance.now();
  sl.put(s);
  syncs.push(performance.now() - t);
}
report('rule sync after one endpoint change (p50 / p99)', `${fmt(percentile(syncs, 50), 2)} / ${fmt(percentile(syncs, 99), 2)} ms`, '≤ 100 ms');
void proxier;
globalThis.gc?.();
report('RSS growth (rules + proxier + views)', `${fmt((process.memoryUsage().rss - rss0) / 1048576, 1)} MiB`, '≤ 100 MiB');

// ---- through a cluster: wget via ClusterIP vs pod IP, from a pod, through kubectl exec
const kubectl = kubectlBin();
if (!kubectl) {
  console.log('kubectl not found: skipping the wget figures');
  process.exit(0);
}
const c = await startCluster();
const env = { ...process.env, KUBECONFIG: c.kubeconfig };
const k = (...args) => {
  const r = spawnSync(kubectl, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
try {
  k('create', 'deployment', 'web', '--image=nginx', '--replicas=2');
  k('expose', 'deployment', 'web', '--port=80');
  k('run', 'client', '--image=busybox', '--', 'sleep', '3600');
  k('rollout', 'status', 'deploy/web', '--timeout=60s');
  k('wait', '--for=condition=Ready', 'pod/client', '--timeout=60s');
  const vip = k('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}');
  const podIP = k('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].status.podIP}');
  const time = (args) => {
    const s = performance.now();
    k(...args);
    return performance.now() - s;
  };
  const floor = [],
    viaVip = [],
    viaPod = [];
  for (let i = 0; i < 15; i++) {
    floor.push(time(['exec', 'client', '--', 'true']));
    viaVip.push(time(['exec', 'client', '--', 'wget', '-qO-', `http://${vip}/`]));
    viaPod.push(time(['exec', 'client', '--', 'wget', '-qO-', `http://${podIP}/`]));
  }
  const [f, v, p] = [floor, viaVip, viaPod].map((x) => percentile(x, 50));
  report('kubectl exec client -- true (floor)', `${fmt(f, 0)} ms`, '-');
  report('exec + wget to the pod IP', `${fmt(p, 0)} ms`, '-');
  report('exec + wget through the ClusterIP', `${fmt(v, 0)} ms`, '-');
  report('ClusterIP wget / pod IP wget', `${fmt(v / p, 2)}x`, '≤ 1.3x');
  report('exec + wget / exec floor', `${fmt(v / f, 2)}x`, '≤ 1.5x');
} finally {
  await c.stop();
}
