import { Duplex } from 'node:stream';

/** Two connected in-memory sockets: bytes written to one are read from the other (Node 20 lacks stream.duplexPair). */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (peerIndex: number) =>
    new Duplex({
      read() {
        /* data is pushed by the peer's write */
      },
      write(chunk: Buffer, _enc, cb) {
        ends[peerIndex].push(chunk);
        cb();
      },
      final(cb) {
        ends[peerIndex].push(null);
        cb();
      },
      destroy(err, cb) {
        const p = ends[peerIndex];
        if (!p.destroyed && !p.readableEnded) p.push(null);
        cb(err);
      },
    });
  ends.push(make(1), make(0));
  return [ends[0], ends[1]];
}
