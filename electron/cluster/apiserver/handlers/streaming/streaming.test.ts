// exec/attach over channel.k8s.io WebSockets and pods/log over chunked HTTP, through the real HTTPS server
// to a fake kubelet registered with the cluster's NodeConnector.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, waitFor, type TestCluster } from '../../../../../test/harness';
import { FakeKubelet } from './testing/fake-kubelet';
import { openExec, httpGet, httpStream, rawExecReads } from './testing/ws-client';
import { createPod, FAKE_NODE, registerFakeNode } from './testing/pods';

let tc: TestCluster;
let fakeNode: { stop(): void } | undefined;
const fake = new FakeKubelet();
const base = '/api/v1/namespaces/default/pods';
const rec = (ts: string, text: string, tag = 'F', stream = 'stdout') => `${ts} ${stream} ${tag} ${text}\n`;
const exec = (pod: string, q: string) => `${base}/${pod}/exec?${q}`;
let logFile: string;

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
  await createPod(tc.client, 'unscheduled', { nodeName: null });
  await createPod(tc.client, 'ghost', { nodeName: 'gone-node', status: 'running' });
  await createPod(tc.client, 'starting', { containers: ['web'], status: 'running' });
  fake.notRunning.add('web');
  logFile = join(tc.dataDir, 'one-app.log');
  writeFileSync(
    logFile,
    rec('2024-01-01T00:00:01.000000001Z', 'first') +
      rec('2024-01-01T00:00:02Z', 'sec', 'P') +
      rec('2024-01-01T00:00:02Z', 'ond') +
      rec('2024-01-01T00:00:03Z', 'oops', 'F', 'stderr'),
  );
  writeFileSync(`${logFile}.previous`, rec('2024-01-01T00:00:00Z', 'crashed before'));
  fake.logFiles.set('default/one/app', logFile);
});
afterAll(async () => {
  fakeNode?.stop();
  await tc?.stop();
});

