// The generic registry: create/get/list/update/delete/watch of any kind on top of the MVCC store,
// applying each kind's strategy (defaults, validation, status handling) and the admission chain.
import type { KObject, KList, WatchEvent } from '../api/types';
import { apiVersionOf } from '../api/types';
import { StatusError, errAlreadyExists, errBadRequest, errConflict, errGone, errInvalid, errNotFound, errInternal, type FieldError } from '../api/errors';
import type { Store, KeyValue, StoreEvent } from '../store/types';
import { CompactedError, StoreConflictError } from '../store/types';
import type { ResourceEntry } from './catalog';
import { dropEmptyMetaLists, generatedName, keepServerMetadata, nowRfc3339, resetServerMetadata } from './meta';
import { clone, deepEqual } from '../api/object';
import { matchesLabels, parseFieldSelector, parseLabelSelector, type FieldRequirement } from '../api/selectors';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from '../admission/types';
import type { UserInfo } from '../auth/user';
import { validateCommonMetadata } from './validate-meta';
import { deepFreeze } from '../api/object';

export interface WriteContext {
  user: UserInfo;
  dryRun: boolean;
  fieldManager?: string;
  /** the write's managedFields bookkeeping, supplied by the server (server-side apply module) */
  manage?: (obj: KObject, old: KObject | undefined, operation: 'Update' | 'Apply', subresource?: string) => void;
  subresource?: string;
  /** skip admission (internal writes such as finalization bookkeeping) */
  internal?: boolean;
  /** a warning for the client (admission warnings become Warning headers) */
  warn?: (message: string) => void;
  /** an annotation for the request's audit event */
  annotate?: (key: string, value: string) => void;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** items are the shared read-only parses (for tables and metadata lists, which only read them) */
  shared?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
}

/** hooks a kind can register for behaviour the generic path cannot express (service IPs, CRDs, namespaces…) */
export interface RegistryHooks {
  beforeCreate?(e: ResourceEntry, obj: KObject, ctx: WriteContext): void | Promise<void>;
  afterCreate?(e: ResourceEntry, obj: KObject): void;
  beforeUpdate?(e: ResourceEntry, obj: KObject, old: KObject, ctx: WriteContext): void | Promise<void>;
  /** after an update (or a pending deletion's deletionTimestamp) was committed */
  afterUpdate?(e: ResourceEntry, obj: KObject, old: KObject): void;
  afterDelete?(e: ResourceEntry, obj: KObject): void;
  /** decides the deletion flow for special kinds; return undefined to use the generic flow */
  onDelete?(e: ResourceEntry, obj: KObject, opts: DeleteOptions): 'graceful-namespace' | undefined;
}

export class Registry {
  private hooks: RegistryHooks[] = [];

  constructor(
    readonly store: Store,
    private admission: AdmissionPlugin[],
    private lookup: AdmissionLookup,
  ) {}

  addHooks(h: RegistryHooks): void {
    this.hooks.push(h);
  }
  /**
   * A write made below the registry (a snapshot restore writes the store directly) still owes the kinds their
   * after-write hooks: CRDs start or stop being served, Service IPs are tracked or released.
   */
  afterStoreWrite(e: ResourceEntry, obj: KObject | undefined, old: KObject | undefined): void {
    for (const h of this.hooks) {
      if (obj && old) h.afterUpdate?.(e, obj, old);
      else if (obj) h.afterCreate?.(e, obj);
      else if (old) h.afterDelete?.(e, old);
    }
  }
  addAdmission(p: AdmissionPlugin): void {
    this.admission.push(p);
  }

  key(e: ResourceEntry, ns: string | undefined, name: string): string {
    return e.namespaced ? `${e.prefix}/${ns}/${name}` : `${e.prefix}/${name}`;
  }
  prefixOf(e: ResourceEntry, ns?: string): string {
    return e.namespaced && ns ? `${e.prefix}/${ns}/` : `${e.prefix}/`;
  }

