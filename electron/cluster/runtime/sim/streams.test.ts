import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpRequest } from './programs/http';
import { collect, readLog, runContainer, waitFor, worldsPerTest } from './test-helpers';

const world = worldsPerTest();

describe('attach', () => {
  it('attach follows PID 1 output from the moment it attaches, and detaching leaves the container running', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'counter', 'busybox', {
      command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo n=$i; sleep 0.03; done'],
    });
    await waitFor(() => readLog(cfg.logPath).includes('n=2'));
    const s = await w.rt.attach(id, { tty: false, stdin: false, stdout: true, stderr: true });
    const out = collect(s.stdout);
    await waitFor(() => /n=\d+\n(.|\n)*n=\d+\n/.test(out()), 3000, 'two attached lines');
    expect(out()).not.toContain('n=1\n');
    s.close();
    expect(await s.exit).toBe(0);
    expect((await w.rt.containerStatus(id))?.state).toBe('running');
  });

  it('kubectl run -i style: PID 1 sh reads the attached stdin; stdinOnce ends it when the client closes stdin', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'shell', 'busybox', { command: ['sh'], stdin: true, stdinOnce: true });
    const s = await w.rt.attach(id, { tty: false, stdin: true, stdout: true, stderr: true });
    const out = collect(s.stdout);
    s.stdin!.write('echo one $((1+1))\n');
    await waitFor(() => out() === 'one 2\n', 3000, 'first reply');
    s.stdin!.end('cd /tmp; pwd\n');
    expect(await s.exit).toBe(0);
    expect(out()).toBe('one 2\n/tmp\n');
    expect(await w.rt.containerStatus(id)).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(readLog(cfg.logPath)).toContain('stdout F /tmp');
  });

  it('kubectl run -it style: a TTY PID 1 shell prompts, echoes and exits with the status of `exit`', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'tty', 'busybox', { command: ['sh'], stdin: true, stdinOnce: true, tty: true });
    const s = await w.rt.attach(id, { tty: true, stdin: true, stdout: true, stderr: false });
    const out = collect(s.stdout);
    s.stdin!.write('\r');
    await waitFor(() => out().includes('/ # '), 3000, 'prompt');
    s.stdin!.write('echo hi\r');
    await waitFor(() => out().includes('echo hi\r\nhi\r\n'), 3000, 'echoed command and its output');
    s.stdin!.write('exit 4\r');
    expect(await s.exit).toBe(4);
    expect(await w.rt.containerStatus(id)).toMatchObject({ state: 'exited', exitCode: 4, reason: 'Error' });
  });

  it('a PID 1 cat echoes attached stdin lines', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'cat', 'busybox', { command: ['cat'], stdin: true, stdinOnce: true });
    const s = await w.rt.attach(id, { tty: false, stdin: true, stdout: true, stderr: true });
    const out = collect(s.stdout);
    s.stdin!.end('alpha\nbeta\n');
    expect(await s.exit).toBe(0);
    expect(out()).toBe('alpha\nbeta\n');
    expect(readLog(cfg.logPath)).toMatch(/stdout F alpha\n.* stdout F beta\n$/);
  });
});

describe('terminal size', () => {
  it('exec -it starts with the client size and follows resize', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'box', 'busybox', { command: ['sleep', '3600'] });
    const s = await w.rt.exec(id, { command: ['sh'], tty: true, stdin: true, stdout: true, stderr: false, size: { cols: 100, rows: 30 } });
    const out = collect(s.stdout);
    s.stdin!.write('stty size\r');
    await waitFor(() => out().includes('30 100\r\n'), 3000, 'initial size');
    s.resize({ cols: 132, rows: 43 });
    s.stdin!.write('stty size\r');
    await waitFor(() => out().includes('43 132\r\n'), 3000, 'resized');
    s.stdin!.write('exit\r');
    expect(await s.exit).toBe(0);
  });

  it('attach resize reaches a TTY PID 1', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'tty', 'busybox', { command: ['sh'], stdin: true, tty: true });
    const s = await w.rt.attach(id, { tty: true, stdin: true, stdout: true, stderr: false });
    const out = collect(s.stdout);
    s.resize({ cols: 90, rows: 20 });
    s.stdin!.write('stty size\r');
    await waitFor(() => out().includes('20 90\r\n'), 3000, 'attached size');
    s.close();
  });
});

