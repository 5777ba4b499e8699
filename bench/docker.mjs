// The Docker runtime against Docker itself: pod start (API create → Running) vs `docker run -d` of the same image,
// and `kubectl exec POD -- true` vs `docker exec CONTAINER true` plus kubectl's own start-up floor.
// Needs a Docker daemon and busybox:latest + a pause image (scripts/docker-test-images.sh); skips with the reason.
import { spawn, spawnSync } from 'node:child_process';
import { startCluster, kubectlBin, timeCommand, floorRatio, percentile, fmt } from './lib.mjs';

const report = (name, value, target) => console.log(`${name.padEnd(58)} ${String(value).padStart(12)}   target ${target}`);
const docker = (...args) => spawnSync('docker', args, { encoding: 'utf8' });
const v = docker('version', '--format', '{{.Server.Version}}');
if (v.status !== 0) {
  console.log(`docker bench: skipped — no Docker daemon (${(v.stderr || v.error?.message || '').trim()})`);
  process.exit(0);
}
if (docker('image', 'inspect', 'busybox:latest').status !== 0) {
  console.log('docker bench: skipped — busybox:latest missing (scripts/docker-test-images.sh)');
  process.exit(0);
}
const RUNS = Number(process.env.RUNS ?? 9);

const dockerRunOnce = () => {
  const t = performance.now();
  const r = docker('run', '-d', '--rm', '--label', 'kubelab-bench=1', 'busybox:latest', 'sleep', '3600');
  const ms = performance.now() - t;
  docker('rm', '-f', r.stdout.trim());
  return ms;
};

// the same two-container shape a pod has, by hand: a pause container, then the app joining its namespaces; with
// sandboxNet, the pause container on that user-defined network (as the cluster's pods are: Docker sets up its
// embedded DNS resolver in each such container's namespace, which a default-bridge `docker run` does not pay for)
const dockerRunPodShape = (...sandboxNet) => {
  const t = performance.now();
  const sb = docker('run', '-d', '--rm', ...sandboxNet, '--ipc', 'shareable', '--label', 'kubelab-bench=1', 'kubelab/pause:latest').stdout.trim();
  const app = docker(
    'run',
    '-d',
    '--rm',
    '--net',
    `container:${sb}`,
    '--ipc',
    `container:${sb}`,
    '--label',
    'kubelab-bench=1',
    'busybox:latest',
    'sleep',
    '3600',
  ).stdout.trim();
  const ms = performance.now() - t;
  docker('rm', '-f', app, sb);
  return ms;
};
const BENCH_NET = 'kubelab-bench-net';
docker('network', 'rm', BENCH_NET);
const hasNet = docker('network', 'create', '--label', 'kubelab-bench=1', '--subnet', '10.250.0.0/16', BENCH_NET).status === 0;
let benchIp = 0;
const dockerRunPodShapeOnNetwork = () => {
  benchIp++;
  return dockerRunPodShape('--net', BENCH_NET, '--ip', `10.250.${Math.floor(benchIp / 250)}.${(benchIp % 250) + 1}`);
};

