// Web mode's server: the renderer's files and the typed API over one WebSocket, on 127.0.0.1 only.
// Opening the printed URL (…/?token=T) trades the token for an HttpOnly, SameSite=Strict cookie and drops it
// from the address bar; every later request and the WebSocket must carry the cookie.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppServices } from '../app/services';
import type { ClientMessage, ServerMessage } from './protocol';
import { toBridgeError } from './protocol';
import { COOKIE, hostOk, originOk, safeEqual, tokenOk } from './request-guard';

export interface WebServerOptions {
  services: AppServices;
  staticDir: string;
  port?: number;
  token?: string;
}
export interface RunningWebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function send(res: ServerResponse, code: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

export async function startWebServer(o: WebServerOptions): Promise<RunningWebServer> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const root = normalize(o.staticDir + sep);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!hostOk(req, port)) return send(res, 421, 'wrong Host header\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!safeEqual(given, token)) return send(res, 403, 'invalid token: use the URL `npm run web` printed\n');
      return send(res, 303, '', {
        location: '/',
        'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      });
    }
    if (!tokenOk(req, token)) return send(res, 401, 'open the URL printed by `npm run web` (it carries the access token)\n');
    let file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) return send(res, 403, 'forbidden\n');
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    if (!existsSync(file)) return send(res, 500, `the renderer is not built (${o.staticDir}): run npm run build:renderer\n`);
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 << 20 });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/api' || !hostOk(req, port) || !originOk(req, port) || !tokenOk(req, token)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  function serve(ws: WebSocket): void {
    const out = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const session = o.services.connect((event, payload) => out({ t: 'event', event, payload }));
    const refuse = (id: number | null, message: string) => out({ t: 'error', id, error: { message, code: 400, reason: 'BadRequest' } });
    ws.on('message', (raw) => {
      let m: ClientMessage;
      try {
        m = JSON.parse(String(raw));
      } catch (e) {
        return refuse(null, `a message on the bridge must be JSON: ${(e as Error).message}`);
      }
      const id = m !== null && typeof m === 'object' && Number.isSafeInteger(m.id) ? m.id : null;
      if (id === null || m.t !== 'call') return refuse(id, 'a message on the bridge must be {"t":"call","id":<integer>,"method":…,"params":…}');
      session.call(m.method, m.params as never).then(
        (result) => out({ t: 'result', id: m.id, result: result ?? null }),
        (e) => out({ t: 'error', id: m.id, error: toBridgeError(e) }),
      );
    });
    ws.on('close', () => session.dispose());
  }

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(o.port ?? 0, '127.0.0.1', () => res());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
