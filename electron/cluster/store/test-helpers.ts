// Shared by the store's tests: temp directories and a watch collector that waits on a condition.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store, StoreEvent, Watcher } from './types';

export function tempDir(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-store-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Collector {
  events: StoreEvent[];
  batches: number;
  watcher: Watcher;
  /** resolves once at least n events arrived; rejects after timeoutMs */
  until(n: number, timeoutMs?: number): Promise<StoreEvent[]>;
}

export function collect(store: Store, prefix: string, fromRevision: number): Collector {
  const events: StoreEvent[] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  const c: Collector = {
    events,
    batches: 0,
    watcher: store.watch(prefix, fromRevision, (batch) => {
      c.batches += 1;
      events.push(...batch);
      if (waiter && events.length >= waiter.n) waiter.resolve();
    }),
    until(n, timeoutMs = 5000) {
      if (events.length >= n) return Promise.resolve(events);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} events, got ${events.length}`)), timeoutMs);
        waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(events);
          },
        };
      });
    },
  };
  return c;
}

/** resolves on the next macrotask turn after pending setImmediate callbacks (deliveries) ran */
export function afterDeliveries(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

export function summary(events: StoreEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.kv.key} @${e.revision}`);
}
