// A de-duplicating work queue with per-key retry back-off, like client-go's rate-limited workqueue:
// a key is never processed by two workers at once, and a key added while processing is processed again after.
// Every live queue is listed in `liveQueues` so the watchdog can see one that runs away (a key re-added or
// retried far more often than any healthy controller does).
import { setLongTimeout, type LongTimeout } from './long-timeout';

export interface QueueStats {
  name: string;
  /** keys waiting for a worker */
  depth: number;
  /** keys waiting for a back-off or delay timer */
  delayed: number;
  /** keys being processed */
  processing: number;
  /** since the previous stats(): adds (incl. timer expiries) and failed syncs */
  adds: number;
  retries: number;
  /** the key added most often since the previous stats(), with its count */
  hottest?: { key: string; count: number };
  /** the highest consecutive-failure count of any key */
  maxFailures: number;
}

export const liveQueues = new Set<WorkQueue>();
// bounded bookkeeping: past this many distinct keys in one window the per-key counts stop growing
const MAX_COUNTED_KEYS = 10_000;

export class WorkQueue {
  private queue: string[] = [];
  private queued = new Set<string>();
  private processing = new Set<string>();
  private dirtyWhileProcessing = new Set<string>();
  private failures = new Map<string, number>();
  private timers = new Map<string, LongTimeout>();
  /** keys that asked for a rate-limited retry while being processed: their failure count must survive the sync */
  private retryRequested = new Set<string>();
  private running = 0;
  private stopped = false;
  private addsInWindow = 0;
  private retriesInWindow = 0;
  private addsPerKey = new Map<string, number>();

  constructor(
    private handler: (key: string) => Promise<void>,
    private opts: { workers?: number; baseDelayMs?: number; maxDelayMs?: number; name?: string; onError?: (key: string, err: unknown) => void } = {},
  ) {
    liveQueues.add(this);
  }

  get name(): string {
    return this.opts.name ?? 'queue';
  }

  add(key: string): void {
    if (this.stopped) return;
    this.addsInWindow++;
    const n = this.addsPerKey.get(key);
    if (n !== undefined) this.addsPerKey.set(key, n + 1);
    else if (this.addsPerKey.size < MAX_COUNTED_KEYS) this.addsPerKey.set(key, 1);
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    this.timers.get(key)?.clear();
    this.timers.set(
      key,
      setLongTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, ms),
    );
  }

  /** exponential back-off for a key whose sync failed */
  addRateLimited(key: string): void {
    if (this.stopped) return;
    this.retriesInWindow++;
    if (this.processing.has(key)) this.retryRequested.add(key);
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const base = this.opts.baseDelayMs ?? 5;
    const max = this.opts.maxDelayMs ?? 30_000;
    this.addAfter(key, Math.min(max, base * 2 ** (n - 1)));
  }
  forget(key: string): void {
    this.failures.delete(key);
  }

  stop(): void {
    this.stopped = true;
    liveQueues.delete(this);
    for (const t of this.timers.values()) t.clear();
    this.timers.clear();
    this.queue = [];
    this.queued.clear();
  }

  get length(): number {
    return this.queue.length;
  }

  /** counters since the previous call (which resets them) and the current sizes */
  stats(): QueueStats {
    let hottest: QueueStats['hottest'];
    for (const [key, count] of this.addsPerKey) if (!hottest || count > hottest.count) hottest = { key, count };
    let maxFailures = 0;
    for (const f of this.failures.values()) maxFailures = Math.max(maxFailures, f);
    const s: QueueStats = {
      name: this.name,
      depth: this.queue.length,
      delayed: this.timers.size,
      processing: this.processing.size,
      adds: this.addsInWindow,
      retries: this.retriesInWindow,
      hottest,
      maxFailures,
    };
    this.addsInWindow = 0;
    this.retriesInWindow = 0;
    this.addsPerKey.clear();
    return s;
  }

  private pump(): void {
    const workers = this.opts.workers ?? 4;
    while (this.running < workers && this.queue.length && !this.stopped) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.processing.add(key);
      this.running++;
      void this.handler(key)
        .then(
          // a sync that finished but asked for a retry itself keeps its back-off growing
          () => {
            if (!this.retryRequested.delete(key)) this.forget(key);
          },
          (err) => {
            this.opts.onError?.(key, err);
            this.addRateLimited(key);
            this.retryRequested.delete(key);
          },
        )
        .finally(() => {
          this.running--;
          this.processing.delete(key);
          if (this.dirtyWhileProcessing.delete(key)) this.add(key);
          this.pump();
        });
    }
  }
}
