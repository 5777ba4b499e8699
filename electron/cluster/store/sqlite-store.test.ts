import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from './sqlite-store';
import { tempDir } from './test-helpers';
import { CompactedError, FutureRevisionError, StoreConflictError, type Store } from './types';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function memStore(opts: { retainRevisions?: number } = {}): Store {
  const s = openStore({ path: ':memory:', compactEveryMs: 0, ...opts });
  cleanups.push(() => s.close());
  return s;
}

function conflictOf(fn: () => unknown): StoreConflictError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreConflictError) return err;
    throw err;
  }
  throw new Error('expected a StoreConflictError');
}

describe('revisions and versions', () => {
  it('tracks create/mod revisions and versions across create, update, delete and re-create', () => {
    const s = memStore();
    expect(s.revision()).toBe(1);
    expect(s.create('/k', 'v1')).toEqual({ key: '/k', value: 'v1', createRevision: 2, modRevision: 2, version: 1 });
    expect(s.update('/k', 'v2')).toEqual({ key: '/k', value: 'v2', createRevision: 2, modRevision: 3, version: 2 });
    expect(s.create('/other', 'x').modRevision).toBe(4);
    expect(s.update('/k', 'v3', 3)).toMatchObject({ createRevision: 2, modRevision: 5, version: 3 });
    const del = s.delete('/k', 5);
    expect(del.revision).toBe(6);
    expect(del.deleted).toMatchObject({ key: '/k', value: 'v3', createRevision: 2, modRevision: 6, version: 3 });
    expect(s.get('/k')).toBeUndefined();
    expect(s.create('/k', 'again')).toEqual({ key: '/k', value: 'again', createRevision: 7, modRevision: 7, version: 1 });
    expect(s.revision()).toBe(7);
  });

  it('reports conflicts with the current state and writes nothing', () => {
    const s = memStore();
    const kv = s.create('/k', 'v1');
    s.update('/k', 'v2');

    const exists = conflictOf(() => s.create('/k', 'x'));
    expect(exists.key).toBe('/k');
    expect(exists.current).toMatchObject({ value: 'v2', modRevision: 3 });

    expect(conflictOf(() => s.update('/k', 'stale', kv.modRevision)).current?.modRevision).toBe(3);
    expect(conflictOf(() => s.delete('/k', kv.modRevision)).current?.value).toBe('v2');
    expect(conflictOf(() => s.update('/missing', 'x')).current).toBeUndefined();
    expect(conflictOf(() => s.delete('/missing')).current).toBeUndefined();

    expect(s.revision()).toBe(3);
    expect(s.get('/k')).toMatchObject({ value: 'v2', version: 2 });
  });

  it('returns frozen KeyValues so callers cannot corrupt the index', () => {
    const s = memStore();
    const kv = s.create('/k', 'v');
    expect(Object.isFrozen(kv)).toBe(true);
    expect(s.get('/k')).toBe(kv);
  });
});

