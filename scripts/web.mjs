// `npm run web`: rebuilds only what changed since the last build, then runs the web app in this process.
// A full build (esbuild ~1 s, vite ~5 s here) on every start made an unchanged checkout take ~8 s to serve its UI;
// comparing modification times costs a few milliseconds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { join } from 'node:path';

const t0 = performance.now();
/** newest modification time under these files and folders (0 when none exists) */
function newest(paths) {
  let m = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules' && e !== 'dist') walk(join(p, e));
    } else m = Math.max(m, st.mtimeMs);
  };
  for (const p of paths) walk(p);
  return m;
}
const built = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);
const lock = ['package.json', 'package-lock.json'];
const run = (args) => execFileSync(process.execPath, args, { stdio: 'inherit' });

// the main-process bundles read electron/ (and the generated protobuf schema under it)
if (newest(['electron', 'scripts/build.mjs', ...lock]) > built('dist/web.cjs')) run(['scripts/build.mjs']);
// the renderer also imports the IPC contract's types from electron/app
if (newest(['renderer', 'vite.config.ts', 'electron/app/ipc-contract.ts', ...lock]) > built('renderer/dist/index.html'))
  run([join('node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
if (process.env.KUBELAB_WEB_TIMING) process.stderr.write(`kubelab web: builds checked in ${Math.round(performance.now() - t0)} ms\n`);

// Node ≥ 22.1 keeps V8's compiled code of the 3.7 MB bundle between runs (Node 20 has no such cache: a no-op there)
module.enableCompileCache?.();
// same process: dist/web.cjs reads its options from process.argv.slice(2), which are this script's arguments
createRequire(import.meta.url)('../dist/web.cjs');
