#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled into dist/ by `npm run build` (run automatically by `npm install`).
// Compiling the 3 MB bundle costs a quarter of a second on every start, so the launcher keeps V8's code cache for
// it in node_modules/.cache/kubelab (written on first use and by the build); if the cache cannot be used, the
// bundle is simply required.
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write('kubelab: dist/cli.cjs is missing; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(1);
}

/** the bundle compiled with the cached code when there is some; undefined when this route is unavailable */
function compileWithCodeCache(file) {
  try {
    const vm = require('node:vm');
    const Module = require('node:module');
    const st = fs.statSync(file);
    const dir = path.join(__dirname, '..', 'node_modules', '.cache', 'kubelab');
    const key = path.join(dir, `cli-${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.v8cache`);
    let cached;
    try {
      cached = fs.readFileSync(key);
    } catch {
      /* first start */
    }
    const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
      filename: file,
      cachedData: cached,
      importModuleDynamically: vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const fn = script.runInThisContext();
    const saveCache = () => {
      if (cached && !script.cachedDataRejected) return;
      try {
        fs.mkdirSync(dir, { recursive: true });
        for (const old of fs.readdirSync(dir)) if (old.startsWith('cli-') && path.join(dir, old) !== key) fs.rmSync(path.join(dir, old), { force: true });
        const tmp = `${key}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, key);
      } catch {
        /* a read-only install simply compiles each time */
      }
    };
    return { fn, Module, saveCache };
  } catch {
    return undefined;
  }
}

const compiled = process.env.KUBELAB_NO_CODE_CACHE ? undefined : compileWithCodeCache(bundle);
if (!compiled) {
  require(bundle);
} else {
  const { fn, Module, saveCache } = compiled;
  const m = new Module(bundle, module);
  m.filename = bundle;
  m.paths = Module._nodeModulePaths(path.dirname(bundle));
  require.cache[bundle] = m;
  fn.call(m.exports, m.exports, Module.createRequire(bundle), m, bundle, path.dirname(bundle));
  m.loaded = true;
  saveCache();
}
