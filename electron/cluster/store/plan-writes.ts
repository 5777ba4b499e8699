// Turns a list of write ops into history rows and events without touching anything, so that
// a failed precondition anywhere in a txn leaves the store untouched.

import type { HistoryRow } from './history-db';
import { StoreConflictError, type KeyValue, type Store, type StoreEvent } from './types';

export type WriteOp = Parameters<Store['txn']>[0][number];

export interface WritePlan {
  rows: HistoryRow[];
  events: StoreEvent[];
  /** final state per touched key (undefined = deleted) */
  finalState: Map<string, KeyValue | undefined>;
}

/**
 * Each op sees the effect of the ops before it in the same txn (create then update works),
 * and gets the next revision after `currentRevision`.
 */
export function planWrites(ops: readonly WriteOp[], currentRevision: number, lookup: (key: string) => KeyValue | undefined): WritePlan {
  const finalState = new Map<string, KeyValue | undefined>();
  const stateOf = (key: string) => (finalState.has(key) ? finalState.get(key) : lookup(key));
  const rows: HistoryRow[] = [];
  const events: StoreEvent[] = [];
  let rev = currentRevision;

  for (const op of ops) {
    const current = stateOf(op.key);
    rev += 1;
    if (op.op === 'create') {
      if (current) throw new StoreConflictError(op.key, current);
      const kv = keyValue(op.key, op.value, rev, rev, 1);
      rows.push({ rev, key: op.key, value: op.value, create_rev: rev, version: 1, type: 'put' });
      events.push({ type: 'put', kv, revision: rev });
      finalState.set(op.key, kv);
      continue;
    }
    if (!current || (op.expectedModRevision !== undefined && op.expectedModRevision !== current.modRevision)) {
      throw new StoreConflictError(op.key, current);
    }
    if (op.op === 'update') {
      const kv = keyValue(op.key, op.value, current.createRevision, rev, current.version + 1);
      rows.push({ rev, key: op.key, value: op.value, create_rev: kv.createRevision, version: kv.version, type: 'put' });
      events.push({ type: 'put', kv, prev: current, revision: rev });
      finalState.set(op.key, kv);
    } else {
      // The tombstone shows the object as it was, stamped with the delete's revision, which is
      // what a DELETED watch event carries as its resourceVersion.
      const kv = keyValue(op.key, current.value, current.createRevision, rev, current.version);
      rows.push({ rev, key: op.key, value: current.value, create_rev: kv.createRevision, version: kv.version, type: 'delete' });
      events.push({ type: 'delete', kv, prev: current, revision: rev });
      finalState.set(op.key, undefined);
    }
  }
  return { rows, events, finalState };
}

function keyValue(key: string, value: string, createRevision: number, modRevision: number, version: number): KeyValue {
  return Object.freeze({ key, value, createRevision, modRevision, version });
}
