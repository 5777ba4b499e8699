import { afterEach, describe, expect, it } from 'vitest';
import { makeWorld, readLog, runContainer, waitFor } from './test-helpers';

type World = ReturnType<typeof makeWorld>;
const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.cleanup();
});

/** a world whose DNS knows `web` and `web.default.svc.cluster.local` as the nginx pod */
async function setup() {
  const names = new Map<string, string>();
  const w = makeWorld((n) => (names.has(n) ? [names.get(n)!] : undefined));
  worlds.push(w);
  const web = await runContainer(w.rt, w.dir, 'web', 'nginx');
  const webIp = (await w.rt.podSandboxStatus(web.sb))!.podIPs[0];
  names.set('web', webIp);
  names.set('web.default.svc.cluster.local', webIp);
  const box = await runContainer(w.rt, w.dir, 'box', 'busybox', { command: ['sleep', '3600'] });
  const boxIp = (await w.rt.podSandboxStatus(box.sb))!.podIPs[0];
  await waitFor(() => readLog(web.cfg.logPath).includes('start worker process'));
  return { w, web, webIp, box, boxIp };
}

describe('network commands between pods', () => {
  it('wget by IP and by name, to stdout and to a file; errors for refused ports and unknown names', async () => {
    const { w, box, webIp } = await setup();
    const run = (cmd: string) => w.rt.execSync(box.id, ['sh', '-c', cmd], 5);
    expect((await run(`wget -qO- http://${webIp}`)).stdout).toContain('<h1>Welcome to nginx!</h1>');
    expect((await run('wget -qO- web')).stdout).toContain('<h1>Welcome to nginx!</h1>');
    expect((await run('wget -qO- http://web.default.svc.cluster.local:80/')).stdout).toContain('Welcome to nginx!');
    // busybox's report: the host as written with the address it resolved to, then its finished progress meter
    const stars = '*'.repeat(32);
    const full = await run(`wget -O- ${webIp}:80`);
    expect(full.stderr).toBe(
      `Connecting to ${webIp}:80 (${webIp}:80)\nwriting to stdout\n-                    100% |${stars}|   ${full.stdout.length}  0:00:00 ETA\nwritten to stdout\n`,
    );
    const saved = await run('cd /tmp && wget http://web/ && cat /tmp/index.html');
    expect(saved.exitCode).toBe(0);
    expect(saved.stderr).toMatch(
      new RegExp(
        `^Connecting to web \\(\\d+\\.\\d+\\.\\d+\\.\\d+:80\\)\nsaving to 'index.html'\nindex.html           100% \\|\\*{32}\\|   ${saved.stdout.length}  0:00:00 ETA\n'index.html' saved\n$`,
      ),
    );
    expect(saved.stdout).toContain('Welcome to nginx!');
    const notFound = await run('wget -qO- http://web/missing');
    expect(notFound.exitCode).toBe(1);
    expect(notFound.stderr).toContain('wget: server returned error: HTTP/1.1 404 Not Found');
    const refused = await run(`wget -qO- -T 2 http://${webIp}:81/`);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(`wget: can't connect to remote host (${webIp}): Connection refused\n`);
    const unknown = await run('wget -qO- http://nosuchsvc/');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toBe("wget: bad address 'nosuchsvc'\n");
  });

  it('curl from the curlimages/curl image: body, -I, -w http_code, -f and connection errors', async () => {
    const { w, webIp } = await setup();
    const c = await runContainer(w.rt, w.dir, 'curl', 'curlimages/curl', { command: ['sleep', '3600'] });
    expect((await w.rt.execSync(c.id, ['id', '-u'], 5)).stdout).toBe('100\n');
    expect((await w.rt.execSync(c.id, ['curl', '-s', `http://${webIp}/`], 5)).stdout).toContain('Welcome to nginx!');
    expect((await w.rt.execSync(c.id, ['curl', '-s', 'web'], 5)).stdout).toContain('Welcome to nginx!');
    const head = await w.rt.execSync(c.id, ['curl', '-sI', 'http://web/'], 5);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head.stdout.toLowerCase()).toContain('server: nginx/');
    expect((await w.rt.execSync(c.id, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://web/missing'], 5)).stdout).toBe('404');
    const f = await w.rt.execSync(c.id, ['curl', '-sf', 'http://web/missing'], 5);
    expect(f.exitCode).toBe(22);
    const refused = await w.rt.execSync(c.id, ['curl', `http://${webIp}:8080/`], 5);
    expect(refused.exitCode).toBe(7);
    expect(refused.stderr).toContain(`curl: (7) Failed to connect to ${webIp} port 8080`);
    const unknown = await w.rt.execSync(c.id, ['curl', 'http://nosuchsvc/'], 5);
    expect(unknown.exitCode).toBe(6);
    expect(unknown.stderr).toBe('curl: (6) Could not resolve host: nosuchsvc\n');
    // the image's entrypoint runs curl with the pod's args
    const job = await runContainer(w.rt, w.dir, 'curl-job', 'curlimages/curl', { args: ['-s', `http://${webIp}/`] });
    await waitFor(async () => (await w.rt.containerStatus(job.id))?.state === 'exited');
    expect((await w.rt.containerStatus(job.id))?.exitCode).toBe(0);
    expect(readLog(job.cfg.logPath)).toContain('stdout F <title>Welcome to nginx!</title>');
  });

  it('nc -z checks ports; nc sends stdin and prints the reply', async () => {
    const { w, box, webIp } = await setup();
    const run = (cmd: string) => w.rt.execSync(box.id, ['sh', '-c', cmd], 5);
    expect((await run(`nc -z -w 2 ${webIp} 80`)).exitCode).toBe(0);
    expect((await run(`nc -zv -w 2 web 80`)).stderr).toContain('open');
    expect((await run(`nc -z -w 2 ${webIp} 81`)).exitCode).toBe(1);
    const raw = await run(`printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${webIp} 80`);
    expect(raw.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(raw.stdout).toContain('Welcome to nginx!');
  });

  // nslookup, dig and host need the cluster's DNS servers: network/dns and test/integration/cluster-dns.test.ts
  it('ping and ip show addresses', async () => {
    const { w, box, webIp, boxIp } = await setup();
    const ping = await w.rt.execSync(box.id, ['ping', '-c', '1', 'web'], 5);
    expect(ping.stdout).toContain(`PING web (${webIp}): 56 data bytes\n64 bytes from ${webIp}: seq=0 ttl=64`);
    expect(ping.stdout).toContain('1 packets transmitted, 1 packets received, 0% packet loss');
    expect((await w.rt.execSync(box.id, ['ping', '-c', '1', 'nosuchsvc'], 5)).stderr).toBe("ping: bad address 'nosuchsvc'\n");
    const ip = await w.rt.execSync(box.id, ['ip', 'addr'], 5);
    expect(ip.stdout).toContain(`inet ${boxIp}/24`);
    expect((await w.rt.execSync(box.id, ['ip', 'route'], 5)).stdout).toMatch(/^default via 10\.244\.1\.1 dev eth0/);
    expect((await w.rt.execSync(box.id, ['hostname', '-i'], 5)).stdout).toBe(`${boxIp}\n`);
    expect((await w.rt.execSync(box.id, ['cat', '/etc/hosts'], 5)).stdout).toContain(`${boxIp}\tbox\n`);
    expect((await w.rt.execSync(box.id, ['cat', '/etc/resolv.conf'], 5)).stdout).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
  });

  it('localhost reaches a server in the same pod (sidecar pattern)', async () => {
    const { w, web } = await setup();
    const side = await runContainer(w.rt, w.dir, 'web', 'busybox', { name: 'sidecar', command: ['sleep', '3600'] }, web.sb);
    expect((await w.rt.execSync(side.id, ['wget', '-qO-', 'http://localhost/'], 5)).stdout).toContain('Welcome to nginx!');
    expect((await w.rt.execSync(side.id, ['wget', '-qO-', 'http://127.0.0.1:80/'], 5)).stdout).toContain('Welcome to nginx!');
  });
});
