import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressStore, timeSpentMs } from './progress';
import type { LabResult } from './types';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lab-progress-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const result = (ok: Record<string, boolean>): LabResult => ({
  lab: '06-deployment',
  ok: Object.values(ok).every(Boolean),
  passed: Object.values(ok).filter(Boolean).length,
  total: Object.keys(ok).length,
  steps: Object.entries(ok).map(([id, v]) => ({ id, title: id, ok: v, checks: [] })),
  at: '',
});

describe('progress storage', () => {
  it('records attempts per step, keeps a step done once passed, and completes the lab', () => {
    const dir = tmp();
    const s = new ProgressStore(dir, 'alice');
    s.started('06-deployment', new Date('2025-01-01T10:00:00Z'));
    s.recordCheck(result({ a: true, b: false }), new Date('2025-01-01T10:05:00Z'));
    s.recordCheck(result({ a: false, b: true }), new Date('2025-01-01T10:20:00Z'));
    const lp = new ProgressStore(dir, 'alice').load().labs['06-deployment'];
    expect(lp.attempts).toBe(2);
    expect(lp.steps.a).toMatchObject({ done: true, attempts: 1, doneAt: '2025-01-01T10:05:00.000Z' });
    expect(lp.steps.b).toMatchObject({ done: true, attempts: 2 });
    // the lab counts as complete once each step has passed at some point
    expect(lp.completedAt).toBeUndefined();
    s.recordCheck(result({ a: true, b: true }), new Date('2025-01-01T10:30:00Z'));
    const done = s.load().labs['06-deployment'];
    expect(done.completedAt).toBe('2025-01-01T10:30:00.000Z');
    expect(timeSpentMs(done)).toBe(30 * 60_000);
    expect(existsSync(join(dir, 'labs', 'progress', 'alice.json'))).toBe(true);
  });

  it('counts hints per step and keeps profiles apart', () => {
    const dir = tmp();
    const a = new ProgressStore(dir, 'alice'),
      b = new ProgressStore(dir, 'bob');
    expect(a.useHint('07-jobs', 'waves')).toBe(1);
    expect(a.useHint('07-jobs', 'waves')).toBe(2);
    expect(b.load().labs).toEqual({});
    expect(a.load().labs['07-jobs'].steps.waves.hintsUsed).toBe(2);
  });

  it('keeps an append-only log: each hint counted once, solutions, passes with times, resets as new attempts', () => {
    const s = new ProgressStore(tmp(), 'carol');
    const at = (m: number) => new Date(Date.UTC(2025, 0, 1, 10, m));
    s.started('06-deployment', at(0));
    expect(s.revealHint('06-deployment', 'a', 0, at(1))).toBe(1);
    expect(s.revealHint('06-deployment', 'a', 0, at(2))).toBe(1); // the same hint shown again is not counted again
    expect(s.useHint('06-deployment', 'a', 2, at(3))).toBe(2);
    expect(s.useHint('06-deployment', 'a', 2, at(4))).toBe(2); // no hint left: nothing more recorded
    s.recordCheck(result({ a: true, b: false }), at(5));
    s.newAttempt('06-deployment', at(6));
    s.started('06-deployment', at(7)); // a later start erases nothing
    s.solutionApplied('06-deployment', ['b'], at(8));
    s.recordCheck(result({ a: false, b: true }), at(9));
    const lp = s.load().labs['06-deployment'];
    expect(lp.log!.map((e) => `${e.attempt}:${e.type}${e.step ? `:${e.step}` : ''}${e.hint !== undefined ? `#${e.hint}` : ''}`)).toEqual([
      '1:start',
      '1:hint:a#0',
      '1:hint:a#1',
      '1:check',
      '1:pass:a',
      '2:reset',
      '2:solution-applied:b',
      '2:check',
      '2:pass:b',
    ]);
    expect(lp.steps.a).toMatchObject({ done: true, hintsUsed: 2, doneAt: at(5).toISOString() });
    expect(lp.steps.b).toMatchObject({ done: true, solutionApplied: true });
  });

  it('rejects profile names that could escape the folder', () => {
    expect(() => new ProgressStore(tmp(), '../x')).toThrow(/profile names/);
  });
});
