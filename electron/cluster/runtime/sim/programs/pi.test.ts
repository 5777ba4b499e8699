import { describe, expect, it } from 'vitest';
import { piDigitsSliced } from './pi';

describe('bpi in slices', () => {
  it('a large bpi hands the event loop back while it computes, and stops when its process is stopped', async () => {
    let last = performance.now();
    let worstGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    const digits = await piDigitsSliced(40_000);
    const took = performance.now() - t0;
    worstGap = Math.max(worstGap, performance.now() - last);
    clearInterval(timer);
    expect(digits!.length).toBe(40_001);
    expect(digits!.startsWith('3.14159265358979323846')).toBe(true);
    // unsliced, the whole computation (hundreds of ms) would be one gap
    expect(worstGap).toBeLessThan(Math.max(150, took / 4));
    const ac = new AbortController();
    const pending = piDigitsSliced(200_000, ac.signal);
    setTimeout(() => ac.abort(), 20);
    expect(await pending).toBeUndefined();
  }, 30_000);
});
