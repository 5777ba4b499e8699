// Decodes one protobuf message into the JSON shape Go's encoding/json would give the same struct.
import { errBadRequest } from '../errors';
import { getWireSchema, type FieldDef, type TypeDef, type TypeRef } from './schema';
import { SPECIAL_TYPES } from './special';
import { WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WireReader, readFields, type WireField } from './wire';

type Json = Record<string, unknown>;

function typeDef(name: string): TypeDef {
  const def = getWireSchema().types[name];
  if (!def) throw errBadRequest(`unable to decode protobuf request body: no wire schema for ${name}`);
  return def;
}

function scalar(ref: TypeRef, f: WireField): unknown {
  switch (ref.kind) {
    case 'string':
      return (f.bytes ?? Buffer.alloc(0)).toString('utf8');
    case 'bytes':
      return (f.bytes ?? Buffer.alloc(0)).toString('base64');
    case 'bool':
      return (f.varint ?? 0n) !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, f.varint ?? 0n));
    case 'uint32':
      return Number(BigInt.asUintN(32, f.varint ?? 0n));
    case 'int64':
      return Number(BigInt.asIntN(64, f.varint ?? 0n));
    case 'uint64':
      return Number(f.varint ?? 0n);
    case 'float64':
      return f.wireType === WIRE_FIXED64 && f.bytes ? f.bytes.readDoubleLE(0) : 0;
    case 'float32':
      return f.wireType === WIRE_FIXED32 && f.bytes ? f.bytes.readFloatLE(0) : 0;
    default:
      return undefined;
  }
}

function zeroScalar(ref: TypeRef): unknown {
  switch (ref.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'bytes':
      return null;
    default:
      return 0;
  }
}

/** Decodes a value of `ref` from one wire field (messages and scalars; repetition handled by the caller). */
function single(ref: TypeRef, f: WireField): unknown {
  if (ref.kind === 'message') return decodeMessage(ref.name ?? '', f.bytes ?? Buffer.alloc(0));
  return scalar(ref, f);
}

const PACKABLE = new Set(['bool', 'int32', 'int64', 'uint32', 'uint64', 'float32', 'float64']);

/** Elements of a repeated scalar field, which may arrive packed (one length-delimited run) or one per field. */
function repeatedScalars(ref: TypeRef, f: WireField): unknown[] {
  if (f.wireType !== WIRE_BYTES || !PACKABLE.has(ref.kind)) return [scalar(ref, f)];
  const r = new WireReader(f.bytes ?? Buffer.alloc(0));
  const out: unknown[] = [];
  while (!r.done) {
    if (ref.kind === 'float64') out.push(r.take(8).readDoubleLE(0));
    else if (ref.kind === 'float32') out.push(r.take(4).readFloatLE(0));
    else out.push(scalar(ref, { num: f.num, wireType: 0, varint: r.varint() }));
  }
  return out;
}

function mapEntry(ref: TypeRef, f: WireField): [string, unknown] {
  const { key, value } = ref.map!;
  let k: unknown = zeroScalar(key);
  let v: unknown;
  for (const e of readFields(f.bytes ?? Buffer.alloc(0))) {
    if (e.num === 1) k = scalar(key, e);
    else if (e.num === 2) v = single(value, e);
  }
  if (v === undefined) v = value.kind === 'message' ? decodeMessage(value.name ?? '', Buffer.alloc(0)) : zeroScalar(value);
  return [String(k), v];
}

function isEmpty(v: unknown): boolean {
  if (v === '' || v === 0 || v === false || v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return false;
}

/** Go encoding/json: omitempty drops zero scalars, empty slices and maps, never structs; nil pointers stay out. */
function finish(def: TypeDef, out: Json, seen: Set<FieldDef>): Json {
  for (const fd of def.fields) {
    if (fd.inline || fd.json === '-') continue;
    const t = fd.type;
    const isMap = t.kind === 'map';
    const isList = t.repeated || t.kind === 'bytes' || isMap;
    if (!seen.has(fd)) {
      // Absent on the wire means Go's zero value; encoding/json never omits a struct, even with omitempty.
      const struct = t.kind === 'message' && !t.ptr && !isList;
      if (fd.omitempty && !struct) continue;
      out[fd.json] = t.ptr || isList ? null : struct ? decodeMessage(t.name ?? '', Buffer.alloc(0)) : zeroScalar(t);
      continue;
    }
    if (!fd.omitempty || t.ptr) continue;
    const v = out[fd.json];
    if (isMap ? Object.keys(v as Json).length === 0 : t.kind !== 'message' && isEmpty(v)) delete out[fd.json];
  }
  return out;
}

/** Decodes `buf` as the Go type `name` (e.g. 'k8s.io/api/core/v1.Pod'). */
export function decodeMessage(name: string, buf: Buffer): unknown {
  const special = SPECIAL_TYPES[name];
  if (special) return special(buf);
  const def = typeDef(name);
  if (def.wrapper) {
    const item = def.fields[0];
    const items: unknown[] = [];
    for (const f of readFields(buf)) if (f.num === 1) items.push(...(item.type.kind === 'message' ? [single(item.type, f)] : repeatedScalars(item.type, f)));
    return items;
  }
  const byNum = new Map(def.fields.map((fd) => [fd.num, fd]));
  const out: Json = {};
  const seen = new Set<FieldDef>();
  for (const f of readFields(buf)) {
    const fd = byNum.get(f.num);
    if (!fd || fd.type.kind === 'unsupported') continue; // unknown fields are ignored, as proto2 decoders do
    seen.add(fd);
    const t = fd.type;
    if (fd.inline) {
      Object.assign(out, decodeMessage(t.name ?? '', f.bytes ?? Buffer.alloc(0)) as Json);
    } else if (t.kind === 'map') {
      const m = (out[fd.json] ??= {}) as Json;
      const [k, v] = mapEntry(t, f);
      m[k] = v;
    } else if (t.repeated) {
      const list = (out[fd.json] ??= []) as unknown[];
      if (t.kind === 'message' || t.kind === 'string' || t.kind === 'bytes') list.push(single(t, f));
      else list.push(...repeatedScalars(t, f));
    } else {
      out[fd.json] = single(t, f);
    }
  }
  return finish(def, out, seen);
}
