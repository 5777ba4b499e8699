// Shared helpers for the benchmark scripts: start `kubelab start` in a temp dir and talk HTTPS to it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import YAML from 'yaml';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function startCluster({ dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-')), nodes = 3, extra = [] } = {}) {
  const t0 = performance.now();
  const proc = spawn(
    process.execPath,
    [
      ...(process.env.NODE_FLAGS ? process.env.NODE_FLAGS.split(' ') : []),
      ...(process.env.KUBELAB_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      join(ROOT, 'bin', 'kubelab.js'),
      'start',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--nodes',
      String(nodes),
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stderr.on('data', (c) => {
    out += c;
  });
  await new Promise((resolve, reject) => {
    proc.stdout.on('data', (c) => {
      out += c;
      if (/ready/.test(out)) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const kubeconfig = join(dataDir, 'kubeconfig');
  const kc = YAML.parse(readFileSync(kubeconfig, 'utf8'));
  const server = kc.clusters[0].cluster.server;
  const b64 = (s) => Buffer.from(s, 'base64').toString('utf8');
  const tls = {
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(kc.users[0].user['client-certificate-data']),
    key: b64(kc.users[0].user['client-key-data']),
  };
  // readiness as a client sees it: /readyz answering ok
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ...tls });
  const request = (method, path, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = https.request(
        new URL(path, server),
        { method, agent, headers: { 'content-type': 'application/json', ...(data ? { 'content-length': data.length } : {}), ...headers } },
        (r) => {
          const chunks = [];
          r.on('data', (c) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode, text: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  while ((await request('GET', '/readyz').catch(() => ({ status: 0 }))).status !== 200) await new Promise((r) => setTimeout(r, 5));
  const readyMs = performance.now() - t0;
  return {
    proc,
    dataDir,
    kubeconfig,
    server,
    tls,
    agent,
    request,
    readyMs,
    async stop({ keep = false } = {}) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      agent.destroy();
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function kubectlBin() {
  return [process.env.KUBECTL, '/usr/bin/kubectl'].find((p) => p && existsSync(p));
}

/** median wall time of `runs` executions of a command */
export function timeCommand(cmd, args, runs = 15, env = process.env) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * A kubectl command relative to the client's own start-up floor (`kubectl version --client`). The two run
 * alternately and the ratio is the median of the pairs' ratios, so a machine whose speed drifts during the
 * runs (shared VMs do, by ±30 % within a minute) moves both sides of each pair together.
 */
export function floorRatio(kubectl, args, runs = 15, env = process.env) {
  const floors = [];
  const cmds = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    const f = timeCommand(kubectl, ['version', '--client'], 1, env);
    const c = timeCommand(kubectl, args, 1, env);
    floors.push(f);
    cmds.push(c);
    ratios.push(c / f);
  }
  return { floor: percentile(floors, 50), ms: percentile(cmds, 50), ratio: percentile(ratios, 50) };
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const fmt = (n, d = 1) => Number(n).toFixed(d);

/** CPU time (utime + stime, in clock ticks of 10 ms) a process has used so far (Linux: /proc) */
export function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  return Number(f[11]) + Number(f[12]); // utime (#14) + stime (#15)
}
