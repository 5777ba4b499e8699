// Bundles the main-process entry points with esbuild; native modules stay external.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

// the protobuf wire schema is read from a kubectl binary's type metadata at build time (see scripts/gen-protobuf.mjs)
if (!existsSync('electron/cluster/api/protobuf/generated/wire-schema.json') || process.env.KUBELAB_REGEN_PROTOBUF) {
  execFileSync(process.execPath, ['scripts/gen-protobuf.mjs'], { stdio: 'inherit' });
}

const entries = {
  cli: 'electron/cli/main.ts',
  web: 'electron/web/main.ts',
  main: 'electron/main.ts',
  // the preload runs sandboxed: only `electron` is external, everything else is bundled in
  preload: 'electron/preload.ts',
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
  // smaller text to compile at every start; identifiers stay readable in stack traces
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['better-sqlite3', 'node-pty', 'electron', 'dockerode', 'cpu-features', 'ssh2', 'just-bash'],
  logLevel: 'warning',
});
