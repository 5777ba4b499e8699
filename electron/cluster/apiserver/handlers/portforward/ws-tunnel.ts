// kubectl ≥ 1.31 tunnels its SPDY connection through a WebSocket (subprotocol "SPDY/3.1+portforward.k8s.io"):
// every binary message carries raw bytes of the SPDY stream, with no framing of its own. This turns the
// WebSocket back into the byte stream the SPDY session reads and writes.
import { Duplex } from 'node:stream';
import type { WsLike } from '../../request';

export const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

export function wsByteStream(ws: WsLike): Duplex {
  let open = true;
  const d = new Duplex({
    allowHalfOpen: false,
    read() {
      /* messages are pushed as they arrive */
    },
    write(chunk: Buffer, _enc, cb) {
      if (!open) {
        cb();
        return;
      }
      ws.send(chunk, (err) => cb(err ?? null));
    },
    final(cb) {
      if (open) {
        open = false;
        ws.close(1000);
      }
      cb();
    },
    destroy(err, cb) {
      if (open) {
        open = false;
        ws.close(1000);
      }
      cb(err);
    },
  });
  ws.on('message', (data: Buffer) => {
    d.push(Buffer.from(data));
  });
  ws.on('close', () => {
    open = false;
    d.push(null);
  });
  return d;
}
