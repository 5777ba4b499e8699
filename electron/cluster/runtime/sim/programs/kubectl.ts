// kubectl in the bitnami/kubectl and registry.k8s.io/kubectl images: the real kubectl binary the app ships (a host
// process), given the pod's in-cluster config, so every message is kubectl's own. Its connections leave through
// the pod's network: kubectl talks to an HTTP CONNECT proxy on loopback that opens each tunnel with the pod
// sandbox's connect() — the Service VIP, DNS names and NetworkPolicy apply as they do to curl in the pod.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { NodePrograms } from './index';
import type { Program, ProgramContext } from './types';

/** the images whose kubectl this is */
export const KUBECTL_IMAGES = ['docker.io/bitnami/kubectl', 'registry.k8s.io/kubectl'];

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** kubectl's dial timeout (client-go's default transport) */
const DIAL_TIMEOUT_MS = 30_000;

async function readPodFile(ctx: ProgramContext, path: string): Promise<string | undefined> {
  try {
    return await ctx.fs.readFile(path);
  } catch {
    return undefined;
  }
}

/** client-go's rest.InClusterConfig: both variables and a readable token, else kubectl falls back to localhost:8080 */
async function inClusterConfig(ctx: ProgramContext): Promise<{ host: string; port: number; token: string; ca?: string; namespace: string } | undefined> {
  const host = ctx.env.KUBERNETES_SERVICE_HOST;
  const port = Number(ctx.env.KUBERNETES_SERVICE_PORT);
  const token = (await readPodFile(ctx, `${SA_DIR}/token`))?.trim();
  if (!host || !port || !token) return undefined;
  const namespace = ctx.env.POD_NAMESPACE || (await readPodFile(ctx, `${SA_DIR}/namespace`))?.trim() || 'default';
  return { host, port, token, ca: await readPodFile(ctx, `${SA_DIR}/ca.crt`), namespace };
}

function connectWithin(ctx: ProgramContext, host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })), DIAL_TIMEOUT_MS);
    ctx.container.sandbox.connect(host, port).then(
      (s) => (clearTimeout(t), resolve(s)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/** Go's dial error text for what the pod network answered */
function dialError(e: { code?: string }, host: string, port: number): string {
  if (e.code === 'ECONNREFUSED') return `dial tcp ${host}:${port}: connect: connection refused`;
  if (e.code === 'ENOTFOUND') return `dial tcp: lookup ${host}: no such host`;
  return `dial tcp ${host}:${port}: i/o timeout`;
}

/** HTTP CONNECT on loopback for one kubectl run; each tunnel is a connection from the pod */
function podProxy(ctx: ProgramContext): Promise<Server> {
  const server = createServer((client: Socket) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const m = /^CONNECT (\[[^\]]+\]|[^\s:]+):(\d+) HTTP\/1\.[01]\r\n/.exec(head.subarray(0, end).toString('latin1'));
      if (!m) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        return;
      }
      const rest = head.subarray(end + 4);
      connectWithin(ctx, m[1].replace(/^\[|\]$/g, ''), Number(m[2])).then(
        (up) => {
          client.write('HTTP/1.1 200 Connection established\r\n\r\n');
          if (rest.length) up.write(rest);
          client.pipe(up).pipe(client);
          const close = () => (client.destroy(), up.destroy());
          client.on('error', close).on('close', close);
          up.on('error', close).on('close', close);
        },
        (e) => client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\n${dialError(e, m[1], Number(m[2]))}`),
      );
    };
    client.on('data', onData);
    client.on('error', () => client.destroy());
  });
  return new Promise((resolve, reject) => server.listen(0, '127.0.0.1', () => resolve(server)).on('error', reject));
}

function kubeconfigFor(cfg: { host: string; port: number; token: string; ca?: string; namespace: string }): string {
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  const cluster = { server: `https://${host}:${cfg.port}`, ...(cfg.ca ? { 'certificate-authority-data': Buffer.from(cfg.ca).toString('base64') } : {}) };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'in-cluster', cluster }],
    users: [{ name: 'in-cluster', user: { token: cfg.token } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'in-cluster', namespace: cfg.namespace } }],
    'current-context': 'in-cluster',
  });
}

/** `binary`: the kubectl the app runs (its bundled one); default: kubectl on the PATH of the app's process */
export function podKubectlPrograms(binary = 'kubectl'): NodePrograms {
  return { kubectl: { program: kubectlProgram(binary), repositories: KUBECTL_IMAGES } };
}

const kubectlProgram =
  (bin: string): Program =>
  async (ctx) => {
    const cfg = await inClusterConfig(ctx);
    if (!cfg) {
      // no in-cluster config: kubectl's default server, which nothing in the pod listens on
      ctx.err('The connection to the server localhost:8080 was refused - did you specify the right host or port?\n');
      return 1;
    }
    // a server the pod cannot reach fails the way kubectl reports it, before any tunnel is asked for
    try {
      (await connectWithin(ctx, cfg.host, cfg.port)).destroy();
    } catch (e) {
      ctx.err(`Unable to connect to the server: ${dialError(e as { code?: string }, cfg.host, cfg.port)}\n`);
      return 1;
    }
    const home = await mkdtemp(join(tmpdir(), 'kubelab-pod-kubectl-'));
    const proxy = await podProxy(ctx);
    try {
      await writeFile(join(home, 'config'), kubeconfigFor(cfg), { mode: 0o600 });
      const { port } = proxy.address() as { port: number };
      const child = spawn(bin, ctx.argv.slice(1), {
        cwd: home,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          KUBECONFIG: join(home, 'config'),
          HTTPS_PROXY: `http://127.0.0.1:${port}`,
          HTTP_PROXY: `http://127.0.0.1:${port}`,
          NO_PROXY: '',
          TERM: ctx.env.TERM ?? 'dumb',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (d: Buffer) => ctx.out(new Uint8Array(d)));
      child.stderr.on('data', (d: Buffer) => ctx.err(new Uint8Array(d)));
      child.stdin.on('error', () => undefined); // kubectl may exit before reading stdin; that is not an error of ours
      child.stdin.end(ctx.stdin);
      const onAbort = () => child.kill('SIGTERM');
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      return await new Promise<number>((resolve) => {
        child.on('error', (e) => {
          // the app has no kubectl to lend the pod (none bundled, none on PATH)
          ctx.err(`kubectl: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `KubeLab has no kubectl binary to run (${bin})` : e.message}\n`);
          resolve(127);
        });
        child.on('close', (code, signal) => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve(code ?? (signal ? 128 + 15 : 1));
        });
      });
    } finally {
      proxy.close();
      await rm(home, { recursive: true, force: true }).catch((e: Error) => console.warn(`kubectl in pod: removing ${home}: ${e.message}`));
    }
  };
