import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './sqlite-store';
import { afterDeliveries, collect, summary } from './test-helpers';
import { CompactedError, type Store } from './types';

let store: Store;
afterEach(() => store?.close());

function open(): Store {
  store = openStore({ path: ':memory:', compactEveryMs: 0 });
  return store;
}

describe('watch', () => {
  it('replays history after fromRevision, then live events, in revision order', async () => {
    const s = open();
    s.create('/registry/pods/default/a', 'a1'); // 2
    s.create('/registry/services/default/s', 's'); // 3
    s.update('/registry/pods/default/a', 'a2'); // 4
    s.create('/registry/pods/default/b', 'b1'); // 5
    s.delete('/registry/pods/default/a'); // 6

    const c = collect(s, '/registry/pods/', 2);
    s.update('/registry/pods/default/b', 'b2'); // 7
    s.create('/registry/services/default/t', 't'); // 8, other prefix
    s.create('/registry/pods/default/a', 'a3'); // 9

    await c.until(5);
    expect(summary(c.events)).toEqual([
      'put /registry/pods/default/a @4',
      'put /registry/pods/default/b @5',
      'delete /registry/pods/default/a @6',
      'put /registry/pods/default/b @7',
      'put /registry/pods/default/a @9',
    ]);
    const [update, create, del, liveUpdate, recreate] = c.events;
    expect(update.prev).toMatchObject({ value: 'a1', modRevision: 2, version: 1 });
    expect(update.kv).toMatchObject({ value: 'a2', modRevision: 4, version: 2, createRevision: 2 });
    expect(create.prev).toBeUndefined();
    expect(del.kv).toMatchObject({ value: 'a2', modRevision: 6, createRevision: 2 });
    expect(del.prev).toMatchObject({ value: 'a2', modRevision: 4 });
    expect(liveUpdate.prev).toMatchObject({ value: 'b1', modRevision: 5 });
    expect(recreate.prev).toBeUndefined();
    expect(recreate.kv).toMatchObject({ createRevision: 9, version: 1 });
  });

  it('replayed events equal the live events of the same writes', async () => {
    const s = open();
    const live = collect(s, '/p/', s.revision());
    s.create('/p/a', '1');
    s.update('/p/a', '2');
    s.txn([
      { op: 'delete', key: '/p/a' },
      { op: 'create', key: '/p/a', value: '3' },
    ]);
    await live.until(4);
    const replay = collect(s, '/p/', 1);
    await replay.until(4);
    expect(replay.events).toEqual(live.events);
  });

  it('delivers asynchronously, never inside the write call', async () => {
    const s = open();
    let inWrite = false;
    let deliveredInWrite = false;
    const seen: number[] = [];
    s.watch('/', s.revision(), (events) => {
      if (inWrite) deliveredInWrite = true;
      seen.push(...events.map((e) => e.revision));
    });
    inWrite = true;
    s.create('/a', 'x');
    s.create('/b', 'x');
    inWrite = false;
    expect(seen).toEqual([]);
    await afterDeliveries();
    expect(seen).toEqual([2, 3]);
    expect(deliveredInWrite).toBe(false);
  });

  it('a watcher writing from its callback sees its own write later, in order', async () => {
    const s = open();
    const c = collect(s, '/q/', s.revision());
    s.watch('/q/a', s.revision(), (events) => {
      if (events.some((e) => e.kv.version === 1)) s.update('/q/a', 'echo');
    });
    s.create('/q/a', 'first');
    await c.until(2);
    expect(summary(c.events)).toEqual(['put /q/a @2', 'put /q/a @3']);
  });

  it('throws CompactedError for a compacted fromRevision and accepts the oldest retained one', async () => {
    const s = open();
    for (let i = 0; i < 6; i++) s.create(`/k/${i}`, 'v'); // revisions 2..7
    s.compact(5);
    expect(() => s.watch('/k/', 3, () => {})).toThrow(CompactedError);
    const err = (() => {
      try {
        s.watch('/k/', 1, () => {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CompactedError);
    expect(err).toMatchObject({ requested: 1, compacted: 5 });
    const c = collect(s, '/k/', 4);
    await c.until(3);
    expect(c.events.map((e) => e.revision)).toEqual([5, 6, 7]);
  });

  it('replays updates and deletes of keys last written before the compaction point with their prev state', async () => {
    const s = open();
    s.create('/k/a', 'a1'); // 2
    s.create('/k/b', 'b1'); // 3
    s.update('/k/a', 'a2'); // 4
    s.create('/k/c', 'c1'); // 5
    s.delete('/k/b'); // 6
    s.update('/k/a', 'a3'); // 7
    s.compact(6);
    const c = collect(s, '/k/', 5);
    await c.until(2);
    expect(summary(c.events)).toEqual(['delete /k/b @6', 'put /k/a @7']);
    expect(c.events[0].prev).toMatchObject({ value: 'b1', modRevision: 3 });
    expect(c.events[1].prev).toMatchObject({ value: 'a2', modRevision: 4, version: 2 });
  });

  it('stops delivering after cancel', async () => {
    const s = open();
    const c = collect(s, '/', s.revision());
    s.create('/a', 'x');
    c.watcher.cancel();
    s.create('/b', 'x');
    await afterDeliveries();
    expect(c.events).toEqual([]);
  });

  it('does not deliver events at or below a future fromRevision', async () => {
    const s = open();
    const c = collect(s, '/', 3);
    s.create('/a', 'x'); // 2
    s.create('/b', 'x'); // 3
    s.create('/c', 'x'); // 4
    await c.until(1);
    expect(summary(c.events)).toEqual(['put /c @4']);
  });

  it('routes events to hundreds of prefix watchers cheaply and correctly', async () => {
    const s = open();
    const perNs = Array.from({ length: 200 }, (_, i) => collect(s, `/registry/pods/ns${i}/`, s.revision()));
    const allPods = collect(s, '/registry/pods/', s.revision());
    const exact = collect(s, '/registry/pods/ns7/p0', s.revision());
    const everything = collect(s, '', s.revision());

    const t0 = performance.now();
    for (let round = 0; round < 5; round++) {
      s.txn(Array.from({ length: 200 }, (_, i) => ({ op: 'create' as const, key: `/registry/pods/ns${i}/p${round}`, value: '{}' })));
    }
    s.create('/registry/services/ns7/svc', '{}');
    await everything.until(1001);
    const elapsed = performance.now() - t0;

    expect(allPods.events).toHaveLength(1000);
    expect(perNs.every((c) => c.events.length === 5)).toBe(true);
    expect(perNs[7].events.map((e) => e.kv.key)).toEqual([0, 1, 2, 3, 4].map((r) => `/registry/pods/ns7/p${r}`));
    expect(exact.events.map((e) => e.kv.key)).toEqual(['/registry/pods/ns7/p0']);
    expect(allPods.batches).toBeLessThanOrEqual(2); // batched per tick, not one call per event
    expect(elapsed).toBeLessThan(1000);
  });
});
