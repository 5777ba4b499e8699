// Fan-out of committed events to prefix watchers.
// Watchers are indexed by prefix and the set of distinct prefix lengths, so routing one event
// costs one Map lookup per distinct length (a handful), not one check per watcher.
// Delivery is deferred to setImmediate: never re-entrant inside a write, consecutive writes are
// batched, and a watcher that writes from its callback cannot starve I/O.

import type { StoreEvent, Watcher } from './types';

interface Subscription {
  readonly prefix: string;
  /** only events with a revision above this are delivered */
  readonly after: number;
  readonly onEvents: (events: StoreEvent[]) => void;
  pending: StoreEvent[];
  cancelled: boolean;
}

export class WatchHub {
  private readonly byPrefix = new Map<string, Set<Subscription>>();
  /** prefix length → number of prefixes of that length */
  private readonly lengths = new Map<number, number>();
  /** insertion-ordered, so earlier-registered watchers hear about a batch first */
  private readonly ready = new Set<Subscription>();
  private flushScheduled: NodeJS.Immediate | undefined;

  /** `beforeFlush` runs before any delivery: the store commits pending writes there */
  constructor(private readonly beforeFlush: () => void = () => undefined) {}

  /**
   * Register a watcher. `replay` (already filtered to the prefix and to revisions > after) is
   * delivered before any event published later.
   */
  add(prefix: string, after: number, replay: StoreEvent[], onEvents: (events: StoreEvent[]) => void): Watcher {
    const sub: Subscription = { prefix, after, onEvents, pending: replay, cancelled: false };
    let set = this.byPrefix.get(prefix);
    if (!set) {
      set = new Set();
      this.byPrefix.set(prefix, set);
      this.lengths.set(prefix.length, (this.lengths.get(prefix.length) ?? 0) + 1);
    }
    set.add(sub);
    if (replay.length > 0) this.markReady(sub);
    return { cancel: () => this.remove(sub) };
  }

  /** Route events (in revision order) to matching watchers; delivery happens later. */
  publish(events: StoreEvent[]): void {
    if (this.byPrefix.size === 0) return;
    for (const event of events) {
      const key = event.kv.key;
      for (const length of this.lengths.keys()) {
        if (length > key.length) continue;
        const subs = this.byPrefix.get(key.slice(0, length));
        if (!subs) continue;
        for (const sub of subs) {
          if (event.revision <= sub.after) continue;
          sub.pending.push(event);
          this.markReady(sub);
        }
      }
    }
  }

  get watcherCount(): number {
    let n = 0;
    for (const set of this.byPrefix.values()) n += set.size;
    return n;
  }

  close(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    for (const set of this.byPrefix.values()) for (const sub of set) sub.cancelled = true;
    this.byPrefix.clear();
    this.lengths.clear();
    this.ready.clear();
  }

  private remove(sub: Subscription): void {
    if (sub.cancelled) return;
    sub.cancelled = true;
    sub.pending = [];
    this.ready.delete(sub);
    const set = this.byPrefix.get(sub.prefix);
    if (!set) return;
    set.delete(sub);
    if (set.size > 0) return;
    this.byPrefix.delete(sub.prefix);
    const left = (this.lengths.get(sub.prefix.length) ?? 1) - 1;
    if (left > 0) this.lengths.set(sub.prefix.length, left);
    else this.lengths.delete(sub.prefix.length);
  }

  private markReady(sub: Subscription): void {
    this.ready.add(sub);
    this.flushScheduled ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = undefined;
    this.beforeFlush();
    const subs = [...this.ready];
    this.ready.clear();
    for (const sub of subs) {
      // a callback earlier in this loop may have cancelled this watcher
      if (sub.cancelled || sub.pending.length === 0) continue;
      const batch = sub.pending;
      sub.pending = [];
      try {
        sub.onEvents(batch);
      } catch (err) {
        // One broken consumer must not stop delivery to the others (or lose their events).
        console.error(`store watch callback for prefix ${JSON.stringify(sub.prefix)} threw:`, err);
      }
    }
  }
}
