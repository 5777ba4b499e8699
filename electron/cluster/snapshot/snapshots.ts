// Named snapshots of the cluster's state, kept in <data-dir>/snapshots: every stored object (cluster-scoped ones and
// the Node objects with their labels, taints and cordons included) and each simulated node's power state.
// Restoring writes the difference back as one store transaction, so watchers (controllers, kubelets, kubectl
// get -w) see ordinary ADDED/MODIFIED/DELETED events with new revisions — the store's history stays append-only.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/types';
import type { Registry } from '../apiserver/registry';
import type { Catalog, ResourceEntry } from '../apiserver/catalog';
import type { KObject } from '../api/types';
import { errBadRequest, errNotFound } from '../api/errors';
import { isVolatileKey, planRestore, type CurrentKey, type RestoreOp, type RestorePlan } from './restore-plan';

export interface SnapshotInfo {
  name: string;
  takenAt: string;
  /** the store revision the snapshot reflects */
  revision: number;
  objects: number;
  /** free-form labels of whoever took it (the lab engine records the lab) */
  labels: Record<string, string>;
}
export interface RestoreResult {
  name: string;
  revision: number;
  created: number;
  updated: number;
  deleted: number;
  /** the first keys of objects brought back and removed (what "created"/"deleted" counted) */
  keys: { created: string[]; deleted: string[] };
  nodesPowered: string[];
  ms: number;
}

interface SnapshotFile extends SnapshotInfo {
  kvs: Record<string, string>;
  powered: Record<string, boolean>;
}

/** the node power switch the snapshot records (the kubelets' simulated machines) */
export interface NodePower {
  names(): string[];
  isRunning(name: string): boolean;
  powerOff(name: string): Promise<void>;
  powerOn(name: string): Promise<void>;
}

const NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;
const RESOURCE = { group: 'kubelab.io', resource: 'snapshots' };

