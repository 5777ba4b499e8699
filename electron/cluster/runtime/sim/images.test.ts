import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest } from './programs/http';
import { makeWorld, readLog, runContainer, waitFor } from './test-helpers';

const worlds: ReturnType<typeof makeWorld>[] = [];
const world = () => {
  const w = makeWorld();
  worlds.push(w);
  return w;
};
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.cleanup();
});
type World = ReturnType<typeof makeWorld>;
const exited = (w: World, id: string, ms = 10_000) =>
  waitFor(
    async () => {
      const s = await w.rt.containerStatus(id);
      return s?.state === 'exited' ? s : undefined;
    },
    ms,
    'exit',
  );

describe('image catalogue: tags, variants and digests', () => {
  it("a version prefix names its newest release, with its own version strings; tags that never existed fail as the registry's NotFound", async () => {
    const w = world();
    const info = await w.rt.pullImage('nginx:1.19');
    expect(info.env).toContain('NGINX_VERSION=1.19.10');
    const { id } = await runContainer(w.rt, w.dir, 'old', 'nginx:1.19.8');
    expect((await w.rt.execSync(id, ['nginx', '-v'], 5)).stderr).toBe('nginx version: nginx/1.19.8\n');
    const a = await runContainer(w.rt, w.dir, 'alp', 'nginx:1.18.0-alpine');
    expect((await w.rt.execSync(a.id, ['nginx', '-v'], 5)).stderr).toBe('nginx version: nginx/1.18.0\n');
    expect((await w.rt.execSync(a.id, ['cat', '/etc/os-release'], 5)).stdout).toContain('Alpine');
    for (const bad of ['nginx:1.19.11', 'nginx:1.18.0-bookworm', 'ubuntu:22', 'mysql:7.0', 'nginx:1.19-nosuchvariant'])
      await expect(w.rt.pullImage(bad), bad).rejects.toThrow(
        /rpc error: code = NotFound desc = failed to pull and unpack image ".*": failed to resolve reference ".*": .*: not found$/,
      );
    for (const ok of [
      'perl:5.34.0',
      'perl:5.34',
      'perl:5.38-slim-bookworm',
      'busybox:1.28',
      'busybox:1.36.1-musl',
      'python:3.12-slim',
      'node:20-alpine3.20',
      'postgres:16.2-alpine',
      'debian:bookworm-slim',
      'redis:7.2-alpine',
      'mysql:8.0-debian',
      'mysql:5.6',
      'rabbitmq:3.13-management',
      'kennethreitz/httpbin',
      'golang:1.22',
      'memcached:1.6-alpine',
      'mongo:7.0',
    ])
      await expect(w.rt.pullImage(ok), ok).resolves.toBeTruthy();
  });

  it('a digest the catalogue handed out pulls the same image; an unknown digest fails like an offline pull', async () => {
    const w = world();
    const info = await w.rt.pullImage('nginx:1.19.8');
    const digest = info.digest.split('@')[1];
    expect((await w.rt.pullImage(`nginx@${digest}`)).env).toContain('NGINX_VERSION=1.19.8');
    expect((await w.rt.pullImage('nginx:1.19.8-alpine')).digest).not.toBe(info.digest);
    expect((await w.rt.pullImage('nginx:1.19')).digest).not.toBe(info.digest);
    await expect(w.rt.pullImage('nginx@sha256:' + 'a'.repeat(64))).rejects.toThrow(/is not available offline/);
    const hb = await w.rt.pullImage('kennethreitz/httpbin');
    expect((await w.rt.pullImage(`kennethreitz/httpbin@${hb.digest.split('@')[1]}`)).ref).toContain('@sha256:');
  });

  it('busybox:1.28 says v1.28.4 in its banner', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'bb', 'busybox:1.28', { command: ['sleep', '3600'] });
    expect((await w.rt.execSync(id, ['busybox'], 5)).stdout).toMatch(/^BusyBox v1\.28\.4 \(2018-05-22 17:00:17 UTC\) multi-call binary\./);
    expect((await w.rt.execSync(id, ['wget'], 5)).stderr).toContain('BusyBox v1.28.4');
  });

  it('perl:5.34.0 prints bpi(2000) exactly as Math::BigFloat does and says v5.34.0', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'pi', 'perl:5.34.0', { command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] });
    expect((await exited(w, id)).exitCode).toBe(0);
    const out = readLog(cfg.logPath)
      .split('\n')
      .filter((l) => l.includes(' stdout F '))
      .map((l) => l.split(' stdout F ')[1])
      .join('');
    expect(out.length).toBe(2001);
    expect(out.startsWith('3.14159265358979323846264338327950288419716939937510')).toBe(true);
    // checked against perl 5.36's own `perl -MMath::BigFloat -le 'print Math::BigFloat->bpi(2000)'`: its last digits and the digest of its whole output
    expect(out.slice(-20)).toBe('59958133904780275901');
    expect(createHash('sha256').update(out).digest('hex')).toBe('956e8e6713e69bacf4593f3f0c0eaef906228bd45cfde4318b53b01794c37ab6');
    const v = await runContainer(w.rt, w.dir, 'pv', 'perl:5.34.0', { command: ['perl', '-v'] });
    await exited(w, v.id);
    expect(readLog(v.cfg.logPath)).toContain('This is perl 5, version 34, subversion 0 (v5.34.0) built for x86_64-linux-gnu');
  });
});

