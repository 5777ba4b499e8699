import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContainerCreateError, ImagePullError, SandboxError } from '../interface';
import { ExecutableNotFoundError } from './launch';
import { httpRequest } from './programs/http';
import { collect, containerConfig, readLog, runContainer, sandboxConfig, waitFor, worldsPerTest } from './test-helpers';

const world = worldsPerTest();

describe('busybox shell containers', () => {
  it('streams a looping script to the CRI log while it runs, with $HOSTNAME expanded', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'box', 'busybox', {
      command: ['sh', '-c', 'echo hello from $HOSTNAME; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done'],
    });
    await waitFor(() => readLog(cfg.logPath).includes('tick 3'), 5000, 'tick 3');
    const lines = readLog(cfg.logPath).trim().split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F hello from box$/);
    expect(lines[1]).toMatch(/ stdout F tick 1$/);
    expect((await w.rt.containerStatus(id))?.state).toBe('running');
  });

  it('exec: hostname, files, arithmetic, exit codes and unknown binaries', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'box', 'busybox', { command: ['sleep', '3600'] });
    expect((await w.rt.execSync(id, ['hostname'], 5)).stdout).toBe('box\n');
    expect((await w.rt.execSync(id, ['cat', '/etc/hostname'], 5)).stdout).toBe('box\n');
    expect((await w.rt.execSync(id, ['sh', '-c', 'echo $((6*7)) > /tmp/x && cat /tmp/x'], 5)).stdout).toBe('42\n');
    expect((await w.rt.execSync(id, ['sh', '-c', 'exit 3'], 5)).exitCode).toBe(3);
    const ps = await w.rt.execSync(id, ['ps'], 5);
    expect(ps.stdout).toMatch(/^\s+1 root .* sleep 3600$/m);
    await expect(w.rt.exec(id, { command: ['no-such-binary'], tty: false, stdin: false, stdout: true, stderr: true })).rejects.toThrow(ExecutableNotFoundError);
    await expect(w.rt.exec(id, { command: ['no-such-binary'], tty: false, stdin: false, stdout: true, stderr: true })).rejects.toThrow(
      'exec: "no-such-binary": executable file not found in $PATH',
    );
    expect((await w.rt.execSync(id, ['no-such-binary'], 5)).exitCode).toBe(127);
  });

  it('interactive exec -i sh keeps the working directory between lines', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'box', 'busybox', { command: ['sleep', '3600'] });
    const s = await w.rt.exec(id, { command: ['sh'], tty: false, stdin: true, stdout: true, stderr: true });
    const out = collect(s.stdout);
    s.stdin!.write('cd /tmp\necho alive > f\npwd\ncat f\nexit\n');
    expect(await s.exit).toBe(0);
    expect(out()).toBe('/tmp\nalive\n');
  });

  it('an interactive shell ends at `exit` inside a line or a compound command, with stdin still open', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'box', 'busybox', { command: ['sleep', '3600'] });
    for (const [line, code] of [
      ['echo one; exit 4', 4],
      ['if true; then exit 5; fi', 5],
      ['set -e; false; echo never', 1],
    ] as const) {
      const s = await w.rt.exec(id, { command: ['sh'], tty: false, stdin: true, stdout: true, stderr: true });
      const out = collect(s.stdout);
      s.stdin!.write(`${line}\necho after\n`);
      expect(await s.exit).toBe(code);
      expect(out()).not.toContain('after');
      expect(out()).not.toContain('never');
    }
    // a shell that runs to the end of a line stays for the next one; tracing does not show the shell's bookkeeping
    const s = await w.rt.exec(id, { command: ['sh'], tty: false, stdin: true, stdout: true, stderr: true });
    const out = collect(s.stdout);
    const err = collect(s.stderr);
    s.stdin!.write('false; echo status $?\nset -x; echo traced\nexit 0\n');
    expect(await s.exit).toBe(0);
    expect(out()).toBe('status 1\ntraced\n');
    expect(err()).toBe('+ echo traced\n');
  });

  it('tty exec shows the busybox prompt, echoes, handles backspace and Ctrl-D', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'box', 'busybox', { command: ['sleep', '3600'] });
    const s = await w.rt.exec(id, { command: ['sh'], tty: true, stdin: true, stdout: true, stderr: false });
    const out = collect(s.stdout);
    await waitFor(() => out().includes('/ # '), 2000, 'prompt');
    s.stdin!.write('echo hix\x7f\r');
    await waitFor(() => out().includes('\r\nhi\r\n'), 2000, 'echo output');
    s.stdin!.write('\x04');
    expect(await s.exit).toBe(0);
  });

  it('reports exit codes, reasons and the termination message', async () => {
    const w = world();
    const ok = await runContainer(w.rt, w.dir, 'ok', 'busybox', {
      command: ['sh', '-c', 'echo bye > /dev/termination-log; echo done'],
      terminationMessagePath: '/dev/termination-log',
    });
    const st = await waitFor(async () => {
      const s = await w.rt.containerStatus(ok.id);
      return s?.state === 'exited' && s;
    });
    expect(st).toMatchObject({ exitCode: 0, reason: 'Completed', terminationMessage: 'bye\n' });
    const bad = await runContainer(w.rt, w.dir, 'crash', 'busybox', { command: ['sh', '-c', 'echo crashing; exit 2'] });
    const st2 = await waitFor(async () => {
      const s = await w.rt.containerStatus(bad.id);
      return s?.state === 'exited' && s;
    });
    expect(st2).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(readLog(bad.cfg.logPath)).toMatch(/stdout F crashing\n$/);
  });

  it('stopContainer delivers SIGTERM: trap handlers run and interrupt sleep', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'trap', 'busybox', {
      command: ['sh', '-c', 'trap "echo got TERM; exit 7" TERM; echo ready; sleep 3600'],
    });
    await waitFor(() => readLog(cfg.logPath).includes('ready'));
    const t0 = Date.now();
    await w.rt.stopContainer(id, 10);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await w.rt.containerStatus(id)).toMatchObject({ state: 'exited', exitCode: 7 });
    expect(readLog(cfg.logPath)).toContain('stdout F got TERM');
  });

  it('a busy loop does not starve the event loop and stops when the container is stopped', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'spin', 'busybox', { command: ['sh', '-c', 'while true; do :; done'] });
    const t0 = Date.now();
    const lag = await new Promise<number>((r) => setTimeout(() => r(Date.now() - t0 - 20), 20));
    expect(lag).toBeLessThan(200);
    const stats = await waitFor(async () => {
      const s = await w.rt.containerStats(id);
      return s && s.cpuUsageNanoCores > 5e8 ? s : undefined;
    });
    expect(stats.cpuUsageNanoCores).toBeGreaterThan(5e8);
    await w.rt.stopContainer(id, 1);
    expect((await w.rt.containerStatus(id))?.state).toBe('exited');
  });

  it('tar round trip (kubectl cp)', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'box', 'busybox', { command: ['sleep', '3600'] });
    await w.rt.execSync(id, ['sh', '-c', 'mkdir -p /data && echo payload > /data/a.txt'], 5);
    const tarOut = await w.rt.exec(id, { command: ['tar', 'cf', '-', '/data/a.txt'], tty: false, stdin: false, stdout: true, stderr: true });
    const chunks: Buffer[] = [];
    tarOut.stdout!.on('data', (d: Buffer) => chunks.push(d));
    expect(await tarOut.exit).toBe(0);
    await new Promise((r) => setImmediate(r));
    const archive = Buffer.concat(chunks);
    expect(archive.length).toBeGreaterThan(512);
    const tarIn = await w.rt.exec(id, {
      command: ['tar', '--no-same-permissions', '--no-same-owner', '-xmf', '-', '-C', '/tmp'],
      tty: false,
      stdin: true,
      stdout: true,
      stderr: true,
    });
    tarIn.stdin!.end(archive);
    expect(await tarIn.exit).toBe(0);
    expect((await w.rt.execSync(id, ['cat', '/tmp/data/a.txt'], 5)).stdout).toBe('payload\n');
  });
});

