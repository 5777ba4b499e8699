// Decoding a request body against a kind's schema the way kube-apiserver's JSON serializer does:
// sigs.k8s.io/json (a fork of Go's encoding/json) reports unknown fields for strict field validation,
// and Go's UnmarshalTypeError texts for values of the wrong JSON type.
import type { FieldError } from '../errors';
import { canonicalQuantity } from '../quantity';
import { type Definitions, type Schema, goTypeOfDefinition, lookupDefinition, resolve, shortName, specialType } from './schema';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface DecodeResult {
  /** strict-decoding messages in upstream's wording: `unknown field "spec.foo"`, `duplicate field "a"` */
  errors: string[];
  /**
   * Decoding failures. `detail` holds the exact Go error text; `type` is FieldValueTypeInvalid for errors
   * Go's decoder records and continues past (UnmarshalTypeError, bad base64) and FieldValueInvalid for errors
   * that abort decoding (Quantity/IntOrString/Time unmarshallers) — those win, as in Go.
   */
  typeErrors: FieldError[];
  /** a copy of the input with unknown fields dropped (what the typed object would hold) */
  object: unknown;
}

export interface DecodeOptions {
  /** definitions besides the catalogue, e.g. from crdSchemaToDefinition */
  definitions?: Definitions;
  /**
   * Custom resources decode into unstructured maps: no Go type errors, unknown fields come from pruning.
   * Defaults to true when the definition is found only in `definitions`.
   */
  unstructured?: boolean;
}

/**
 * Where the decoder is, as a chain to the root: the path and field stack are only spelled out when an error
 * needs them (building them for every field was most of the cost of decoding a pod).
 */
interface Loc {
  parent?: Loc;
  /** member name (struct field or map key); undefined for a list item */
  key?: string;
  index?: number;
  /** struct fields are on Go's errorContext.FieldStack, map keys and list indexes are not */
  onStack: boolean;
  /** innermost Go struct holding the current field */
  struct: string;
}

/** path for unknown-field messages: dots and [i] indexes */
function locPath(loc: Loc): string {
  const chain: Loc[] = [];
  for (let l: Loc | undefined = loc; l?.parent; l = l.parent) chain.push(l);
  let out = '';
  for (let i = chain.length - 1; i >= 0; i--) {
    const l = chain[i];
    out += l.key === undefined ? `[${l.index}]` : out ? `.${l.key}` : l.key;
  }
  return out;
}

/** JSON field names from the root, no indexes: Go's errorContext.FieldStack */
function locStack(loc: Loc): string[] {
  const out: string[] = [];
  for (let l: Loc | undefined = loc; l?.parent; l = l.parent) if (l.onStack) out.push(l.key!);
  return out.reverse();
}

interface ResolvedNode {
  name?: string;
  schema: Schema;
  special?: string;
  short?: string;
}
const catalogueNodes = new WeakMap<Schema, ResolvedNode | null>();

function resolvedNode(schema: Schema, extra: Definitions | undefined): ResolvedNode | undefined {
  const r = resolve(schema, extra);
  if (!r) return undefined;
  return { name: r.name, schema: r.schema, special: specialType(r.name), short: r.name ? shortName(r.name) : undefined };
}

const jsonKind = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'object'
        ? 'object'
        : typeof v === 'boolean'
          ? 'bool'
          : typeof v === 'number'
            ? 'number'
            : 'string';

class Decoder {
  errors: string[] = [];
  typeErrors: FieldError[] = [];
  constructor(
    private readonly extra: Definitions | undefined,
    private readonly typed: boolean,
    private readonly collectUnknown: boolean,
  ) {}

  /** `goType` is a function because the type name is only needed once something is wrong */
  private typeError(loc: Loc, value: unknown, goType: string | (() => string), valueText?: string): void {
    if (!this.typed) return;
    if (typeof goType === 'function') goType = goType();
    const what = valueText ?? jsonKind(value);
    const stack = locStack(loc);
    const where = stack.length ? `Go struct field ${loc.struct}.${stack.join('.')}` : 'Go value';
    this.typeErrors.push({
      type: 'FieldValueTypeInvalid',
      field: stack.join('.'),
      badValue: value,
      detail: `json: cannot unmarshal ${what} into ${where} of type ${goType}`,
    });
  }
  /**
   * A value of the wrong JSON type: a typed object cannot hold it (Go records the error and leaves the field
   * empty), an unstructured custom resource keeps it for schema validation to reject with its field path.
   */
  private mismatch(loc: Loc, value: unknown, goType: string | (() => string), valueText?: string): unknown {
    if (!this.typed) return value;
    this.typeError(loc, value, goType, valueText);
    return undefined;
  }
  private fatal(loc: Loc, value: unknown, detail: string): void {
    if (!this.typed) return;
    this.typeErrors.push({ type: 'FieldValueInvalid', field: locStack(loc).join('.'), badValue: value, detail });
  }

