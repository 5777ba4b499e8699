// Strategic merge patch (application/strategic-merge-patch+json) as apimachinery's strategicpatch applies it:
// lists carrying patchStrategy "merge" are merged (by patchMergeKey for lists of objects, as a set for
// primitives), other lists are replaced; `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/<f>` and
// `$setElementOrder/<f>` directives steer the merge; null deletes a field.
import { type Definitions, type Schema, lookupDefinition, propertySchema, resolve } from '../openapi/schema';
import { isObject } from './typed';
import { deepEqual } from '../object';

export class StrategicMergePatchError extends Error {}

const DELETE_FROM = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

function strategyOf(prop: Schema | undefined): { merge: boolean; retainKeys: boolean; mergeKey?: string } {
  const parts = (prop?.['x-kubernetes-patch-strategy'] ?? '').split(',');
  return { merge: parts.includes('merge'), retainKeys: parts.includes('retainKeys'), mergeKey: prop?.['x-kubernetes-patch-merge-key'] };
}

/** A patch value stored as-is: directives removed (`$patch` markers inside replaced values mean nothing). */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isObject(x) && x.$patch !== undefined && Object.keys(x).length === 1)).map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(DELETE_FROM) || k.startsWith(SET_ORDER)) continue;
    if (x === null) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

class Merger {
  constructor(private readonly defs?: Definitions) {}

  /** Returns undefined when the patch deletes the whole map (`$patch: delete`). */
  map(original: Record<string, any>, patch: Record<string, any>, schema: Schema | undefined): Record<string, any> | undefined {
    const directive = patch.$patch;
    if (directive === 'delete') return undefined;
    if (directive === 'replace') return stripDirectives(patch) as Record<string, any>;
    if (directive !== undefined && directive !== 'merge')
      throw new StrategicMergePatchError(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);

    const out: Record<string, any> = { ...original };
    const retain = patch.$retainKeys;
    if (Array.isArray(retain)) {
      for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
    }
    const orders: Record<string, unknown[]> = {};
    for (const [k, pv] of Object.entries(patch)) {
      if (k === '$patch' || k === '$retainKeys') continue;
      if (k.startsWith(SET_ORDER)) {
        if (Array.isArray(pv)) orders[k.slice(SET_ORDER.length)] = pv;
        continue;
      }
      if (k.startsWith(DELETE_FROM)) {
        const field = k.slice(DELETE_FROM.length);
        if (Array.isArray(out[field]) && Array.isArray(pv)) out[field] = out[field].filter((x: unknown) => !pv.some((d) => deepEqual(d, x)));
        continue;
      }
      if (pv === null) {
        delete out[k];
        continue;
      }
      const prop = schema ? propertySchema(schema, k, this.defs) : undefined;
      const ov = out[k];
      if (isObject(pv)) {
        const merged = this.map(isObject(ov) ? ov : {}, pv, prop);
        if (merged === undefined) delete out[k];
        else out[k] = merged;
      } else if (Array.isArray(pv)) {
        out[k] = Array.isArray(ov) ? this.list(ov, pv, prop) : this.list([], pv, prop);
      } else {
        out[k] = pv;
      }
    }
    for (const [field, order] of Object.entries(orders)) {
      if (Array.isArray(out[field]))
        out[field] = this.order(out[field], order, strategyOf(schema ? propertySchema(schema, field, this.defs) : undefined).mergeKey);
    }
    return out;
  }

  list(original: unknown[], patch: unknown[], prop: Schema | undefined): unknown[] {
    const { merge, mergeKey } = strategyOf(prop);
    if (patch.some((x) => isObject(x) && x.$patch === 'replace')) return stripDirectives(patch) as unknown[];
    if (!merge) return stripDirectives(patch) as unknown[];
    const itemSchema = prop ? resolve(prop, this.defs)?.schema.items : undefined;
    const objects = patch.some(isObject) || original.some(isObject);
    if (!objects) {
      const out = [...original];
      for (const x of patch) if (!out.some((o) => deepEqual(o, x))) out.push(x);
      return out;
    }
    if (!mergeKey) throw new StrategicMergePatchError('map: no patch merge key for a list of maps');
    const out: unknown[] = [...original];
    for (const el of patch) {
      if (!isObject(el)) throw new StrategicMergePatchError(`merging an object in json but data type is not map: ${JSON.stringify(el)}`);
      if (!(mergeKey in el)) throw new StrategicMergePatchError(`map: ${JSON.stringify(el)} does not contain declared merge key: ${mergeKey}`);
      const idx = out.findIndex((o) => isObject(o) && deepEqual(o[mergeKey], el[mergeKey]));
      if (el.$patch === 'delete') {
        if (idx >= 0) out.splice(idx, 1);
        continue;
      }
      if (idx >= 0) {
        const merged = this.map(out[idx] as Record<string, any>, el, itemSchema);
        if (merged === undefined) out.splice(idx, 1);
        else out[idx] = merged;
      } else {
        out.push(this.map({}, el, itemSchema));
      }
    }
    return out;
  }

  /** `$setElementOrder`: listed elements in the given order, then the server-only ones in their current order. */
  order(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
    const idOf = (x: unknown) => (mergeKey && isObject(x) ? x[mergeKey] : x);
    const ids = order.map(idOf);
    const listed = ids.flatMap((id) => list.filter((x) => deepEqual(idOf(x), id)));
    const rest = list.filter((x) => !ids.some((id) => deepEqual(idOf(x), id)));
    return [...listed, ...rest];
  }
}

/**
 * Applies a strategic merge patch to `original` (not mutated) using the merge metadata of definition
 * `defName` (e.g. io.k8s.api.apps.v1.Deployment). Throws StrategicMergePatchError for malformed patches;
 * upstream answers those with 400/422, see the report. Custom resources use jsonMergePatch instead.
 */
export function strategicMergePatch<T>(original: T, patch: unknown, defName: string, definitions?: Definitions): T {
  if (!isObject(patch)) throw new StrategicMergePatchError('strategic merge patch must be a JSON object');
  if (!lookupDefinition(defName, definitions)) throw new StrategicMergePatchError(`no schema definition ${defName}`);
  const m = new Merger(definitions);
  const out = m.map(isObject(original) ? original : {}, patch, { $ref: `#/components/schemas/${defName}` });
  return structuredClone(out ?? {}) as T;
}
