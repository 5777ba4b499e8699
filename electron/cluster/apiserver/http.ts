// The HTTPS front end: TLS with client-certificate and bearer-token authentication on 127.0.0.1,
// translating HTTP to ApiRequest and ApiResponse back to HTTP (JSON, YAML, chunked watch streams, WebSocket upgrades).
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import YAML from 'yaml';
import { randomUUID } from 'node:crypto';
import type { ApiServer } from './handler';
import { errorResponse } from './handler';
import type { ApiRequest, ApiResponse } from './request';
import { MAX_BODY_BYTES } from './body';
import { encodeJsonBody, typeMetaFirst, wantsPretty } from './wire-json';
import { statusError, errTooLarge } from '../api/errors';
import type { Authenticator } from '../auth/authenticator';
import type { UserInfo } from '../auth/user';

export interface HttpServerOptions {
  host: string;
  port: number;
  cert: string;
  key: string;
  ca: string;
  api: ApiServer;
  authenticator: Authenticator;
}

export interface RunningHttpServer {
  port: number;
  /** serves a connection that arrived another way than the loopback listener (pods reaching the API server) */
  accept(sock: Duplex): void;
  close(): Promise<void>;
}

export async function startHttpServer(o: HttpServerOptions): Promise<RunningHttpServer> {
  const server = https.createServer({
    cert: o.cert,
    key: o.key,
    ca: o.ca,
    requestCert: true,
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
    keepAliveTimeout: 65_000,
  });
  server.headersTimeout = 70_000;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
  const openWatches = new Set<() => void>();
  const chosenProtocol = new WeakMap<IncomingMessage, string>();

  // a connection the HTTP layer gives up on (a parse error, a reset mid-request) would otherwise vanish silently:
  // the client reads EOF and nothing here says why
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    process.stderr.write(`apiserver: client connection error: ${err.code ?? ''} ${err.message}\n`);
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    // the answers Node gives without a listener
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handleHttp(o, req, res, openWatches);
  });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    void (async () => {
      const user = authenticate(o, req);
      if (!user) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      const apiReq = toApiRequest(req, user, undefined);
      const r = await o.api.handle(apiReq);
      if (r.kind === 'upgrade') {
        const offered = String(req.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const proto = r.protocols.find((p) => offered.includes(p));
        if (!proto) {
          const body = encodeJsonBody(statusError(400, 'BadRequest', `unable to upgrade: no supported protocol; offered: ${offered.join(', ')}`).status);
          socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
          return;
        }
        // ws accepts only RFC 7230 tokens as subprotocols, and "SPDY/3.1+portforward.k8s.io" has a slash: the
        // handshake is checked against a token and answers with the protocol the handler picked
        chosenProtocol.set(req, proto);
        req.headers['sec-websocket-protocol'] = 'kubelab';
        wss.handleUpgrade(req, socket, head, (ws) => r.connect(ws as never, proto));
        return;
      }
      if (r.kind === 'tunnel') {
        const offered = String(req.headers.upgrade ?? '')
          .split(',')
          .map((s) => s.trim().toLowerCase());
        if (!offered.includes(r.upgrade.toLowerCase())) {
          const body = encodeJsonBody(statusError(400, 'BadRequest', 'Upgrade request required').status);
          socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
          return;
        }
        const extra = Object.entries(r.headers ?? {})
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${r.upgrade}\r\n${extra}\r\n`);
        if (head.length) socket.unshift(head);
        (socket as Socket).setNoDelay?.(true);
        r.connect(socket);
        return;
      }
      const body = r.kind === 'json' ? encodeJsonBody(r.body) : '';
      const status = r.kind === 'json' ? r.status : 400;
      socket.end(
        `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    })().catch(() => socket.destroy());
  });
  // wss must offer the protocol the handler picked
  wss.options.handleProtocols = (protocols: Set<string>, req: IncomingMessage) => chosenProtocol.get(req) ?? [...protocols][0] ?? false;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return {
    port,
    accept: (sock) => server.emit('connection', sock),
    close: () =>
      new Promise<void>((resolve) => {
        for (const stop of openWatches) stop();
        for (const c of wss.clients) c.terminate();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** the verified client certificate of a TLS connection, read once per connection (keep-alive serves many requests) */
const peerCerts = new WeakMap<object, ReturnType<TLSSocket['getPeerCertificate']> | null>();
function peerCertificate(sock: TLSSocket): ReturnType<TLSSocket['getPeerCertificate']> | undefined {
  let c = peerCerts.get(sock);
  if (c === undefined) {
    c = sock.authorized ? sock.getPeerCertificate() : null;
    peerCerts.set(sock, c);
  }
  return c ?? undefined;
}

function authenticate(o: HttpServerOptions, req: IncomingMessage): UserInfo | undefined {
  return o.authenticator.authenticate({
    peerCertificate: peerCertificate(req.socket as TLSSocket),
    authorization: req.headers.authorization,
    impersonate: {
      user: req.headers['impersonate-user'] as string | undefined,
      groups: toArray(req.headers['impersonate-group']),
      uid: req.headers['impersonate-uid'] as string | undefined,
      extra: impersonatedExtra(req.headers),
    },
  });
}

/** Impersonate-Extra-<key> headers (the key percent-encoded, as client-go sends it) */
function impersonatedExtra(headers: IncomingMessage['headers']): Record<string, string[]> | undefined {
  let extra: Record<string, string[]> | undefined;
  for (const [k, v] of Object.entries(headers)) {
    if (!k.startsWith('impersonate-extra-') || v === undefined) continue;
    let key = k.slice('impersonate-extra-'.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      /* a malformed escape is kept as sent */
    }
    (extra ??= {})[key] = toArray(v).flatMap((x) => x.split(',').map((s) => s.trim()));
  }
  return extra;
}

function toArray(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** paths clients normally send: no dot segments, fragments or characters the URL parser would rewrite */
const PLAIN_PATH = /^\/(?:[\w\-:~]+(?:\.[\w\-:~.]*)?(?:\/[\w\-:~]+(?:\.[\w\-:~.]*)?)*)?\/?$/;

function toApiRequest(req: IncomingMessage, user: UserInfo, body: Buffer | undefined): ApiRequest {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  let path: string, query: URLSearchParams;
  if (PLAIN_PATH.test(rawPath) && (q < 0 || !raw.includes('#', q))) {
    path = rawPath;
    query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  } else {
    const url = new URL(raw, 'https://localhost');
    path = url.pathname;
    query = url.searchParams;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { method: req.method ?? 'GET', path, query, headers, body, user, serializedReply: true };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const onData = (c: Buffer) => {
      n += c.length;
      if (n > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.resume(); // drain the rest so that the answer can still be written on this connection
        reject(errTooLarge('Request entity too large: limit is 3145728'));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', reject);
    // a client that goes away mid-body: nothing will answer, but the request must not stay pending
    req.once('close', () => {
      if (!req.complete) reject(new Error('request body aborted'));
    });
  });
}

async function handleHttp(o: HttpServerOptions, req: IncomingMessage, res: ServerResponse, openWatches: Set<() => void>): Promise<void> {
  let user: UserInfo | undefined;
  try {
    user = authenticate(o, req);
  } catch (err) {
    return writeResponse(req, res, errorResponse(err), openWatches);
  }
  if (!user) {
    return writeResponse(req, res, { kind: 'json', status: 401, body: statusError(401, 'Unauthorized', 'Unauthorized').status }, openWatches);
  }
  let body: Buffer | undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    try {
      body = await readBody(req);
    } catch (err) {
      return writeResponse(req, res, errorResponse(err), openWatches);
    }
  }
  let r = await o.api.handle(toApiRequest(req, user, body));
  // the answer may show writes of this turn (this request's or a controller's): only committed ones leave the process
  const committed = o.api.registry.store.whenCommitted();
  if (committed) {
    try {
      await committed;
    } catch (err) {
      r = errorResponse(err);
    }
  }
  writeResponse(req, res, r, openWatches);
}

function writeResponse(req: IncomingMessage, res: ServerResponse, r: ApiResponse, openWatches: Set<() => void>): void {
  const wantsYaml = /application\/yaml/.test(String(req.headers.accept ?? '')) && !/application\/json/.test(String(req.headers.accept ?? ''));
  res.setHeader('Audit-Id', cryptoId());
  res.setHeader('Cache-Control', 'no-cache, private');
  switch (r.kind) {
    case 'json': {
      if (r.warnings?.length) res.setHeader('Warning', warningHeader(r.warnings));
      const text = wantsYaml ? YAML.stringify(r.body) : encodeJsonBody(r.body, wantsPretty(queryOf(req), req.headers['user-agent']));
      res.writeHead(r.status, {
        'Content-Type': wantsYaml ? 'application/yaml' : (r.contentType ?? 'application/json'),
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(req.method === 'HEAD' ? undefined : text);
      return;
    }
    case 'raw':
      res.writeHead(r.status, {
        ...r.headers,
        'Content-Type': r.contentType,
        'X-Content-Type-Options': 'nosniff',
        'Content-Length': Buffer.byteLength(r.body),
      });
      res.end(r.body);
      return;
    case 'watch': {
      if (r.warnings?.length) res.setHeader('Warning', warningHeader(r.warnings));
      res.writeHead(r.status, { 'Content-Type': r.contentType ?? 'application/json', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        openWatches.delete(stopAll);
        h?.stop();
        res.end();
      };
      const stopAll = () => end();
      openWatches.add(stopAll);
      // eslint-disable-next-line prefer-const -- `end` may run before `start` returns, so h is declared first
      let h: { stop(): void } | undefined;
      h = r.start((ev) => {
        if (!done) res.write(encodeJsonBody({ type: ev.type, object: typeMetaFirst(ev.object) }));
      }, end);
      if (done) h.stop();
      req.on('close', end);
      res.on('close', end);
      return;
    }
    case 'stream': {
      res.writeHead(r.status, { 'Content-Type': r.contentType, 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        openWatches.delete(end);
        h.stop();
        res.end();
      };
      openWatches.add(end);
      const h = r.start((c) => {
        if (!done) res.write(c);
      }, end);
      req.on('close', end);
      return;
    }
    default: {
      const st = statusError(400, 'BadRequest', 'Upgrade request required').status;
      const text = encodeJsonBody(st);
      res.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    }
  }
}

/** RFC 7234 warnings as upstream writes them: code 299, no agent, the text quoted */
function warningHeader(warnings: string[]): string[] {
  return warnings.map((w) => `299 - ${JSON.stringify(w)}`);
}

function queryOf(req: IncomingMessage): URLSearchParams {
  const raw = req.url ?? '';
  const q = raw.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
}

function cryptoId(): string {
  return randomUUID();
}