  /** resolve() plus what value() derives from it, computed once per schema node of the catalogue */
  private resolved(schema: Schema | undefined): ResolvedNode | undefined {
    if (!schema) return undefined;
    if (this.extra) return resolvedNode(schema, this.extra);
    let r = catalogueNodes.get(schema);
    if (r === undefined) {
      r = resolvedNode(schema, undefined) ?? null;
      catalogueNodes.set(schema, r);
    }
    return r ?? undefined;
  }

  /** Returns the decoded (pruned) value; `undefined` means "drop". */
  value(v: unknown, schema: Schema | undefined, loc: Loc): unknown {
    if (v === null || v === undefined) return v;
    const r = this.resolved(schema);
    if (!r) return v; // no schema: anything goes
    const special = r.special;
    if (special) return this.special(special, v, loc);
    const s = r.schema;
    const goType = () => this.goType(schema);
    if (s['x-kubernetes-int-or-string']) {
      if (typeof v !== 'string' && typeof v !== 'number') this.typeError(loc, v, goType);
      return v;
    }
    switch (s.type) {
      case 'object': {
        if (jsonKind(v) !== 'object') {
          return this.mismatch(loc, v, goType);
        }
        return this.object(v as Record<string, unknown>, s, r.short, loc);
      }
      case 'array': {
        if (!Array.isArray(v)) {
          return this.mismatch(loc, v, goType);
        }
        return v.map((item, i) =>
          item === null && this.typed
            ? // Go decodes a null list element into the element type's zero value ([null] in []Container is one
              // empty Container), so validation — not a null dereference in defaulting — answers for it
              this.zero(s.items)
            : this.value(item, s.items, { parent: loc, index: i, onStack: false, struct: loc.struct }),
        );
      }
      case 'string':
        if (typeof v !== 'string') {
          return this.mismatch(loc, v, goType);
        }
        if (s.format === 'byte') this.base64(v, loc);
        return v;
      case 'boolean':
        if (typeof v !== 'boolean') {
          return this.mismatch(loc, v, goType);
        }
        return v;
      case 'integer': {
        if (typeof v !== 'number') {
          return this.mismatch(loc, v, goType);
        }
        const bits = s.format === 'int64' ? 64 : 32;
        const limit = 2 ** (bits - 1);
        if (!Number.isInteger(v) || v < -limit || v >= limit) return this.mismatch(loc, v, goType, `number ${String(v)}`);
        return v;
      }
      case 'number':
        if (typeof v !== 'number') {
          return this.mismatch(loc, v, goType);
        }
        return v;
      default:
        // object schemas without a type (CRD nodes with only preserve-unknown-fields, JSON) accept anything
        if (s.properties && jsonKind(v) === 'object') return this.object(v as Record<string, unknown>, s, r.short, loc);
        return v;
    }
  }

