// The etcd-like MVCC store: SQLite holds the history, memory holds the current state.
// Reads of the current state never touch SQLite. Writes update memory at once and join a group
// commit that runs once per event-loop turn (one SQLite transaction for every write of the turn);
// watchers are notified only after that commit, and the API server answers a write only once
// `whenCommitted()` has resolved, so nothing outside the process ever sees an uncommitted revision.

import { HistoryDb, type HistoryRow, replayEvents, rowToKeyValue } from './history-db';
import { planWrites, type WriteOp } from './plan-writes';
import { SortedKeys, compareKeys } from './sorted-keys';
import { CompactedError, FutureRevisionError, type KeyValue, type RangeResult, type Store, type StoreEvent, type Watcher } from './types';
import { WatchHub } from './watch-hub';

export interface OpenStoreOptions {
  /** SQLite file, or ':memory:' for a throwaway store */
  path: string | ':memory:';
  /** history kept by automatic compaction (default 10000 revisions) */
  retainRevisions?: number;
  /** how often automatic compaction runs (default 60000 ms; 0 = only when history doubles) */
  compactEveryMs?: number;
}

const DEFAULT_RETAIN = 10_000;
const DEFAULT_COMPACT_EVERY_MS = 60_000;
/** etcd's empty store is at revision 1, so the first write gets revision 2 */
const EMPTY_REVISION = 1;

export function openStore(opts: OpenStoreOptions): Store {
  return new SqliteStore(opts);
}

class SqliteStore implements Store {
  readonly retainRevisions: number;
  private readonly db: HistoryDb;
  private readonly current = new Map<string, KeyValue>();
  private readonly keys = new SortedKeys();
  private readonly hub = new WatchHub(() => this.commitPending());
  /** rows written to memory but not yet committed to SQLite, in revision order */
  private pending: HistoryRow[] = [];
  private commitScheduled: NodeJS.Immediate | undefined;
  private committed: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | undefined;
  /** set when a commit failed: memory is ahead of disk, so the store refuses everything from then on */
  private failure: Error | undefined;
  private rev: number;
  /** oldest revision still readable / replayable (etcd's compact revision) */
  private compacted: number;
  private readonly timer: NodeJS.Timeout | undefined;
  private compactionQueued = false;
  private closed = false;

  constructor(opts: OpenStoreOptions) {
    this.retainRevisions = Math.max(1, Math.floor(opts.retainRevisions ?? DEFAULT_RETAIN));
    this.db = new HistoryDb(opts.path);
    const latest = this.db.loadLatest();
    for (const kv of latest) this.current.set(kv.key, Object.freeze(kv));
    this.keys.load(latest.map((kv) => kv.key));
    this.compacted = this.db.getMeta('compacted') ?? EMPTY_REVISION;
    this.rev = Math.max(EMPTY_REVISION, this.db.maxRevision(), this.compacted);

    const every = opts.compactEveryMs ?? DEFAULT_COMPACT_EVERY_MS;
    if (every > 0) {
      this.timer = setInterval(() => this.autoCompact(), every);
      this.timer.unref();
    }
  }

