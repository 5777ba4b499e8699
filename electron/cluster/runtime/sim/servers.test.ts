import type { Duplex } from 'node:stream';
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
const ipOf = async (w: World, sb: string) => (await w.rt.podSandboxStatus(sb))!.podIPs[0];
/** GET from another pod's address once the server has bound its port */
async function get(w: World, ip: string, port: number, path: string) {
  const sock = await waitFor(
    () => w.network.connect({ podIP: '10.244.9.9', namespace: 'default' }, ip, port).catch(() => undefined),
    5000,
    `${ip}:${port} listening`,
  );
  return httpRequest(sock, 'GET', ip, path);
}
const exitedStatus = (w: World, id: string) =>
  waitFor(
    async () => {
      const s = await w.rt.containerStatus(id);
      return s?.state === 'exited' && s;
    },
    5000,
    'exit',
  );

/** one RESP command over a raw socket; resolves with the reply once it is complete */
function resp(sock: Duplex, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString();
      if (
        (/^[+\-:]/.test(got) && got.endsWith('\r\n')) ||
        /^\$-1\r\n$/.test(got) ||
        (/^\$(\d+)\r\n/.test(got) && got.length >= got.indexOf('\r\n') + 2 + Number(/^\$(\d+)/.exec(got)![1]) + 2)
      ) {
        sock.off('data', onData);
        resolve(got);
      }
    };
    sock.on('data', onData);
    sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

