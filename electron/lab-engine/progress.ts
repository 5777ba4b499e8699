// Per-profile progress in the data dir: which steps are done, attempts, hints used, time spent, and exams — plus an
// append-only log per lab of what the learner did (starts, resets, checks, passes, hints, solutions) with times, which
// the signed report carries. Nothing in the log is ever removed: a reset starts a new attempt.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabResult } from './types';

export interface StepProgress {
  done: boolean;
  doneAt?: string;
  attempts: number;
  /** distinct hints revealed (each counted once, however often it is shown again) */
  hintsUsed: number;
  hintsRevealed?: number[];
  solutionApplied?: boolean;
  /** the step's solution text was shown (read, not applied) */
  solutionShown?: boolean;
}
export type LabEventType = 'start' | 'reset' | 'check' | 'pass' | 'hint' | 'solution-shown' | 'solution-applied';
export interface LabEvent {
  at: string;
  type: LabEventType;
  /** 1 for the first attempt; each reset starts the next */
  attempt: number;
  step?: string;
  hint?: number;
  /** a check's score */
  passed?: number;
  total?: number;
}
export interface LabProgress {
  startedAt: string;
  /** the current attempt (1 + number of resets) */
  attempt?: number;
  log?: LabEvent[];
  lastCheckAt?: string;
  completedAt?: string;
  attempts: number;
  steps: Record<string, StepProgress>;
  lastResult?: LabResult;
}
export interface ExamState {
  labs: string[];
  startedAt: string;
  deadline: string;
  finishedAt?: string;
  results?: LabResult[];
  late?: boolean;
}
export interface Profile {
  profile: string;
  /** draws the parameters of this learner's labs: chosen at random on first use (or set by an instructor), then kept */
  seed?: string;
  labs: Record<string, LabProgress>;
  exam?: ExamState;
  exams?: ExamState[];
}

const SEED = /^[A-Za-z0-9._-]{1,64}$/;

export class ProgressStore {
  constructor(
    private dataDir: string,
    readonly profile: string,
  ) {
    if (!/^[A-Za-z0-9._-]+$/.test(profile)) throw new Error(`profile names use letters, digits, dot, dash and underscore, not "${profile}"`);
  }

  get file(): string {
    return join(this.dataDir, 'labs', 'progress', `${this.profile}.json`);
  }

  load(): Profile {
    if (!existsSync(this.file)) return { profile: this.profile, labs: {} };
    return JSON.parse(readFileSync(this.file, 'utf8')) as Profile;
  }

  save(p: Profile): void {
    mkdirSync(join(this.dataDir, 'labs', 'progress'), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(p, null, 2));
    renameSync(tmp, this.file);
  }

  update(fn: (p: Profile) => void): Profile {
    const p = this.load();
    fn(p);
    this.save(p);
    return p;
  }

  static lab(p: Profile, id: string, now = new Date()): LabProgress {
    return (p.labs[id] ??= { startedAt: now.toISOString(), attempts: 0, attempt: 1, steps: {}, log: [{ at: now.toISOString(), type: 'start', attempt: 1 }] });
  }

  private static step(lp: LabProgress, id: string): StepProgress {
    return (lp.steps[id] ??= { done: false, attempts: 0, hintsUsed: 0 });
  }

  private static log(lp: LabProgress, ev: Omit<LabEvent, 'attempt'>): void {
    (lp.log ??= []).push({ ...ev, attempt: lp.attempt ?? 1 });
  }

  /** the learner's seed, as persisted; without one yet, a new random seed is drawn and kept, so every
   * installation (and every profile) gets its own values, and the same ones on every later run */
  seed(): string {
    const kept = this.load().seed;
    if (kept) return kept;
    const fresh = randomBytes(6).toString('hex');
    this.update((p) => {
      p.seed ??= fresh;
    });
    return this.load().seed!;
  }

