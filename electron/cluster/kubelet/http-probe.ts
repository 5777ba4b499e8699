// A minimal HTTP/1.1 GET over a runtime-provided byte stream: enough to read a probe's status line.
import type { Duplex } from 'node:stream';

export interface HttpProbeResponse {
  status: number;
  body: string;
}

export function httpGetOverStream(
  sock: Duplex,
  host: string,
  path: string,
  headers: { name: string; value: string }[],
  timeoutMs: number,
): Promise<HttpProbeResponse> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err?: Error, res?: HttpProbeResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.removeAllListeners('data');
      sock.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')), timeoutMs);
    const tryParse = (final: boolean) => {
      const text = buf.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) {
        if (final) finish(new Error(text ? 'malformed HTTP response' : 'EOF'));
        return;
      }
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(text);
      if (!m) {
        finish(new Error(`malformed HTTP response "${text.split('\r\n')[0]}"`));
        return;
      }
      // the body is read only as far as it has arrived: the kubelet keeps at most 10 KiB of it anyway
      finish(undefined, { status: Number(m[1]), body: text.slice(end + 4, end + 4 + 10240) });
    };
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      tryParse(false);
    });
    sock.on('end', () => tryParse(true));
    sock.on('error', (e) => finish(e));
    const hdrs = new Map<string, string>([
      ['host', host],
      ['user-agent', 'kube-probe/1.33'],
      ['accept', '*/*'],
      ['connection', 'close'],
    ]);
    for (const h of headers) hdrs.set(h.name.toLowerCase(), h.value);
    const names: Record<string, string> = { host: 'Host', 'user-agent': 'User-Agent', accept: 'Accept', connection: 'Connection' };
    const lines = [`GET ${path || '/'} HTTP/1.1`, ...[...hdrs].map(([k, v]) => `${names[k] ?? k}: ${v}`), '', ''];
    sock.write(lines.join('\r\n'));
  });
}
