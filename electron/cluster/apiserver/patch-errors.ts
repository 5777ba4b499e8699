// The 422 kube-apiserver answers when a patched object cannot be decoded into its type: NewInvalid with an empty
// kind and name and one error on the path "patch". Its value is what upstream had in hand — the patch map printed
// with Go's %+v for a strategic merge patch (decoded by the unstructured converter, whose messages are
// "cannot restore map from string" and the like), the patched JSON for JSON and merge patches (decoded by the JSON
// serializer, whose messages the create path uses too).
import { statusError, type FieldError, type StatusError } from '../api/errors';

export type PatchFlavor = 'strategic' | 'json';

/** Go's %+v of a value decoded from JSON into interface{}: maps with sorted keys, integral numbers as int64 */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[' + v.map(goPrint).join(' ') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return (
      'map[' +
      Object.keys(o)
        .sort()
        .map((k) => `${k}:${goPrint(o[k])}`)
        .join(' ') +
      ']'
    );
  }
  if (typeof v === 'number' && !Number.isInteger(v)) return goFloat(v);
  return String(v);
}

/** %v of a float64: the shortest representation, with an exponent from 1e21 or below 1e-4 */
function goFloat(n: number): string {
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [m, e] = n.toExponential().split('e');
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/** the patched document as evanphx/json-patch re-marshals it: compact, keys sorted, HTML characters escaped */
export function goSortedJson(v: unknown): string {
  const walk = (x: unknown): string => {
    if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'null';
    if (Array.isArray(x)) return '[' + x.map(walk).join(',') + ']';
    const o = x as Record<string, unknown>;
    return (
      '{' +
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => JSON.stringify(k) + ':' + walk(o[k]))
        .join(',') +
      '}'
    );
  };
  return walk(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** reflect.Kind of a JSON value as the unstructured converter sees it */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'slice';
  if (v !== null && typeof v === 'object') return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

const PRIMITIVE = new Set(['string', 'bool', 'int32', 'int64', 'float64', 'float32']);
const CONVERTIBLE_NUMBER = new Set(['int32', 'int64', 'float64', 'float32']);

/**
 * runtime.DefaultUnstructuredConverter's message for a decoding type error (`detail` holds the JSON decoder's
 * "json: cannot unmarshal X into ... of type T", which names the Go type T the field has)
 */
export function converterMessage(e: FieldError): string {
  const goType = /of type (.+)$/.exec(e.detail ?? '')?.[1];
  if (!goType || e.type !== 'FieldValueTypeInvalid') return e.detail ?? '';
  const kind = goKind(e.badValue);
  if (goType.startsWith('map[')) return `cannot restore map from ${kind}`;
  if (goType.startsWith('[]') && goType !== '[]uint8') return `cannot restore slice from ${kind}`;
  if (!PRIMITIVE.has(goType)) return `cannot restore struct from: ${kind}`;
  // Go converts between integer kinds, and integers to strings, but then refuses the conversion it found
  const convertible = (kind === 'int64' && (CONVERTIBLE_NUMBER.has(goType) || goType === 'string')) || (kind === 'float64' && CONVERTIBLE_NUMBER.has(goType));
  return convertible ? `cannot convert ${kind} to ${goType}` : `unrecognized type: ${goType}`;
}

export function patchInvalid(value: string, detail: string): StatusError {
  const body = `Invalid value: ${JSON.stringify(value)}: ${detail}`;
  return statusError(422, 'Invalid', ` "" is invalid: patch: ${body}`, { causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }] });
}
