// `npm run web` on an unchanged checkout: time until the UI answers (its URL printed and the page served) and until
// the cluster is ready. Target: UI ready in ≤ 3 s. Run `npm run build && npx vite build` first, or the first round
// includes the builds (which is what the script would do after a change).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { ROOT, fmt } from './lib.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function once() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-webbench-'));
  const t0 = performance.now();
  // its own process group, so the whole tree (npm, node) is stopped by the group's id afterwards
  const p = spawn(npm, ['run', '--silent', 'web', '--', '--port', '0', '--cluster-port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const times = {};
  const done = new Promise((resolve, reject) => {
    const seen = async () => {
      const url = /kubelab web: open (\S+)/.exec(out)?.[1];
      if (url && times.url === undefined) {
        times.url = performance.now() - t0;
        const status = await new Promise((res) => http.get(url, (r) => (r.resume(), res(r.statusCode))).on('error', () => res(0)));
        if (status >= 400 || status === 0) reject(new Error(`the UI answered ${status}`));
        times.ui = performance.now() - t0;
      }
      if (times.cluster === undefined && /cluster ready/.test(out)) times.cluster = performance.now() - t0;
      if (times.ui !== undefined && times.cluster !== undefined) resolve();
    };
    p.stdout.on('data', (c) => ((out += c), void seen()));
    p.stderr.on('data', (c) => ((out += c), void seen()));
    p.on('exit', (code) => reject(new Error(`npm run web exited ${code}:\n${out}`)));
  });
  const timeout = setTimeout(() => p.kill(), 60_000);
  try {
    await done;
  } finally {
    clearTimeout(timeout);
    p.removeAllListeners('exit');
    process.kill(-p.pid, 'SIGTERM');
    await new Promise((r) => p.once('close', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
  return times;
}

const runs = [];
for (let i = 0; i < ROUNDS; i++) runs.push(await once());
const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
for (const [i, r] of runs.entries()) console.log(`round ${i + 1}: URL printed ${fmt(r.url)}, UI served ${fmt(r.ui)}, cluster ready ${fmt(r.cluster)}`);
console.log(`npm run web (median of ${ROUNDS}): UI ready in ${fmt(median('ui'))} (target ≤ 3 s), cluster ready in ${fmt(median('cluster'))}`);
if (median('ui') > 3000) process.exitCode = 1;
