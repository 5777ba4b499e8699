// An acknowledged write survives SIGKILL of the whole cluster process.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClusterProcess, type ProcCluster } from '../cluster-process';

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-durable-'));
const procs: ProcCluster[] = [];
afterAll(() => {
  for (const p of procs) p.proc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('store durability', () => {
  it.skipIf(!existsSync(join(__dirname, '..', '..', 'dist', 'cli.cjs')))('keeps every acknowledged object across kill -9', async () => {
    const a = await startClusterProcess(dataDir);
    procs.push(a);
    const acked: string[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `cm-${w}-${i}`;
        try {
          const r = await a.request('POST', '/api/v1/namespaces/default/configmaps', {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name },
            data: { i: String(i) },
          });
          if (r.status === 201) acked.push(name);
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const writers = [0, 1, 2, 3, 4, 5, 6, 7].map(writer);
    // kill while writes are in flight, once a good number were acknowledged
    while (acked.length < 300) await new Promise((r) => setTimeout(r, 5));
    a.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await new Promise((r) => a.proc.once('exit', r));

    const b = await startClusterProcess(dataDir);
    procs.push(b);
    const list = await b.request('GET', '/api/v1/namespaces/default/configmaps');
    expect(list.status).toBe(200);
    const names = new Set((list.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name));
    const missing = acked.filter((n) => !names.has(n));
    expect(missing).toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(300);
    b.proc.kill('SIGTERM');
  });
});
