// metadata.managedFields bookkeeping and server-side apply, following structured-merge-diff's rules:
// an Update takes ownership of every field it changes (from whoever owned it); an Apply owns exactly the
// fields of its configuration, conflicts with other owners of fields whose value it changes, and drops
// fields it applied before but no longer applies unless someone else owns them.
import type { ManagedFieldsEntry } from 'kubernetes-types/meta/v1';
import { type StatusError, statusError } from '../errors';
import type { KObject } from '../types';
import { rfc3339 } from '../time';
import { type Definitions, type Schema, lookupDefinition } from '../openapi/schema';
import { FieldSet, type Path, pathString } from './field-set';
import { appliedFieldSet, compareObjects, mergeApplied, removePath, zeroSkeleton } from './field-walk';
import { isObject } from './typed';
import { deepEqual, deepFreeze } from '../object';

export type { ManagedFieldsEntry };

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

export interface ManagedFieldsOptions {
  /** 'status' for writes through the status subresource */
  subresource?: string;
  /** definition name of the kind (io.k8s.api.apps.v1.Deployment); without it objects are granular and lists atomic */
  defName?: string;
  /** extra definitions (CRDs) for defName */
  definitions?: Definitions;
  /** kinds without a status subresource own status through the main resource; default false */
  trackStatus?: boolean;
  now?: Date;
}

export interface Conflict {
  /** the other manager as upstream prints it: `"kubectl-client-side-apply" using apps/v1` or `"kubectl"` */
  manager: string;
  /** `.spec.replicas` */
  path: string;
}

export interface ApplyResult {
  /** the merged object (live object unchanged when there are conflicts and force is false) */
  object: KObject;
  managedFields: ManagedFieldsEntry[];
  /** non-empty only without force; throw applyConflictError(conflicts) */
  conflicts: Conflict[];
}

/** Paths the API server never assigns to managers (identity and server-populated metadata). */
function strippedPaths(): FieldSet {
  const s = new FieldSet();
  s.insert(['f:apiVersion']);
  s.insert(['f:kind']);
  for (const f of ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']) {
    s.insert(['f:metadata', `f:${f}`]);
  }
  return s;
}
const STRIPPED = strippedPaths();
const STRIPPED_AND_STATUS = (() => {
  const s = strippedPaths();
  s.insert(['f:status']);
  return s;
})();

/** Restricts a set to what a write through `subresource` may own: status only there, never status on the main resource. */
function scoped(set: FieldSet, subresource: string | undefined, trackStatus = false): FieldSet {
  if (subresource === 'status') {
    const out = new FieldSet();
    const st = set.children.get('f:status');
    if (st) out.children.set('f:status', st.clone());
    return out;
  }
  // withoutSubtrees returns fresh nodes, so clearing metadata's own membership below changes no caller's set
  const s = set.withoutSubtrees(trackStatus ? STRIPPED : STRIPPED_AND_STATUS);
  const meta = s.children.get('f:metadata');
  if (meta) {
    meta.self = false;
    if (meta.isEmpty()) s.children.delete('f:metadata');
  }
  return s;
}

/**
 * The part of an object `scoped` can keep, so that a status write (the kubelet's, many per pod) does not walk
 * the whole spec only to throw the result away.
 */
function inScope(o: unknown, opts: ManagedFieldsOptions): unknown {
  if (!isObject(o)) return o;
  if (opts.subresource === 'status') return o.status === undefined ? {} : { status: o.status };
  if (opts.trackStatus || !('status' in o)) return o;
  const { status: _status, ...rest } = o;
  return rest;
}

function identity(m: { manager: string; operation: string; apiVersion: string; subresource?: string }): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? '']);
}

/**
 * A manager read from stored managedFields. Its set is decoded on first use, and until it is replaced the stored
 * fieldsV1 is written back as it was: a status write touches the kubelet's entry, not the controller's whole-spec one.
 */
class StoredManager implements Manager {
  private decoded?: FieldSet;
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly subresource?: string;
  time?: string;
  /** the stored fieldsV1 while the set is unchanged */
  raw: unknown;