describe('images', () => {
  it('normalises references and refuses images outside the catalogue', async () => {
    const w = world();
    expect((await w.rt.pullImage('nginx')).ref).toBe('docker.io/library/nginx:latest');
    expect((await w.rt.pullImage('nginx:1.25')).ref).toBe('docker.io/library/nginx:1.25');
    expect((await w.rt.pullImage('registry.k8s.io/e2e-test-images/agnhost:2.40')).entrypoint).toEqual(['/agnhost']);
    await expect(w.rt.pullImage('registry.invalid/nope:1')).rejects.toThrow(ImagePullError);
    await expect(w.rt.pullImage('registry.invalid/nope:1')).rejects.toThrow(
      /Failed to pull image "registry.invalid\/nope:1": image "registry.invalid\/nope:1" is not available offline: KubeLab's simulator can run only the images in its catalogue \(busybox, alpine/,
    );
  });
});

describe('servers and the network', () => {
  it('nginx serves index.html and 404 to other pods and to probes, logging in combined format', async () => {
    const w = world();
    const web = await runContainer(w.rt, w.dir, 'web', 'nginx:1.25');
    const client = await runContainer(w.rt, w.dir, 'client', 'busybox', { command: ['sleep', '3600'] });
    const webIp = (await w.rt.podSandboxStatus(web.sb))!.podIPs[0];
    const clientIp = (await w.rt.podSandboxStatus(client.sb))!.podIPs[0];
    const sock = await waitFor(() => w.network.connect({ podIP: clientIp, namespace: 'default' }, webIp, 80).catch(() => undefined));
    const res = await httpRequest(sock, 'GET', webIp, '/');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('Welcome to nginx!');
    const probe = await httpRequest(await w.rt.probeConnect(web.sb, 80), 'GET', webIp, '/missing');
    expect(probe.status).toBe(404);
    expect(probe.body.toString()).toContain('<center>nginx/1.25.5</center>');
    const wget = await w.rt.execSync(client.id, ['wget', '-qO-', `http://${webIp}/`], 5);
    expect(wget.stdout).toContain('Welcome to nginx!');
    await waitFor(() => readLog(web.cfg.logPath).includes('"GET /missing HTTP/1.1" 404'));
    expect(readLog(web.cfg.logPath)).toMatch(
      new RegExp(
        `stdout F ${clientIp.replace(/\./g, '\\.')} - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\\] "GET / HTTP/1.1" 200 \\d+ "-" "\\S+" "-"`,
      ),
    );
    await expect(w.rt.probeConnect(client.sb, 80)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const t0 = Date.now();
    await w.rt.stopContainer(web.id, 30);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('volumes', () => {
  it('a configMap-style mount is read live from the host folder, read-only', async () => {
    const w = world();
    const host = path.join(w.dir, 'vol', 'cfg');
    fs.mkdirSync(host, { recursive: true });
    fs.writeFileSync(path.join(host, 'app.conf'), 'port=8080');
    const { id } = await runContainer(w.rt, w.dir, 'app', 'busybox', {
      command: ['sleep', '3600'],
      mounts: [{ containerPath: '/etc/app', hostPath: host, readOnly: true }],
    });
    expect((await w.rt.execSync(id, ['cat', '/etc/app/app.conf'], 5)).stdout).toBe('port=8080');
    fs.writeFileSync(path.join(host, 'app.conf'), 'port=9090');
    expect((await w.rt.execSync(id, ['cat', '/etc/app/app.conf'], 5)).stdout).toBe('port=9090');
    const wr = await w.rt.execSync(id, ['sh', '-c', 'echo x > /etc/app/new'], 5);
    expect(wr.exitCode).not.toBe(0);
    expect(wr.stderr).toContain('Read-only file system');
    expect((await w.rt.execSync(id, ['cat', '/etc/app/../../../../etc/passwd'], 5)).stdout).toContain('root:x:0:0');
    fs.symlinkSync('/etc/hostname', path.join(host, 'escape'));
    const esc = await w.rt.execSync(id, ['cat', '/etc/app/escape'], 5);
    expect(esc.exitCode).not.toBe(0);
    expect(esc.stdout).toBe('');
  });

  it('an emptyDir is shared between two containers of a pod', async () => {
    const w = world();
    const host = path.join(w.dir, 'vol', 'shared');
    const mounts = [{ containerPath: '/shared', hostPath: host, readOnly: false }];
    const a = await runContainer(w.rt, w.dir, 'pod', 'busybox', {
      name: 'writer',
      command: ['sh', '-c', 'echo from-writer > /shared/msg; sleep 3600'],
      mounts,
    });
    const b = await runContainer(w.rt, w.dir, 'pod', 'busybox', { name: 'reader', command: ['sleep', '3600'], mounts }, a.sb);
    await waitFor(async () => (await w.rt.execSync(b.id, ['cat', '/shared/msg'], 5)).stdout === 'from-writer\n', 5000, 'shared file');
  });

  it('readOnlyRootFilesystem refuses writes outside writable mounts', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'ro', 'busybox', {
      command: ['sleep', '3600'],
      security: { readOnlyRootFilesystem: true },
      mounts: [{ containerPath: '/tmp', hostPath: path.join(w.dir, 'vol', 'tmp'), readOnly: false }],
    });
    const r = await w.rt.execSync(id, ['sh', '-c', 'echo x > /root/file'], 5);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("sh: can't create /root/file: Read-only file system\n");
    expect((await w.rt.execSync(id, ['sh', '-c', 'echo ok > /tmp/f && cat /tmp/f'], 5)).stdout).toBe('ok\n');
  });
});

describe('resources', () => {
  it('stress beyond a 100Mi limit is OOMKilled with 137', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'hog', 'polinux/stress', {
      command: ['stress'],
      args: ['--vm', '1', '--vm-bytes', '250M', '--vm-hang', '1'],
      memoryLimitBytes: 100 * 1024 * 1024,
    });
    const st = await waitFor(async () => {
      const s = await w.rt.containerStatus(id);
      return s?.state === 'exited' && s;
    });
    expect(st).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('perl computes pi to 2000 digits', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'pi', 'perl', { command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] });
    await waitFor(async () => (await w.rt.containerStatus(id))?.state === 'exited');
    const line = readLog(cfg.logPath).trim().split(' stdout F ')[1];
    expect(line.startsWith('3.14159265358979323846264338327950288419716939937510')).toBe(true);
    expect(line.replace('.', '')).toHaveLength(2000);
    // an independent check: Gibbons' unbounded spigot gives the digits one by one
    expect(line.replace('.', '').slice(-10)).toBe(roundTo(spigotPi(2001), 2000).slice(-10));
    expect((await w.rt.containerStatus(id))?.reason).toBe('Completed');
  });
});