describe('range', () => {
  function seeded(): Store {
    const s = memStore();
    for (const name of ['c', 'a', 'e', 'b', 'd']) s.create(`/registry/pods/default/${name}`, name);
    s.create('/registry/pods/kube-system/dns', 'dns');
    s.create('/registry/podtemplates/default/t', 't');
    return s;
  }

  it('lists a prefix in key order with revision and count', () => {
    const s = seeded();
    const r = s.range('/registry/pods/default/');
    expect(r.kvs.map((kv) => kv.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r).toMatchObject({ revision: 8, more: false, count: 5 });
    expect(s.range('/registry/pods/').count).toBe(6);
    expect(s.range('/registry/nothing/')).toEqual({ kvs: [], revision: 8, more: false, count: 0, remaining: 0 });
  });

  it('pages with startKey and limit', () => {
    const s = seeded();
    const p1 = s.range('/registry/pods/default/', { limit: 2 });
    expect(p1.kvs.map((kv) => kv.value)).toEqual(['a', 'b']);
    expect(p1).toMatchObject({ more: true, count: 5, remaining: 3 });
    const p2 = s.range('/registry/pods/default/', { startKey: p1.kvs[1].key + '\0', limit: 2 });
    expect(p2.kvs.map((kv) => kv.value)).toEqual(['c', 'd']);
    expect(p2).toMatchObject({ more: true, remaining: 1 });
    const p3 = s.range('/registry/pods/default/', { startKey: '/registry/pods/default/e', limit: 2 });
    expect(p3.kvs.map((kv) => kv.value)).toEqual(['e']);
    expect(p3).toMatchObject({ more: false, count: 5, remaining: 0 });
  });

  it('reads older revisions from history, and refuses future or compacted ones', () => {
    const s = memStore();
    s.create('/p/a', 'a1'); // 2
    s.create('/p/b', 'b1'); // 3
    s.update('/p/a', 'a2'); // 4
    s.delete('/p/b'); // 5
    s.create('/p/c', 'c1'); // 6
    const at3 = s.range('/p/', { revision: 3 });
    expect(at3.kvs.map((kv) => `${kv.key}=${kv.value}@${kv.modRevision}`)).toEqual(['/p/a=a1@2', '/p/b=b1@3']);
    expect(at3).toMatchObject({ revision: 3, count: 2, more: false });
    expect(s.range('/p/', { revision: 5, limit: 1 })).toMatchObject({ count: 1, more: false });
    expect(s.range('/p/', { revision: 6, limit: 1 })).toMatchObject({ count: 2, more: true, remaining: 1 });
    expect(() => s.range('/p/', { revision: 7 })).toThrow(FutureRevisionError);

    expect(s.getAt('/p/a', 3)).toMatchObject({ value: 'a1', version: 1, modRevision: 2 });
    expect(s.getAt('/p/a', 4)).toMatchObject({ value: 'a2', version: 2, modRevision: 4 });
    expect(s.getAt('/p/b', 4)?.value).toBe('b1');
    expect(s.getAt('/p/b', 5)).toBeUndefined();
    expect(s.getAt('/p/c', 5)).toBeUndefined();
    expect(() => s.getAt('/p/a', 99)).toThrow(FutureRevisionError);

    s.compact(5);
    expect(s.compactedRevision()).toBe(5);
    expect(() => s.getAt('/p/a', 4)).toThrow(CompactedError);
    expect(() => s.range('/p/', { revision: 3 })).toThrow(CompactedError);
    // the state at the compaction revision survives, including keys untouched since long ago
    expect(s.getAt('/p/a', 5)).toMatchObject({ value: 'a2', modRevision: 4 });
    expect(s.getAt('/p/b', 5)).toBeUndefined();
    expect(s.range('/p/', { revision: 5 }).kvs.map((kv) => kv.key)).toEqual(['/p/a']);
  });

  it('is fast for 10k keys', () => {
    const s = memStore();
    s.txn(Array.from({ length: 10_000 }, (_, i) => ({ op: 'create' as const, key: `/registry/configmaps/ns${i % 10}/cm-${i}`, value: '{}' })));
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      const r = s.range(`/registry/configmaps/ns${i % 10}/`, { limit: 500 });
      expect(r.count).toBe(1000);
    }
    expect(s.range('/registry/configmaps/').kvs).toHaveLength(10_000);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('txn', () => {
  it('gives each op its own revision in order, seeing earlier ops of the same txn', () => {
    const s = memStore();
    s.create('/ns/old', 'o');
    const events = s.txn([
      { op: 'create', key: '/ns/a', value: 'a1' },
      { op: 'update', key: '/ns/a', value: 'a2', expectedModRevision: 3 },
      { op: 'delete', key: '/ns/old', expectedModRevision: 2 },
    ]);
    expect(events.map((e) => `${e.type} ${e.kv.key} ${e.revision} v${e.kv.version}`)).toEqual(['put /ns/a 3 v1', 'put /ns/a 4 v2', 'delete /ns/old 5 v1']);
    expect(events[1].prev?.value).toBe('a1');
    expect(events[0].prev).toBeUndefined();
    expect(s.revision()).toBe(5);
    expect(s.range('/ns/').kvs.map((kv) => kv.key)).toEqual(['/ns/a']);
  });

  it('writes nothing when any precondition fails', () => {
    const s = memStore();
    s.create('/k', 'v');
    expect(() =>
      s.txn([
        { op: 'create', key: '/new', value: 'n' },
        { op: 'update', key: '/k', value: 'w' },
        { op: 'delete', key: '/k', expectedModRevision: 2 }, // stale: the update above moved it to 4
      ]),
    ).toThrow(StoreConflictError);
    expect(s.revision()).toBe(2);
    expect(s.get('/new')).toBeUndefined();
    expect(s.get('/k')).toMatchObject({ value: 'v', version: 1 });
    expect(s.range('').count).toBe(1);
    expect(s.txn([])).toEqual([]);
  });
});

describe('persistence and compaction', () => {
  it('restores keys, revision and compaction point on reopen', () => {
    const { dir, dispose } = tempDir();
    cleanups.push(dispose);
    const path = join(dir, 'store.db');
    const a = openStore({ path, compactEveryMs: 0 });
    a.create('/k1', 'v1');
    a.create('/k2', 'v2');
    a.update('/k1', 'v1b');
    a.delete('/k2');
    a.create('/k3', 'v3');
    a.compact(4);
    a.delete('/k3');
    a.close();

    const b = openStore({ path, compactEveryMs: 0 });
    cleanups.push(() => b.close());
    expect(b.revision()).toBe(7);
    expect(b.compactedRevision()).toBe(4);
    expect(b.range('').kvs).toEqual([{ key: '/k1', value: 'v1b', createRevision: 2, modRevision: 4, version: 2 }]);
    expect(b.getAt('/k2', 4)?.value).toBe('v2');
    expect(b.create('/k2', 'again')).toMatchObject({ createRevision: 8, version: 1 });
  });

  it('reopens 10k keys quickly', () => {
    const { dir, dispose } = tempDir();
    cleanups.push(dispose);
    const path = join(dir, 'store.db');
    const value = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', data: { pad: 'x'.repeat(300) } });
    const a = openStore({ path, compactEveryMs: 0 });
    for (let batch = 0; batch < 10; batch++) {
      a.txn(Array.from({ length: 1000 }, (_, i) => ({ op: 'create' as const, key: `/registry/configmaps/ns${batch}/cm-${i}`, value })));
    }
    a.close();
    const t0 = performance.now();
    const b = openStore({ path, compactEveryMs: 0 });
    const elapsed = performance.now() - t0;
    cleanups.push(() => b.close());
    expect(b.range('/registry/configmaps/').count).toBe(10_000);
    expect(b.revision()).toBe(10_001);
    expect(elapsed).toBeLessThan(200);
  });

  it('keeps the revision when the newest rows were compacted tombstones', () => {
    const { dir, dispose } = tempDir();
    cleanups.push(dispose);
    const path = join(dir, 'store.db');
    const a = openStore({ path, compactEveryMs: 0 });
    a.create('/k', 'v');
    a.delete('/k');
    a.compact(3);
    a.close();
    const b = openStore({ path, compactEveryMs: 0 });
    cleanups.push(() => b.close());
    expect(b.revision()).toBe(3);
    expect(b.create('/k', 'v').modRevision).toBe(4);
  });

  it('compacts automatically, keeping at least retainRevisions of history', async () => {
    const s = memStore({ retainRevisions: 10 });
    for (let i = 0; i < 25; i++) s.create(`/k${i}`, 'v');
    const deadline = Date.now() + 5000;
    while (s.compactedRevision() === 1 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(s.compactedRevision()).toBeGreaterThan(1);
    expect(s.revision() - s.compactedRevision() + 1).toBeGreaterThanOrEqual(10);
    expect(s.range('').count).toBe(25);
    expect(() => s.compact(s.revision() + 1)).toThrow(FutureRevisionError);
  });

  it('defragment shrinks the file after a compaction; compaction alone only frees pages', () => {
    const { dir, dispose } = tempDir();
    cleanups.push(dispose);
    const path = join(dir, 'store.db');
    const s = openStore({ path, compactEveryMs: 0 });
    cleanups.push(() => s.close());
    const onDisk = () => statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
    s.create('/big', 'x');
    for (let i = 2; i <= 300; i++) s.update('/big', 'x'.repeat(4000) + i);
    const before = s.dbSize();
    s.compact(s.revision());
    const compacted = s.dbSize();
    const afterCompaction = onDisk();
    // compaction frees pages but keeps them in the file; defragment gives them back
    expect(compacted.size).toBe(before.size);
    expect(compacted.inUse).toBeLessThan(compacted.size / 4);
    s.defragment();
    expect(onDisk()).toBeLessThan(afterCompaction / 4);
    expect(s.dbSize().size).toBeLessThan(compacted.size / 4);
    expect(s.dbSize().inUse).toBe(s.dbSize().size);
    expect(s.get('/big')?.version).toBe(300);
  });

  it('runs compaction on its timer', async () => {
    const s = openStore({ path: ':memory:', retainRevisions: 3, compactEveryMs: 10 });
    cleanups.push(() => s.close());
    for (let i = 0; i < 5; i++) s.create(`/k${i}`, 'v');
    const deadline = Date.now() + 5000;
    while (s.compactedRevision() === 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(s.compactedRevision()).toBe(4); // revision 6, three revisions kept: 4, 5, 6
  });
});
