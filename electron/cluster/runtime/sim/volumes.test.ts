import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpRequest } from './programs/http';
import { readLog, runContainer, waitFor, worldsPerTest } from './test-helpers';

const world = worldsPerTest();

const hostDir = (w: ReturnType<typeof world>, name: string, files: Record<string, string> = {}) => {
  const d = path.join(w.dir, 'vol', name);
  fs.mkdirSync(d, { recursive: true });
  for (const [f, c] of Object.entries(files)) fs.writeFileSync(path.join(d, f), c);
  return d;
};

describe('volume mounts', () => {
  it('a hostPath-style folder: the container writes land on the host and host files are visible', async () => {
    const w = world();
    const host = hostDir(w, 'hostpath', { 'seed.txt': 'from host\n' });
    const { id } = await runContainer(w.rt, w.dir, 'hp', 'busybox', {
      command: ['sleep', '3600'],
      mounts: [{ containerPath: '/data', hostPath: host, readOnly: false, volumeType: 'hostPath', volumeName: 'data' }],
    });
    expect((await w.rt.execSync(id, ['cat', '/data/seed.txt'], 5)).stdout).toBe('from host\n');
    const r = await w.rt.execSync(id, ['sh', '-c', 'mkdir -p /data/sub && date > /data/sub/stamp && echo line >> /data/seed.txt && ls /data'], 5);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('seed.txt\nsub\n');
    expect(fs.readFileSync(path.join(host, 'seed.txt'), 'utf8')).toBe('from host\nline\n');
    expect(fs.existsSync(path.join(host, 'sub', 'stamp'))).toBe(true);
    expect((await w.rt.execSync(id, ['rm', '/data/seed.txt'], 5)).exitCode).toBe(0);
    expect(fs.existsSync(path.join(host, 'seed.txt'))).toBe(false);
  });

  it('a downwardAPI-style read-only folder lists its files and refuses writes', async () => {
    const w = world();
    const host = hostDir(w, 'podinfo', { labels: 'app="web"\ntier="front"', annotations: 'build="1"' });
    const { id } = await runContainer(w.rt, w.dir, 'dapi', 'busybox', {
      command: ['sleep', '3600'],
      mounts: [{ containerPath: '/etc/podinfo', hostPath: host, readOnly: true, volumeType: 'downwardAPI', volumeName: 'podinfo' }],
    });
    expect((await w.rt.execSync(id, ['ls', '/etc/podinfo'], 5)).stdout).toBe('annotations\nlabels\n');
    expect((await w.rt.execSync(id, ['cat', '/etc/podinfo/labels'], 5)).stdout).toBe('app="web"\ntier="front"');
    const rm = await w.rt.execSync(id, ['rm', '/etc/podinfo/labels'], 5);
    expect(rm.exitCode).not.toBe(0);
    expect(rm.stderr).toBe("rm: can't remove '/etc/podinfo/labels': Read-only file system\n");
    expect(fs.existsSync(path.join(host, 'labels'))).toBe(true);
    expect((await w.rt.execSync(id, ['sh', '-c', 'mount | grep podinfo'], 5)).stdout).toMatch(/ on \/etc\/podinfo type \w+ \(ro,/);
  });

  it('subPath-style single-file mounts sit beside the image files; nginx reads a mounted default.conf', async () => {
    const w = world();
    const conf = path.join(hostDir(w, 'cfg', { 'default.conf': 'server {\n    listen 8080;\n    root /usr/share/nginx/html;\n}\n' }), 'default.conf');
    const page = path.join(hostDir(w, 'html', { 'index.html': '<h1>custom page</h1>\n' }), 'index.html');
    const web = await runContainer(w.rt, w.dir, 'web', 'nginx', {
      mounts: [
        { containerPath: '/etc/nginx/conf.d/default.conf', hostPath: conf, readOnly: true },
        { containerPath: '/usr/share/nginx/html/index.html', hostPath: page, readOnly: true },
      ],
    });
    const ip = (await w.rt.podSandboxStatus(web.sb))!.podIPs[0];
    const sock = await waitFor(() => w.network.connect({ podIP: '10.244.9.9', namespace: 'default' }, ip, 8080).catch(() => undefined), 5000, 'nginx on 8080');
    expect((await httpRequest(sock, 'GET', ip, '/')).body.toString()).toBe('<h1>custom page</h1>\n');
    expect((await w.rt.execSync(web.id, ['ls', '/usr/share/nginx/html'], 5)).stdout).toBe('50x.html\nindex.html\n');
    expect((await w.rt.execSync(web.id, ['cat', '/etc/nginx/conf.d/default.conf'], 5)).stdout).toContain('listen 8080;');
    const wr = await w.rt.execSync(web.id, ['sh', '-c', 'echo x > /etc/nginx/conf.d/default.conf'], 5);
    expect(wr.stderr).toContain('Read-only file system');
    expect(fs.readFileSync(conf, 'utf8')).toContain('listen 8080;');
    expect(readLog(web.cfg.logPath)).not.toContain('[emerg]');
  });

  it('a writable subPath file mount writes through to the host file', async () => {
    const w = world();
    const file = path.join(hostDir(w, 'one', { 'app.log': '' }), 'app.log');
    const { id } = await runContainer(w.rt, w.dir, 'sp', 'busybox', {
      command: ['sh', '-c', 'echo started >> /var/log/app.log; sleep 3600'],
      mounts: [{ containerPath: '/var/log/app.log', hostPath: file, readOnly: false }],
    });
    await waitFor(() => fs.readFileSync(file, 'utf8') === 'started\n', 5000, 'log line on the host');
    expect((await w.rt.execSync(id, ['cat', '/var/log/app.log'], 5)).stdout).toBe('started\n');
  });

  it('tmpfs-backed volumes show as tmpfs in mount and df; sizeLimit is the df size', async () => {
    const w = world();
    const mem = hostDir(w, 'cache');
    const disk = hostDir(w, 'scratch');
    const { id } = await runContainer(w.rt, w.dir, 'tm', 'busybox', {
      command: ['sleep', '3600'],
      mounts: [
        { containerPath: '/cache', hostPath: mem, readOnly: false, tmpfs: true, sizeLimitBytes: 64 * 1024 * 1024, volumeType: 'emptyDir', volumeName: 'cache' },
        { containerPath: '/scratch', hostPath: disk, readOnly: false, volumeType: 'emptyDir', volumeName: 'scratch' },
      ],
    });
    const mount = (await w.rt.execSync(id, ['mount'], 5)).stdout;
    expect(mount).toMatch(/^tmpfs on \/cache type tmpfs \(rw,/m);
    expect(mount).toMatch(/^\S+ on \/scratch type ext4 \(rw,/m);
    expect((await w.rt.execSync(id, ['cat', '/proc/mounts'], 5)).stdout).toMatch(/^tmpfs \/cache tmpfs rw/m);
    const df = (await w.rt.execSync(id, ['df', '-h'], 5)).stdout;
    expect(df).toMatch(/^tmpfs\s+64\.0M\s+.*\/cache$/m);
    expect(df).toMatch(/\/scratch$/m);
    expect(df.split('\n')[0]).toMatch(/^Filesystem\s+Size\s+Used\s+Available\s+Use%\s+Mounted on$/);
    expect((await w.rt.execSync(id, ['sh', '-c', 'echo hi > /cache/x && cat /cache/x'], 5)).stdout).toBe('hi\n');
  });
});