describe('pods/exec over WebSocket', () => {
  it('relays stdout after an empty ready frame and ends with a Success status (v5)', async () => {
    const c = await openExec(tc.cluster, exec('one', 'command=echo&command=hello&command=world&stdout=true&stderr=true'));
    const r = await c.result;
    expect(r.protocol).toBe('v5.channel.k8s.io');
    expect(r.frames[0]).toEqual([1, 0]);
    expect(r.stdout).toBe('hello world\n');
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
    expect(fake.calls.at(-1)).toMatchObject({
      kind: 'exec',
      namespace: 'default',
      pod: 'one',
      container: 'app',
      opts: { command: ['echo', 'hello', 'world'], stdin: false, tty: false },
    });
  });

  it('separates stderr and reports a non-zero exit code the way kubectl reads it', async () => {
    const r = await (await openExec(tc.cluster, exec('one', 'command=mixed&command=3&stdout=true&stderr=true'))).result;
    expect(r.stdout).toBe('to stdout\n');
    expect(r.stderr).toBe('to stderr\n');
    expect(r.status).toEqual({
      metadata: {},
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: command terminated with exit code 3',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('feeds stdin and ends it on the v5 close signal', async () => {
    const c = await openExec(tc.cluster, exec('one', 'command=cat&stdin=true&stdout=true&stderr=true'));
    c.send(0, 'line 1\n');
    c.send(0, 'line 2\n');
    await waitFor(() => c.stdout() === 'line 1\nline 2\n', { timeoutMs: 5000, what: 'echoed stdin' });
    c.closeStdin();
    const r = await c.result;
    expect(r.stdout).toBe('line 1\nline 2\n');
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('speaks v4 too, and applies terminal resizes', async () => {
    const c = await openExec(tc.cluster, exec('one', 'command=tty-size&stdin=true&stdout=true&tty=true'), ['v4.channel.k8s.io']);
    expect(c.ws.protocol).toBe('v4.channel.k8s.io');
    c.send(4, '{"Width":120,"Height":40}\n');
    c.send(0, 'x');
    await waitFor(() => c.stdout() === '120x40\n', { timeoutMs: 5000, what: 'size echo' });
    expect(fake.calls.at(-1)).toMatchObject({ opts: { tty: true, stderr: false } });
    c.ws.close();
    await c.result;
  });

  it('reports an unknown binary as containerd does, wrapped by the API server', async () => {
    const r = await (await openExec(tc.cluster, exec('one', 'command=no-such-binary&stdout=true&stderr=true'))).result;
    expect(r.status).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500 });
    expect(r.status?.message).toBe(
      'Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "0123456789abcdef": OCI runtime exec failed: exec failed: unable to start container process: exec: "no-such-binary": executable file not found in $PATH: unknown',
    );
  });

  it('reports kubelet refusals and unreachable nodes on the error channel', async () => {
    const r = await (await openExec(tc.cluster, exec('starting', 'command=echo&stdout=true'))).result;
    expect(r.status?.message).toBe('Internal error occurred: unable to upgrade connection: container not found ("web")');
    const g = await (await openExec(tc.cluster, exec('ghost', 'command=echo&stdout=true'))).result;
    expect(g.status?.message).toBe('Internal error occurred: error dialing backend: dial tcp gone-node:10250: connect: connection refused');
  });

  it('rejects bad requests before upgrading, with upstream messages', async () => {
    const fail = (pod: string, q: string) =>
      openExec(tc.cluster, exec(pod, q)).then(
        () => {
          throw new Error('upgraded');
        },
        (e: { statusCode: number; body: string }) => ({ code: e.statusCode, ...(JSON.parse(e.body) as { message: string }) }),
      );
    expect(await fail('one', 'command=echo&container=nope&stdout=true')).toMatchObject({ code: 400, message: 'container nope is not valid for pod one' });
    expect(await fail('multi', 'command=echo&stdout=true')).toMatchObject({
      code: 400,
      message: 'a container name must be specified for pod multi, choose one of: [a b] or one of the init containers: [setup]',
    });
    expect(await fail('nothere', 'command=echo&stdout=true')).toMatchObject({ code: 404, message: 'pods "nothere" not found' });
    expect(await fail('unscheduled', 'command=echo&stdout=true')).toMatchObject({ code: 400, message: 'pod unscheduled does not have a host assigned' });
    expect(await fail('one', 'stdout=true')).toMatchObject({ code: 400, message: 'you must specify at least one command for the container' });
    expect(await fail('one', 'command=x&stdout=false&stderr=false')).toMatchObject({
      code: 400,
      message: 'you must specify at least 1 of stdin, stdout, stderr',
    });
    // a connection cannot be a dry run: refused before anything else is looked at
    expect(await fail('nothere', 'command=echo&dryRun=All')).toMatchObject({ code: 400, reason: 'BadRequest', message: 'dryRun is not supported' });
  });

  it('writes the output, the exit status and the close in separate TLS records, as raw-socket clients need', async () => {
    const reads = await rawExecReads(tc.cluster, exec('one', 'command=mixed&command=3&stdout=True&stderr=True'));
    const all = reads.flat();
    expect(all.filter((f) => f.channel === 3)).toHaveLength(1);
    expect(all.at(-1)).toEqual({ opcode: 8 });
    for (const r of reads) {
      if (r.some((f) => f.channel === 3)) expect(r).toEqual([{ opcode: 2, channel: 3 }]);
      if (r.some((f) => f.opcode === 8)) expect(r).toEqual([{ opcode: 8 }]);
    }
  });

  it('reads boolean options as the parameter codec does: only 0 and false (any case) are false', async () => {
    const r = await (await openExec(tc.cluster, exec('one', 'command=echo&command=y&stdout=True&stderr=FALSE&stdin=0'))).result;
    expect(r.stdout).toBe('y\n');
    expect(fake.calls.at(-1)).toMatchObject({ kind: 'exec', opts: { stdout: true, stderr: false, stdin: false, tty: false } });
    const t = await (await openExec(tc.cluster, exec('one', 'command=echo&command=x&stdout=yes&tty'))).result;
    expect(t.stdout).toBe('x\n');
    expect(fake.calls.at(-1)).toMatchObject({ kind: 'exec', opts: { tty: true, stderr: false } });
  });

  it('picks a named container of a multi-container pod', async () => {
    const r = await (await openExec(tc.cluster, exec('multi', 'command=echo&command=hi&container=b&stdout=true'))).result;
    expect(r.stdout).toBe('hi\n');
    expect(fake.calls.at(-1)).toMatchObject({ pod: 'multi', container: 'b' });
  });
});

describe('pods/attach over WebSocket', () => {
  it('relays stdin and output of the attached process', async () => {
    const c = await openExec(tc.cluster, `${base}/one/attach?stdin=true&stdout=true&stderr=true`);
    c.send(0, 'ping\n');
    await waitFor(() => c.stdout() === 'ping\n', { timeoutMs: 5000, what: 'attach echo' });
    c.closeStdin();
    const r = await c.result;
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
    expect(fake.calls.at(-1)).toMatchObject({ kind: 'attach', container: 'app' });
  });
});

describe('pods/log', () => {
  const log = (pod: string, q = '') => httpGet(tc.cluster, `${base}/${pod}/log${q ? '?' + q : ''}`);

  it('serves the CRI log with partial lines joined, and applies tail, timestamps, since and limitBytes', async () => {
    const all = await log('one');
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('text/plain');
    expect(all.body).toBe('first\nsecond\noops\n');
    expect((await log('one', 'tailLines=1')).body).toBe('oops\n');
    expect((await log('one', 'timestamps=true&tailLines=2')).body).toBe('2024-01-01T00:00:02Z second\n2024-01-01T00:00:03Z oops\n');
    expect((await log('one', 'sinceTime=2024-01-01T00:00:02Z')).body).toBe('second\noops\n');
    expect((await log('one', 'limitBytes=8')).body).toBe('first\nse');
    expect((await log('one', 'previous=true')).body).toBe('crashed before\n');
    // the Python client sends Python's spelling of booleans
    expect((await log('one', 'previous=True&timestamps=False')).body).toBe('crashed before\n');
    expect(fake.calls.at(-1)).toMatchObject({ kind: 'logs', container: 'app', opts: { previous: true } });
  });

  it('keeps streaming appended lines with follow', async () => {
    const s = httpStream(tc.cluster, `${base}/one/log?follow=true&tailLines=1`);
    await s.until((b) => b === 'oops\n');
    appendFileSync(logFile, rec('2024-01-01T00:00:04Z', 'later'));
    await s.until((b) => b === 'oops\nlater\n');
    expect(s.status).toBe(200);
    s.abort();
  });

  it('answers with the API server and kubelet errors kubectl shows', async () => {
    const err = async (pod: string, q = '') => {
      const r = await log(pod, q);
      return { code: r.status, message: (JSON.parse(r.body) as { message: string }).message };
    };
    expect(await err('pending')).toEqual({ code: 400, message: 'container "app" in pod "pending" is waiting to start: ContainerCreating' });
    expect(await err('multi', 'previous=true&container=a')).toEqual({ code: 400, message: 'previous terminated container "a" in pod "multi" not found' });
    expect(await err('multi')).toEqual({
      code: 400,
      message: 'a container name must be specified for pod multi, choose one of: [a b] or one of the init containers: [setup]',
    });
    expect(await err('one', 'container=zzz')).toEqual({ code: 400, message: 'container zzz is not valid for pod one' });
    expect(await err('one', 'tailLines=-1')).toEqual({
      code: 422,
      message: 'PodLogOptions "one" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    });
    expect(await err('one', 'sinceSeconds=5&sinceTime=2024-01-01T00:00:02Z')).toEqual({
      code: 422,
      message: 'PodLogOptions "one" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    });
    expect(await err('ghost')).toEqual({
      code: 500,
      message: 'Get "https://gone-node:10250/containerLogs/default/ghost/app": dial tcp gone-node:10250: connect: connection refused',
    });
    const un = await log('unscheduled');
    expect([un.status, un.body]).toEqual([200, '']);
  });
});
