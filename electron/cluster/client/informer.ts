// List+watch caches like client-go's shared informers: one list, then a watch from its resourceVersion;
// on 410 Expired (or any watch end) they relist and emit the differences.
import type { GVR, KObject } from '../api/types';
import type { Client, Informer, InformerFactory } from './types';
import { objectKey } from './types';

type Handlers<T> = { add: ((o: T) => void)[]; update: ((a: T, b: T) => void)[]; del: ((o: T) => void)[] };

class ListWatchInformer<T extends KObject> implements Informer<T> {
  private items = new Map<string, T>();
  private handlers: Handlers<T> = { add: [], update: [], del: [] };
  private indexers = new Map<string, (o: T) => string[]>();
  private indexes = new Map<string, Map<string, Set<string>>>();
  private syncedFlag = false;
  private syncWaiters: (() => void)[] = [];
  private stopped = true;
  private handle?: { stop(): void };
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private client: Client,
    readonly gvr: GVR,
    private namespace?: string,
    private selectors: InformerSelectors = {},
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.listAndWatch();
  }
  stop(): void {
    this.stopped = true;
    this.handle?.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private async listAndWatch(): Promise<void> {
    if (this.stopped) return;
    let rv: string;
    try {
      const l = await this.client.list<T>(this.gvr, this.namespace, { ...this.selectors });
      rv = l.metadata.resourceVersion ?? '';
      const seen = new Set<string>();
      for (const o of l.items) {
        const k = objectKey(o);
        seen.add(k);
        this.upsert(k, o);
      }
      for (const [k, o] of [...this.items]) if (!seen.has(k)) this.remove(k, o);
    } catch {
      if (!this.stopped) this.retry(1000);
      return;
    }
    if (!this.syncedFlag) {
      this.syncedFlag = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    if (this.stopped) return;
    this.handle = this.client.watch<T>(
      this.gvr,
      this.namespace,
      { ...this.selectors, resourceVersion: rv, allowWatchBookmarks: true },
      (ev) => {
        if (ev.type === 'BOOKMARK') return;
        const k = objectKey(ev.object);
        if (ev.type === 'DELETED') {
          const old = this.items.get(k);
          if (old) this.remove(k, ev.object);
        } else this.upsert(k, ev.object);
      },
      () => {
        // relist after an expired or closed watch, like a reflector
        if (!this.stopped) this.retry(50);
      },
    );
  }

  private retry(ms: number): void {
    this.retryTimer = setTimeout(() => void this.listAndWatch(), ms);
    this.retryTimer.unref();
  }

  private upsert(k: string, o: T): void {
    const old = this.items.get(k);
    if (old && old.metadata.resourceVersion === o.metadata.resourceVersion) return;
    this.items.set(k, o);
    this.reindex(k, old, o);
    if (old) for (const h of this.handlers.update) safe(() => h(old, o));
    else for (const h of this.handlers.add) safe(() => h(o));
  }
  private remove(k: string, last: T): void {
    const old = this.items.get(k);
    this.items.delete(k);
    this.reindex(k, old, undefined);
    for (const h of this.handlers.del) safe(() => h(last));
  }
  private reindex(k: string, old: T | undefined, next: T | undefined): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indexes.get(name)!;
      if (old) for (const v of fn(old)) idx.get(v)?.delete(k);
      if (next)
        for (const v of fn(next)) {
          let s = idx.get(v);
          if (!s) idx.set(v, (s = new Set()));
          s.add(k);
        }
    }
  }

  synced(): Promise<void> {
    return this.syncedFlag ? Promise.resolve() : new Promise((r) => this.syncWaiters.push(r));
  }
  hasSynced(): boolean {
    return this.syncedFlag;
  }
  get(key: string): T | undefined {
    return this.items.get(key);
  }
  getByName(ns: string | undefined, name: string): T | undefined {
    return this.items.get(ns ? `${ns}/${name}` : name);
  }
  list(ns?: string): T[] {
    const all = [...this.items.values()];
    return ns ? all.filter((o) => o.metadata.namespace === ns) : all;
  }
  onAdd(fn: (o: T) => void): void {
    this.handlers.add.push(fn);
  }
  onUpdate(fn: (a: T, b: T) => void): void {
    this.handlers.update.push(fn);
  }
  onDelete(fn: (o: T) => void): void {
    this.handlers.del.push(fn);
  }
  addIndex(name: string, fn: (o: T) => string[]): void {
    this.indexers.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indexes.set(name, idx);
    for (const [k, o] of this.items)
      for (const v of fn(o)) {
        let s = idx.get(v);
        if (!s) idx.set(v, (s = new Set()));
        s.add(k);
      }
  }
  byIndex(name: string, value: string): T[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    process.stderr.write(`informer handler failed: ${(err as Error).stack}\n`);
  }
}

/** a field/label selector narrowing what an informer lists and watches (a kubelet's pods: spec.nodeName=<node>) */
export interface InformerSelectors {
  fieldSelector?: string;
  labelSelector?: string;
}

/** an informer of its own, outside any factory: for a filtered view that only one component needs */
export function createInformer<T extends KObject>(
  client: Client,
  r: GVR,
  namespace?: string,
  selectors?: InformerSelectors,
): Informer<T> & { start(): void; stop(): void } {
  return new ListWatchInformer<T>(client, r, namespace, selectors);
}

/** Informers are shared per resource (and namespace), as one list+watch serves every component that asks. */
export function createInformerFactory(client: Client): InformerFactory {
  const informers = new Map<string, ListWatchInformer<any>>();
  let started = false;
  return {
    informer<T extends KObject>(r: GVR, namespace?: string): Informer<T> {
      const k = `${r.group}/${r.version}/${r.resource}/${namespace ?? ''}`;
      let inf = informers.get(k);
      if (!inf) {
        inf = new ListWatchInformer<T>(client, r, namespace);
        informers.set(k, inf);
        if (started) inf.start();
      }
      return inf as Informer<T>;
    },
    start() {
      started = true;
      for (const i of informers.values()) i.start();
    },
    stop() {
      started = false;
      for (const i of informers.values()) i.stop();
    },
  };
}
