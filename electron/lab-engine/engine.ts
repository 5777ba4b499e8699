// The lab lifecycle against one cluster: start (namespaces + setup), check (grade every step), solve, reset.
import { runActions, applyObject, type ActionContext } from './actions';
import type { Replacement } from './apply-replacing';
import { runCheck } from './checks';
import type { KubeClient } from './kube-client';
import type { Lab, Lang, LabResult, StepResult } from './types';
import { humanize, type HumanCheckResult } from './messages';
import { dropLabSnapshot, labSnapshot, restoreLabSnapshot, takeLabSnapshot } from './lab-snapshot';

export const LAB_LABEL = 'kubelab.io/lab';

/** a graded step whose checks also say, in both languages, what is wrong (see messages.ts) */
export interface GradedStep extends StepResult {
  checks: HumanCheckResult[];
}
export interface GradedLab extends LabResult {
  steps: GradedStep[];
}

export interface EngineOptions {
  kube: KubeClient;
  kubeconfig: string;
  lang?: Lang;
  log?: (line: string) => void;
  /** cancels setup, solutions and reset between (and inside) their actions */
  signal?: AbortSignal;
  /** told of each student object a solution replaced */
  replaced?: (r: Replacement) => void;
}

export class LabEngine {
  constructor(private o: EngineOptions) {}

  get kube(): KubeClient {
    return this.o.kube;
  }

  private ctx(lab: Lab): ActionContext {
    return {
      kube: this.o.kube,
      kubeconfig: this.o.kubeconfig,
      lab,
      lang: this.o.lang ?? 'en',
      log: this.o.log,
      signal: this.o.signal,
      replaced: this.o.replaced,
    };
  }

  /**
   * Idempotent: makes the cluster this lab's (see ownCluster), creates the lab's namespaces and applies its setup.
   */
  async start(lab: Lab): Promise<void> {
    await this.ownCluster(lab);
    await this.setup(lab);
  }

  /**
   * On a KubeLab cluster the state before the lab is kept as a snapshot. Another lab's snapshot means that lab
   * was left without cleanup: the cluster goes back to its snapshot first, so its taints, labels or cluster-scoped
   * objects cannot break this lab.
   */
  private async ownCluster(lab: Lab): Promise<void> {
    const snap = await labSnapshot(this.o.kube);
    if (snap === undefined || snap?.labels.lab === lab.id) return;
    if (snap) {
      const r = await restoreLabSnapshot(this.o.kube);
      this.o.log?.(
        `the cluster is back as it was before lab ${snap.labels.lab} (${r.deleted} objects removed, ${r.updated} changed back, ${r.created} recreated in ${r.ms} ms)`,
      );
    }
    await takeLabSnapshot(this.o.kube, lab.id);
  }

  private async setup(lab: Lab): Promise<void> {
    for (const ns of lab.namespaces) {
      await applyObject(this.o.kube, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [LAB_LABEL]: lab.id } } }, ns);
    }
    await runActions(lab.setup, this.ctx(lab));
  }

  /**
   * Grades the steps. Checks run concurrently, so a lab takes as long as its slowest check rather than the sum of
   * their timeouts; `wait: false` evaluates each check once (no retrying until its timeout).
   */
  async check(lab: Lab, only?: string[], opts: { wait?: boolean } = {}): Promise<GradedLab> {
    const lang = this.o.lang ?? 'en';
    const ctx = { kube: this.o.kube, namespace: lab.namespaces[0], lang, kubeconfig: this.o.kubeconfig, labDir: lab.dir };
    const chosen = lab.steps.filter((s) => !only?.length || only.includes(s.id));
    const steps: GradedStep[] = await Promise.all(
      chosen.map(async (step) => {
        const checks = await Promise.all(step.checks.map(async (c) => humanize(c, await runCheck(opts.wait === false ? { ...c, timeoutMs: 0 } : c, ctx), ctx)));
        return { id: step.id, title: step.title[lang], ok: checks.every((c) => c.ok), checks };
      }),
    );
    const passed = steps.filter((s) => s.ok).length;
    return { lab: lab.id, ok: passed === steps.length, passed, total: steps.length, steps, at: new Date().toISOString() };
  }

  /** applies the reference solution of each step in order (or of the named steps) */
  async solve(lab: Lab, only?: string[]): Promise<void> {
    for (const step of lab.steps) {
      if (only?.length && !only.includes(step.id)) continue;
      await runActions(step.solution.actions, this.ctx(lab));
    }
  }

  /**
   * Back to the starting state: the cluster as it was before the lab (its snapshot) and the lab's setup again;
   * without a snapshot (another kind of cluster), cleanup and the lab's namespaces deleted, then setup again.
   */
  async reset(lab: Lab, timeoutMs = 120_000): Promise<void> {
    if ((await labSnapshot(this.o.kube))?.labels.lab === lab.id) {
      await restoreLabSnapshot(this.o.kube);
      await this.setup(lab);
      return;
    }
    await this.teardown(lab, timeoutMs);
    await this.start(lab);
  }

  /** leaves the lab: the cluster goes back to its snapshot (or the lab's cleanup runs and its namespaces go) */
  async teardown(lab: Lab, timeoutMs = 120_000): Promise<void> {
    if ((await labSnapshot(this.o.kube))?.labels.lab === lab.id) {
      await restoreLabSnapshot(this.o.kube);
      await dropLabSnapshot(this.o.kube);
      return;
    }
    for (const a of lab.cleanup) {
      // cleanup is best effort: some objects may never have been created
      await runActions([a], this.ctx(lab)).catch((err) => this.o.log?.(`cleanup: ${(err as Error).message}`));
    }
    for (const ns of lab.namespaces) await this.o.kube.delete('v1', 'Namespace', ns);
    const end = Date.now() + timeoutMs;
    for (const ns of lab.namespaces) {
      while (await this.o.kube.get('v1', 'Namespace', ns)) {
        if (Date.now() > end) throw new Error(`namespace ${ns} is still terminating after ${timeoutMs / 1000}s`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}
