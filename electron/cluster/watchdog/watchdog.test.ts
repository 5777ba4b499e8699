import { describe, it, expect, afterEach } from 'vitest';
import { Watchdog } from './watchdog';
import { WorkQueue } from '../controllers/workqueue';
import { healthResponse } from '../apiserver/health';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function watchdog(opts: Partial<ConstructorParameters<typeof Watchdog>[0]> = {}) {
  const lines: string[] = [];
  const debug: string[] = [];
  const w = new Watchdog({ log: (l) => lines.push(l), debug: (l) => debug.push(l), stallThread: false, ...opts });
  cleanups.push(() => w.stop());
  return { w, lines, debug };
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* the point: nothing else runs */
  }
}

describe('watchdog', () => {
  it('logs heap and event-loop lag at debug level', async () => {
    const { debug } = watchdog({ intervalMs: 200 });
    await until(() => debug.length > 0);
    expect(debug[0]).toMatch(/^watchdog: heap \d+MB\/\d+MB rss \d+MB; event-loop lag p50 [\d.]+ms p99 [\d.]+ms max [\d.]+ms$/);
  });

  it('a blocked event loop makes the health endpoints fail, then recover', async () => {
    const { w, lines } = watchdog({ blockedMs: 500 });
    const check = () => [{ name: 'event-loop', problem: () => w.problem() }];
    expect(healthResponse('/livez', false, true, check()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    blockFor(1200);
    // a probe answered right after the block (it waited behind it) sees it
    expect(w.problem()).toMatch(/event loop (was )?blocked for \d/);
    for (const p of ['/livez', '/readyz', '/healthz']) {
      const r = healthResponse(p, false, true, check());
      expect(r.status).toBe(500);
      expect(r.body).toContain('[-]event-loop failed: reason withheld');
      expect(r.body).toContain(`${p.slice(1)} check failed`);
    }
    expect(healthResponse('/livez/event-loop', false, true, check()).status).toBe(500);
    expect(healthResponse('/livez/ping', false, true, check()).status).toBe(200);
    await until(() => lines.some((l) => /the event loop was blocked for 1\.\d+s/.test(l)));
  });

  it('names the controller queue and the object that runs away', async () => {
    const { lines } = watchdog({ intervalMs: 300 });
    let stop = false;
    // a sync that re-adds its own key without delay: the pattern that must be seen
    const q = new WorkQueue(
      async (key) => {
        if (!stop) setImmediate(() => q.add(key));
      },
      { name: 'spinning' },
    );
    cleanups.push(() => {
      stop = true;
      q.stop();
    });
    q.add('default/hot');
    q.add('default/quiet');
    await until(() => lines.some((l) => l.includes('"spinning"')));
    const line = lines.find((l) => l.includes('"spinning"'))!;
    expect(line).toMatch(/controller queue "spinning" runs away: default\/hot was queued \d+ times/);
  });

  it('reports a key that keeps failing, and its back-off grows even when the sync asks for the retry itself', async () => {
    const { lines } = watchdog({ intervalMs: 300, failuresToReport: 4 });
    const attempts: number[] = [];
    const q = new WorkQueue(
      async (key) => {
        attempts.push(Date.now());
        q.addRateLimited(key);
      },
      { name: 'retrying', baseDelayMs: 10, maxDelayMs: 10_000 },
    );
    cleanups.push(() => q.stop());
    q.add('ns/obj');
    await until(() => attempts.length >= 6);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    // 10, 20, 40, 80, 160 ms: a sync that returned normally must not reset its own back-off
    expect(gaps[4]).toBeGreaterThanOrEqual(100);
    await until(() => lines.some((l) => l.includes('"retrying" keeps failing')));
  });
});
