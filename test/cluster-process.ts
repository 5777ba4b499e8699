// Runs `kubelab start` as a child process (the way users and the scenarios run it) and talks HTTPS to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import YAML from 'yaml';

const ROOT = join(__dirname, '..');

export interface ProcCluster {
  proc: ChildProcess;
  server: string;
  readyMs: number;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

export async function startClusterProcess(dataDir: string, extra: string[] = []): Promise<ProcCluster> {
  const t0 = Date.now();
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'kubelab.js'), 'start', '--data-dir', dataDir, '--port', '0', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      if (/ready/.test(out)) resolve();
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c) => {
      out += c.toString();
    });
    proc.on('exit', (code) => reject(new Error(`kubelab start exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`kubelab start did not become ready: ${out}`)), 30_000).unref();
  });
  const readyMs = Date.now() - t0;
  const kc = YAML.parse(readFileSync(join(dataDir, 'kubeconfig'), 'utf8'));
  const server: string = kc.clusters[0].cluster.server;
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  const tls = {
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(kc.users[0].user['client-certificate-data']),
    key: b64(kc.users[0].user['client-key-data']),
  };
  const agent = new https.Agent({ keepAlive: true, maxSockets: 32, ...tls });
  return {
    proc,
    server,
    readyMs,
    request(method, path, body, headers = {}) {
      return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = https.request(
          new URL(path, server),
          { method, agent, headers: { 'content-type': 'application/json', ...(data ? { 'content-length': String(data.length) } : {}), ...headers } },
          (r) => {
            let b = '';
            r.on('data', (c) => (b += c));
            r.on('end', () => {
              let parsed: unknown = b;
              try {
                parsed = JSON.parse(b);
              } catch {
                /* text */
              }
              resolve({ status: r.statusCode!, body: parsed });
            });
          },
        );
        req.on('error', reject);
        if (data) req.write(data);
        req.end();
      });
    },
  };
}
