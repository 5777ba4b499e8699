// Minimal protobuf wire-format reader: just enough to walk messages field by field.
import { errBadRequest } from '../errors';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export interface WireField {
  num: number;
  wireType: number;
  /** Set for varint fields (full 64 bits; negative int32s arrive as 10-byte varints). */
  varint?: bigint;
  /** Set for length-delimited, fixed64 and fixed32 fields. */
  bytes?: Buffer;
}

function malformed(what: string): Error {
  return errBadRequest(`unable to decode protobuf request body: ${what}`);
}

export class WireReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw malformed('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw malformed('varint longer than 10 bytes');
  }

  take(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) throw malformed('field length exceeds message');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  field(): WireField {
    const key = this.varint();
    const num = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (num === 0) throw malformed('field number 0');
    switch (wireType) {
      case WIRE_VARINT:
        return { num, wireType, varint: this.varint() };
      case WIRE_FIXED64:
        return { num, wireType, bytes: this.take(8) };
      case WIRE_BYTES:
        return { num, wireType, bytes: this.take(Number(this.varint())) };
      case WIRE_FIXED32:
        return { num, wireType, bytes: this.take(4) };
      default:
        throw malformed(`unsupported wire type ${wireType}`);
    }
  }
}

/** All fields of one message in wire order. */
export function readFields(buf: Buffer): WireField[] {
  const r = new WireReader(buf);
  const out: WireField[] = [];
  while (!r.done) out.push(r.field());
  return out;
}