const c = await startCluster({ nodes: 1, extra: ['--runtime', 'docker'] });
// a cluster that could not use Docker (another Docker cluster holds the pod subnet) stays on the simulator: its
// figures would be the simulator's
const nodeRuntime = JSON.parse((await c.request('GET', '/api/v1/nodes')).text).items?.[0]?.status?.nodeInfo?.containerRuntimeVersion ?? '';
if (!nodeRuntime.startsWith('docker://')) {
  console.log(`docker bench: skipped — the cluster's node runs ${nodeRuntime || 'no runtime'}, not Docker (is another Docker cluster running?)`);
  if (hasNet) docker('network', 'rm', BENCH_NET);
  await c.stop();
  process.exit(0);
}
// Docker's own account of each pod's containers: its create and start events (nanosecond wall-clock times), read
// while the pods start; with the bench's own POST and Running times they split a pod start into Docker's two
// container starts and everything else (reading them changes nothing the cluster does)
const wallMs = () => performance.timeOrigin + performance.now();
const events = [];
const eventsProc = spawn(
  'docker',
  [
    'events',
    '--format',
    '{{json .}}',
    '--filter',
    'type=container',
    '--filter',
    'event=create',
    '--filter',
    'event=start',
    '--filter',
    'label=io.kubernetes.pod.namespace=default',
  ],
  { stdio: ['ignore', 'pipe', 'ignore'] },
);
let eventsBuf = '';
eventsProc.stdout.on('data', (d) => {
  eventsBuf += d;
  const lines = eventsBuf.split('\n');
  eventsBuf = lines.pop();
  for (const l of lines.filter(Boolean)) {
    const e = JSON.parse(l);
    const a = e.Actor?.Attributes ?? {};
    events.push({ pod: a['io.kubernetes.pod.name'], container: a['io.kubernetes.container.name'], action: e.Action ?? e.status, at: e.timeNano / 1e6 });
  }
});
const spans = new Map();
const podStart = async (name, policy) => {
  const t = performance.now();
  const postedAt = wallMs();
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], ...(policy ? { imagePullPolicy: policy } : {}) }] },
  };
  const r = await c.request('POST', '/api/v1/namespaces/default/pods', body);
  if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.text}`);
  for (;;) {
    const p = JSON.parse((await c.request('GET', `/api/v1/namespaces/default/pods/${name}`)).text);
    if (p.status?.phase === 'Running') {
      spans.set(name, { postedAt, runningAt: wallMs() });
      return performance.now() - t;
    }
    await new Promise((res) => setTimeout(res, 5));
  }
};
// alternating pairs, ratio per pair: the machine's speed drifts, both sides of a pair drift together
const runs = [],
  ifNotPresent = [],
  ratios = [],
  always = [],
  shapes = [],
  shapeRatios = [],
  netShapes = [],
  netShapeRatios = [];
const hasPause = docker('image', 'inspect', 'kubelab/pause:latest').status === 0;
for (let i = 0; i < RUNS; i++) {
  const d = dockerRunOnce();
  const p = await podStart(`inp-${i}`, 'IfNotPresent');
  runs.push(d);
  ifNotPresent.push(p);
  ratios.push(p / d);
  if (hasPause) {
    const sh = dockerRunPodShape();
    shapes.push(sh);
    shapeRatios.push(p / sh);
    if (hasNet) {
      const ns = dockerRunPodShapeOnNetwork();
      netShapes.push(ns);
      netShapeRatios.push(p / ns);
    }
  }
}
if (hasNet) docker('network', 'rm', BENCH_NET);
for (let i = 0; i < RUNS; i++) always.push(await podStart(`alw-${i}`));
report('docker run -d busybox sleep (median)', `${fmt(percentile(runs, 50), 0)} ms`, '-');
report('pod start, IfNotPresent (create → Running, median)', `${fmt(percentile(ifNotPresent, 50), 0)} ms`, '-');
report('pod start / docker run (median of pairs)', `${fmt(percentile(ratios, 50), 2)}x`, '≤ 1.5x');
if (hasPause) {
  report('docker run pause + docker run --net container: app (median)', `${fmt(percentile(shapes, 50), 0)} ms`, '-');
  report('pod start / those two docker runs (median of triples)', `${fmt(percentile(shapeRatios, 50), 2)}x`, '-');
  if (hasNet) {
    report('the same two docker runs on a user-defined network (median)', `${fmt(percentile(netShapes, 50), 0)} ms`, '-');
    report('pod start / those (median)', `${fmt(percentile(netShapeRatios, 50), 2)}x`, '-');
  }
}
report('pod start, latest tag = Always pull (offline, median)', `${fmt(percentile(always, 50), 0)} ms`, '-');
await new Promise((r) => setTimeout(r, 500));
eventsProc.kill();
// per IfNotPresent pod: POST → [sandbox create event] → sandbox start → [start event] → kubelet → [app create event]
// → attach + app start → [start event] → status write → Running seen
const at = (pod, container, action) => events.find((e) => e.pod === pod && e.container === container && e.action === action)?.at;
const parts = { before: [], sandbox: [], between: [], app: [], after: [] };
for (const [pod, s] of spans) {
  if (!pod.startsWith('inp-')) continue;
  const [sc, ss, ac, as] = [at(pod, 'POD', 'create'), at(pod, 'POD', 'start'), at(pod, 'c', 'create'), at(pod, 'c', 'start')];
  if ([sc, ss, ac, as].some((x) => x === undefined)) continue;
  parts.before.push(sc - s.postedAt);
  parts.sandbox.push(ss - sc);
  parts.between.push(ac - ss);
  parts.app.push(as - ac);
  parts.after.push(s.runningAt - as);
}
if (parts.sandbox.length) {
  const m = (k) => fmt(percentile(parts[k], 50), 0);
  const docker = parts.sandbox.map((x, i) => x + parts.app[i]);
  report('pod start: Docker starting sandbox + app (events, median)', `${fmt(percentile(docker, 50), 0)} ms`, '-');
  report(
    'pod start: the rest (API, scheduler, kubelet, status; median)',
    `${fmt(
      percentile(
        parts.before.map((x, i) => x + parts.between[i] + parts.after[i]),
        50,
      ),
      0,
    )} ms`,
    '-',
  );
  console.log(
    `  medians: POST→sandbox created ${m('before')} | sandbox start ${m('sandbox')} | →app created ${m('between')} | attach+app start ${m('app')} | →Running seen ${m('after')} ms`,
  );
  console.log('  (the rest includes Docker creating the two containers, ~10–20 ms each, and the 5 ms polling of the GET)');
} else console.log(`pod start breakdown: no Docker events seen (${events.length} events)`);

const kubectl = kubectlBin();
if (kubectl) {
  const env = { ...process.env, KUBECONFIG: c.kubeconfig };
  const id = docker('ps', '-q', '--filter', 'label=io.kubernetes.pod.name=inp-0', '--filter', 'label=io.kubernetes.container.name=c').stdout.trim();
  const dexec = timeCommand('docker', ['exec', id, 'true'], 15);
  const k = floorRatio(kubectl, ['exec', 'inp-0', '--', 'true'], 15, env);
  report('docker exec CONTAINER true (median)', `${fmt(dexec, 0)} ms`, '-');
  report('kubectl version --client floor (median)', `${fmt(k.floor, 0)} ms`, '-');
  report('kubectl exec POD -- true (median)', `${fmt(k.ms, 0)} ms`, '-');
  report('kubectl exec / (1.5 × docker exec + floor)', `${fmt(k.ms / (1.5 * dexec + k.floor), 2)}x`, '≤ 1x');
} else console.log('kubectl not found: skipping the exec figures');
await c.stop();
