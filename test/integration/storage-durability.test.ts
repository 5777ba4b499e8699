// A Bound claim keeps its data across kill -9 of the whole cluster: the volume folder outlives the process, the
// restarted controllers neither release nor delete it, and a new pod mounts the same files.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClusterProcess, type ProcCluster } from '../cluster-process';
import { waitFor } from '../harness';

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-storage-durable-'));
const procs: ProcCluster[] = [];
afterAll(() => {
  for (const p of procs) p.proc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const NS = '/api/v1/namespaces/default';
const pod = (name: string, script: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `${script}; sleep 3600`], volumeMounts: [{ name: 'd', mountPath: '/data' }] }],
    volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
  },
});

describe('storage durability', () => {
  it.skipIf(!existsSync(join(__dirname, '..', '..', 'dist', 'cli.cjs')))('a Bound claim keeps its volume and files across kill -9', async () => {
    const a = await startClusterProcess(dataDir, ['--nodes', '2']);
    procs.push(a);
    await a.request('POST', `${NS}/persistentvolumeclaims`, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    // the restarted cluster restarts writer too: it must not rewrite the file it is being checked for
    await a.request('POST', `${NS}/pods`, pod('writer', '[ -f /data/hello.txt ] || echo kept > /data/hello.txt'));
    const claim = await waitFor(
      async () => {
        const r = await a.request('GET', `${NS}/persistentvolumeclaims/data`);
        return r.body.status?.phase === 'Bound' ? r.body : undefined;
      },
      { timeoutMs: 40_000, what: 'claim Bound' },
    );
    const node = await waitFor(async () => (await a.request('GET', `${NS}/pods/writer`)).body.spec?.nodeName as string | undefined);
    const file = join(dataDir, 'nodes', node!, 'csi', 'hostpath.csi.k8s.io', 'volumes', claim!.metadata.uid, 'hello.txt');
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8') === 'kept\n', { timeoutMs: 40_000, what: 'the file in the volume folder' });
    a.proc.kill('SIGKILL');
    await new Promise((r) => a.proc.once('exit', r));

    const b = await startClusterProcess(dataDir);
    procs.push(b);
    await b.request('DELETE', `${NS}/pods/writer?gracePeriodSeconds=0`);
    await b.request('POST', `${NS}/pods`, pod('reader', 'true'));
    await waitFor(async () => (await b.request('GET', `${NS}/pods/reader`)).body.status?.phase === 'Running', {
      timeoutMs: 60_000,
      what: 'reader Running on the old volume',
    });
    const after = (await b.request('GET', `${NS}/persistentvolumeclaims/data`)).body;
    expect([after.status?.phase, after.spec?.volumeName]).toEqual(['Bound', claim!.spec.volumeName]);
    expect((await b.request('GET', `/api/v1/persistentvolumes/${claim!.spec.volumeName}`)).body.status?.phase).toBe('Bound');
    expect(readFileSync(file, 'utf8')).toBe('kept\n');
    b.proc.kill('SIGTERM');
  });
});
