// Test-only clients for the streaming endpoints over the cluster's real HTTPS server.
import https from 'node:https';
import tls from 'node:tls';
import WebSocket from 'ws';
import type { Cluster } from '../../../../cluster';

export interface ExecResult {
  stdout: string;
  stderr: string;
  status: Record<string, unknown> | undefined;
  protocol: string;
  frames: number[][];
}

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
    ca: cluster.pki.ca.certPem,
    cert: cluster.pki.admin.certPem,
    key: cluster.pki.admin.keyPem,
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
    ws.on('open', () =>
      resolve({
        ws,
        result,
        send: (ch, data) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)])),
        closeStdin: () => ws.send(Buffer.from([255, 0])),
        stdout: () => stdout,
      }),
    );
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { statusCode: res.statusCode, body })));
    });
    ws.on('error', reject);
  });
}

export interface HttpResult {
  status: number;
  body: string;
  headers: Record<string, unknown>;
}

export function httpGet(cluster: Cluster, path: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: cluster.port,
        path,
        method: 'GET',
        ca: cluster.pki.ca.certPem,
        cert: cluster.pki.admin.certPem,
        key: cluster.pki.admin.keyPem,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** a GET whose body keeps arriving (logs -f); `until` waits for the body to satisfy a predicate */
export function httpStream(cluster: Cluster, path: string) {
  let body = '';
  let status = 0;
  const waiters: { pred: (s: string) => boolean; resolve: () => void }[] = [];
  const req = https.request(
    { host: '127.0.0.1', port: cluster.port, path, method: 'GET', ca: cluster.pki.ca.certPem, cert: cluster.pki.admin.certPem, key: cluster.pki.admin.keyPem },
    (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (c: Buffer) => {
        body += c.toString();
        for (const w of [...waiters])
          if (w.pred(body)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
      });
    },
  );
  req.on('error', () => undefined);
  req.end();
  return {
    get body() {
      return body;
    },
    get status() {
      return status;
    },
    until(pred: (s: string) => boolean, ms = 5000): Promise<void> {
      if (pred(body)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out; body so far: ${JSON.stringify(body)}`)), ms);
        waiters.push({
          pred,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      });
    },
    abort() {
      req.destroy();
    },
  };
}

/** an upgrade request written as Go clients send it (ws refuses SPDY's "/" in a subprotocol); resolves with the refusal */
export function upgradeRequest(cluster: Cluster, path: string, headers: Record<string, string>): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const s = tls.connect(
      { host: '127.0.0.1', port: cluster.port, ca: cluster.pki.ca.certPem, cert: cluster.pki.admin.certPem, key: cluster.pki.admin.keyPem },
      () => {
        const method = headers.Upgrade === 'websocket' ? 'GET' : 'POST';
        s.write(
          `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join('')}\r\n`,
        );
      },
    );
    let raw = '';
    s.on('data', (c: Buffer) => {
      raw += c.toString();
    });
    s.on('error', reject);
    s.on('close', () => {
      const [head, body = ''] = raw.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body, headers: {} });
    });
  });
}

/** one WebSocket frame a server sent: its opcode and, for binary frames, the channel byte */
export interface RawFrame {
  opcode: number;
  channel?: number;
}

/**
 * An exec over a bare TLS socket that records which frames arrived together in one read (Node's TLS client
 * delivers each TLS record's plaintext as its own chunk), as a client polling the raw socket would see them.
 */
export function rawExecReads(cluster: Cluster, path: string): Promise<RawFrame[][]> {
  return new Promise((resolve, reject) => {
    const s = tls.connect(
      { host: '127.0.0.1', port: cluster.port, ca: cluster.pki.ca.certPem, cert: cluster.pki.admin.certPem, key: cluster.pki.admin.keyPem },
      () => {
        s.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
            `Sec-WebSocket-Key: ${Buffer.from('kubelab-raw-exec').toString('base64')}\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`,
        );
      },
    );
    let head = true;
    let pending = Buffer.alloc(0);
    const reads: RawFrame[][] = [];
    s.on('data', (c: Buffer) => {
      let buf = Buffer.concat([pending, c]);
      if (head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          pending = buf;
          return;
        }
        head = false;
        buf = buf.subarray(end + 4);
      }
      const frames: RawFrame[] = [];
      for (;;) {
        if (buf.length < 2) break;
        let len = buf[1] & 0x7f,
          off = 2;
        if (len === 126) {
          if (buf.length < 4) break;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) break;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        if (buf.length < off + len) break;
        const opcode = buf[0] & 0x0f;
        frames.push(opcode === 2 ? { opcode, channel: buf[off] } : { opcode });
        buf = buf.subarray(off + len);
      }
      pending = buf;
      if (frames.length) reads.push(frames);
      if (frames.some((f) => f.opcode === 8)) s.end();
    });
    s.on('error', reject);
    s.on('close', () => resolve(reads));
  });
}

/** a request with any method and an optional JSON body over the cluster's HTTPS server, as the admin */
export function httpRequest(cluster: Cluster, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = https.request(
      {
        host: '127.0.0.1',
        port: cluster.port,
        path,
        method,
        ca: cluster.pki.ca.certPem,
        cert: cluster.pki.admin.certPem,
        key: cluster.pki.admin.keyPem,
        headers: { ...(data !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
