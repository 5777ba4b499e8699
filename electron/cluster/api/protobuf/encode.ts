// Protobuf encoding of plain objects by the wire schema (field numbers read from kubectl at build time). Used for
// the documents the API server serves in protobuf (the OpenAPI v2 document); objects use the schema's JSON names.
import { getWireSchema, type FieldDef, type TypeDef } from './schema';

class Writer {
  private parts: Buffer[] = [];
  varint(n: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(n));
    const bytes: number[] = [];
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.parts.push(Buffer.from(bytes));
  }
  tag(num: number, wire: number): void {
    this.varint((num << 3) | wire);
  }
  bytes(num: number, b: Buffer): void {
    this.tag(num, 2);
    this.varint(b.length);
    this.parts.push(b);
  }
  double(num: number, v: number): void {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.tag(num, 1);
    this.parts.push(b);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function typeDef(name: string): TypeDef {
  const t = getWireSchema().types[name];
  if (!t) throw new Error(`no wire schema for ${name}`);
  return t;
}

/** a oneof holder has no fields of its own: its cases are the wrapper types `<name>_<Case>` */
function oneofCases(name: string): FieldDef[] {
  const out: FieldDef[] = [];
  for (const [n, t] of Object.entries(getWireSchema().types)) if (n.startsWith(name + '_')) out.push(...t.fields);
  return out;
}

function writeField(w: Writer, f: FieldDef, v: unknown): void {
  const t = f.type;
  switch (t.kind) {
    case 'message':
      w.bytes(f.num, encodeMessage(t.name!, v as Record<string, unknown>));
      return;
    case 'string':
      w.bytes(f.num, Buffer.from(String(v), 'utf8'));
      return;
    case 'bytes':
      w.bytes(f.num, Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'base64'));
      return;
    case 'bool':
      w.tag(f.num, 0);
      w.varint(v ? 1 : 0);
      return;
    case 'float64':
      w.double(f.num, Number(v));
      return;
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
      w.tag(f.num, 0);
      w.varint(BigInt(Math.trunc(Number(v))));
      return;
    default:
      throw new Error(`cannot encode ${t.kind} field ${f.json}`);
  }
}

/** `value` keyed by the schema's JSON names (oneof cases by their lower-cased case names); absent fields are skipped */
export function encodeMessage(name: string, value: Record<string, unknown>): Buffer {
  const def = typeDef(name);
  const fields = def.fields.length ? def.fields : oneofCases(name);
  const w = new Writer();
  for (const f of fields) {
    const v = value[f.json] ?? value[f.json.toLowerCase()];
    if (v === undefined || v === null) continue;
    if (f.rep) for (const item of v as unknown[]) writeField(w, { ...f, type: { ...f.type, repeated: false } }, item);
    else writeField(w, f, v);
  }
  return w.done();
}

export function hasWireType(name: string): boolean {
  return !!getWireSchema().types[name];
}