describe('server images', () => {
  it("mysql without a root password option exits 1 with the entrypoint's error; with one it becomes ready on 3306 and mysqladmin ping answers", async () => {
    const w = world();
    const bad = await runContainer(w.rt, w.dir, 'nopw', 'mysql:8.0');
    expect((await exited(w, bad.id)).exitCode).toBe(1);
    expect(readLog(bad.cfg.logPath)).toContain('[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified');
    expect(readLog(bad.cfg.logPath)).toContain('- MYSQL_RANDOM_ROOT_PASSWORD');
    const good = await runContainer(w.rt, w.dir, 'db', 'mysql:8.0.36', { env: [{ name: 'MYSQL_ROOT_PASSWORD', value: 's3cret' }] });
    const down = await w.rt.execSync(good.id, ['mysqladmin', 'ping'], 5);
    expect(down.exitCode).toBe(1);
    expect((await w.rt.execSync(good.id, ['mysql', '-e', 'SELECT 1'], 5)).stderr).toContain(
      "ERROR 2002 (HY000): Can't connect to local MySQL server through socket",
    );
    await waitFor(
      () => readLog(good.cfg.logPath).includes("ready for connections. Version: '8.0.36'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306"),
      10_000,
      'mysqld ready',
    );
    const ping = await w.rt.execSync(good.id, ['mysqladmin', 'ping', '-h', '127.0.0.1', '-uroot', '-ps3cret'], 5);
    expect(ping).toMatchObject({ exitCode: 0, stdout: 'mysqld is alive\n' });
    expect(await w.rt.execSync(good.id, ['mysql', '-h', '127.0.0.1', '-e', 'SELECT 1'], 5)).toMatchObject({ exitCode: 0, stdout: '1\n1\n' });
    expect((await w.rt.execSync(good.id, ['mysql', '-e', 'SHOW DATABASES'], 5)).stderr).toContain('no SQL engine');
    const ip = (await w.rt.podSandboxStatus(good.sb))!.podIPs[0];
    const sock = await w.network.connect({ podIP: '10.244.9.9', namespace: 'default' }, ip, 3306);
    const greeting = await new Promise<Buffer>((r) => sock.once('data', r));
    expect(greeting.subarray(5, 11).toString()).toBe('8.0.36');
    sock.destroy();
  });

  it("postgres without POSTGRES_PASSWORD exits 1 with the entrypoint's error; with it pg_isready reports accepting connections", async () => {
    const w = world();
    const bad = await runContainer(w.rt, w.dir, 'nopw', 'postgres:16');
    expect((await exited(w, bad.id)).exitCode).toBe(1);
    expect(readLog(bad.cfg.logPath)).toContain('Error: Database is uninitialized and superuser password is not specified.');
    const good = await runContainer(w.rt, w.dir, 'pg', 'postgres:16.4', { env: [{ name: 'POSTGRES_PASSWORD', value: 'pw' }] });
    await waitFor(
      () => readLog(good.cfg.logPath).includes('LOG:  database system is ready to accept connections') && readLog(good.cfg.logPath).includes('port 5432'),
      10_000,
      'postgres ready',
    );
    expect(readLog(good.cfg.logPath)).toContain('starting PostgreSQL 16.4 (Debian 16.4-1.pgdg120+1)');
    expect(await w.rt.execSync(good.id, ['pg_isready', '-U', 'postgres'], 5)).toMatchObject({
      exitCode: 0,
      stdout: '/var/run/postgresql:5432 - accepting connections\n',
    });
  });

  it('python -m http.server serves the working directory; python -c prints trivial expressions and refuses real code', async () => {
    const w = world();
    const { id, sb } = await runContainer(w.rt, w.dir, 'py', 'python:3.12', {
      command: ['sh', '-c', 'mkdir -p /srv/site && echo hi > /srv/site/a.txt && cd /srv/site && python -m http.server 8080'],
    });
    const ip = (await w.rt.podSandboxStatus(sb))!.podIPs[0];
    const sock = await waitFor(() => w.network.connect({ podIP: '10.244.9.9', namespace: 'default' }, ip, 8080).catch(() => undefined), 5000, 'http.server');
    const res = await httpRequest(sock, 'GET', ip, '/');
    expect(res.body.toString()).toContain('<a href="a.txt">a.txt</a>');
    expect(res.headers.server).toBe('SimpleHTTP/0.6 Python/3.12.11');
    expect(await w.rt.execSync(id, ['python', '-c', 'print("hello", 6*7)'], 5)).toMatchObject({ exitCode: 0, stdout: 'hello 42\n' });
    expect((await w.rt.execSync(id, ['python', '-c', 'import os; print(os.getcwd())'], 5)).exitCode).toBe(1);
    expect((await w.rt.execSync(id, ['python', '--version'], 5)).stdout).toBe('Python 3.12.11\n');
  });

  it('memcached, redis, mongo and httpbin answer on their ports with their image versions', async () => {
    const w = world();
    const mc = await runContainer(w.rt, w.dir, 'mc', 'memcached:1.6.21-alpine');
    const ip = (await w.rt.podSandboxStatus(mc.sb))!.podIPs[0];
    const sock = await waitFor(() => w.network.connect({ podIP: '10.244.9.9', namespace: 'default' }, ip, 11211).catch(() => undefined), 5000, 'memcached');
    sock.write('version\r\n');
    expect((await new Promise<Buffer>((r) => sock.once('data', r))).toString()).toBe('VERSION 1.6.21\r\n');
    sock.destroy();
    const mg = await runContainer(w.rt, w.dir, 'mg', 'mongo:7.0');
    await waitFor(() => readLog(mg.cfg.logPath).includes('"msg":"Waiting for connections"'), 5000, 'mongod');
    expect(await w.rt.execSync(mg.id, ['mongosh', '--quiet', '--eval', "db.adminCommand('ping')"], 5)).toMatchObject({ exitCode: 0, stdout: '{ ok: 1 }\n' });
    const hb = await runContainer(w.rt, w.dir, 'hb', 'kennethreitz/httpbin');
    const hip = (await w.rt.podSandboxStatus(hb.sb))!.podIPs[0];
    const hs = await waitFor(() => w.network.connect({ podIP: '10.244.9.9', namespace: 'default' }, hip, 80).catch(() => undefined), 5000, 'httpbin');
    const r = await httpRequest(hs, 'GET', hip, '/status/418');
    expect(r.status).toBe(418);
    expect(readLog(hb.cfg.logPath)).toContain('[INFO] Listening at: http://0.0.0.0:80');
  });

  it('rabbitmq reports startup and answers rabbitmq-diagnostics once listening; node and go report their image versions only', async () => {
    const w = world();
    const rq = await runContainer(w.rt, w.dir, 'rq', 'rabbitmq:3.13.7-management');
    expect((await w.rt.execSync(rq.id, ['rabbitmq-diagnostics', '-q', 'ping'], 5)).exitCode).toBe(69);
    await waitFor(() => readLog(rq.cfg.logPath).includes('Server startup complete'), 5000, 'rabbitmq');
    expect(readLog(rq.cfg.logPath)).toContain('Starting RabbitMQ 3.13.7 on Erlang');
    expect((await w.rt.execSync(rq.id, ['rabbitmq-diagnostics', 'ping'], 5)).stdout).toContain('Ping succeeded');
    const ip = (await w.rt.podSandboxStatus(rq.sb))!.podIPs[0];
    const mgmt = await httpRequest(await w.network.connect({ podIP: '10.244.9.9', namespace: 'default' }, ip, 15672), 'GET', ip, '/');
    expect(mgmt.body.toString()).toContain('RabbitMQ Management');
    const nd = await runContainer(w.rt, w.dir, 'nd', 'node:20-alpine', { command: ['sleep', '3600'] });
    expect((await w.rt.execSync(nd.id, ['node', '--version'], 5)).stdout).toBe('v20.19.5\n');
    expect(await w.rt.execSync(nd.id, ['node', '-e', 'console.log("hi", 1+1)'], 5)).toMatchObject({ exitCode: 0, stdout: 'hi 2\n' });
    expect((await w.rt.execSync(nd.id, ['node', '-e', 'require("http").createServer()'], 5)).exitCode).toBe(1);
    const go = await runContainer(w.rt, w.dir, 'go', 'golang:1.22', { command: ['sleep', '3600'] });
    expect((await w.rt.execSync(go.id, ['go', 'version'], 5)).stdout).toBe('go version go1.22.12 linux/amd64\n');
    expect((await w.rt.execSync(go.id, ['sh', '-c', 'echo $GOPATH; pwd'], 5)).stdout).toBe('/go\n/go\n');
  });
});
