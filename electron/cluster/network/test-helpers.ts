// A list+index cache a test feeds by hand, with the informer's order (index first, then handlers).
import type { Informer } from '../client/types';
import type { GVR, KObject } from '../api/types';

/** a list+index cache fed by the test, with the informer's handler order (index first, then handlers) */
export class MemInformer implements Informer {
  private readonly items = new Map<string, KObject>();
  private readonly idx = new Map<string, (o: KObject) => string[]>();
  private readonly h = { add: [] as ((o: KObject) => void)[], update: [] as ((a: KObject, b: KObject) => void)[], del: [] as ((o: KObject) => void)[] };
  constructor(readonly gvr: GVR) {}
  synced() {
    return Promise.resolve();
  }
  hasSynced() {
    return true;
  }
  get(k: string) {
    return this.items.get(k);
  }
  getByName(ns: string | undefined, name: string) {
    return this.items.get(`${ns}/${name}`);
  }
  list() {
    return [...this.items.values()];
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
  addIndex(name: string, fn: (o: KObject) => string[]) {
    this.idx.set(name, fn);
  }
  byIndex(name: string, v: string) {
    const fn = this.idx.get(name)!;
    return this.list().filter((o) => fn(o).includes(v));
  }
  put(o: KObject) {
    const k = `${o.metadata.namespace}/${o.metadata.name}`;
    const old = this.items.get(k);
    this.items.set(k, o);
    if (old) this.h.update.forEach((f) => f(old, o));
    else this.h.add.forEach((f) => f(o));
  }
}
