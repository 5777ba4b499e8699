// The real kubectl (1.31 and 1.33 when installed; KUBECTL_VERSIONS=1.30,1.32 picks others) against the streaming endpoints and a fake kubelet.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, appendFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startTestCluster, waitFor, type TestCluster } from '../../../../../test/harness';
import { FakeKubelet } from './testing/fake-kubelet';
import { createPod, FAKE_NODE, registerFakeNode } from './testing/pods';

const versions = (process.env.KUBECTL_VERSIONS?.split(',') ?? ['1.31', '1.33'])
  .map((v) => ({ v, bin: `/usr/lib/google-cloud-sdk/bin/kubectl.${v}` }))
  .filter((k) => existsSync(k.bin));
if (versions.length === 0) console.warn('kubectl.1.31/1.33 not installed: skipping the kubectl streaming tests');

const rec = (ts: string, text: string, tag = 'F', stream = 'stdout') => `${ts} ${stream} ${tag} ${text}\n`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe.skipIf(versions.length === 0).each(versions)('kubectl $v', ({ bin }) => {
  let tc: TestCluster;
  let fakeNode: { stop(): void } | undefined;
  let logFile: string;
  const fake = new FakeKubelet();

  // the cluster lives in this process, so kubectl must run asynchronously (spawnSync would block the server)
  function kubectl(args: string[], input?: string, timeoutMs = 20_000): Promise<Run> {
    return new Promise((resolve) => {
      const p = spawn(bin, ['--kubeconfig', tc.kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      p.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      p.on('close', (code) => {
        clearTimeout(t);
        resolve({ code, stdout, stderr });
      });
      p.stdin.end(input ?? '');
    });
  }

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    tc.cluster.connector.register(FAKE_NODE, fake);
    fakeNode = await registerFakeNode(tc.client);
    await waitFor(
      async () => {
        await createPod(tc.client, 'one', { status: 'restarted' });
        return true;
      },
      { what: 'default service account' },
    );
    await createPod(tc.client, 'multi', { containers: ['a', 'b'], initContainers: ['setup'], status: 'running' });
    await createPod(tc.client, 'pending', { status: 'creating' });
    logFile = join(tc.dataDir, 'one-app.log');
    writeFileSync(logFile, rec('2024-01-01T00:00:01Z', 'first') + rec('2024-01-01T00:00:02Z', 'sec', 'P') + rec('2024-01-01T00:00:02Z', 'ond'));
    writeFileSync(`${logFile}.previous`, rec('2024-01-01T00:00:00Z', 'crashed before'));
    fake.logFiles.set('default/one/app', logFile);
  });
  afterAll(async () => {
    fakeNode?.stop();
    await tc?.stop();
  });

  it('exec prints stdout and stderr and exits 0', async () => {
    expect(await kubectl(['exec', 'one', '--', 'echo', 'hello'])).toEqual({ code: 0, stdout: 'hello\n', stderr: '' });
    const r = await kubectl(['exec', 'one', '--', 'err', 'oh no']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', 'oh no\n']);
  });

  it('exec passes the exit code through', async () => {
    const r = await kubectl(['exec', 'one', '--', 'mixed', '3']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('to stdout\n');
    expect(r.stderr).toBe('to stderr\ncommand terminated with exit code 3\n');
  });

  it('exec -i streams stdin until EOF', async () => {
    expect(await kubectl(['exec', '-i', 'one', '--', 'cat'], 'cd /tmp\npwd\n')).toEqual({ code: 0, stdout: 'cd /tmp\npwd\n', stderr: '' });
  });

  it('exec of an unknown binary fails like on a containerd node', async () => {
    const r = await kubectl(['exec', 'one', '--', 'no-such-binary']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "0123456789abcdef": OCI runtime exec failed: exec failed: unable to start container process: exec: "no-such-binary": executable file not found in $PATH: unknown\n',
    );
  });

  it('exec -c picks a container; without it kubectl defaults to the first', async () => {
    expect(await kubectl(['exec', 'multi', '-c', 'b', '--', 'echo', 'x'])).toEqual({ code: 0, stdout: 'x\n', stderr: '' });
    expect(fake.calls.at(-1)).toMatchObject({ pod: 'multi', container: 'b' });
    const d = await kubectl(['exec', 'multi', '--', 'echo', 'y']);
    expect([d.code, d.stdout]).toEqual([0, 'y\n']);
    expect(fake.calls.at(-1)).toMatchObject({ pod: 'multi', container: 'a' });
  });

  it('logs with --tail, --timestamps, --limit-bytes, --since-time and --previous', async () => {
    expect((await kubectl(['logs', 'one'])).stdout).toBe('first\nsecond\n');
    expect((await kubectl(['logs', 'one', '--tail=1'])).stdout).toBe('second\n');
    expect((await kubectl(['logs', 'one', '--timestamps', '--tail=1'])).stdout).toBe('2024-01-01T00:00:02Z second\n');
    expect((await kubectl(['logs', 'one', '--limit-bytes=3'])).stdout).toBe('fir');
    expect((await kubectl(['logs', 'one', '--since-time=2024-01-01T00:00:02Z'])).stdout).toBe('second\n');
    expect((await kubectl(['logs', 'one', '--previous'])).stdout).toBe('crashed before\n');
  });

  it('logs errors read as upstream', async () => {
    const p = await kubectl(['logs', 'pending']);
    expect([p.code, p.stderr]).toEqual([1, 'Error from server (BadRequest): container "app" in pod "pending" is waiting to start: ContainerCreating\n']);
    const m = await kubectl(['logs', 'multi', '-c', 'a', '--previous']);
    expect(m.stderr).toBe('Error from server (BadRequest): previous terminated container "a" in pod "multi" not found\n');
  });

  it('logs -f keeps streaming appended lines', async () => {
    const p = spawn(bin, ['--kubeconfig', tc.kubeconfig, 'logs', '-f', 'one', '--tail=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    try {
      await waitFor(() => out === 'second\n', { timeoutMs: 10_000, what: 'initial tail' });
      appendFileSync(logFile, rec('2024-01-01T00:00:05Z', 'appended'));
      await waitFor(() => out === 'second\nappended\n', { timeoutMs: 10_000, what: 'appended line' });
    } finally {
      p.kill('SIGKILL');
    }
  });
});
