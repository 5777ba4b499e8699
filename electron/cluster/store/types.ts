// The etcd-like contract the API server stores objects through.
// Keys are laid out as upstream lays out etcd: /registry/<resource>/<namespace>/<name> (group-prefixed where upstream does).

export interface KeyValue {
  key: string;
  /** serialized object (JSON text) */
  value: string;
  createRevision: number;
  modRevision: number;
  /** number of writes to the key since it was (re)created; 1 after create */
  version: number;
}

export interface StoreEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  /** state before this event (absent for a create) */
  prev?: KeyValue;
  /** the revision of this event (== kv.modRevision for put; the delete's own revision for delete) */
  revision: number;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** the store revision the read reflects */
  revision: number;
  /** more keys exist after the last one returned (when limit was given) */
  more: boolean;
  /** total number of keys matching the prefix (ignoring limit/startKey) */
  count: number;
  /** keys matching the prefix after the last one returned (0 without a limit) */
  remaining: number;
}

export class CompactedError extends Error {
  constructor(
    public readonly requested: number,
    public readonly compacted: number,
  ) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
  }
}
export class FutureRevisionError extends Error {}

/** Precondition failure on a transactional write. */
export class StoreConflictError extends Error {
  constructor(
    public readonly key: string,
    public readonly current: KeyValue | undefined,
  ) {
    super(`precondition failed for ${key}`);
  }
}

export interface Watcher {
  /** stop delivering events */
  cancel(): void;
}

export interface Store {
  /** current (last committed) revision */
  revision(): number;
  /** oldest revision a watch can start from (compaction point + 1) */
  compactedRevision(): number;

  get(key: string): KeyValue | undefined;
  /** point-in-time get at an older revision (used for etcd-chapter demos); throws CompactedError */
  getAt(key: string, revision: number): KeyValue | undefined;
  /** keys with `prefix`, sorted by key, starting at startKey (inclusive), at most limit (0 = all) */
  range(prefix: string, opts?: { startKey?: string; limit?: number; revision?: number }): RangeResult;

  /**
   * Resolves once every write made so far is committed to disk; undefined when nothing is pending.
   * Writes are visible in memory at once and committed in groups: acknowledge a write to anyone
   * outside the process only after this.
   */
  whenCommitted(): Promise<void> | undefined;

  /** Create: fails with StoreConflictError if the key exists. */
  create(key: string, value: string): KeyValue;
  /**
   * Update: expectedModRevision (if given) must equal the key's current modRevision, else StoreConflictError.
   * The key must exist.
   */
  update(key: string, value: string, expectedModRevision?: number): KeyValue;
  /** Delete; expectedModRevision as for update. Returns the deleted KeyValue (with the delete's revision). */
  delete(key: string, expectedModRevision?: number): { deleted: KeyValue; revision: number };
  /**
   * Several puts/deletes in one transaction with one revision each, committed atomically (e.g. namespace cleanup).
   * Each op's expectedModRevision is checked before anything is written.
   */
  txn(
    ops: (
      | { op: 'create'; key: string; value: string }
      | { op: 'update'; key: string; value: string; expectedModRevision?: number }
      | { op: 'delete'; key: string; expectedModRevision?: number }
    )[],
  ): StoreEvent[];

  /**
   * Watch keys under prefix, delivering events with revision > fromRevision in revision order
   * (fromRevision = current revision to see only new changes). Throws CompactedError when fromRevision < compactedRevision()-1.
   * Events are delivered asynchronously (microtask/next tick), never re-entrantly inside a write call.
   */
  watch(prefix: string, fromRevision: number, onEvents: (events: StoreEvent[]) => void): Watcher;

  /** drop history up to (not including) the latest version of each key older than `revision` */
  compact(revision: number): void;
  /** history kept: the store compacts automatically, keeping at least this many revisions */
  readonly retainRevisions: number;
  /**
   * etcd's defrag: gives the space compaction freed back to the file system (the database file shrinks to
   * the pages in use). Compaction alone only marks pages free, as bbolt's free list does.
   */
  defragment(): void;
  /**
   * the database's size as etcd reports it: `size` counts every page, free ones included (etcd's dbSize, which only
   * defragment lowers); `inUse` the pages holding data (dbSizeInUse, which compaction lowers)
   */
  dbSize(): { size: number; inUse: number };

  close(): void;
}
