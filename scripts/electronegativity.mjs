// `npm run lint` step: Doyensec's electronegativity over the Electron shell (main process, preload, the page it
// loads). Fails on any HIGH or MEDIUM finding and on files it cannot parse. The cluster is left out on purpose:
// eslint keeps Electron out of electron/cluster, and the scanner's old TypeScript parser trips on newer syntax there.
// Works offline: the scanner's attempt to fetch translations fails and is ignored.
import { createRequire } from 'node:module';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const FILES = ['electron/main.ts', 'electron/preload.ts', 'renderer/index.html'];
// the installed Electron when there is one (it is optional), else the lowest version package.json allows
const readVersion = (file, pick) => {
  try {
    return pick(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
};
const electronVersion =
  readVersion('node_modules/electron/package.json', (p) => p.version) ??
  readVersion('package.json', (p) => p.optionalDependencies.electron.replace(/^[^0-9]*/, ''));

const dir = mkdtempSync(join(tmpdir(), 'kubelab-electronegativity-'));
const names = new Map();
for (const f of FILES) {
  const base = f.replaceAll('/', '__');
  copyFileSync(f, join(dir, base));
  names.set(base, f);
}
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kubelab-shell', devDependencies: { electron: electronVersion } }));

let result;
try {
  result = await run(
    {
      input: dir,
      electronVersionOverride: electronVersion,
      isRelative: true,
      severitySet: 'informational',
      confidenceSet: 'tentative',
      // this check compares against Electron's release list fetched from GitHub: with a connection its answer changes
      // with each Electron release, without one it cannot run; keeping Electron current is the dependency update's job
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    },
    false,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const rank = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };
let failed = 0;
for (const i of result.issues) {
  const sev = i.severity?.name ?? 'INFORMATIONAL';
  const file = names.get(i.file) ?? i.file;
  const bad = rank[sev] >= rank.MEDIUM;
  if (bad) failed++;
  console.log(
    `${bad ? 'error' : 'note '} ${i.id} ${file}:${i.location?.line ?? 0} ${sev}/${i.confidence?.name ?? ''}${i.manualReview ? ' (review)' : ''} ${i.description ?? ''}`,
  );
}
for (const e of result.errors.filter((x) => !x.tolerable)) {
  failed++;
  console.log(`error could not parse ${names.get(e.file.split('/').pop()) ?? e.file}: ${e.message}`);
}
console.log(`electronegativity: ${result.issues.length} finding(s), ${failed} at MEDIUM or above or unparsable`);
process.exit(failed ? 1 : 0);
