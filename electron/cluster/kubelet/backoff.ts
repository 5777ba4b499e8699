// Per-key exponential back-off like the kubelet's flowcontrol.Backoff: the first retry is free, then base, 2×base … max.
export class Backoff {
  private entries = new Map<string, { delay: number; last: number }>();

  constructor(
    private base: number,
    private max: number,
    private resetAfter: number,
    private now: () => number = Date.now,
  ) {}

  /** ms still to wait before `key` may be retried, measured from `since` (e.g. the container's finish time) */
  remaining(key: string, since: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, since + e.delay - this.now());
  }

  /** the current delay for `key` (0 if none recorded) */
  delay(key: string): number {
    return this.entries.get(key)?.delay ?? 0;
  }

  /** records a retry: the next one waits twice as long */
  next(key: string): number {
    const t = this.now();
    const e = this.entries.get(key);
    if (!e || t - e.last > this.resetAfter) {
      this.entries.set(key, { delay: this.base, last: t });
      return this.base;
    }
    e.delay = Math.min(e.delay * 2, this.max);
    e.last = t;
    return e.delay;
  }

  /** a container that ran long enough forgets its back-off */
  resetIfRanLong(key: string, ranMs: number): void {
    if (ranMs >= this.resetAfter) this.entries.delete(key);
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  resetPrefix(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
