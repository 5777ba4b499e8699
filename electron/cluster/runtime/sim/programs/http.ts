import type { Duplex } from 'node:stream';

export interface HttpRequest {
  method: string;
  path: string;
  version: string;
  headers: Record<string, string>;
  body: Buffer;
}
export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Serves HTTP/1.1 on an in-memory socket: parses requests (keep-alive aware) and writes responses. */
export function serveHttp(sock: Duplex, handle: (req: HttpRequest) => HttpResponse | Promise<HttpResponse>, serverName: string): void {
  let buf = Buffer.alloc(0);
  let busy = false;
  const pump = async () => {
    if (busy) return;
    busy = true;
    try {
      while (true) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = buf.subarray(0, end).toString('latin1').split('\r\n');
        const [method, path, version = 'HTTP/1.0'] = head[0].split(' ');
        const headers: Record<string, string> = {};
        for (const l of head.slice(1)) {
          const i = l.indexOf(':');
          if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        const len = Number(headers['content-length'] ?? 0);
        if (buf.length < end + 4 + len) break;
        const body = buf.subarray(end + 4, end + 4 + len);
        buf = buf.subarray(end + 4 + len);
        const res = await handle({ method, path: path ?? '/', version, headers, body });
        const payload = typeof res.body === 'string' ? Buffer.from(res.body) : res.body;
        const close = headers.connection?.toLowerCase() === 'close' || version === 'HTTP/1.0';
        const h: Record<string, string> = {
          Server: serverName,
          Date: new Date().toUTCString(),
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': String(payload.length),
          Connection: close ? 'close' : 'keep-alive',
          ...res.headers,
        };
        const lines = [`HTTP/1.1 ${res.status} ${STATUS_TEXT[res.status] ?? ''}`, ...Object.entries(h).map(([k, v]) => `${k}: ${v}`)];
        if (sock.destroyed) return;
        sock.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), method === 'HEAD' ? Buffer.alloc(0) : payload]));
        if (close) {
          sock.end();
          return;
        }
      }
    } finally {
      busy = false;
    }
  };
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    void pump();
  });
  sock.on('error', () => {
    /* peer went away */
  });
}

export interface HttpClientResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** One request over a connected socket (Connection: close), as wget/curl/probes do. */
/** the body of a chunked response (the API server streams large lists that way) */
function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString('latin1'), 16);
    if (!size) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export function httpRequest(
  sock: Duplex,
  method: string,
  host: string,
  path: string,
  extraHeaders: Record<string, string> = {},
  body = '',
  timeoutMs = 10_000,
): Promise<HttpClientResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        reject(Object.assign(new Error('empty reply from server'), { code: 'EPROTO' }));
        return;
      }
      const head = all.subarray(0, end).toString('latin1').split('\r\n');
      const m = /^HTTP\/\d\.\d (\d+) ?(.*)$/.exec(head[0]);
      const headers: Record<string, string> = {};
      for (const l of head.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const raw = all.subarray(end + 4);
      resolve({
        status: Number(m?.[1] ?? 0),
        statusText: m?.[2] ?? '',
        headers,
        body: /chunked/i.test(headers['transfer-encoding'] ?? '') ? dechunk(raw) : raw,
      });
    };
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('end', finish);
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    const h = {
      Host: host,
      'User-Agent': 'Wget',
      Accept: '*/*',
      Connection: 'close',
      ...extraHeaders,
      ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
    };
    sock.write(
      `${method} ${path} HTTP/1.1\r\n${Object.entries(h)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n')}\r\n\r\n${body}`,
    );
  });
}