  /** stored JSON → object in the requested version, with resourceVersion filled in */
  decode(e: ResourceEntry, kv: KeyValue): KObject {
    // parsing the stored text gives every caller its own copy, cheaper than parsing once and deep-cloning
    const o = JSON.parse(kv.value) as KObject;
    o.metadata.resourceVersion = String(kv.modRevision);
    return e.fromStorage ? e.fromStorage(o) : o;
  }
  /**
   * The shared, read-only parse of a stored value: one per stored version, used for selector matching, for
   * admission lookups and tables, and delivered to every watcher of a change (informer caches keep it as it
   * is, like client-go's; watch streams only serialize it). Frozen when KUBELAB_FREEZE_SHARED is set (the tests
   * do), so a component that changes an object it did not copy fails there instead of corrupting others' view.
   */
  private peekCache = new WeakMap<KeyValue, KObject>();
  private peek(e: ResourceEntry, kv: KeyValue): KObject {
    if (e.fromStorage) return this.decode(e, kv);
    let o = this.peekCache.get(kv);
    if (!o) {
      o = JSON.parse(kv.value) as KObject;
      o.metadata.resourceVersion = String(kv.modRevision);
      if (FREEZE_SHARED) deepFreeze(o);
      this.peekCache.set(kv, o);
    }
    return o;
  }

  /** object in storage form, without resourceVersion */
  private encode(e: ResourceEntry, obj: KObject): string {
    const o = e.toStorage ? e.toStorage(clone(obj)) : obj;
    const rv = o.metadata.resourceVersion;
    delete o.metadata.resourceVersion;
    const s = JSON.stringify(o);
    if (rv !== undefined) o.metadata.resourceVersion = rv;
    return s;
  }

  getStored(e: ResourceEntry, ns: string | undefined, name: string): KObject | undefined {
    const kv = this.store.get(this.key(e, ns, name));
    return kv ? this.decode(e, kv) : undefined;
  }

  /** the stored object as a shared parse: for readers that neither change nor keep parts of it (admission lookups) */
  getShared(e: ResourceEntry, ns: string | undefined, name: string): KObject | undefined {
    const kv = this.store.get(this.key(e, ns, name));
    return kv ? this.peek(e, kv) : undefined;
  }

  /** `shared`: the caller only serializes the answer, so the shared parse serves (no private copy) */
  get(e: ResourceEntry, ns: string | undefined, name: string, shared = false): KObject {
    const o = shared ? this.getShared(e, ns, name) : this.getStored(e, ns, name);
    if (!o) throw errNotFound(e.group, e.resource, name);
    return o;
  }