describe('port forwarding', () => {
  it('portForward reaches a server in the sandbox; a closed port is refused', async () => {
    const w = world();
    const web = await runContainer(w.rt, w.dir, 'web', 'nginx');
    await waitFor(() => readLog(web.cfg.logPath).includes('start worker process'));
    const sock = await w.rt.portForward(web.sb, 80);
    const res = await httpRequest(sock, 'GET', 'localhost', '/');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('Welcome to nginx!');
    await waitFor(() => readLog(web.cfg.logPath).includes('127.0.0.1 - - ['));
    await expect(w.rt.portForward(web.sb, 81)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const redis = await runContainer(w.rt, w.dir, 'redis', 'redis');
    const r = await waitFor(() => w.rt.portForward(redis.sb, 6379).catch(() => undefined));
    const reply = new Promise<string>((res2) => r.once('data', (d: Buffer) => res2(d.toString())));
    r.write('PING\r\n');
    expect(await reply).toBe('+PONG\r\n');
  });
});

describe('tail', () => {
  it('tail -f follows a file another container appends to, until the container is stopped', async () => {
    const w = world();
    const host = path.join(w.dir, 'vol', 'logs');
    const mounts = [{ containerPath: '/var/log', hostPath: host, readOnly: false }];
    const app = await runContainer(w.rt, w.dir, 'pod', 'busybox', {
      name: 'app',
      mounts,
      command: ['sh', '-c', 'echo first > /var/log/app.log; i=0; while true; do i=$((i+1)); echo "line $i" >> /var/log/app.log; sleep 0.05; done'],
    });
    await waitFor(() => fs.existsSync(path.join(host, 'app.log')));
    const side = await runContainer(w.rt, w.dir, 'pod', 'busybox', { name: 'sidecar', mounts, command: ['tail', '-f', '/var/log/app.log'] }, app.sb);
    await waitFor(() => readLog(side.cfg.logPath).includes('stdout F line 6'), 5000, 'followed lines');
    const lines = readLog(side.cfg.logPath)
      .trim()
      .split('\n')
      .map((l) => l.split(' stdout F ')[1]);
    expect(lines[0]).toBe('first');
    // every line exactly once and in order
    const nums = lines.slice(1).map((l) => Number(l.replace('line ', '')));
    expect(nums).toEqual(nums.map((_, i) => nums[0] + i));
    expect(readLog(side.cfg.logPath)).not.toContain('invalid option');
    await w.rt.stopContainer(side.id, 5);
    expect((await w.rt.containerStatus(side.id))?.state).toBe('exited');
  });

  it('tail -n, -n +K, and -F waiting for a file that appears later, inside sh -c', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'box', 'busybox', { command: ['sleep', '3600'] });
    await w.rt.execSync(id, ['sh', '-c', 'for i in 1 2 3 4 5; do echo $i; done > /tmp/f'], 5);
    expect((await w.rt.execSync(id, ['tail', '-n', '2', '/tmp/f'], 5)).stdout).toBe('4\n5\n');
    expect((await w.rt.execSync(id, ['tail', '-n2', '/tmp/f'], 5)).stdout).toBe('4\n5\n');
    expect((await w.rt.execSync(id, ['tail', '-n', '+4', '/tmp/f'], 5)).stdout).toBe('4\n5\n');
    expect((await w.rt.execSync(id, ['sh', '-c', 'tail -1 /tmp/f'], 5)).stdout).toBe('5\n');
    const s = await w.rt.exec(id, { command: ['sh', '-c', 'tail -n +1 -F /tmp/later.log'], tty: false, stdin: false, stdout: true, stderr: true });
    const out = collect(s.stdout);
    const err = collect(s.stderr);
    await waitFor(() => err().includes("can't open '/tmp/later.log'"), 3000, 'missing-file notice');
    await w.rt.execSync(id, ['sh', '-c', 'echo hello > /tmp/later.log; echo again >> /tmp/later.log'], 5);
    await waitFor(() => out() === 'hello\nagain\n', 3000, 'file content after it appeared');
    s.close();
    const code = await s.exit;
    expect(code).toBeGreaterThan(0);
  });
});
