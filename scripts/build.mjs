// Bundles the main-process entry points with esbuild; native modules stay external.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  cli: 'electron/cli/main.ts',
};
const present = Object.fromEntries(Object.entries(entries).filter(([, f]) => existsSync(f)));
if (Object.keys(present).length === 0) process.exit(0);
await build({
  entryPoints: present,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  external: ['better-sqlite3', 'node-pty', 'electron', 'dockerode', 'cpu-features', 'ssh2'],
  logLevel: 'warning',
});