describe('web servers', () => {
  it('httpd (Apache) serves "It works!" on port 80 and logs the request', async () => {
    const w = world();
    const { sb, cfg, id } = await runContainer(w.rt, w.dir, 'apache', 'httpd:2.4.62');
    const ip = await ipOf(w, sb);
    const res = await get(w, ip, 80, '/');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('<html><body><h1>It works!</h1></body></html>\n');
    expect(res.headers.server).toBe('Apache/2.4.62 (Unix)');
    expect((await get(w, ip, 80, '/nope')).status).toBe(404);
    await waitFor(() => readLog(cfg.logPath).includes('"GET /nope HTTP/1.1" 404'));
    expect(readLog(cfg.logPath)).toContain('stderr F [');
    expect(readLog(cfg.logPath)).toContain('AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations');
    await w.rt.stopContainer(id, 5);
    expect(await w.rt.containerStatus(id)).toMatchObject({ state: 'exited', exitCode: 0 });
  });

  it('busybox httpd -f -p serves a folder written by the same script; without -f it daemonises and the shell carries on', async () => {
    const w = world();
    const { sb } = await runContainer(w.rt, w.dir, 'bb', 'busybox', {
      command: ['sh', '-c', 'mkdir -p /www && echo hello-bb > /www/index.html && httpd -f -p 8080 -h /www'],
    });
    const ip = await ipOf(w, sb);
    const res = await get(w, ip, 8080, '/');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello-bb\n');
    const d = await runContainer(w.rt, w.dir, 'daemon', 'busybox', { command: ['sh', '-c', 'httpd -p 8081; echo after'] });
    await waitFor(() => readLog(d.cfg.logPath).includes('stdout F after'));
  });

  it('hashicorp/http-echo answers with -text on -listen, and the default port is 5678', async () => {
    const w = world();
    const a = await runContainer(w.rt, w.dir, 'echo', 'hashicorp/http-echo', { args: ['-text=apple', '-listen=:8080'] });
    const res = await get(w, await ipOf(w, a.sb), 8080, '/anything');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('apple\n');
    expect(readLog(a.cfg.logPath)).toMatch(/stdout F \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[INFO\] server is listening on :8080/);
    const b = await runContainer(w.rt, w.dir, 'echo2', 'hashicorp/http-echo', { args: ['--text=banana'] });
    expect((await get(w, await ipOf(w, b.sb), 5678, '/')).body.toString()).toBe('banana\n');
  });

  it('agnhost netexec serves /hostname, /echo, /shell and /clientip; serve-hostname answers with the pod name', async () => {
    const w = world();
    const n = await runContainer(w.rt, w.dir, 'netexec-0', 'registry.k8s.io/e2e-test-images/agnhost:2.40', { args: ['netexec', '--http-port=8080'] });
    const ip = await ipOf(w, n.sb);
    expect((await get(w, ip, 8080, '/hostname')).body.toString()).toBe('netexec-0');
    expect((await get(w, ip, 8080, '/echo?msg=hi%20there')).body.toString()).toBe('hi there');
    const sh = JSON.parse((await get(w, ip, 8080, '/shell?cmd=' + encodeURIComponent('echo $((2+3)); hostname'))).body.toString());
    expect(sh.output).toBe('5\nnetexec-0\n');
    expect((await get(w, ip, 8080, '/clientip')).body.toString()).toMatch(/^10\.244\.9\.9:\d+$/);
    expect((await get(w, ip, 8080, '/nope')).status).toBe(404);
    const s = await runContainer(w.rt, w.dir, 'hostnames-abc', 'registry.k8s.io/e2e-test-images/agnhost:2.40', { args: ['serve-hostname'] });
    expect((await get(w, await ipOf(w, s.sb), 9376, '/')).body.toString()).toBe('hostnames-abc');
    // `--port 8080` (a separate value, as `kubectl create deployment ... -- /agnhost serve-hostname --port 8080` passes it)
    const s2 = await runContainer(w.rt, w.dir, 'hostnames-def', 'registry.k8s.io/e2e-test-images/agnhost:2.40', { args: ['serve-hostname', '--port', '8080'] });
    expect((await get(w, await ipOf(w, s2.sb), 8080, '/')).body.toString()).toBe('hostnames-def');
    const bad = await runContainer(w.rt, w.dir, 'bad', 'registry.k8s.io/e2e-test-images/agnhost:2.40', { args: ['nosuch'] });
    expect(await exitedStatus(w, bad.id)).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(readLog(bad.cfg.logPath)).toContain('Error: unknown command "nosuch" for "agnhost"');
  });

  it('redis answers PING and SET/GET over raw RESP and through redis-cli', async () => {
    const w = world();
    const { sb, id, cfg } = await runContainer(w.rt, w.dir, 'redis', 'redis:7');
    const ip = await ipOf(w, sb);
    await waitFor(() => readLog(cfg.logPath).includes('Ready to accept connections'));
    const sock = await waitFor(() => w.network.connect({ podIP: '10.244.9.9', namespace: 'default' }, ip, 6379).catch(() => undefined));
    expect(await resp(sock, ['PING'])).toBe('+PONG\r\n');
    expect(await resp(sock, ['SET', 'greeting', 'hello world'])).toBe('+OK\r\n');
    expect(await resp(sock, ['GET', 'greeting'])).toBe('$11\r\nhello world\r\n');
    expect(await resp(sock, ['GET', 'missing'])).toBe('$-1\r\n');
    expect(await resp(sock, ['INCR', 'n'])).toBe(':1\r\n');
    sock.end();
    expect((await w.rt.execSync(id, ['redis-cli', 'ping'], 5)).stdout).toBe('PONG\n');
    expect((await w.rt.execSync(id, ['redis-cli', 'get', 'greeting'], 5)).stdout).toBe('hello world\n');
    expect((await w.rt.execSync(id, ['redis-cli', '-h', ip, '-p', '6379', 'SET', 'k', 'v'], 5)).stdout).toBe('OK\n');
    expect((await w.rt.execSync(id, ['sh', '-c', 'redis-cli GET k'], 5)).stdout).toBe('v\n');
    expect((await w.rt.execSync(id, ['redis-cli', 'INCR', 'n'], 5)).stdout).toBe('2\n');
    const down = await w.rt.execSync(id, ['redis-cli', '-p', '6390', 'ping'], 5);
    expect(down.stdout + down.stderr).toContain('Could not connect to Redis at 127.0.0.1:6390: Connection refused');
    await w.rt.stopContainer(id, 5);
    expect(await w.rt.containerStatus(id)).toMatchObject({ exitCode: 0 });
    expect(readLog(cfg.logPath)).toContain('Received SIGTERM scheduling shutdown');
  });

  it('`nginx -s quit` in the default nginx container stops it gracefully', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'web', 'nginx');
    await waitFor(() => readLog(cfg.logPath).includes('start worker process'));
    const r = await w.rt.execSync(id, ['nginx', '-s', 'quit'], 5);
    expect(r).toMatchObject({ exitCode: 0 });
    expect(r.stderr).toContain('signal process started');
    expect(await exitedStatus(w, id)).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(readLog(cfg.logPath)).toContain('signal 3 (SIGQUIT) received');
  });

  it('`nginx -s stop` finds a master started from a shell script', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'web', 'nginx', { command: ['sh', '-c', "echo booting; nginx -g 'daemon off;'"] });
    await waitFor(() => readLog(cfg.logPath).includes('start worker process'));
    expect((await w.rt.execSync(id, ['sh', '-c', 'nginx -s stop'], 5)).exitCode).toBe(0);
    expect(await exitedStatus(w, id)).toMatchObject({ exitCode: 0 });
    expect(readLog(cfg.logPath)).toContain('signal 15 (SIGTERM) received');
  });

  it('nginx -s reload keeps it running', async () => {
    const w = world();
    const { id, cfg } = await runContainer(w.rt, w.dir, 'web', 'nginx', { command: ['nginx', '-g', 'daemon off;'] });
    await waitFor(() => readLog(cfg.logPath).includes('start worker process'));
    expect((await w.rt.execSync(id, ['nginx', '-s', 'reload'], 5)).exitCode).toBe(0);
    await waitFor(() => readLog(cfg.logPath).includes('reconfiguring'));
    expect((await w.rt.containerStatus(id))?.state).toBe('running');
  });
});