  constructor(e: ManagedFieldsEntry) {
    this.manager = e.manager ?? '';
    this.operation = e.operation === 'Apply' ? 'Apply' : 'Update';
    this.apiVersion = e.apiVersion ?? '';
    this.time = e.time;
    this.subresource = e.subresource || undefined;
    this.raw = e.fieldsV1 ?? {};
  }
  get set(): FieldSet {
    return (this.decoded ??= FieldSet.fromFieldsV1(this.raw));
  }
  set set(s: FieldSet) {
    this.decoded = s;
    this.raw = undefined;
  }

  /** whether the set may hold anything under these top-level fields (without decoding it) */
  mayTouch(top: Set<string>): boolean {
    if (this.raw === undefined || typeof this.raw !== 'object' || this.raw === null) return true;
    for (const k of Object.keys(this.raw)) if (top.has(k)) return true;
    return false;
  }
}

/** `stored`: the entries come from storage (canonical already); a client's own list is decoded and re-encoded */
function decode(entries: ManagedFieldsEntry[] | undefined, stored = true): Manager[] {
  return (entries ?? []).map((e) => {
    const m = new StoredManager(e);
    // assigning the decoded set drops the raw fieldsV1, so encode() writes it out normalised
    if (!stored) m.set = FieldSet.fromFieldsV1(e.fieldsV1);
    return m;
  });
}

function storedFields(m: Manager): unknown {
  return m instanceof StoredManager ? m.raw : undefined;
}

function encode(managers: Manager[]): ManagedFieldsEntry[] {
  const live = managers.filter((m) => {
    const raw = storedFields(m);
    return raw !== undefined ? typeof raw === 'object' && raw !== null && Object.keys(raw).length > 0 : !m.set.isEmpty();
  });
  live.sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const pt = p.time ? Date.parse(p.time) : 0,
      qt = q.time ? Date.parse(q.time) : 0;
    if (pt !== qt) return pt - qt;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return (p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0;
  });
  return live.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = storedFields(m) ?? m.set.toFieldsV1();
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

function rootSchema(opts: ManagedFieldsOptions): Schema | undefined {
  return opts.defName && lookupDefinition(opts.defName, opts.definitions) ? { $ref: `#/components/schemas/${opts.defName}` } : undefined;
}

function withoutManagedFields(o: KObject | undefined): unknown {
  if (!o) return o;
  // a metadata that is not an object (a malformed apply body) stays as it is: spreading a string would turn each of
  // its characters into a field, and a long one into a walk over hundreds of thousands of fields
  if (!isObject(o.metadata)) return o;
  const { managedFields: _mf, resourceVersion: _rv, ...meta } = o.metadata;
  return { ...o, metadata: meta };
}

