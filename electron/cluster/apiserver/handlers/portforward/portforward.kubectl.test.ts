// kubectl port-forward end to end against a cluster with simulated pods: the SPDY upgrade (kubectl 1.30) and
// the SPDY-over-WebSocket tunnel (1.31+), to pods, Services and Deployments, several ports, local port 0, many
// connections, and upstream's errors for a closed port and a missing pod.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { deploymentYaml } from '../../../../../test/manifests';
import { startTestCluster, waitFor, type TestCluster } from '../../../../../test/harness';

const versions = ['1.30', '1.32', '1.33'].map((v) => ({ v, bin: `/usr/lib/google-cloud-sdk/bin/kubectl.${v}` })).filter((k) => existsSync(k.bin));
if (versions.length === 0) console.warn('kubectl 1.30–1.33 not installed: skipping the port-forward tests');

interface Forward {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

describe.skipIf(versions.length === 0)('kubectl port-forward', () => {
  let tc: TestCluster;
  const running: ChildProcess[] = [];

  function forward(bin: string, args: string[]): Forward {
    const proc = spawn(bin, ['--kubeconfig', tc.kubeconfig, 'port-forward', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(proc);
    let out = '';
    let err = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const exited = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
    return { proc, out: () => out, err: () => err, exited };
  }

  /** the local ports kubectl printed ("Forwarding from 127.0.0.1:L -> R"), once it has printed `count` */
  async function localPorts(f: Forward, count: number): Promise<number[]> {
    const re = /Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g;
    await waitFor(() => [...f.out().matchAll(re)].length >= count, { timeoutMs: 20_000, what: `kubectl to listen (${f.out()}${f.err()})` });
    return [...f.out().matchAll(re)].map((m) => Number(m[1]));
  }

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    const manifest =
      deploymentYaml('echo', [
        '{ name: alpha, image: hashicorp/http-echo, args: ["-text=alpha", "-listen=:5678"], ports: [{ containerPort: 5678, name: http }] }',
        '{ name: beta, image: hashicorp/http-echo, args: ["-text=beta", "-listen=:5679"] }',
      ]) +
      `
---
apiVersion: v1
kind: Service
metadata: { name: echo }
spec:
  selector: { app: echo }
  ports: [{ port: 80, targetPort: http }]
`;
    await waitFor(async () => (await tc.kubectl(['apply', '-f', '-'], { input: manifest })).code === 0, { what: 'apply' });
    const r = await tc.kubectl(['rollout', 'status', 'deployment/echo', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(r.stdout).toContain('successfully rolled out');
  }, 120_000);

  afterAll(async () => {
    for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
    await tc?.stop();
  });

  it.each(versions)(
    '$v forwards several ports of a pod, one of them on local port 0, over many connections',
    async ({ bin }) => {
      const pod = (await tc.kubectl(['get', 'pods', '-l', 'app=echo', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
      const f = forward(bin, [`pod/${pod}`, '0:5678', ':5679']);
      const [a, b] = await localPorts(f, 2);
      expect(await get(a)).toEqual({ status: 200, body: 'alpha\n' });
      expect(await get(b)).toEqual({ status: 200, body: 'beta\n' });
      const many = await Promise.all(Array.from({ length: 8 }, (_, i) => get(i % 2 ? a : b)));
      expect(many.map((r) => r.body)).toEqual(Array.from({ length: 8 }, (_, i) => (i % 2 ? 'alpha\n' : 'beta\n')));
      expect(f.out()).toContain(`Handling connection for ${a}`);
      f.proc.kill('SIGINT');
      await f.exited;
    },
    60_000,
  );

  it.each(versions)(
    '$v forwards to a Service (port → named targetPort) and to a Deployment',
    async ({ bin }) => {
      const s = forward(bin, ['svc/echo', '0:80']);
      const [sp] = await localPorts(s, 1);
      expect(s.out()).toMatch(/Forwarding from 127\.0\.0\.1:\d+ -> 5678/);
      expect((await get(sp)).body).toBe('alpha\n');
      s.proc.kill('SIGINT');
      const d = forward(bin, ['deployment/echo', '0:5679']);
      const [dp] = await localPorts(d, 1);
      expect((await get(dp)).body).toBe('beta\n');
      d.proc.kill('SIGINT');
      await Promise.all([s.exited, d.exited]);
    },
    60_000,
  );

  it.each(versions)(
    '$v reports a closed port in the pod as containerd does, and kubectl gives up',
    async ({ bin }) => {
      const f = forward(bin, ['deployment/echo', '0:9999']);
      const [p] = await localPorts(f, 1);
      await expect(get(p)).rejects.toThrow();
      expect(await f.exited).toBe(1);
      const sandbox = /to pod ([0-9a-f]{64}), uid : /.exec(f.err())?.[1];
      expect(sandbox, f.err()).toBeDefined();
      expect(f.err()).toContain(
        `an error occurred forwarding ${p} -> 9999: error forwarding port 9999 to pod ${sandbox}, uid : failed to execute portforward in network namespace`,
      );
      // 1.31+ log the error with klog's structured quoting, 1.30 as plain text
      expect(f.err()).toMatch(
        new RegExp(
          `failed to connect to localhost:9999 inside namespace \\\\?"${sandbox}\\\\?", IPv4: dial tcp4 127\\.0\\.0\\.1:9999: connect: connection refused IPv6 dial tcp6 \\[::1\\]:9999: connect: connection refused`,
        ),
      );
      expect(f.err()).toContain('error: lost connection to pod');
    },
    60_000,
  );

  it.each(versions)(
    '$v: a missing pod is a NotFound before anything is forwarded',
    async ({ bin }) => {
      const f = forward(bin, ['pod/missing', '8080:80']);
      expect(await f.exited).toBe(1);
      expect(f.err()).toBe('Error from server (NotFound): pods "missing" not found\n');
    },
    30_000,
  );
});
