// Schema-aware walks over objects for server-side apply: the set of fields an applied configuration
// specifies, the difference between two versions of an object, merging an applied configuration into the
// live object, and removing a field path.
import type { Definitions, Schema } from '../openapi/schema';
import { resolve } from '../openapi/schema';
import { FieldSet, type Path } from './field-set';
import { isObject, itemKey, sameKey, shapeOf } from './typed';
import { deepEqual, deepFreeze } from '../object';

const fieldPe = (k: string) => `f:${k}`;
const keyPe = (item: Record<string, any>, keys: string[]) => `k:${JSON.stringify(itemKey(item, keys))}`;
const valuePe = (v: unknown) => `v:${JSON.stringify(v)}`;

/** Fields an applied configuration sets: leaves, list items, empty objects, atomic values. */
export function appliedFieldSet(value: unknown, prop: Schema | undefined, defs?: Definitions): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, p: Schema | undefined, path: Path) => {
    const shape = shapeOf(v, p, defs);
    if (shape.kind === 'map') {
      for (const [k, cv] of Object.entries(v as Record<string, unknown>)) {
        const cp = [...path, fieldPe(k)];
        const cs = shape.child(k);
        if (cv === null || (isObject(cv) && Object.keys(cv).length === 0)) set.insert(cp);
        else if (shapeOf(cv, cs, defs).kind === 'atomic') set.insert(cp);
        else walk(cv, cs, cp);
      }
    } else if (shape.kind === 'list' && shape.list === 'map') {
      for (const item of v as unknown[]) {
        if (!isObject(item)) continue;
        const ip = [...path, keyPe(item, shape.keys)];
        set.insert(ip);
        walk(item, shape.item, ip);
      }
    } else if (shape.kind === 'list') {
      for (const item of v as unknown[]) set.insert([...path, valuePe(item)]);
    } else if (path.length) {
      set.insert(path);
    }
  };
  walk(value, prop, []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `before` to `after`; newly created objects count as members themselves (maps get `.`). */
export function compareObjects(before: unknown, after: unknown, prop: Schema | undefined, defs?: Definitions): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const addAll = (v: unknown, p: Schema | undefined, path: Path) => {
    const shape = shapeOf(v, p, defs);
    if (shape.kind !== 'list' && path.length) c.added.insert(path);
    if (shape.kind === 'map') {
      for (const [k, cv] of Object.entries(v as Record<string, unknown>)) addAll(cv, shape.child(k), [...path, fieldPe(k)]);
    } else if (shape.kind === 'list' && shape.list === 'map') {
      for (const item of v as unknown[]) if (isObject(item)) addAll(item, shape.item, [...path, keyPe(item, shape.keys)]);
    } else if (shape.kind === 'list') {
      for (const item of v as unknown[]) c.added.insert([...path, valuePe(item)]);
    }
  };
  const walk = (a: unknown, b: unknown, p: Schema | undefined, path: Path) => {
    if (a === undefined && b === undefined) return;
    if (a === undefined) {
      addAll(b, p, path);
      return;
    }
    if (b === undefined) {
      c.removed.insert(path);
      return;
    }
    const sa = shapeOf(a, p, defs),
      sb = shapeOf(b, p, defs);
    if (sa.kind !== sb.kind || sb.kind === 'atomic' || (sa.kind === 'list' && sb.kind === 'list' && sa.list !== sb.list)) {
      if (!deepEqual(a, b)) c.modified.insert(path);
      return;
    }
    if (sb.kind === 'map') {
      const ma = a as Record<string, unknown>,
        mb = b as Record<string, unknown>;
      for (const [k, vb] of Object.entries(mb)) walk(ma[k], vb, sb.child(k), [...path, fieldPe(k)]);
      for (const k of Object.keys(ma)) if (!(k in mb)) c.removed.insert([...path, fieldPe(k)]);
    } else if (sb.kind === 'list' && sb.list === 'map') {
      // items matched by their key's path element, computed once per item (a status has lists of conditions)
      const before = new Map<string, Record<string, unknown>>();
      for (const x of a as unknown[])
        if (isObject(x)) {
          const pe = keyPe(x, sb.keys);
          if (!before.has(pe)) before.set(pe, x);
        }
      const seen = new Set<string>();
      for (const item of b as unknown[]) {
        if (!isObject(item)) continue;
        const pe = keyPe(item, sb.keys);
        seen.add(pe);
        walk(before.get(pe), item, sb.item, [...path, pe]);
      }
      for (const pe of before.keys()) if (!seen.has(pe)) c.removed.insert([...path, pe]);
    } else if (sb.kind === 'list') {
      const la = a as unknown[],
        lb = b as unknown[];
      for (const v of lb) if (!la.some((x) => deepEqual(x, v))) c.added.insert([...path, valuePe(v)]);
      for (const v of la) if (!lb.some((x) => deepEqual(x, v))) c.removed.insert([...path, valuePe(v)]);
    }
  };
  walk(before, after, prop, []);
  return c;
}