export class Snapshots {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private store: Store,
    private registry: Registry,
    private catalog: Catalog,
    private nodes: () => NodePower | undefined,
  ) {
    this.dir = join(dataDir, 'snapshots');
  }

  private file(name: string): string {
    if (!NAME.test(name)) throw errBadRequest(`invalid snapshot name "${name}": a lowercase RFC 1123 subdomain of at most 63 characters is required`);
    return join(this.dir, `${name}.json`);
  }

  private read(name: string): SnapshotFile {
    const f = this.file(name);
    if (!existsSync(f)) throw errNotFound(RESOURCE.group, RESOURCE.resource, name);
    return JSON.parse(readFileSync(f, 'utf8')) as SnapshotFile;
  }

  private static info(s: SnapshotFile): SnapshotInfo {
    return { name: s.name, takenAt: s.takenAt, revision: s.revision, objects: s.objects, labels: s.labels };
  }

  list(): SnapshotInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => Snapshots.info(this.read(f.slice(0, -5))))
      .sort((a, b) => a.takenAt.localeCompare(b.takenAt));
  }

  get(name: string): SnapshotInfo {
    return Snapshots.info(this.read(name));
  }

  take(name: string, labels: Record<string, string> = {}): SnapshotInfo {
    const f = this.file(name);
    const r = this.store.range('/registry/');
    const kvs: Record<string, string> = {};
    for (const kv of r.kvs) if (!isVolatileKey(kv.key)) kvs[kv.key] = kv.value;
    const nodes = this.nodes();
    const powered = Object.fromEntries((nodes?.names() ?? []).map((n) => [n, nodes!.isRunning(n)]));
    const snap: SnapshotFile = { name, takenAt: new Date().toISOString(), revision: r.revision, objects: Object.keys(kvs).length, labels, kvs, powered };
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${f}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(snap), { mode: 0o600 });
    renameSync(tmp, f);
    return Snapshots.info(snap);
  }

  delete(name: string): SnapshotInfo {
    const s = this.read(name);
    rmSync(this.file(name), { force: true });
    return Snapshots.info(s);
  }

  async restore(name: string): Promise<RestoreResult> {
    const t0 = performance.now();
    const snap = this.read(name);
    const { ops, created, updated, deleted } = await this.apply(new Map(Object.entries(snap.kvs)));
    const nodesPowered = await this.restorePower(snap.powered);
    return { name, revision: this.store.revision(), created, updated, deleted, keys: changedKeys(ops), nodesPowered, ms: Math.round(performance.now() - t0) };
  }

  /**
   * The store's keys become `kvs` (an etcd data dir put into service: every key, /registry/ or not): the same plan as
   * a restore for the API's objects, written as one transaction; other keys are put or deleted as they are.
   */
  async replaceKeys(kvs: ReadonlyMap<string, string>): Promise<RestorePlan> {
    const others: RestoreOp[] = [];
    for (const kv of this.store.range('').kvs) {
      if (kv.key.startsWith('/registry/')) continue;
      const want = kvs.get(kv.key);
      if (want === undefined) others.push({ op: 'delete', key: kv.key, expectedModRevision: kv.modRevision });
      else if (want !== kv.value) others.push({ op: 'update', key: kv.key, value: want, expectedModRevision: kv.modRevision });
    }
    for (const [key, value] of kvs) if (!key.startsWith('/registry/') && !this.store.get(key)) others.push({ op: 'create', key, value });
    return this.apply(new Map([...kvs].filter(([k]) => k.startsWith('/registry/'))), others);
  }

  /** writes the plan back to `registry` (the /registry/ keys) plus `extra` ops, then the registry's after-write hooks */
  private async apply(registry: Map<string, string>, extra: RestoreOp[] = []): Promise<RestorePlan> {
    // read and write in one synchronous stretch: no other write can slip in between
    const current = new Map<string, CurrentKey>();
    for (const kv of this.store.range('/registry/').kvs) current.set(kv.key, { value: kv.value, modRevision: kv.modRevision });
    const plan = planRestore(registry, current);
    const ops = [...plan.ops, ...extra];
    const events = ops.length ? this.store.txn(ops) : [];
    // what the registry would have done after the same writes through the API (CRDs served again or no longer)
    const entries = this.entriesByPrefix();
    for (const ev of events) {
      const e = entryOf(entries, ev.kv.key);
      if (!e) continue;
      const obj = ev.type === 'put' ? this.registry.decode(e, ev.kv) : undefined;
      const old = ev.prev ? (JSON.parse(ev.prev.value) as KObject) : undefined;
      this.registry.afterStoreWrite(e, obj, old);
    }
    await this.store.whenCommitted();
    return { ...plan, ops };
  }

  /** a node powered off or on since the snapshot is switched back (its kubelet stops or resumes at once) */
  private async restorePower(powered: Record<string, boolean>): Promise<string[]> {
    const nodes = this.nodes();
    if (!nodes) return [];
    const changed: string[] = [];
    for (const n of nodes.names()) {
      const want = powered[n];
      if (want === undefined || want === nodes.isRunning(n)) continue;
      await (want ? nodes.powerOn(n) : nodes.powerOff(n));
      changed.push(n);
    }
    return changed;
  }

  private entriesByPrefix(): ResourceEntry[] {
    return this.catalog.storageEntries().sort((a, b) => b.prefix.length - a.prefix.length);
  }
}

function entryOf(entries: ResourceEntry[], key: string): ResourceEntry | undefined {
  return entries.find((e) => key.startsWith(`${e.prefix}/`));
}

/** keys a restore created or deleted outright (a key deleted and written again is an update), at most 20 of each */
function changedKeys(ops: RestoreOp[]): { created: string[]; deleted: string[] } {
  const byKey = new Map<string, Set<string>>();
  for (const o of ops) byKey.set(o.key, (byKey.get(o.key) ?? new Set()).add(o.op));
  const only = (op: string) =>
    [...byKey]
      .filter(([, s]) => s.size === 1 && s.has(op))
      .map(([k]) => k)
      .slice(0, 20);
  return { created: only('create'), deleted: only('delete') };
}
