// portforward.k8s.io on a SPDY session, the kubelet's side of it: for every forwarded connection the client
// opens an "error" and a "data" stream with the same requestID and port headers; once both are there the pod's
// port is dialled and the data stream carries the bytes. A failure is written as text on the error stream, which
// kubectl prints as "an error occurred forwarding L -> R: <text>".
import type { Duplex } from 'node:stream';
import { SpdySession, type SpdyStream } from './spdy-session';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** how long the second stream of a pair may take (upstream kubelet's stream creation timeout) */
const PAIR_TIMEOUT_MS = 30_000;

export type PortDialer = (port: number) => Promise<Duplex>;

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer?: NodeJS.Timeout;
}

/** serves port forwarding on a SPDY byte stream (an upgraded socket, or a WebSocket tunnel) until it closes */
export function servePortForward(transport: Duplex, dial: PortDialer): SpdySession {
  const pairs = new Map<string, Pair>();
  const session = new SpdySession(transport, (s) => {
    const type = s.header('streamType');
    // clients older than the requestID header pair streams by id: error n, data n+2
    const requestId = s.header('requestID') ?? String(type === 'data' ? s.id - 2 : s.id);
    if (type !== 'error' && type !== 'data') {
      s.reset();
      return;
    }
    const p = pairs.get(requestId) ?? {};
    if (p[type]) {
      s.reset();
      return;
    }
    p[type] = s;
    pairs.set(requestId, p);
    if (!p.error || !p.data) {
      p.timer ??= setTimeout(() => {
        pairs.delete(requestId);
        p.error?.reset();
        p.data?.reset();
      }, PAIR_TIMEOUT_MS).unref();
      return;
    }
    clearTimeout(p.timer);
    pairs.delete(requestId);
    void forward(p.error, p.data, dial);
  });
  session.onClose(() => {
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
  });
  return session;
}

async function forward(errorStream: SpdyStream, data: SpdyStream, dial: PortDialer): Promise<void> {
  // the client half-closes the error stream at once; we only ever write to it
  errorStream.resume();
  const raw = errorStream.header('port') ?? '';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    fail(errorStream, data, raw ? `invalid port header "${raw}"` : 'unable to get port header');
    return;
  }
  let sock: Duplex;
  try {
    sock = await dial(port);
  } catch (err) {
    fail(errorStream, data, (err as Error).message);
    return;
  }
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    // end() rather than a bare FIN: the streams then close (and leave the session's table) once the client is done
    data.end();
    errorStream.end();
  };
  data.pipe(sock);
  sock.on('data', (c: Buffer) => {
    data.write(c);
  });
  sock.on('end', finish);
  sock.on('close', finish);
  sock.on('error', (err) => {
    console.warn(`port-forward: connection to port ${port} failed: ${err.message}`);
    finish();
  });
  data.on('close', () => {
    if (!sock.destroyed) sock.destroy();
  });
}

function fail(errorStream: SpdyStream, data: SpdyStream, message: string): void {
  errorStream.end(Buffer.from(message));
  data.resume();
  data.end();
}
