// One proxied HTTP exchange with a backend reached through the cluster network: the API server's
// UpgradeAwareHandler without the upgrade part. The answer is buffered (pages and JSON documents).
import http from 'node:http';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { ApiRequest, ApiResponse } from '../../request';
import { statusError } from '../../../api/errors';
import type { ProxyTarget } from './location';

/** headers that belong to one connection or to the API server itself, not to the proxied request */
const DROP_REQUEST = new Set([
  'authorization',
  'host',
  'connection',
  'upgrade',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'content-length',
]);
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'proxy-connection', 'upgrade']);
/** larger answers are cut off with an error rather than held in memory */
const MAX_BODY = 32 * 1024 * 1024;
const RESPONSE_TIMEOUT_MS = 30_000;

export type Dial = (ip: string, port: number) => Promise<Duplex>;

export async function proxyHttp(req: ApiRequest, target: ProxyTarget, path: string, dial: Dial): Promise<ApiResponse> {
  let sock: Duplex;
  const addr = `${target.ip.includes(':') ? `[${target.ip}]` : target.ip}:${target.port}`;
  try {
    sock = await dial(target.ip, target.port);
  } catch (err) {
    throw statusError(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${addr}: ${dialReason(err)}`);
  }
  // backends present their own certificates; like the API server's proxy transport, they are not verified
  const conn: Duplex = target.scheme === 'https' ? tls.connect({ socket: sock as never, rejectUnauthorized: false, servername: undefined }) : sock;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROP_REQUEST.has(k) && !k.startsWith('impersonate-')) headers[k] = v;
  const query = req.query.toString();
  return new Promise<ApiResponse>((resolve, reject) => {
    const r = http.request(
      {
        method: req.method,
        host: target.ip,
        port: target.port,
        path: path + (query ? `?${query}` : ''),
        headers: { ...headers, host: addr },
        createConnection: () => conn as never,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            res.destroy(new Error('response too large'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !DROP_RESPONSE.has(k) && k !== 'content-type') out[k] = v;
          resolve({ kind: 'raw', status: res.statusCode ?? 502, body: Buffer.concat(chunks), contentType: res.headers['content-type'] ?? '', headers: out });
        });
        res.on('error', (err) => reject(statusError(503, 'ServiceUnavailable', `error trying to reach service: ${err.message}`)));
      },
    );
    // the simulated connection is no net.Socket, so the timeout is the request's own timer
    const timer = setTimeout(() => r.destroy(new Error(`read tcp ${addr}: i/o timeout`)), RESPONSE_TIMEOUT_MS).unref();
    r.on('close', () => clearTimeout(timer));
    r.on('error', (err) => reject(statusError(503, 'ServiceUnavailable', `error trying to reach service: ${err.message}`)));
    r.end(req.body && req.body.length && req.method !== 'GET' && req.method !== 'HEAD' ? req.body : undefined);
  });
}

function dialReason(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connect: connection refused';
  if (code === 'ETIMEDOUT') return 'i/o timeout';
  return (err as Error).message;
}
