// The server half of a SPDY/3.1 connection, as much of it as Kubernetes' streaming protocols use (moby/spdystream
// on the client side): the client opens streams with SYN_STREAM, the server answers each with SYN_REPLY, data
// flows in DATA frames that end with FIN, RST_STREAM aborts one stream, PING is echoed, GOAWAY ends the session.
// Header blocks are zlib-compressed with one shared context per direction and SPDY/3's dictionary.
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary';

const VERSION = 3;
const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const FLAG_FIN = 0x01;
/** RST_STREAM status codes */
export const RST_PROTOCOL_ERROR = 1;
export const RST_CANCEL = 5;
/** larger writes are split into DATA frames of at most this size */
const MAX_DATA = 32 * 1024;
/** a frame longer than this is a protocol error (the 24-bit length allows 16 MiB) */
const MAX_FRAME = 16 * 1024 * 1024;

export type SpdyHeaders = Map<string, string[]>;

export class SpdyStream extends Duplex {
  private finSent = false;
  constructor(
    readonly id: number,
    readonly headers: SpdyHeaders,
    private readonly session: SpdySession,
  ) {
    super({ allowHalfOpen: true });
  }

  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  override _read(): void {
    /* data is pushed as frames arrive */
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.finSent) {
      cb();
      return;
    }
    for (let off = 0; off < chunk.length; off += MAX_DATA) this.session.sendData(this.id, chunk.subarray(off, off + MAX_DATA), false);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.sendFin();
    cb();
  }

  /** half-closes our side (an empty DATA frame with FIN) */
  sendFin(): void {
    if (this.finSent) return;
    this.finSent = true;
    this.session.sendData(this.id, Buffer.alloc(0), true);
  }

  /** aborts the stream: RST_STREAM to the peer */
  reset(status = RST_CANCEL): void {
    this.finSent = true;
    this.session.sendReset(this.id, status);
    this.session.forget(this.id);
    this.destroy();
  }
}

export class SpdySession {
  private buf: Buffer = Buffer.alloc(0);
  private streams = new Map<number, SpdyStream>();
  private inflate = new HeaderInflater();
  private deflate = new HeaderDeflater();
  private closed = false;
  private closeListeners: (() => void)[] = [];

  constructor(
    private readonly transport: Duplex,
    private readonly onStream: (s: SpdyStream) => void,
  ) {
    transport.on('data', (c: Buffer) => this.receive(c));
    transport.on('end', () => this.close());
    transport.on('close', () => this.close());
    transport.on('error', () => this.close());
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeListeners.push(fn);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
    if (!this.transport.destroyed) this.transport.end();
    for (const f of this.closeListeners.splice(0)) f();
  }

  sendData(id: number, data: Buffer, fin: boolean): void {
    if (this.closed) return;
    const h = Buffer.alloc(8);
    h.writeUInt32BE(id & 0x7fffffff, 0);
    h.writeUInt32BE(data.length, 4);
    h[4] = fin ? FLAG_FIN : 0;
    this.transport.write(data.length ? Buffer.concat([h, data]) : h);
  }

