import { expect, it } from 'vitest';
import { benchScheduleCore } from './bench';

it('schedules 1000 pods over 10 nodes at more than 500 pods/s', () => {
  const r = benchScheduleCore(1000, 10);
  expect(r.scheduled).toBe(1000);
  expect(r.podsPerSecond).toBeGreaterThan(500);
});
