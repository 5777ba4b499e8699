// Real kubectl against a real cluster with simulated nodes: kubectl cp both ways (tar member names), and the
// keep-alive idioms labs start pods with (tail -f /dev/null, sleep infinity, a background job and wait).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../harness';

const bin = kubectlPath();

describe.skipIf(!bin)('container userland through kubectl', () => {
  let tc: TestCluster;
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-cp-'));
  const k = (args: string[], input?: string) => tc.kubectl(args, { input, timeoutMs: 60_000 });

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    await waitFor(async () => (await k(['get', 'serviceaccount', 'default'])).code === 0, { what: 'default service account', timeoutMs: 30_000 });
    for (const [name, image, cmd] of [
      ['deb', 'debian:12', 'tail -f /dev/null'],
      ['bb', 'busybox', 'sleep infinity'],
      ['bg', 'busybox', 'tail -f /dev/null & echo started; wait'],
    ]) {
      const r = await k(['run', name, `--image=${image}`, '--restart=Never', '--command', '--', 'sh', '-c', cmd]);
      expect(r.code, r.stderr).toBe(0);
    }
    await waitFor(async () => (await k(['wait', '--for=condition=Ready', 'pod/deb', 'pod/bb', 'pod/bg', '--timeout=5s'])).code === 0, {
      what: 'pods ready',
      timeoutMs: 60_000,
    });
  }, 120_000);
  afterAll(async () => {
    await tc?.stop();
    fs.rmSync(local, { recursive: true, force: true });
  });

  it('keep-alive commands keep their pods running without restarts', async () => {
    const r = await k([
      'get',
      'pods',
      'deb',
      'bb',
      'bg',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.phase}/{.status.containerStatuses[0].restartCount} {end}',
    ]);
    expect(r.stdout.trim()).toBe('deb=Running/0 bb=Running/0 bg=Running/0');
    expect((await k(['logs', 'bg'])).stdout).toBe('started\n');
  });

  it('kubectl cp copies a file out of a pod and into one (GNU and busybox tar)', async () => {
    for (const pod of ['deb', 'bb']) {
      expect((await k(['exec', pod, '--', 'sh', '-c', `echo from-${pod} > /tmp/out.txt`])).code).toBe(0);
      const dest = path.join(local, `${pod}.txt`);
      const out = await k(['cp', `${pod}:/tmp/out.txt`, dest]);
      expect(out.stderr).not.toMatch(/corrupted/);
      expect(out.code, out.stderr).toBe(0);
      expect(fs.readFileSync(dest, 'utf8')).toBe(`from-${pod}\n`);

      const src = path.join(local, `in-${pod}.txt`);
      fs.writeFileSync(src, `to-${pod}\n`);
      const inn = await k(['cp', src, `${pod}:/tmp/in.txt`]);
      expect(inn.code, inn.stderr).toBe(0);
      expect((await k(['exec', pod, '--', 'cat', '/tmp/in.txt'])).stdout).toBe(`to-${pod}\n`);
    }
  });

  it('tar strips the leading slash of member names and says so as each image does', async () => {
    const deb = await k(['exec', 'deb', '--', 'sh', '-c', 'tar cf - /etc/hostname | tar tf -']);
    expect([deb.stdout, deb.stderr]).toEqual(['etc/hostname\n', "tar: Removing leading `/' from member names\n"]);
    const bb = await k(['exec', 'bb', '--', 'sh', '-c', 'tar cf - /etc/hostname | tar tf -']);
    expect([bb.stdout, bb.stderr]).toEqual(['etc/hostname\n', "tar: removing leading '/' from member names\n"]);
  });

  it('background jobs, $!, kill and wait in an exec behave as on a node', async () => {
    const r = await k(['exec', 'deb', '--', 'sh', '-c', 'sleep 30 & echo "job $!" | grep -c "job [0-9]"; kill $!; wait $!; echo "status $?"']);
    expect([r.stdout, r.stderr, r.code]).toEqual(['1\nstatus 143\n', 'Terminated\n', 0]);
    const t = await k(['exec', 'bb', '--', 'sh', '-c', 'timeout 1 tail -f /dev/null; echo $?']);
    expect([t.stdout, t.stderr]).toEqual(['143\n', 'Terminated\n']);
  });
});