  /** an instructor's choice of seed (e.g. to reproduce a student's lab, or one per student of a class) */
  setSeed(seed: string): void {
    if (!SEED.test(seed)) throw new Error(`a seed uses letters, digits, dot, dash and underscore (1–64), not "${seed}"`);
    this.update((p) => {
      p.seed = seed;
    });
  }

  /** the lab's first start (later starts change nothing) */
  started(id: string, now = new Date()): void {
    this.update((p) => {
      ProgressStore.lab(p, id, now);
    });
  }

  /** a reset: the next attempt begins; passes, hints and solutions of earlier attempts stay on record */
  newAttempt(id: string, now = new Date()): void {
    this.update((p) => {
      const lp = ProgressStore.lab(p, id, now);
      lp.attempt = (lp.attempt ?? 1) + 1;
      ProgressStore.log(lp, { at: now.toISOString(), type: 'reset' });
    });
  }

  recordCheck(r: LabResult, now = new Date()): LabProgress {
    let lp!: LabProgress;
    this.update((p) => {
      lp = ProgressStore.lab(p, r.lab, now);
      lp.attempts++;
      lp.lastCheckAt = now.toISOString();
      lp.lastResult = r;
      ProgressStore.log(lp, { at: now.toISOString(), type: 'check', passed: r.passed, total: r.total });
      for (const s of r.steps) {
        const sp = ProgressStore.step(lp, s.id);
        if (sp.done) continue;
        sp.attempts++;
        if (s.ok) {
          sp.done = true;
          sp.doneAt = now.toISOString();
          ProgressStore.log(lp, { at: now.toISOString(), type: 'pass', step: s.id });
        }
      }
      if (r.ok && !lp.completedAt) lp.completedAt = now.toISOString();
    });
    return lp;
  }

  /** hint `index` of a step was shown; returns how many distinct hints of the step have been revealed */
  revealHint(lab: string, step: string, index: number, now = new Date()): number {
    let n = 0;
    this.update((p) => {
      const lp = ProgressStore.lab(p, lab, now);
      const sp = ProgressStore.step(lp, step);
      const seen = (sp.hintsRevealed ??= Array.from({ length: sp.hintsUsed }, (_, i) => i));
      if (!seen.includes(index)) {
        seen.push(index);
        ProgressStore.log(lp, { at: now.toISOString(), type: 'hint', step, hint: index });
      }
      n = sp.hintsUsed = seen.length;
    });
    return n;
  }

  /** the next hint of a step (`kubelab lab hint`): revealed once each; past the last, nothing more is counted */
  useHint(lab: string, step: string, total = Infinity, now = new Date()): number {
    const sp = this.load().labs[lab]?.steps[step];
    const next = sp?.hintsRevealed?.length ?? sp?.hintsUsed ?? 0;
    return next >= total ? next : this.revealHint(lab, step, next, now);
  }

  /** the text of a step's reference solution was shown: logged every time, as the student may look again after a reset */
  solutionShown(lab: string, step: string, now = new Date()): void {
    this.update((p) => {
      const lp = ProgressStore.lab(p, lab, now);
      ProgressStore.step(lp, step).solutionShown = true;
      ProgressStore.log(lp, { at: now.toISOString(), type: 'solution-shown', step });
    });
  }

  /** the reference solution of these steps was applied to the cluster */
  solutionApplied(lab: string, steps: string[], now = new Date()): void {
    this.update((p) => {
      const lp = ProgressStore.lab(p, lab, now);
      for (const s of steps) {
        ProgressStore.step(lp, s).solutionApplied = true;
        ProgressStore.log(lp, { at: now.toISOString(), type: 'solution-applied', step: s });
      }
    });
  }
}

export function timeSpentMs(lp: LabProgress, now = new Date()): number {
  const end = lp.completedAt ?? lp.lastCheckAt ?? now.toISOString();
  return Math.max(0, Date.parse(end) - Date.parse(lp.startedAt));
}