  revision(): number {
    return this.rev;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  get(key: string): KeyValue | undefined {
    return this.current.get(key);
  }

  getAt(key: string, revision: number): KeyValue | undefined {
    this.checkReadable(revision);
    if (revision === this.rev) return this.current.get(key);
    const row = this.db.rowAt(key, revision);
    return row && row.type === 'put' ? rowToKeyValue(row) : undefined;
  }

  range(prefix: string, opts: { startKey?: string; limit?: number; revision?: number } = {}): RangeResult {
    const { startKey = '', limit = 0, revision } = opts;
    if (revision !== undefined && revision !== this.rev) return this.rangeAt(prefix, startKey, limit, revision);
    const { keys, more, count, remaining } = this.keys.range(prefix, startKey, limit);
    return { kvs: keys.map((k) => this.current.get(k)!), revision: this.rev, more, count, remaining };
  }

  create(key: string, value: string): KeyValue {
    return this.write([{ op: 'create', key, value }])[0].kv;
  }

  update(key: string, value: string, expectedModRevision?: number): KeyValue {
    return this.write([{ op: 'update', key, value, expectedModRevision }])[0].kv;
  }

  delete(key: string, expectedModRevision?: number): { deleted: KeyValue; revision: number } {
    const [event] = this.write([{ op: 'delete', key, expectedModRevision }]);
    return { deleted: event.kv, revision: event.revision };
  }

  txn(ops: WriteOp[]): StoreEvent[] {
    return ops.length === 0 ? [] : this.write(ops);
  }

  whenCommitted(): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.length === 0) return undefined;
    if (!this.committed) {
      let resolve!: () => void, reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.committed = { promise, resolve, reject };
    }
    return this.committed.promise;
  }

  watch(prefix: string, fromRevision: number, onEvents: (events: StoreEvent[]) => void): Watcher {
    this.assertOpen();
    this.commitPending();
    if (fromRevision < this.compacted - 1) throw new CompactedError(fromRevision, this.compacted);
    const replay = fromRevision < this.rev ? replayEvents(this.db, prefix, fromRevision, this.rev) : [];
    return this.hub.add(prefix, fromRevision, replay, onEvents);
  }

  compact(revision: number): void {
    this.assertOpen();
    this.commitPending();
    if (revision > this.rev) throw new FutureRevisionError(`cannot compact to revision ${revision}: current revision is ${this.rev}`);
    if (revision <= this.compacted) return;
    this.db.compact(revision);
    this.compacted = revision;
  }

  defragment(): void {
    this.assertOpen();
    this.commitPending();
    this.db.vacuum();
  }

  dbSize(): { size: number; inUse: number } {
    this.assertOpen();
    this.commitPending();
    return this.db.sizes();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (!this.failure) this.commitPending();
    this.hub.close();
    this.db.close();
  }

  private write(ops: WriteOp[]): StoreEvent[] {
    this.assertOpen();
    const plan = planWrites(ops, this.rev, (key) => this.current.get(key));
    for (const row of plan.rows) this.pending.push(row);
    this.commitScheduled ??= setImmediate(() => this.commitPending());
    for (const [key, kv] of plan.finalState) {
      if (kv) {
        if (!this.current.has(key)) this.keys.insert(key);
        this.current.set(key, kv);
      } else if (this.current.delete(key)) {
        this.keys.remove(key);
      }
    }
    this.rev += plan.rows.length;
    this.hub.publish(plan.events);
    this.maybeQueueCompaction();
    return plan.events;
  }

  /** Commits every pending row in one transaction and resolves the writers waiting on it. */
  private commitPending(): void {
    if (this.commitScheduled) {
      clearImmediate(this.commitScheduled);
      this.commitScheduled = undefined;
    }
    if (this.pending.length === 0 || this.failure) return;
    const rows = this.pending,
      waiting = this.committed;
    this.pending = [];
    this.committed = undefined;
    try {
      this.db.append(rows);
    } catch (err) {
      this.failure = new Error(`store commit failed, refusing further requests: ${(err as Error).message}`);
      waiting?.reject(this.failure);
      console.error(this.failure.message);
      return;
    }
    waiting?.resolve();
  }

  /** Without this, a write burst between timer ticks could grow history without bound. */
  private maybeQueueCompaction(): void {
    if (this.compactionQueued || this.rev - this.compacted < 2 * this.retainRevisions) return;
    this.compactionQueued = true;
    setImmediate(() => {
      this.compactionQueued = false;
      this.autoCompact();
    });
  }

  private autoCompact(): void {
    if (this.closed) return;
    const target = this.rev - this.retainRevisions + 1;
    if (target > this.compacted) this.compact(target);
  }

  private rangeAt(prefix: string, startKey: string, limit: number, revision: number): RangeResult {
    this.checkReadable(revision);
    const all = this.db
      .rangeAt(prefix, revision)
      .map(rowToKeyValue)
      .sort((a, b) => compareKeys(a.key, b.key));
    const fromKey = startKey > prefix ? startKey : prefix;
    const from = all.findIndex((kv) => kv.key >= fromKey);
    const start = from < 0 ? all.length : from;
    const end = limit > 0 ? Math.min(start + limit, all.length) : all.length;
    return { kvs: all.slice(start, end), revision, more: end < all.length, count: all.length, remaining: all.length - end };
  }

  private checkReadable(revision: number): void {
    this.assertOpen();
    this.commitPending();
    if (revision > this.rev) throw new FutureRevisionError(`revision ${revision} is in the future (current revision ${this.rev})`);
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
    if (this.failure) throw this.failure;
  }
}
