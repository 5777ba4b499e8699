// How merge operations see a schema node: a struct/map merged field by field, a list merged by keys or as a
// set, or an atomic value replaced whole. Without a schema (custom resources without one, unknown fields)
// objects are granular and lists atomic, like structured-merge-diff's "deduced" type.
import { type Definitions, type Schema, listSemantics, propertySchema, resolve } from '../openapi/schema';

export type Shape =
  | { kind: 'map'; child: (key: string) => Schema | undefined }
  | { kind: 'list'; list: 'map'; keys: string[]; item: Schema | undefined }
  | { kind: 'list'; list: 'set' }
  | { kind: 'atomic' };

export const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ATOMIC_SCALARS = new Set([
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
]);

/** `prop` is the property schema as it appears in its parent (list metadata lives there). */
export function shapeOf(value: unknown, prop: Schema | undefined, defs?: Definitions): Shape {
  const r = prop ? resolve(prop, defs) : undefined;
  if (Array.isArray(value)) {
    if (!r) return { kind: 'atomic' };
    const sem = listSemantics(prop, defs);
    if (sem.kind === 'map' && sem.keys.length) return { kind: 'list', list: 'map', keys: sem.keys, item: r.schema.items };
    if (sem.kind === 'set') return { kind: 'list', list: 'set' };
    return { kind: 'atomic' };
  }
  if (!isObject(value)) return { kind: 'atomic' };
  if (r && ATOMIC_SCALARS.has(r.name ?? '')) return { kind: 'atomic' };
  if (r?.schema['x-kubernetes-map-type'] === 'atomic') return { kind: 'atomic' };
  const s = r?.schema;
  return { kind: 'map', child: (key) => (s ? propertySchema(s, key, defs) : undefined) };
}

/** Key of an associative-list item as structured-merge-diff prints it in fieldsV1 (`{"name":"x"}`, keys sorted). */
export function itemKey(item: Record<string, any>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [...keys].sort()) {
    // protocol is the one list-map key upstream defaults inside the key itself (ports without protocol are TCP)
    out[k] = item[k] ?? (k === 'protocol' ? 'TCP' : undefined);
  }
  return out;
}

export function sameKey(a: Record<string, any>, b: Record<string, any>, keys: string[]): boolean {
  return JSON.stringify(itemKey(a, keys)) === JSON.stringify(itemKey(b, keys));
}
