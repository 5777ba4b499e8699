// An acknowledged write must survive SIGKILL of the process that made it (WAL + synchronous=NORMAL).
// The child runs the real store, bundled with esbuild, writes groups of keys (as concurrent requests
// would) and prints each key once whenCommitted() resolved — the point where the API server answers.

import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { openStore } from './sqlite-store';
import { tempDir } from './test-helpers';
import type { Store } from './types';

const CHILD = `
const { openStore } = require(process.argv[2]);
const fs = require('node:fs');
const store = openStore({ path: process.argv[3], compactEveryMs: 0 });
(async () => {
  for (let i = 0; ; ) {
    const group = [];
    for (let n = 1 + (i % 17); n > 0; n--, i++) {
      const key = '/registry/configmaps/default/cm-' + i;
      store.create(key, JSON.stringify({ kind: 'ConfigMap', data: { i: String(i), pad: 'x'.repeat(200) } }));
      group.push(key);
    }
    await store.whenCommitted();
    fs.writeSync(1, group.join('\\n') + '\\n');
  }
})();
`;

let cleanup: (() => void) | undefined;
let reopened: Store | undefined;
afterEach(() => {
  reopened?.close();
  cleanup?.();
});

describe('crash durability', () => {
  it('keeps every acknowledged write after kill -9', async () => {
    const { dir, dispose } = tempDir();
    cleanup = dispose;
    const bundle = join(dir, 'store.cjs');
    await build({
      entryPoints: [join(__dirname, 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundle,
      external: ['better-sqlite3'],
      logLevel: 'silent',
    });
    const childScript = join(dir, 'child.cjs');
    writeFileSync(childScript, CHILD);
    const nodeModules = dirname(dirname(createRequire(join(__dirname, 'index.ts')).resolve('better-sqlite3/package.json')));
    const dbPath = join(dir, 'crash.db');

    const child = spawn(process.execPath, [childScript, bundle, dbPath], {
      env: { ...process.env, NODE_PATH: nodeModules },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const acked: string[] = [];
    let partial = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child acknowledged only ${acked.length} writes; stderr: ${stderr}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        acked.push(...lines);
        if (acked.length >= 500 && !child.killed) {
          child.kill('SIGKILL');
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`child exited early; stderr: ${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');
    // lines already in the pipe when the kill landed were acknowledged too
    await new Promise<void>((resolve) => (child.stdout.readableEnded ? resolve() : child.stdout.on('end', resolve)));

    reopened = openStore({ path: dbPath, compactEveryMs: 0 });
    const missing = acked.filter((key) => !reopened!.get(key));
    expect(missing).toEqual([]);
    expect(reopened.range('/registry/configmaps/default/').count).toBeGreaterThanOrEqual(acked.length);
    // the store is consistent after the crash: revisions continue after the last committed write
    expect(reopened.revision()).toBe(reopened.range('').count + 1);
    expect(reopened.create('/after-crash', '{}').modRevision).toBe(reopened.revision());
  });
});
