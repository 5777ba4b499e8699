import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from './workqueue';
import { MAX_TIMER_MS } from './long-timeout';

describe('WorkQueue.addAfter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits out a delay longer than a Node timer can hold instead of firing at once', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const q = new WorkQueue(
      async (k) => {
        seen.push(k);
      },
      { name: 'test' },
    );
    const yearMs = 365 * 24 * 3600 * 1000; // a yearly CronJob's next run
    expect(yearMs).toBeGreaterThan(MAX_TIMER_MS);
    q.addAfter('ns/yearly', yearMs);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(yearMs - MAX_TIMER_MS - 1);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(['ns/yearly']);
    q.stop();
  });

  it('a later addAfter replaces the pending delay of a key, also a chained one', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const q = new WorkQueue(
      async (k) => {
        seen.push(k);
      },
      { name: 'test' },
    );
    q.addAfter('k', MAX_TIMER_MS * 2);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 5);
    q.addAfter('k', 10);
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual(['k']);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(seen).toEqual(['k']);
    q.stop();
  });
});
