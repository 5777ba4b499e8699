// Deep copy, compare and freeze for API objects. Objects here are JSON-shaped, so copies and comparisons follow
// JSON's semantics: a member holding `undefined` is the same as an absent one.

/** a deep copy with JSON's semantics (undefined members dropped, toJSON honoured), without the text round trip */
export function clone<T>(v: T): T {
  return v === undefined ? v : (jsonCopy(v) as T);
}

function jsonCopy(v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    return typeof v === 'function' || typeof v === 'symbol' ? undefined : typeof v === 'bigint' ? JSON.parse(JSON.stringify(v)) : v;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v));
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = jsonCopy(v[i]);
      out[i] = c === undefined ? null : c;
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    const c = jsonCopy((v as Record<string, unknown>)[k]);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** structural equality of two JSON-shaped values; members holding `undefined` count as absent */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>,
    bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined),
    bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

/** freezes a value and everything in it (shared read-only data: schema skeletons, cached fieldsV1) */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const c of Object.values(v)) deepFreeze(c);
    Object.freeze(v);
  }
  return v;
}
