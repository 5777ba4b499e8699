// A de-duplicating work queue with per-key retry back-off, like client-go's rate-limited workqueue:
// a key is never processed by two workers at once, and a key added while processing is processed again after.

export class WorkQueue {
  private queue: string[] = [];
  private queued = new Set<string>();
  private processing = new Set<string>();
  private dirtyWhileProcessing = new Set<string>();
  private failures = new Map<string, number>();
  private timers = new Map<string, NodeJS.Timeout>();
  private running = 0;
  private stopped = false;

  constructor(
    private handler: (key: string) => Promise<void>,
    private opts: { workers?: number; baseDelayMs?: number; maxDelayMs?: number; name?: string; onError?: (key: string, err: unknown) => void } = {},
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) { this.dirtyWhileProcessing.add(key); return; }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) { this.add(key); return; }
    const prev = this.timers.get(key);
    if (prev) clearTimeout(prev);
    const t = setTimeout(() => { this.timers.delete(key); this.add(key); }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  /** exponential back-off for a key whose sync failed */
  addRateLimited(key: string): void {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const base = this.opts.baseDelayMs ?? 5;
    const max = this.opts.maxDelayMs ?? 30_000;
    this.addAfter(key, Math.min(max, base * 2 ** (n - 1)));
  }
  forget(key: string): void { this.failures.delete(key); }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue = [];
    this.queued.clear();
  }

  get length(): number { return this.queue.length; }

  private pump(): void {
    const workers = this.opts.workers ?? 4;
    while (this.running < workers && this.queue.length && !this.stopped) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.processing.add(key);
      this.running++;
      void this.handler(key).then(
        () => { this.forget(key); },
        (err) => { this.opts.onError?.(key, err); this.addRateLimited(key); },
      ).finally(() => {
        this.running--;
        this.processing.delete(key);
        if (this.dirtyWhileProcessing.delete(key)) this.add(key);
        this.pump();
      });
    }
  }
}
