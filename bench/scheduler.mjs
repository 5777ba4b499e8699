// The scheduler core alone: pods/s placing 1000 pods on 10 nodes (filters, scores, assume).
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT } from './lib.mjs';

const out = join(mkdtempSync(join(tmpdir(), 'kubelab-sched-')), 'bench.cjs');
await build({
  entryPoints: [join(ROOT, 'electron/cluster/scheduler/bench.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'error',
});
const { benchScheduleCore } = createRequire(import.meta.url)(out);
benchScheduleCore(200, 10); // warm-up
const r = benchScheduleCore(1000, 10);
console.log(`${'scheduler core: 1000 pods on 10 nodes'.padEnd(52)} ${(Math.round(r.podsPerSecond) + '/s').padStart(12)}   target ≥ 500/s`);