  /** `short`: the Go struct name when the schema is a named definition */
  private object(v: Record<string, unknown>, s: Schema, short: string | undefined, loc: Loc): unknown {
    const props = s.properties;
    const ap = s.additionalProperties;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    if (!props && (ap === undefined || ap === false)) return v; // opaque object (RawExtension-like)
    const struct = short ?? loc.struct;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      const prop = props?.[k];
      if (prop) {
        // Go keeps errorContext.Struct as the struct owning the field being decoded.
        const d = this.value(child, prop, { parent: loc, key: k, onStack: true, struct });
        if (d !== undefined && d !== null) out[k] = d;
      } else if (props && !ap) {
        if (preserve) out[k] = child;
        else if (this.collectUnknown) this.errors.push(`unknown field "${locPath({ parent: loc, key: k, onStack: false, struct })}"`);
      } else if (typeof ap === 'object') {
        // map entries: Go does not push map keys on the field stack
        const d = this.value(child, ap, { parent: loc, key: k, onStack: false, struct: loc.struct });
        out[k] = d === null || d === undefined ? (this.typed ? this.zero(ap) : zeroOf(resolve(ap, this.extra)?.schema)) : d;
      } else {
        out[k] = child;
      }
    }
    return out;
  }

  private special(t: string, v: unknown, loc: Loc): unknown {
    switch (t) {
      case 'Quantity': {
        const text = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
        const err = text === undefined ? QUANTITY_FORMAT_ERROR : quantityError(text.trim());
        if (err) {
          this.fatal(loc, v, err);
          return undefined;
        }
        // a typed object holds the parsed Quantity, which encodes back in canonical form: "0.5" is stored as "500m"
        return this.typed ? canonicalQuantity(text!.trim()) : v;
      }
      case 'IntOrString':
        if (typeof v === 'string') return v;
        if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return v;
        this.fatal(loc, v, `json: cannot unmarshal ${typeof v === 'number' ? `number ${v}` : jsonKind(v)} into Go value of type int32`);
        return undefined;
      case 'Time':
      case 'MicroTime': {
        if (typeof v !== 'string') {
          this.fatal(loc, v, `json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
          return undefined;
        }
        if (!RFC3339.test(v)) {
          this.fatal(loc, v, `parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(v)} as "2006"`);
          return undefined;
        }
        return v;
      }
      case 'RawExtension':
      case 'FieldsV1':
        if (jsonKind(v) !== 'object') {
          this.typeError(loc, v, t === 'FieldsV1' ? 'v1.FieldsV1' : 'runtime.RawExtension');
          return undefined;
        }
        return v;
      default:
        return v;
    }
  }

  private base64(v: string, loc: Loc): void {
    const clean = v.replace(/[\r\n]/g, '');
    const bad = clean.search(/[^A-Za-z0-9+/=]/);
    const pad = clean.indexOf('=');
    let at = -1;
    if (bad >= 0) at = bad;
    else if (pad >= 0 && !/^=+$/.test(clean.slice(pad))) at = pad;
    else if (clean.length % 4 !== 0) at = clean.length - (clean.length % 4);
    if (at >= 0) {
      this.typeErrors.push({ type: 'FieldValueTypeInvalid', field: locStack(loc).join('.'), badValue: v, detail: `illegal base64 data at input byte ${at}` });
    }
  }

  /** the zero value a typed decode gives a null of this schema: {} for structs and maps, '' / 0 / false for scalars */
  private zero(schema: Schema | undefined): unknown {
    const r = this.resolved(schema);
    if (!r) return null;
    if (r.special) return null; // Quantity, IntOrString, Time: their unmarshallers treat null as "not set"
    if (r.schema['x-kubernetes-int-or-string']) return null;
    if (r.schema.type === 'object' || (!r.schema.type && r.schema.properties)) return {};
    return zeroOf(r.schema);
  }

  /** Go's reflect type string for a (possibly wrapped) schema. */
  goType(schema: Schema | undefined): string {
    const r = resolve(schema, this.extra);
    if (!r) return 'interface {}';
    if (r.name && !r.schema.type?.match(/^(string|integer|number|boolean|array)$/)) return goTypeOfDefinition(r.name);
    const s = r.schema;
    switch (s.type) {
      case 'string':
        return s.format === 'byte' ? '[]uint8' : 'string';
      case 'boolean':
        return 'bool';
      case 'integer':
        return s.format === 'int64' ? 'int64' : 'int32';
      case 'number':
        return 'float64';
      case 'array':
        return '[]' + this.goType(s.items);
      case 'object':
        if (typeof s.additionalProperties === 'object') return 'map[string]' + this.goType(s.additionalProperties);
        return 'map[string]interface {}';
      default:
        return 'interface {}';
    }
  }
}

function zeroOf(s: Schema | undefined): unknown {
  switch (s?.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIXES = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);

/** Mirrors resource.ParseQuantity's error cases; undefined when the quantity parses. */
export function quantityError(text: string): string | undefined {
  const m = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text);
  if (!m) return QUANTITY_FORMAT_ERROR;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1])) return "unable to parse quantity's numeric value";
  const suffix = m[2];
  if (QUANTITY_SUFFIXES.has(suffix) || /^[eE][-+]?\d+$/.test(suffix)) return undefined;
  return "unable to parse quantity's suffix";
}

function run(defName: string, obj: unknown, mode: FieldValidation, opts: DecodeOptions = {}): DecodeResult {
  const inCatalogue = !opts.definitions?.[defName] && lookupDefinition(defName) !== undefined;
  const typed = opts.unstructured === undefined ? inCatalogue : !opts.unstructured;
  const d = new Decoder(opts.definitions, typed, mode !== 'Ignore');
  const root = lookupDefinition(defName, opts.definitions);
  if (!root) throw new Error(`no schema definition ${defName}`);
  const object = d.value(obj, { $ref: `#/components/schemas/${defName}` }, { onStack: false, struct: shortName(defName) });
  return { errors: d.errors, typeErrors: d.typeErrors, object };
}

/**
 * Checks `obj` against definition `defName`: unknown fields (mode Strict or Warn; none reported with Ignore)
 * and Go decoding errors (always). Never mutates `obj`.
 */
export function decodeStrict(defName: string, obj: unknown, mode: FieldValidation, opts?: DecodeOptions): DecodeResult {
  return run(defName, obj, mode, opts);
}

/** A copy of `obj` without the fields the schema does not know (what decoding into the type keeps). */
export function pruneUnknown<T>(defName: string, obj: T, opts?: DecodeOptions): T {
  return run(defName, obj, 'Ignore', opts).object as T;
}

/**
 * The BadRequest message kube-apiserver sends for a body that fails decoding, or undefined when the result
 * is acceptable. Only Strict turns unknown/duplicate fields into an error; Warn callers send `result.errors`
 * as warnings instead. e.g. `ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dataa"`.
 */
export function formatDecodeError(kind: string, version: string, result: DecodeResult, mode: FieldValidation = 'Strict'): string | undefined {
  const prefix = `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: `;
  const fatal = result.typeErrors.find((e) => e.type === 'FieldValueInvalid');
  const first = fatal ?? result.typeErrors[0];
  if (first) return prefix + first.detail;
  if (mode === 'Strict' && result.errors.length) return prefix + 'strict decoding error: ' + result.errors.join(', ');
  return undefined;
}
