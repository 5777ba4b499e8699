// Control-plane figures: cold start and restart to /readyz, kubectl get vs the client floor,
// concurrent creates per second over HTTPS, and watch delivery latency to 100 watchers.
import https from 'node:https';
import { startCluster, kubectlBin, floorRatio, percentile, fmt } from './lib.mjs';

const results = [];
const report = (name, value, target) => {
  results.push({ name, value, target });
  console.log(`${name.padEnd(48)} ${value.padStart(12)}   target ${target}`);
};

// cold start on an empty data dir, then a restart on the same data
const c1 = await startCluster();
report('cold start to /readyz (empty data dir)', `${fmt(c1.readyMs, 0)} ms`, '≤ 1000 ms');
for (let i = 0; i < 200; i++)
  await c1.request('POST', '/api/v1/namespaces/default/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `seed-${i}` },
    data: { i: String(i) },
  });
await c1.stop({ keep: true });
const c2 = await startCluster({ dataDir: c1.dataDir });
report('restart to /readyz (existing data)', `${fmt(c2.readyMs, 0)} ms`, '≤ 1000 ms');

// kubectl get pods relative to the client's own start-up floor
const kubectl = kubectlBin();
if (kubectl) {
  const env = { ...process.env, KUBECONFIG: c2.kubeconfig };
  const get = floorRatio(kubectl, ['get', 'pods', '-A'], 15, env);
  report('kubectl version --client (floor)', `${fmt(get.floor, 0)} ms`, '-');
  report('kubectl get pods -A', `${fmt(get.ms, 0)} ms`, '-');
  report('kubectl get pods / floor', `${fmt(get.ratio, 2)}x`, '≤ 1.3x');
} else {
  console.log('kubectl not found: skipping the kubectl figures');
}

// concurrent creates over HTTPS. A Node.js HTTPS client spends more CPU per request than the server does, and both
// share this machine's cores, so the load comes from wrk (C, epoll; `apt-get install wrk`) when it is installed,
// authenticated by a static token (pki/tokens.csv, kube-apiserver's --token-auth-file format); otherwise from two
// Node.js client processes, which then measure mostly themselves.
{
  const { spawnSync, fork } = await import('node:child_process');
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (!wrk.error) {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-'));
    const token = (await import('node:crypto')).randomBytes(24).toString('hex');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dataDir, 'pki'), { recursive: true });
    writeFileSync(join(dataDir, 'pki', 'tokens.csv'), `${token},bench-admin,bench,"system:masters"\n`, { mode: 0o600 });
    const c3 = await startCluster({ dataDir });
    const script = join(dataDir, 'post.lua');
    writeFileSync(
      script,
      [
        'wrk.method = "POST"',
        `wrk.body = '${JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'bench-' }, data: { k: 'v' } })}'`,
        'wrk.headers["Content-Type"] = "application/json"',
        `wrk.headers["Authorization"] = "Bearer ${token}"`,
      ].join('\n'),
    );
    const rates = [];
    for (let run = 0; run < 3; run++) {
      const r = spawnSync('wrk', ['-t1', '-c16', '-d5s', '-s', script, `${c3.server}/api/v1/namespaces/default/configmaps`], { encoding: 'utf8' });
      const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
      if (/Non-2xx/.test(r.stdout)) console.log(r.stdout);
      if (m) rates.push(Number(m[1]));
    }
    rates.sort((a, b) => a - b);
    report('creates/s (wrk, 16 connections, median of 3 × 5 s)', `${fmt(rates[1] ?? rates[0] ?? 0, 0)}/s`, '≥ 2000/s');
    await c3.stop();
  } else {
    console.log('wrk not installed: measuring creates with two Node.js client processes (their own TLS work dominates)');
    const N = 4000,
      C = 16,
      P = 2;
    const t = performance.now();
    const oks = await Promise.all(
      Array.from(
        { length: P },
        (_, w) =>
          new Promise((resolve, reject) => {
            const child = fork(new URL('./create-client.mjs', import.meta.url), [c2.server, JSON.stringify(c2.tls), String(N / P), String(C), `p${w}`], {
              stdio: 'inherit',
            });
            child.on('message', (m) => resolve(m.ok));
            child.on('error', reject);
          }),
      ),
    );
    const secs = (performance.now() - t) / 1000;
    const ok = oks.reduce((a, b) => a + b, 0);
    report(`creates/s (${N} ConfigMaps, ${P}×${C} concurrent Node.js clients)`, `${fmt(ok / secs, 0)}/s`, '≥ 2000/s');
  }
}

// watch delivery: 100 watchers, timestamps embedded in the object
{
  const W = 100,
    EVENTS = 200;
  const lat = [];
  const reqs = [];
  let ready = 0;
  await new Promise((resolve) => {
    for (let w = 0; w < W; w++) {
      const req = https.get(
        new URL('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=' + 'now'.replace('now', ''), c2.server),
        { ...c2.tls, agent: false },
        (res) => {
          let buf = '';
          res.on('data', (chunk) => {
            buf += chunk;
            let i;
            while ((i = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              const ev = JSON.parse(line);
              const sent = Number(ev.object?.data?.sent);
              if (ev.type === 'ADDED' && sent) lat.push(performance.timeOrigin + performance.now() - sent);
            }
          });
          if (++ready === W) resolve();
        },
      );
      reqs.push(req);
    }
  });
  // drain the initial ADDED burst of existing objects
  await new Promise((r) => setTimeout(r, 1500));
  for (let i = 0; i < EVENTS; i++) {
    await c2.request('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `watch-${i}` },
      data: { sent: String(performance.timeOrigin + performance.now()) },
    });
    await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = Date.now() + 10_000;
  while (lat.length < W * EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const r of reqs) r.destroy();
  report(`watch delivery p50 (${W} watchers)`, `${fmt(percentile(lat, 50))} ms`, '-');
  report(`watch delivery p99 (${W} watchers)`, `${fmt(percentile(lat, 99))} ms`, '< 50 ms');
  report('watch events delivered', `${lat.length}/${W * EVENTS}`, 'all');
}

const rss = await c2.request('GET', '/version');
void rss;
await c2.stop();
