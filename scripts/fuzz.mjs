// `npm run fuzz -- --cases N --seed S [--server DATA_DIR]`: a longer fuzz campaign against an in-process cluster, or
// over HTTPS against one started with `kubelab start --data-dir DATA_DIR` (test/fuzz). Every
// failing case is printed with a curl command that replays it against `kubelab start --data-dir $D --port $P`.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '20000' },
    seed: { type: 'string', default: String(Date.now() % 1e9) },
    slow: { type: 'boolean', default: false },
    server: { type: 'string' },
  },
});
for (const k of ['cases', 'seed']) {
  if (!/^\d+$/.test(values[k])) {
    process.stderr.write(`--${k} expects a whole number, not "${values[k]}"\n`);
    process.exit(2);
  }
}
process.stdout.write(`fuzz: ${values.cases} cases, seed ${values.seed} (replay the campaign with --seed ${values.seed})\n`);
const r = spawnSync('npx', ['vitest', 'run', 'test/fuzz/api-fuzz.test.ts'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    KUBELAB_FUZZ_CASES: values.cases,
    KUBELAB_FUZZ_SEED: values.seed,
    KUBELAB_FUZZ_REPORT_ALL: '1',
    ...(values.slow ? { KUBELAB_FUZZ_SLOW: '1' } : {}),
    ...(values.server ? { KUBELAB_FUZZ_SERVER: values.server } : {}),
  },
});
process.exit(r.status ?? 1);