  // ---------- list ----------
  list(e: ResourceEntry, ns: string | undefined, opts: ListOptions): KList {
    const labelSel = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : [];
    const fieldSel = opts.fieldSelector ? this.checkFieldSelector(e, parseFieldSelector(opts.fieldSelector)) : [];
    const prefix = this.prefixOf(e, ns);
    let startKey: string | undefined;
    let listRv: number | undefined;
    if (opts.continue) {
      try {
        const c = JSON.parse(Buffer.from(opts.continue, 'base64').toString('utf8'));
        startKey = prefix + String(c.start);
        listRv = Number(c.rv);
      } catch {
        throw errBadRequest('continue key is not valid: illegal base64 data at input byte 0');
      }
      if (listRv && listRv < this.store.compactedRevision()) {
        throw errGone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: KObject[] = [];
    // keys after the page: a continue token when there are any, and upstream's remainingItemCount when unfiltered
    let remaining = 0;
    let lastKey = '';
    const filtering = labelSel.length > 0 || fieldSel.length > 0;
    let cursor = startKey;
    const rev = this.store.revision();
    // with filters, keep reading pages until `limit` matches are found, as etcd-backed lists do
    for (;;) {
      const r = this.store.range(prefix, { startKey: cursor, limit: limit ? (filtering ? Math.max(limit, 500) : limit) : 0 });
      let stoppedEarly = false;
      for (let i = 0; i < r.kvs.length; i++) {
        const kv = r.kvs[i];
        lastKey = kv.key;
        if (filtering) {
          const p = this.peek(e, kv);
          if (!(matchesLabels(labelSel, p.metadata.labels) && this.matchFields(e, fieldSel, p))) continue;
        }
        items.push(opts.shared ? this.peek(e, kv) : this.decode(e, kv));
        if (limit && items.length >= limit) {
          remaining = r.kvs.length - 1 - i + r.remaining;
          stoppedEarly = true;
          break;
        }
      }
      if (stoppedEarly || !r.more || !limit) break;
      cursor = lastKey + '\u0000';
    }
    const list: KList = {
      apiVersion: apiVersionOf(e.group, e.version),
      kind: e.listKind,
      metadata: { resourceVersion: String(listRv ?? rev) },
      items,
    };
    if (remaining > 0) {
      list.metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: listRv ?? rev, start: lastKey.slice(prefix.length) + '\u0000' })).toString(
        'base64',
      );
      if (!filtering) list.metadata.remainingItemCount = remaining;
    }
    return list;
  }

  private checkFieldSelector(e: ResourceEntry, reqs: FieldRequirement[]): FieldRequirement[] {
    for (const r of reqs) {
      if (r.field === 'metadata.name' || (r.field === 'metadata.namespace' && e.namespaced)) continue;
      if (e.strategy.fieldSelectors?.[r.field]) continue;
      throw errBadRequest(`field label not supported: ${r.field}`);
    }
    return reqs;
  }

  matchFields(e: ResourceEntry, reqs: FieldRequirement[], o: KObject): boolean {
    for (const r of reqs) {
      let v: string | undefined;
      if (r.field === 'metadata.name') v = o.metadata.name;
      else if (r.field === 'metadata.namespace') v = o.metadata.namespace;
      else v = e.strategy.fieldSelectors?.[r.field]?.(o);
      v = v ?? '';
      if (r.op === '=' ? v !== r.value : v === r.value) return false;
    }
    return true;
  }

  // ---------- create ----------
  async create(e: ResourceEntry, ns: string | undefined, input: KObject, ctx: WriteContext): Promise<KObject> {
    const obj = input;
    if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
    if (e.namespaced) obj.metadata.namespace = ns;
    else delete obj.metadata.namespace;
    const generated = !obj.metadata.name && obj.metadata.generateName ? obj.metadata.generateName : undefined;
    resetServerMetadata(obj);
    e.strategy.defaults?.(obj);
    // as upstream: managedFields describe the request after defaulting, before admission plugins and the strategy
    // add their own fields (a pod's service account token volume has no manager)
    dropEmptyMetaLists(obj);
    ctx.manage?.(obj, undefined, 'Update');
    if (e.strategy.prepareForCreate) e.strategy.prepareForCreate(obj);
    else this.defaultPrepareForCreate(e, obj);
    for (const h of this.hooks) await h.beforeCreate?.(e, obj, ctx);
    // one set of attributes for both phases: mutating plugins change `object` in place, validators see the result
    const attrs: AdmissionAttributes | undefined = ctx.internal
      ? undefined
      : {
          operation: 'CREATE',
          gvr: e,
          kind: e.kind,
          namespace: ns,
          name: obj.metadata.name ?? '',
          object: obj,
          user: ctx.user,
          dryRun: ctx.dryRun,
          warn: ctx.warn,
          annotate: ctx.annotate,
        };
    if (attrs) await this.admit(attrs, 'mutate');
    this.validateCreate(e, obj);
    if (attrs) await this.admit(attrs, 'validate');
    dropEmptyMetaLists(obj);
    const key = this.key(e, ns, obj.metadata.name!);
    if (ctx.dryRun) {
      if (this.store.get(key)) throw errAlreadyExists(e.group, e.resource, obj.metadata.name!);
      return obj;
    }
    let kv: KeyValue;
    // like upstream since v1.32 (RetryGenerateName): a generated name that collides is drawn again, up to 7 more times
    for (let attempt = 0, k = key; ; attempt++) {
      try {
        kv = this.store.create(k, this.encode(e, obj));
        break;
      } catch (err) {
        if (!(err instanceof StoreConflictError)) throw err;
        if (!generated || attempt >= 7) throw errAlreadyExists(e.group, e.resource, obj.metadata.name!);
        obj.metadata.name = generatedName(generated);
        k = this.key(e, ns, obj.metadata.name);
      }
    }
    obj.metadata.resourceVersion = String(kv.modRevision);
    for (const h of this.hooks) h.afterCreate?.(e, obj);
    return obj;
  }

  private defaultPrepareForCreate(e: ResourceEntry, obj: KObject): void {
    if (tracksGeneration(e)) {
      obj.metadata.generation = 1;
      delete obj.status;
    }
  }

  private validateCreate(e: ResourceEntry, obj: KObject): void {
    const errs: FieldError[] = [...validateCommonMetadata(e, obj)];
    if (errs.length === 0 || errs.every((x) => !x.field.startsWith('metadata.name'))) {
      errs.push(...(e.strategy.validate?.(obj, { operation: 'create', now: new Date() }) ?? []));
    }
    if (errs.length) throw errInvalid(e.group, e.kind, obj.metadata.name ?? obj.metadata.generateName ?? '', errs);
  }

  // ---------- update ----------
  /**
   * PUT semantics. `mutateFromCurrent` (patch) recomputes the new object from the current one on each retry.
   * Returns the stored object and whether it was created (PUT on a missing object for kinds that allow it).
   */
  async update(
    e: ResourceEntry,
    ns: string | undefined,
    name: string,
    input: KObject | ((cur: KObject) => Promise<KObject> | KObject),
    ctx: WriteContext,
    opts: { allowCreate?: boolean } = {},
  ): Promise<{ obj: KObject; created: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const key = this.key(e, ns, name);
      const kv = this.store.get(key);
      if (!kv) {
        if (typeof input === 'function' || !opts.allowCreate) throw errNotFound(e.group, e.resource, name);
        return { obj: await this.create(e, ns, input, ctx), created: true };
      }
      const cur = this.decode(e, kv);
      const obj = typeof input === 'function' ? await input(clone(cur)) : clone(input);
      if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
      if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
        throw errBadRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
      }
      obj.metadata.name = name;
      if (e.namespaced) obj.metadata.namespace = ns;
      const wantRv = obj.metadata.resourceVersion;
      if (typeof input !== 'function' && isPrecondition(wantRv) && wantRv !== cur.metadata.resourceVersion) {
        throw errConflict(e.group, e.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      if (obj.metadata.uid && obj.metadata.uid !== cur.metadata.uid) {
        throw errConflict(e.group, e.resource, name, `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${cur.metadata.uid}`);
      }
      keepServerMetadata(obj, cur);
      e.strategy.defaults?.(obj);
      const sub = ctx.subresource;
      dropEmptyMetaLists(obj);
      ctx.manage?.(obj, cur, 'Update', sub);
      if (sub === 'status') {
        if (e.strategy.prepareForStatusUpdate) e.strategy.prepareForStatusUpdate(obj, cur);
        else this.defaultStatusUpdate(obj, cur);
      } else if (sub && e.strategy.subresourceUpdate?.[sub]) {
        e.strategy.subresourceUpdate[sub].prepare(obj, cur);
      } else if (sub === 'binding' || sub === 'finalize' || sub === 'ephemeralcontainers') {
        // pods/binding sets spec.nodeName, pods/ephemeralcontainers adds to spec.ephemeralContainers, on an
        // otherwise immutable pod spec; their handlers did the checks
      } else if (e.strategy.prepareForUpdate) {
        e.strategy.prepareForUpdate(obj, cur);
      } else {
        this.defaultPrepareForUpdate(e, obj, cur);
      }
      for (const h of this.hooks) await h.beforeUpdate?.(e, obj, cur, ctx);
      const attrs: AdmissionAttributes | undefined = ctx.internal
        ? undefined
        : {
            operation: 'UPDATE',
            gvr: e,
            kind: e.kind,
            namespace: ns,
            name,
            subresource: sub,
            object: obj,
            oldObject: cur,
            user: ctx.user,
            dryRun: ctx.dryRun,
            warn: ctx.warn,
            annotate: ctx.annotate,
          };
      if (attrs) await this.admit(attrs, 'mutate');
      const errs: FieldError[] = [...validateCommonMetadata(e, obj, cur)];
      const vctx = { operation: 'update' as const, now: new Date() };
      if (sub === 'status') errs.push(...(e.strategy.validateStatusUpdate?.(obj, cur, vctx) ?? []));
      else if (sub && e.strategy.subresourceUpdate?.[sub]) errs.push(...e.strategy.subresourceUpdate[sub].validate(obj, cur));
      else if (sub === 'binding' || sub === 'finalize' || sub === 'ephemeralcontainers') {
        /* validated by their handlers */
      } else errs.push(...(e.strategy.validate?.(obj, vctx) ?? []), ...(e.strategy.validateUpdate?.(obj, cur, vctx) ?? []));
      if (errs.length) throw errInvalid(e.group, e.kind, name, errs);
      if (attrs) await this.admit(attrs, 'validate');
      dropEmptyMetaLists(obj);
      obj.metadata.resourceVersion = cur.metadata.resourceVersion;
      if (deepEqual(obj, cur)) return { obj: cur, created: false };
      if (ctx.dryRun) return { obj, created: false };
      // finalizers gone on an object being deleted: the update completes the deletion
      if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length && (e.strategy.readyToDelete?.(obj) ?? true)) {
        try {
          this.store.delete(key, kv.modRevision);
        } catch (err) {
          if (err instanceof StoreConflictError && attempt < 20) continue;
          throw err;
        }
        for (const h of this.hooks) h.afterDelete?.(e, obj);
        return { obj, created: false };
      }
      try {
        const nkv = this.store.update(key, this.encode(e, obj), kv.modRevision);
        obj.metadata.resourceVersion = String(nkv.modRevision);
        for (const h of this.hooks) h.afterUpdate?.(e, obj, cur);
        return { obj, created: false };
      } catch (err) {
        if (err instanceof StoreConflictError) {
          if (typeof input === 'function' && attempt < 20) continue;
          throw errConflict(e.group, e.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
        }
        throw err;
      }
    }
  }

  private defaultPrepareForUpdate(e: ResourceEntry, obj: KObject, cur: KObject): void {
    if (e.subresources.includes('status')) {
      if (cur.status === undefined) delete obj.status;
      else obj.status = clone(cur.status);
    }
    if (cur.metadata.generation !== undefined || tracksGeneration(e)) {
      const specChanged = !deepEqual(stripMetaStatus(obj), stripMetaStatus(cur));
      obj.metadata.generation = (cur.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
  }

  private defaultStatusUpdate(obj: KObject, cur: KObject): void {
    const status = obj.status;
    for (const k of Object.keys(obj)) if (k !== 'status' && k !== 'metadata') delete obj[k];
    for (const k of Object.keys(cur)) if (k !== 'status' && k !== 'metadata') obj[k] = clone(cur[k]);
    // a status write may not change metadata other than what upstream tolerates (labels/annotations are ignored too)
    const m = clone(cur.metadata);
    m.resourceVersion = obj.metadata.resourceVersion;
    m.managedFields = obj.metadata.managedFields;
    obj.metadata = m;
    if (status === undefined) delete obj.status;
    else obj.status = status;
  }

  // ---------- delete ----------
  async delete(e: ResourceEntry, ns: string | undefined, name: string, opts: DeleteOptions, ctx: WriteContext): Promise<{ obj: KObject; finished: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const key = this.key(e, ns, name);
      const kv = this.store.get(key);
      if (!kv) throw errNotFound(e.group, e.resource, name);
      const cur = this.decode(e, kv);
      if (opts.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid) {
        throw errConflict(
          e.group,
          e.resource,
          name,
          `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${cur.metadata.uid}`,
        );
      }
      if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== cur.metadata.resourceVersion) {
        throw errConflict(
          e.group,
          e.resource,
          name,
          `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`,
        );
      }
      if (!ctx.internal)
        await this.admit(
          {
            operation: 'DELETE',
            gvr: e,
            kind: e.kind,
            namespace: ns,
            name,
            oldObject: cur,
            user: ctx.user,
            dryRun: ctx.dryRun,
            warn: ctx.warn,
            annotate: ctx.annotate,
          },
          'validate',
        );
      const next = clone(cur);
      const m = next.metadata;
      let pending = false;
      // propagation: orphan/foreground are finalizers the garbage collector honours
      const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
      const fins = new Set(m.finalizers ?? []);
      if (policy === 'Orphan') {
        fins.add('orphan');
        fins.delete('foregroundDeletion');
      }
      if (policy === 'Foreground') {
        fins.add('foregroundDeletion');
        fins.delete('orphan');
      }
      if (policy === 'Background') {
        fins.delete('orphan');
        fins.delete('foregroundDeletion');
      }
      if (fins.size) m.finalizers = [...fins];
      else delete m.finalizers;

      let grace = 0;
      if (e.strategy.checkGracefulDelete) grace = e.strategy.checkGracefulDelete(next, opts);
      if (e.strategy.beginDeletion?.(next)) pending = true;
      if (grace > 0) pending = true;
      if (m.finalizers?.length) pending = true;

      if (pending) {
        if (m.deletionTimestamp) {
          // already being deleted: a shorter grace period may still shorten it
          if (grace > 0 && m.deletionGracePeriodSeconds !== undefined && grace < m.deletionGracePeriodSeconds) {
            m.deletionGracePeriodSeconds = grace;
            m.deletionTimestamp = nowRfc3339(new Date(Date.now() + grace * 1000));
          } else if (grace === 0 && e.strategy.checkGracefulDelete && !m.finalizers?.length) {
            // fall through to immediate removal
            pending = false;
          }
        } else {
          m.deletionTimestamp = nowRfc3339(new Date(Date.now() + grace * 1000));
          m.deletionGracePeriodSeconds = grace;
        }
      }
      if (pending) {
        if (ctx.dryRun) return { obj: next, finished: false };
        if (deepEqual(next, cur)) return { obj: cur, finished: false };
        try {
          const nkv = this.store.update(key, this.encode(e, next), kv.modRevision);
          next.metadata.resourceVersion = String(nkv.modRevision);
          for (const h of this.hooks) h.afterUpdate?.(e, next, cur);
          return { obj: next, finished: false };
        } catch (err) {
          if (err instanceof StoreConflictError && attempt < 20) continue;
          throw err;
        }
      }
      if (ctx.dryRun) return { obj: cur, finished: true };
      try {
        const r = this.store.delete(key, kv.modRevision);
        cur.metadata.resourceVersion = String(r.revision);
      } catch (err) {
        if (err instanceof StoreConflictError && attempt < 20) continue;
        throw err;
      }
      for (const h of this.hooks) h.afterDelete?.(e, cur);
      return { obj: cur, finished: true };
    }
  }

  // ---------- watch ----------
  watch(
    e: ResourceEntry,
    ns: string | undefined,
    opts: ListOptions & { sendInitialEvents?: boolean; allowWatchBookmarks?: boolean },
    onEvent: (ev: WatchEvent) => void,
  ): { cancel(): void } {
    const labelSel = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : [];
    const fieldSel = opts.fieldSelector ? this.checkFieldSelector(e, parseFieldSelector(opts.fieldSelector)) : [];
    // without selectors every object matches, and the shared parse for matching is not needed
    const match =
      labelSel.length === 0 && fieldSel.length === 0
        ? MATCH_ALL
        : (o: KObject) => matchesLabels(labelSel, o.metadata.labels) && this.matchFields(e, fieldSel, o);
    const prefix = this.prefixOf(e, ns);
    const rvParam = opts.resourceVersion;
    let from: number;
    const initial = rvParam === undefined || rvParam === '' || rvParam === '0' || opts.sendInitialEvents === true;
    if (initial) {
      const snap = this.store.range(prefix, {});
      from = snap.revision;
      for (const kv of snap.kvs) {
        const o = this.peek(e, kv);
        if (match === MATCH_ALL || match(o)) onEvent({ type: 'ADDED', object: o });
      }
      if (opts.sendInitialEvents && opts.allowWatchBookmarks) {
        onEvent({ type: 'BOOKMARK', object: this.bookmark(e, from, true) });
      }
    } else {
      from = Number(rvParam);
      if (!Number.isFinite(from) || from < 0) throw errBadRequest(`invalid resource version: ${rvParam}`);
    }
    let w: { cancel(): void };
    try {
      w = this.store.watch(prefix, from, (events: StoreEvent[]) => {
        for (const ev of events) this.deliver(e, ev, match, onEvent);
      });
    } catch (err) {
      if (err instanceof CompactedError) {
        throw errGone(`too old resource version: ${from} (${err.compacted})`);
      }
      throw err;
    }
    let timer: NodeJS.Timeout | undefined;
    if (opts.allowWatchBookmarks) {
      timer = setInterval(() => onEvent({ type: 'BOOKMARK', object: this.bookmark(e, this.store.revision(), false) }), 60_000);
      timer.unref();
    }
    return {
      cancel: () => {
        w.cancel();
        if (timer) clearInterval(timer);
      },
    };
  }

  private bookmark(e: ResourceEntry, rev: number, initialEnd: boolean): KObject {
    const md: KObject['metadata'] = { resourceVersion: String(rev) };
    if (initialEnd) md.annotations = { 'k8s.io/initial-events-end': 'true' };
    return { apiVersion: apiVersionOf(e.group, e.version), kind: e.kind, metadata: md };
  }

  private deliver(e: ResourceEntry, ev: StoreEvent, match: (o: KObject) => boolean, onEvent: (ev: WatchEvent) => void): void {
    const all = match === MATCH_ALL;
    if (ev.type === 'delete') {
      const base = this.peek(e, ev.prev ?? ev.kv);
      if (!all && !match(base)) return;
      onEvent({ type: 'DELETED', object: this.deletedView(ev, base) });
      return;
    }
    const cur = this.peek(e, ev.kv);
    const now = all || match(cur);
    const before = ev.prev ? all || match(this.peek(e, ev.prev)) : false;
    // a filtered watch sees an object enter its selection as ADDED and leave it as DELETED, as upstream's watch cache does
    if (now && !before) onEvent({ type: 'ADDED', object: cur });
    else if (now && before) onEvent({ type: 'MODIFIED', object: cur });
    else if (!now && before) onEvent({ type: 'DELETED', object: cur });
  }

  /** the last state of a deleted object at the deletion's revision: one view shared by every watcher of the event */
  private deletedViews = new WeakMap<StoreEvent, KObject>();
  private deletedView(ev: StoreEvent, base: KObject): KObject {
    let o = this.deletedViews.get(ev);
    if (!o) {
      o = { ...base, metadata: { ...base.metadata, resourceVersion: String(ev.revision) } };
      if (FREEZE_SHARED) Object.freeze(Object.freeze(o).metadata);
      this.deletedViews.set(ev, o);
    }
    return o;
  }

  // ---------- admission ----------
  /**
   * a CONNECT (exec, attach, portforward, proxy) as upstream's ConnectResource admits it before connecting: the
   * request's options object (PodExecOptions, …) through the plugins that handle CONNECT, mutating then validating
   */
  async admitConnect(a: Omit<AdmissionAttributes, 'operation' | 'dryRun'>): Promise<void> {
    const attrs: AdmissionAttributes = { ...a, operation: 'CONNECT', dryRun: false };
    await this.admit(attrs, 'mutate');
    await this.admit(attrs, 'validate');
  }

  private async admit(a: AdmissionAttributes, phase: 'mutate' | 'validate'): Promise<void> {
    for (const p of this.admission) {
      if (a.operation === 'CONNECT' && !p.connect) continue;
      const fn = phase === 'mutate' ? p.mutate : p.validate;
      if (!fn) continue;
      try {
        await fn.call(p, a, this.lookup);
      } catch (err) {
        if (err instanceof StatusError) throw err;
        throw errInternal(`admission plugin "${p.name}" failed: ${(err as Error).message}`);
      }
    }
  }
}

const MATCH_ALL = (): boolean => true;
const FREEZE_SHARED = !!process.env.KUBELAB_FREEZE_SHARED;

/** the default prepare hooks' generation bookkeeping: the kind's setting, else whether it has a status subresource */
function tracksGeneration(e: ResourceEntry): boolean {
  return e.strategy.tracksGeneration ?? e.subresources.includes('status');
}

function stripMetaStatus(o: KObject): KObject {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest as KObject;
}

/**
 * whether an object's resourceVersion makes its write conditional: as upstream's versioner parses it, an empty
 * one and "0" both mean "whatever is stored" (an unconditional update)
 */
export function isPrecondition(rv: string | undefined): rv is string {
  return !!rv && rv !== '0';
}
