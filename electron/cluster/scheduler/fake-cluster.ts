// Test double: an in-memory Client + InformerFactory pair where binding sets spec.nodeName like the API server.
import type { Client, Informer, InformerFactory } from '../client/types';
import type { GVR, KObject } from '../api/types';
import { clone } from '../api/object';

type Handler = { add: ((o: KObject) => void)[]; update: ((a: KObject, b: KObject) => void)[]; del: ((o: KObject) => void)[] };

class FakeInformer implements Informer {
  readonly items = new Map<string, KObject>();
  readonly h: Handler = { add: [], update: [], del: [] };
  constructor(readonly gvr: GVR) {}
  synced() {
    return Promise.resolve();
  }
  hasSynced() {
    return true;
  }
  get(key: string) {
    return this.items.get(key);
  }
  getByName(ns: string | undefined, name: string) {
    return this.items.get(ns ? `${ns}/${name}` : name);
  }
  list(ns?: string) {
    return [...this.items.values()].filter((o) => !ns || o.metadata.namespace === ns);
  }
  onAdd(fn: (o: KObject) => void) {
    this.h.add.push(fn);
  }
  onUpdate(fn: (a: KObject, b: KObject) => void) {
    this.h.update.push(fn);
  }
  onDelete(fn: (o: KObject) => void) {
    this.h.del.push(fn);
  }
  addIndex() {}
  byIndex() {
    return [];
  }
}

const keyOf = (o: KObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : `${o.metadata.name}`);

export interface Call {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  body?: unknown;
  opts?: unknown;
}

export class FakeCluster {
  readonly informers = new Map<string, FakeInformer>();
  readonly calls: Call[] = [];
  readonly events: KObject[] = [];
  /** delay before a binding call resolves (to keep bindings in flight) */
  bindDelayMs = 0;

  informer(r: GVR): FakeInformer {
    let i = this.informers.get(r.resource);
    if (!i) this.informers.set(r.resource, (i = new FakeInformer(r)));
    return i;
  }

  upsert(resource: string, obj: KObject): void {
    const inf = this.informer({ group: '', version: 'v1', resource });
    const k = keyOf(obj);
    const old = inf.items.get(k);
    const next = clone(obj);
    inf.items.set(k, next);
    if (old) inf.h.update.forEach((f) => f(old, next));
    else inf.h.add.forEach((f) => f(next));
  }

  remove(resource: string, ns: string | undefined, name: string): void {
    const inf = this.informer({ group: '', version: 'v1', resource });
    const k = ns ? `${ns}/${name}` : name;
    const old = inf.items.get(k);
    if (!old) return;
    inf.items.delete(k);
    inf.h.del.forEach((f) => f(old));
  }

  get(resource: string, ns: string | undefined, name: string): KObject | undefined {
    return this.informer({ group: '', version: 'v1', resource }).getByName(ns, name);
  }

  factory(): InformerFactory {
    return { informer: <T extends KObject>(r: GVR) => this.informer(r) as unknown as Informer<T>, start: () => {}, stop: () => {} };
  }

  client(): Client {
    const notFound = () => Object.assign(new Error('not found'), { code: 404 });
    return {
      user: 'system:kube-scheduler',
      async get() {
        throw notFound();
      },
      async list() {
        throw new Error('unused');
      },
      create: async (r, ns, obj, opts) => {
        this.calls.push({ verb: 'create', resource: r.resource, namespace: ns, name: opts?.name ?? obj.metadata.name, body: obj, opts });
        if (r.resource === 'events') {
          this.events.push(clone(obj));
          return obj as never;
        }
        if (r.resource === 'pods' && opts?.subresource === 'binding') {
          if (this.bindDelayMs) await new Promise((res) => setTimeout(res, this.bindDelayMs));
          const pod = this.get('pods', ns, opts.name!);
          if (!pod) throw notFound();
          if (pod.spec.nodeName) throw Object.assign(new Error(`pod ${opts.name} is already assigned to node "${pod.spec.nodeName}"`), { code: 409 });
          this.upsert('pods', { ...pod, spec: { ...pod.spec, nodeName: obj.target.name } });
          return obj as never;
        }
        throw new Error(`unexpected create ${r.resource}`);
      },
      async update() {
        throw new Error('unused');
      },
      async updateStatus() {
        throw new Error('unused');
      },
      patch: async (r, ns, name, type, patch, opts) => {
        this.calls.push({ verb: 'patch', resource: r.resource, namespace: ns, name, body: patch, opts: { type, ...opts } });
        if (r.resource === 'events') {
          const ev = this.events.find((e) => e.metadata.name === name);
          if (!ev) throw notFound();
          Object.assign(ev, patch);
          return ev as never;
        }
        const pod = this.get('pods', ns, name);
        if (!pod) throw notFound();
        const st = (patch as { status: Record<string, unknown> }).status;
        const status = { ...(pod.status ?? {}) };
        for (const [k, v] of Object.entries(st)) {
          if (k !== 'conditions') {
            if (v === null) delete status[k];
            else status[k] = v;
            continue;
          }
          const conds = [...(status.conditions ?? [])];
          for (const c of v as { type: string }[]) {
            const i = conds.findIndex((x: { type: string }) => x.type === c.type);
            if (i >= 0) conds[i] = { ...conds[i], ...c };
            else conds.push(c);
          }
          status.conditions = conds;
        }
        this.upsert('pods', { ...pod, status });
        return pod as never;
      },
      delete: async (r, ns, name, opts) => {
        this.calls.push({ verb: 'delete', resource: r.resource, namespace: ns, name, opts });
        const pod = this.get(r.resource, ns, name);
        if (!pod) throw notFound();
        // graceful: the kubelet finishes the deletion later; tests call remove() for that
        this.upsert(r.resource, { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString() } });
        return pod;
      },
      async deleteCollection() {
        throw new Error('unused');
      },
      watch() {
        throw new Error('unused');
      },
    };
  }
}

/** Polls `cond` until it holds, failing after `timeoutMs`. */
export async function waitFor<T>(cond: () => T | undefined | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