  sendReset(id: number, status: number): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(id & 0x7fffffff, 0);
    body.writeUInt32BE(status, 4);
    this.sendControl(RST_STREAM, 0, body);
  }

  forget(id: number): void {
    this.streams.delete(id);
  }

  private sendControl(type: number, flags: number, body: Buffer): void {
    if (this.closed) return;
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8000 | VERSION, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt32BE(body.length, 4);
    h[4] = flags;
    this.transport.write(Buffer.concat([h, body]));
  }

  private receive(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (!this.closed && this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4) & 0xffffff;
      if (len > MAX_FRAME) {
        this.goAway(RST_PROTOCOL_ERROR);
        return;
      }
      if (this.buf.length < 8 + len) return;
      const frame = this.buf.subarray(0, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      try {
        if (frame[0] & 0x80) this.control(frame);
        else this.data(frame);
      } catch (err) {
        console.warn(`spdy: dropping the session after a malformed frame: ${(err as Error).message}`);
        this.goAway(RST_PROTOCOL_ERROR);
      }
    }
  }

  private control(frame: Buffer): void {
    const type = frame.readUInt16BE(2);
    const flags = frame[4];
    const body = frame.subarray(8);
    switch (type) {
      case SYN_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const headers = this.decodeHeaders(body.subarray(10));
        const s = new SpdyStream(id, headers, this);
        this.streams.set(id, s);
        s.on('close', () => {
          if (this.streams.get(id) === s) this.streams.delete(id);
        });
        this.sendControl(SYN_REPLY, 0, Buffer.concat([u32(id), this.encodeHeaders(new Map())]));
        if (flags & FLAG_FIN) s.push(null);
        this.onStream(s);
        return;
      }
      case RST_STREAM: {
        const s = this.streams.get(body.readUInt32BE(0) & 0x7fffffff);
        if (s) {
          this.streams.delete(s.id);
          s.destroy();
        }
        return;
      }
      case PING:
        this.sendControl(PING, 0, Buffer.from(body));
        return;
      case GOAWAY:
        this.close();
        return;
      default:
        // SETTINGS, HEADERS and WINDOW_UPDATE: spdystream does no flow control, nothing to act on
        return;
    }
  }

  private data(frame: Buffer): void {
    const id = frame.readUInt32BE(0) & 0x7fffffff;
    const s = this.streams.get(id);
    if (!s) return;
    const payload = frame.subarray(8);
    if (payload.length) s.push(Buffer.from(payload));
    if (frame[4] & FLAG_FIN) s.push(null);
  }

  private goAway(status: number): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(0, 0);
    body.writeUInt32BE(status, 4);
    this.sendControl(GOAWAY, 0, body);
    this.close();
  }

  private decodeHeaders(block: Buffer): SpdyHeaders {
    const raw = this.inflate.next(block);
    const out: SpdyHeaders = new Map();
    let off = 0;
    const n = raw.readUInt32BE(off);
    off += 4;
    for (let i = 0; i < n; i++) {
      const kl = raw.readUInt32BE(off);
      off += 4;
      const k = raw
        .subarray(off, off + kl)
        .toString('latin1')
        .toLowerCase();
      off += kl;
      const vl = raw.readUInt32BE(off);
      off += 4;
      const v = raw.subarray(off, off + vl).toString('latin1');
      off += vl;
      out.set(k, [...(out.get(k) ?? []), ...v.split('\0')]);
    }
    return out;
  }

  private encodeHeaders(h: SpdyHeaders): Buffer {
    const parts: Buffer[] = [u32(h.size)];
    for (const [k, vs] of h) {
      const v = Buffer.from(vs.join('\0'), 'latin1');
      parts.push(u32(k.length), Buffer.from(k, 'latin1'), u32(v.length), v);
    }
    return this.deflate.next(Buffer.concat(parts));
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/**
 * The peer's header blocks form one zlib stream. Node's zlib has no synchronous streaming call, so the stream so
 * far is inflated again for each block and the new output taken (header blocks are a few bytes each, and a
 * port-forward session opens two per connection).
 */
class HeaderInflater {
  private input: Buffer[] = [];
  private produced = 0;
  next(block: Buffer): Buffer {
    this.input.push(Buffer.from(block));
    const all = zlib.inflateSync(Buffer.concat(this.input), { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const out = all.subarray(this.produced);
    this.produced = all.length;
    return out;
  }
}

/**
 * Our header blocks as one zlib stream of stored (uncompressed) deflate blocks: valid for any inflater, and it
 * needs no compression state.
 */
class HeaderDeflater {
  private started = false;
  next(raw: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32K window), FLG with FDICT set and the check bits, then the dictionary's Adler-32
      const cmf = 0x78;
      const flg = 0x20 + ((31 - ((cmf * 256 + 0x20) % 31)) % 31);
      parts.push(Buffer.from([cmf, flg]), u32(adler32(SPDY3_DICTIONARY)));
    }
    for (let off = 0; off < raw.length || off === 0; off += 0xffff) {
      const chunk = raw.subarray(off, off + 0xffff);
      const h = Buffer.alloc(5);
      h[0] = 0; // BFINAL 0, BTYPE 00 (stored)
      h.writeUInt16LE(chunk.length, 1);
      h.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(h, chunk);
      if (raw.length === 0) break;
    }
    // an empty stored block, as a sync flush ends with: Go's inflater hands out what it has only on reaching one,
    // and would otherwise read on for the next block and fail on the end of the input
    parts.push(Buffer.from([0, 0, 0, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}