describe('runtime classes and security', () => {
  it('runsc shows gVisor, kata a guest kernel, unknown handlers fail', async () => {
    const w = world();
    const g = await runContainer(w.rt, w.dir, 'sandboxed', 'busybox', { command: ['sleep', '3600'] }, undefined, 'runsc');
    expect((await w.rt.execSync(g.id, ['dmesg'], 5)).stdout).toContain('Starting gVisor...');
    expect((await w.rt.execSync(g.id, ['uname', '-r'], 5)).stdout).toBe('4.4.0\n');
    const plain = await runContainer(w.rt, w.dir, 'plain', 'busybox', { command: ['sleep', '3600'] });
    const vm = await runContainer(w.rt, w.dir, 'vm', 'busybox', { command: ['sleep', '3600'] }, undefined, 'kata');
    const kp = (await w.rt.execSync(plain.id, ['uname', '-r'], 5)).stdout;
    const kv = (await w.rt.execSync(vm.id, ['uname', '-r'], 5)).stdout;
    expect(kp).not.toBe(kv);
    expect(w.rt.handlers()).toEqual(['runc', 'runsc', 'kata']);
    await expect(w.rt.runPodSandbox(sandboxConfig('broken', w.dir), 'nosuchhandler')).rejects.toThrow(
      new SandboxError('failed to get sandbox runtime: no runtime for "nosuchhandler" is configured'),
    );
  });

  it('runAsNonRoot with a root image is refused; runAsUser shows in id and /proc', async () => {
    const w = world();
    await w.rt.pullImage('busybox');
    const sb = await w.rt.runPodSandbox(sandboxConfig('secure', w.dir), 'runc');
    const err = await w.rt.createContainer(sb, containerConfig('c', 'busybox', w.dir, { security: { runAsNonRoot: true } })).catch((e) => e);
    expect(err).toBeInstanceOf(ContainerCreateError);
    expect(err.reason).toBe('CreateContainerConfigError');
    expect(err.message).toBe('container has runAsNonRoot and image will run as root (pod: "secure_default(uid-secure)", container: c)');
    const { id } = await runContainer(
      w.rt,
      w.dir,
      'secure',
      'busybox',
      { command: ['sleep', '3600'], security: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 } },
      sb,
    );
    expect((await w.rt.execSync(id, ['id'], 5)).stdout).toBe('uid=1000 gid=3000 groups=2000,3000\n');
    expect((await w.rt.execSync(id, ['cat', '/proc/1/status'], 5)).stdout).toContain('CapEff:\t0000000000000000');
    const priv = await runContainer(w.rt, w.dir, 'priv', 'busybox', { command: ['sleep', '3600'], security: { privileged: true } });
    expect((await w.rt.execSync(priv.id, ['cat', '/proc/1/status'], 5)).stdout).toContain('CapEff:\t000001ffffffffff');
  });
});

function spigotPi(n: number): string {
  let q = 1n,
    r = 0n,
    t = 1n,
    k = 1n,
    m = 3n,
    x = 3n;
  let out = '';
  while (out.length < n) {
    if (4n * q + r - t < m * t) {
      out += m.toString();
      const nr = 10n * (r - m * t);
      m = (10n * (3n * q + r)) / t - 10n * m;
      q *= 10n;
      r = nr;
    } else {
      const nr = (2n * q + r) * x;
      const nm = (q * (7n * k + 2n) + r * x) / (t * x);
      q *= k;
      t *= x;
      x += 2n;
      k += 1n;
      m = nm;
      r = nr;
    }
  }
  return out;
}
function roundTo(digits: string, n: number): string {
  const up = Number(digits[n]) >= 5;
  const d = digits.slice(0, n).split('').map(Number);
  if (up) {
    for (let i = n - 1; i >= 0; i--) {
      if (d[i] < 9) {
        d[i]++;
        break;
      }
      d[i] = 0;
    }
  }
  return d.join('');
}