/** How upstream names a manager in conflict messages (printManager). */
function displayManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${s} using ${m.apiVersion}` : s;
}

/**
 * managedFields after a non-apply write (create, update, patch) by `manager`. `old` is undefined on create.
 * Call with the object as it will be stored (after defaulting), before setting its managedFields.
 * When `obj.metadata.managedFields` differs from old's, the request's list is the starting point (upstream
 * lets clients reset or rewrite managedFields this way).
 */
export function updateManagedFields(
  old: KObject | undefined,
  obj: KObject,
  manager: string,
  operation: 'Update' | 'Apply' = 'Update',
  apiVersion: string = obj.apiVersion ?? '',
  opts: ManagedFieldsOptions = {},
): ManagedFieldsEntry[] {
  // A create without managedFields of its own yields one entry owning every field of the object, which
  // depends only on the object's shape: a burst of alike objects (a ReplicaSet's pods, a kubelet's events)
  // computes it once per shape.
  if (old || obj.metadata?.managedFields?.length || opts.definitions || !opts.defName)
    return computeManagedFields(old, obj, manager, operation, apiVersion, opts);
  const key = `${opts.defName}|${manager}|${operation}|${apiVersion}|${opts.subresource ?? ''}|${opts.trackStatus ? 1 : 0}`;
  let shapes = createdShapes.get(key);
  if (!shapes) {
    if (createdShapes.size >= SHAPE_KEYS) createdShapes.clear();
    shapes = [];
    createdShapes.set(key, shapes);
  }
  let hit = shapes.find((sh) => sameShape(sh.template, obj, false));
  if (!hit) {
    const entries = computeManagedFields(old, obj, manager, operation, apiVersion, opts);
    hit = { template: structuredClone(obj), entries: deepFreeze(entries.map(({ time: _t, ...e }) => e)) };
    shapes.unshift(hit);
    if (shapes.length > SHAPES_PER_KEY) shapes.pop();
  }
  const time = rfc3339(opts.now ?? new Date());
  // fieldsV1 stays shared (frozen): it is only ever serialized
  return hit.entries.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time,
    fieldsType: e.fieldsType,
    fieldsV1: e.fieldsV1,
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

const SHAPE_KEYS = 256;
const SHAPES_PER_KEY = 8;
const createdShapes = new Map<string, { template: unknown; entries: readonly ManagedFieldsEntry[] }[]>();

/**
 * Whether two new objects get the same managed fields: the same keys in every map, and equal values inside lists
 * (associative-list keys and set members appear in fieldsV1); scalars outside lists do not count.
 */
function sameShape(a: unknown, b: unknown, inList: boolean): boolean {
  if (inList) return deepEqual(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = isObject(a),
    bo = isObject(b);
  if (ao !== bo) return false;
  if (!ao) return (a === undefined) === (b === undefined);
  const am = a as Record<string, unknown>,
    bm = b as Record<string, unknown>;
  let n = 0;
  for (const k in am) {
    n++;
    if (!(k in bm) || !sameShape(am[k], bm[k], false)) return false;
  }
  for (const _k in bm) n--;
  return n === 0;
}

function computeManagedFields(
  old: KObject | undefined,
  obj: KObject,
  manager: string,
  operation: 'Update' | 'Apply',
  apiVersion: string,
  opts: ManagedFieldsOptions,
): ManagedFieldsEntry[] {
  const prop = rootSchema(opts);
  const requested = obj.metadata?.managedFields;
  const base = requested && !deepEqual(requested, old?.metadata?.managedFields) ? requested : old?.metadata?.managedFields;
  const managers = decode(base, base !== requested);
  const before = old ? withoutManagedFields(old) : zeroSkeleton(prop, opts.definitions);
  const cmp = compareObjects(inScope(before, opts), inScope(withoutManagedFields(obj), opts), prop, opts.definitions);
  const changed = scoped(cmp.modified.isEmpty() ? cmp.added : cmp.added.union(cmp.modified), opts.subresource, opts.trackStatus);
  const removed = scoped(cmp.removed, opts.subresource, opts.trackStatus);
  if (changed.isEmpty() && removed.isEmpty()) return encode(managers);

  const me = { manager, operation, apiVersion, subresource: opts.subresource };
  let mine = managers.find((m) => identity(m) === identity(me));
  if (!mine) {
    mine = { ...me, set: new FieldSet() };
    managers.push(mine);
  }
  const top = new Set([...changed.children.keys(), ...removed.children.keys()]);
  for (const m of managers) {
    if (m === mine || (m instanceof StoredManager && !m.mayTouch(top))) continue;
    m.set = m.set.difference(changed).withoutSubtrees(removed);
  }
  mine.set = mine.set.withoutSubtrees(removed).union(changed);
  mine.time = rfc3339(opts.now ?? new Date());
  return encode(managers);
}

/**
 * Server-side apply of `applied` (the request body) by `manager` onto `live` (undefined when creating).
 * The caller then defaults, validates and stores `object` with `managedFields`.
 */
export function applyPatch(
  live: KObject | undefined,
  applied: KObject,
  manager: string,
  opts: ManagedFieldsOptions & { force: boolean; apiVersion?: string },
): ApplyResult {
  const prop = rootSchema(opts);
  const defs = opts.definitions;
  const managers = decode(live?.metadata?.managedFields);
  const me = {
    manager,
    operation: 'Apply' as const,
    apiVersion: opts.apiVersion ?? applied.apiVersion ?? live?.apiVersion ?? '',
    subresource: opts.subresource,
  };
  const mineBefore = managers.find((m) => identity(m) === identity(me));
  const lastSet = mineBefore?.set ?? new FieldSet();
  const config = withoutManagedFields(applied) as KObject;
  const newSet = scoped(appliedFieldSet(config, prop, defs), opts.subresource, opts.trackStatus);
  const others = managers.filter((m) => m !== mineBefore);

  const merged = mergeApplied(withoutManagedFields(live) ?? {}, config, prop, defs) as KObject;
  // Fields this manager stopped applying go away unless another manager still owns them or something below them.
  const dropped = lastSet.difference(newSet);
  const ownedByOthers = others.reduce((acc, m) => acc.union(m.set), new FieldSet());
  const prune = (node: FieldSet, owned: FieldSet | undefined, path: Path): boolean => {
    let removed = false;
    for (const [pe, child] of node.children) {
      const ownedChild = owned?.children.get(pe);
      const p = [...path, pe];
      if (child.self && (!ownedChild || ownedChild.isEmpty())) {
        removePath(merged, p, prop, defs);
        removed = true;
      } else if (prune(child, ownedChild, p)) removed = true;
    }
    // as structured-merge-diff's removal walk: a map left with nothing in it goes too (an applied config that drops
    // `paramKind` altogether leaves no `paramKind: {}` behind); checked once per map, after its fields went
    if (removed && path.length && isEmptyMapAt(merged, path)) removePath(merged, path, prop, defs);
    return removed;
  };
  prune(dropped, ownedByOthers, []);

  const cmp = compareObjects(withoutManagedFields(live) ?? zeroSkeleton(prop, defs), merged, prop, defs);
  const changed = scoped(cmp.added.union(cmp.modified), opts.subresource, opts.trackStatus);
  const removed = scoped(cmp.removed, opts.subresource, opts.trackStatus);

  const conflicts: { m: Manager; set: FieldSet }[] = [];
  for (const m of others) {
    const c = m.set.intersection(changed);
    if (!c.isEmpty()) conflicts.push({ m, set: c });
  }
  if (conflicts.length && !opts.force) {
    const list: Conflict[] = [];
    for (const c of conflicts) for (const p of c.set.paths()) list.push({ manager: displayManager(c.m), path: pathString(p) });
    return { object: live ?? applied, managedFields: live?.metadata?.managedFields ?? [], conflicts: list };
  }
  for (const c of conflicts) c.m.set = c.m.set.difference(c.set);
  for (const m of others) m.set = m.set.withoutSubtrees(removed);

  const unchanged = !!live && deepEqual(withoutManagedFields(live), merged);
  let mine = mineBefore;
  if (!mine) {
    mine = { ...me, set: new FieldSet() };
    managers.push(mine);
  }
  const setChanged = !deepEqual(mine.set.toFieldsV1(), newSet.toFieldsV1());
  mine.set = newSet;
  mine.apiVersion = me.apiVersion;
  if (!unchanged || setChanged || !mine.time) mine.time = rfc3339(opts.now ?? new Date());

  const managedFields = encode(managers);
  merged.metadata = { ...(merged.metadata ?? {}), managedFields };
  return { object: merged, managedFields, conflicts: [] };
}

/** whether the value at a path of struct fields (`f:` elements only) is a map with no keys left */
function isEmptyMapAt(obj: unknown, path: Path): boolean {
  let cur: unknown = obj;
  for (const pe of path) {
    if (pe[0] !== 'f' || !isObject(cur)) return false;
    cur = cur[pe.slice(2)];
  }
  return isObject(cur) && Object.keys(cur).length === 0;
}

/** Upstream's conflict message (`Apply failed with 1 conflict: conflict with "x" using apps/v1: .spec.replicas`). */
export function formatConflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${conflicts[0].manager}: ${conflicts[0].path}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines: string[] = [];
  for (const m of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${m}:`);
    for (const p of byManager.get(m)!) lines.push(`- ${p}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The 409 Conflict Status kube-apiserver returns for apply conflicts. */
export function applyConflictError(conflicts: Conflict[]): StatusError {
  return statusError(409, 'Conflict', formatConflictMessage(conflicts), {
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.path })),
  });
}
