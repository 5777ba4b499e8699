// Per-profile progress in the data dir: which steps are done, attempts, hints used, time spent, and exams.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabResult } from './types';

export interface StepProgress { done: boolean; doneAt?: string; attempts: number; hintsUsed: number }
export interface LabProgress {
  startedAt: string;
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
export interface Profile { profile: string; labs: Record<string, LabProgress>; exam?: ExamState; exams?: ExamState[] }

export class ProgressStore {
  constructor(private dataDir: string, readonly profile: string) {
    if (!/^[A-Za-z0-9._-]+$/.test(profile)) throw new Error(`profile names use letters, digits, dot, dash and underscore, not "${profile}"`);
  }

  get file(): string { return join(this.dataDir, 'labs', 'progress', `${this.profile}.json`); }

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
    return (p.labs[id] ??= { startedAt: now.toISOString(), attempts: 0, steps: {} });
  }

  started(id: string, now = new Date()): void {
    this.update((p) => { p.labs[id] = { startedAt: now.toISOString(), attempts: 0, steps: {} }; });
  }

  recordCheck(r: LabResult, now = new Date()): LabProgress {
    let lp!: LabProgress;
    this.update((p) => {
      lp = ProgressStore.lab(p, r.lab, now);
      lp.attempts++;
      lp.lastCheckAt = now.toISOString();
      lp.lastResult = r;
      for (const s of r.steps) {
        const sp = (lp.steps[s.id] ??= { done: false, attempts: 0, hintsUsed: 0 });
        if (sp.done) continue;
        sp.attempts++;
        if (s.ok) { sp.done = true; sp.doneAt = now.toISOString(); }
      }
      if (r.ok && !lp.completedAt) lp.completedAt = now.toISOString();
    });
    return lp;
  }

  /** returns the number of hints now revealed for the step */
  useHint(lab: string, step: string): number {
    let n = 0;
    this.update((p) => {
      const sp = (ProgressStore.lab(p, lab).steps[step] ??= { done: false, attempts: 0, hintsUsed: 0 });
      n = ++sp.hintsUsed;
    });
    return n;
  }
}

export function timeSpentMs(lp: LabProgress, now = new Date()): number {
  const end = lp.completedAt ?? lp.lastCheckAt ?? now.toISOString();
  return Math.max(0, Date.parse(end) - Date.parse(lp.startedAt));
}