/** `live` with `config` merged in: config values win, associative lists merge by key, sets union. */
export function mergeApplied(live: unknown, config: unknown, prop: Schema | undefined, defs?: Definitions): unknown {
  if (config === undefined) return structuredClone(live);
  if (live === undefined || live === null) return structuredClone(config);
  const shape = shapeOf(config, prop, defs);
  if (shape.kind === 'map' && isObject(live)) {
    const out: Record<string, unknown> = structuredClone(live);
    for (const [k, cv] of Object.entries(config as Record<string, unknown>)) {
      if (cv === null) delete out[k];
      else out[k] = mergeApplied(live[k], cv, shape.child(k), defs);
    }
    return out;
  }
  if (shape.kind === 'list' && Array.isArray(live)) {
    const out = structuredClone(live) as unknown[];
    for (const item of config as unknown[]) {
      if (shape.list === 'map') {
        if (!isObject(item)) continue;
        const i = out.findIndex((x) => isObject(x) && sameKey(x, item, shape.keys));
        if (i >= 0) out[i] = mergeApplied(out[i], item, shape.item, defs);
        else out.push(structuredClone(item));
      } else if (!out.some((x) => deepEqual(x, item))) {
        out.push(structuredClone(item));
      }
    }
    return out;
  }
  return structuredClone(config);
}

/** Deletes the value at `path` from `obj` in place (missing paths are ignored). */
export function removePath(obj: unknown, path: Path, prop: Schema | undefined, defs?: Definitions): void {
  if (!path.length) return;
  const [pe, ...rest] = path;
  const body = pe.slice(2);
  if (pe[0] === 'f' && isObject(obj)) {
    if (!rest.length) {
      delete obj[body];
      return;
    }
    const shape = shapeOf(obj, prop, defs);
    removePath(obj[body], rest, shape.kind === 'map' ? shape.child(body) : undefined, defs);
  } else if ((pe[0] === 'k' || pe[0] === 'v') && Array.isArray(obj)) {
    const shape = shapeOf(obj, prop, defs);
    const want = JSON.parse(body) as unknown;
    const i = obj.findIndex((x) =>
      pe[0] === 'v' ? deepEqual(x, want) : isObject(x) && shape.kind === 'list' && shape.list === 'map' && deepEqual(itemKey(x, shape.keys), want),
    );
    if (i < 0) return;
    if (!rest.length) {
      obj.splice(i, 1);
      return;
    }
    removePath(obj[i], rest, shape.kind === 'list' && shape.list === 'map' ? shape.item : undefined, defs);
  }
}

/**
 * The object Go's zero value of the kind would serialize to: non-pointer struct fields exist as `{}`, so
 * creating an object does not count them as newly created (no `.` on f:spec, f:template, ...).
 */
// the skeleton depends only on the schema; built-in kinds are looked up on every write, so keep them
const skeletons = new Map<string, Record<string, unknown>>();

/** read-only: the skeleton of a built-in kind is shared between calls */
export function zeroSkeleton(prop: Schema | undefined, defs?: Definitions, depth = 0): Record<string, unknown> {
  const ref = depth === 0 && !defs ? prop?.$ref : undefined;
  if (ref) {
    let sk = skeletons.get(ref);
    if (!sk) {
      sk = deepFreeze(buildSkeleton(prop, defs, 0));
      skeletons.set(ref, sk);
    }
    return sk;
  }
  return buildSkeleton(prop, defs, depth);
}

function buildSkeleton(prop: Schema | undefined, defs: Definitions | undefined, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const s = resolve(prop, defs)?.schema;
  if (!s?.properties || depth > 4) return out;
  for (const [k, p] of Object.entries(s.properties)) {
    const valueByStruct =
      ['metadata', 'spec', 'status', 'template', 'strategy', 'updateStrategy', 'jobTemplate'].includes(k) || (p.default !== undefined && isObject(p.default));
    const r = resolve(p, defs);
    if (valueByStruct && r?.schema.type === 'object' && r.schema.properties) out[k] = buildSkeleton(p, defs, depth + 1);
  }
  return out;
}
