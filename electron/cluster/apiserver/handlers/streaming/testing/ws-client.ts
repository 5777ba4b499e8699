// Test-only clients for the streaming endpoints over the cluster's real HTTPS server.
import https from 'node:https';
import tls from 'node:tls';
import WebSocket from 'ws';
import type { Cluster } from '../../../../cluster';

export interface ExecResult { stdout: string; stderr: string; status: Record<string, unknown> | undefined; protocol: string; frames: number[][] }

export interface ExecClient {
  ws: WebSocket;
  /** resolves when the server closes the connection */
  result: Promise<ExecResult>;
  send(channel: number, data: string | Buffer): void;
  /** v5 close-stream signal for stdin */
  closeStdin(): void;
  /** stdout received so far */
  stdout(): string;
}

export function openExec(cluster: Cluster, path: string, protocols = ['v5.channel.k8s.io']): Promise<ExecClient> {
  const ws = new WebSocket(`wss://127.0.0.1:${cluster.port}${path}`, protocols, {
    ca: cluster.pki.ca.certPem, cert: cluster.pki.admin.certPem, key: cluster.pki.admin.keyPem,
  });
  let stdout = '';
  let stderr = '';
  let status: Record<string, unknown> | undefined;
  const frames: number[][] = [];
  ws.on('message', (d: Buffer) => {
    frames.push([d[0], d.length - 1]);
    const body = d.subarray(1).toString('utf8');
    if (d[0] === 1) stdout += body;
    else if (d[0] === 2) stderr += body;
    else if (d[0] === 3) status = JSON.parse(body) as Record<string, unknown>;
  });
  const result = new Promise<ExecResult>((resolve) => ws.on('close', () => resolve({ stdout, stderr, status, protocol: ws.protocol, frames })));
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({
      ws, result,
      send: (ch, data) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)])),
      closeStdin: () => ws.send(Buffer.from([255, 0])),
      stdout: () => stdout,
    }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { statusCode: res.statusCode, body })));
    });
    ws.on('error', reject);
  });
}

export interface HttpResult { status: number; body: string; headers: Record<string, unknown> }

export function httpGet(cluster: Cluster, path: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: cluster.port, path, method: 'GET', ca: cluster.pki.ca.certPem, cert: cluster.pki.admin.certPem, key: cluster.pki.admin.keyPem }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** a GET whose body keeps arriving (logs -f); `until` waits for the body to satisfy a predicate */
export function httpStream(cluster: Cluster, path: string) {
  let body = '';
  let status = 0;
  const waiters: { pred: (s: string) => boolean; resolve: () => void }[] = [];
  const req = https.request({ host: '127.0.0.1', port: cluster.port, path, method: 'GET', ca: cluster.pki.ca.certPem, cert: cluster.pki.admin.certPem, key: cluster.pki.admin.keyPem }, (res) => {
    status = res.statusCode ?? 0;
    res.on('data', (c: Buffer) => {
      body += c.toString();
      for (const w of [...waiters]) if (w.pred(body)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    get body() { return body; },
    get status() { return status; },
    until(pred: (s: string) => boolean, ms = 5000): Promise<void> {
      if (pred(body)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out; body so far: ${JSON.stringify(body)}`)), ms);
        waiters.push({ pred, resolve: () => { clearTimeout(t); resolve(); } });
      });
    },
    abort() { req.destroy(); },
  };
}

/** an upgrade request written as Go clients send it (ws refuses SPDY's "/" in a subprotocol); resolves with the refusal */
export function upgradeRequest(cluster: Cluster, path: string, headers: Record<string, string>): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: cluster.port, ca: cluster.pki.ca.certPem, cert: cluster.pki.admin.certPem, key: cluster.pki.admin.keyPem }, () => {
      const method = headers.Upgrade === 'websocket' ? 'GET' : 'POST';
      s.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
    });
    let raw = '';
    s.on('data', (c: Buffer) => { raw += c.toString(); });
    s.on('error', reject);
    s.on('close', () => {
      const [head, body = ''] = raw.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body, headers: {} });
    });
  });
}
