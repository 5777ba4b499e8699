// Bundles the app's main-process entries (web mode, Electron main and preload) into dist/*.cjs with the same
// esbuild settings as scripts/build.mjs, so the e2e runs even before those entries are added there.
import { build } from 'esbuild';

export async function buildEntries() {
  const common = {
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', logLevel: 'warning',
    outdir: 'dist', outExtension: { '.js': '.cjs' },
    external: ['better-sqlite3', 'node-pty', 'electron', 'dockerode', 'cpu-features', 'ssh2', 'just-bash'],
  };
  await build({ ...common, entryPoints: { web: 'electron/web/main.ts', main: 'electron/main.ts' } });
  // the preload runs sandboxed: only `electron` may be required, everything else is bundled in
  await build({ ...common, entryPoints: { preload: 'electron/preload.ts' } });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildEntries();
