// SQLite persistence for the store: one row per revision, plus a tiny meta table.
// Everything the store serves from memory is rebuilt from here on open; the history rows
// also back watch replay and point-in-time reads.

import Database from 'better-sqlite3';
import type { KeyValue, StoreEvent } from './types';

export type RowType = 'put' | 'delete';

/**
 * One revision. A delete row carries the value/createRevision/version the key had just before
 * it was deleted, so a replayed delete event can show the object that went away.
 */
export interface HistoryRow {
  rev: number;
  key: string;
  value: string;
  create_rev: number;
  version: number;
  type: RowType;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS history (
  rev        INTEGER PRIMARY KEY,
  key        TEXT    NOT NULL,
  value      TEXT    NOT NULL,
  create_rev INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  type       TEXT    NOT NULL CHECK (type IN ('put', 'delete'))
);
CREATE INDEX IF NOT EXISTS history_key_rev ON history (key, rev);
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

const COLUMNS = 'rev, key, value, create_rev, version, type';

export class HistoryDb {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly insertAll: (rows: HistoryRow[]) => void;

  constructor(path: string) {
    this.db = new Database(path);
    // WAL + NORMAL: a commit is a write() into the WAL file, so it survives the process being
    // killed (the OS still holds the page); only an OS crash/power loss could drop the tail.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.stmts = {
      // positional parameters: binding by name costs a property lookup per column per row
      insert: this.db.prepare(`INSERT INTO history (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`),
      maxRev: this.db.prepare('SELECT MAX(rev) AS rev FROM history').pluck(),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE name = ?').pluck(),
      setMeta: this.db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      // Latest row per key; the (key, rev) index makes this one ordered index scan.
      latest: this.db.prepare(
        `SELECT h.key, h.value, h.create_rev, h.rev, h.version FROM history h
         JOIN (SELECT key, MAX(rev) AS rev FROM history GROUP BY key) m ON h.rev = m.rev
         WHERE h.type = 'put'`,
      ),
      latestAt: this.db.prepare(`SELECT ${COLUMNS} FROM history WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1`),
      rangeAt: this.db.prepare(
        `SELECT h.${COLUMNS.split(', ').join(', h.')} FROM history h
         JOIN (SELECT key, MAX(rev) AS rev FROM history
               WHERE rev <= @rev AND substr(key, 1, length(@prefix)) = @prefix GROUP BY key) m
           ON h.rev = m.rev
         WHERE h.type = 'put'`,
      ),
      after: this.db.prepare(
        `SELECT ${COLUMNS} FROM history
         WHERE rev > @after AND rev <= @upTo AND substr(key, 1, length(@prefix)) = @prefix ORDER BY rev`,
      ),
      // The state just before a replay window of every key the window touches, in one pass
      // instead of one lookup per key.
      before: this.db.prepare(
        `SELECT h.${COLUMNS.split(', ').join(', h.')} FROM history h
         JOIN (SELECT key, MAX(rev) AS rev FROM history
               WHERE rev <= @after AND key IN (
                 SELECT key FROM history
                 WHERE rev > @after AND rev <= @upTo AND substr(key, 1, length(@prefix)) = @prefix)
               GROUP BY key) m
           ON h.rev = m.rev`,
      ),
      // Keep, below the compaction revision, only each key's latest row, and drop it too if it
      // is a tombstone: nothing at or after the compaction revision can need older states.
      compact: this.db.prepare(
        `DELETE FROM history WHERE rev < @rev AND (type = 'delete' OR EXISTS (
           SELECT 1 FROM history newer WHERE newer.key = history.key AND newer.rev > history.rev AND newer.rev < @rev))`,
      ),
    };
    this.insertAll = this.db.transaction((rows: HistoryRow[]) => {
      for (const r of rows) this.stmts.insert.run(r.rev, r.key, r.value, r.create_rev, r.version, r.type);
    });
  }

  /** Append rows in one transaction; returns once it has committed. */
  append(rows: HistoryRow[]): void {
    this.insertAll(rows);
  }

  maxRevision(): number {
    return (this.stmts.maxRev.get() as number | null) ?? 0;
  }

  getMeta(name: string): number | undefined {
    return this.stmts.getMeta.get(name) as number | undefined;
  }

  /** Current state of every live key (in key order in practice, but callers must not rely on it). */
  loadLatest(): KeyValue[] {
    const rows = this.stmts.latest.raw().all() as [string, string, number, number, number][];
    return rows.map(([key, value, createRevision, modRevision, version]) => ({
      key,
      value,
      createRevision,
      modRevision,
      version,
    }));
  }

  /** The key's last row at or before `rev` (tombstones included). */
  rowAt(key: string, rev: number): HistoryRow | undefined {
    return this.stmts.latestAt.get(key, rev) as HistoryRow | undefined;
  }

  /** Live keys under `prefix` as of `rev`, unordered. */
  rangeAt(prefix: string, rev: number): HistoryRow[] {
    return this.stmts.rangeAt.all({ prefix, rev }) as HistoryRow[];
  }

  /** Rows for keys under `prefix` with after < rev <= upTo, in revision order. */
  rowsAfter(prefix: string, after: number, upTo: number): HistoryRow[] {
    return this.stmts.after.all({ prefix, after, upTo }) as HistoryRow[];
  }

  /** For keys under `prefix` written in (after, upTo]: their last row at or before `after`. */
  rowsBefore(prefix: string, after: number, upTo: number): HistoryRow[] {
    return this.stmts.before.all({ prefix, after, upTo }) as HistoryRow[];
  }

  /** Drop history older than `rev` (see the statement) and record the compaction point, atomically. */
  compact(rev: number): number {
    return this.db.transaction(() => {
      const removed = this.stmts.compact.run({ rev }).changes;
      this.stmts.setMeta.run('compacted', rev);
      return removed;
    })();
  }

  /**
   * Rewrites the file without its free pages. VACUUM goes through the write-ahead log, so the log is checkpointed
   * and truncated afterwards: otherwise the freed space would only move from the database file into the log.
   */
  vacuum(): void {
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * The database's pages, and those not on the free list, in bytes. Pages committed to the write-ahead log but not
   * yet copied back count where they belong: the log is how SQLite writes, not a second copy of the data.
   */
  sizes(): { size: number; inUse: number } {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const page = this.db.pragma('page_size', { simple: true }) as number;
    return { size: pages * page, inUse: (pages - free) * page };
  }

  close(): void {
    this.db.close();
  }
}

export function rowToKeyValue(row: HistoryRow): KeyValue {
  return Object.freeze({
    key: row.key,
    value: row.value,
    createRevision: row.create_rev,
    modRevision: row.rev,
    version: row.version,
  });
}

/** Events for keys under `prefix` with after < revision <= upTo, each with the state before it. */
export function replayEvents(db: HistoryDb, prefix: string, after: number, upTo: number): StoreEvent[] {
  const rows = db.rowsAfter(prefix, after, upTo);
  if (rows.length === 0) return [];
  const state = new Map<string, KeyValue | undefined>();
  for (const row of db.rowsBefore(prefix, after, upTo)) state.set(row.key, row.type === 'put' ? rowToKeyValue(row) : undefined);
  const events: StoreEvent[] = [];
  for (const row of rows) {
    const prev = state.get(row.key);
    const kv = rowToKeyValue(row);
    events.push(prev ? { type: row.type, kv, prev, revision: row.rev } : { type: row.type, kv, revision: row.rev });
    state.set(row.key, row.type === 'put' ? kv : undefined);
  }
  return events;
}
