// The lab lifecycle against one cluster: start (namespaces + setup), check (grade every step), solve, reset.
import { runActions, applyObject, type ActionContext } from './actions';
import { runCheck } from './checks';
import type { KubeClient } from './kube-client';
import type { Lab, Lang, LabResult, StepResult } from './types';

export const LAB_LABEL = 'kubelab.io/lab';

export interface EngineOptions { kube: KubeClient; kubeconfig: string; lang?: Lang; log?: (line: string) => void }

export class LabEngine {
  constructor(private o: EngineOptions) {}

  private ctx(lab: Lab): ActionContext {
    return { kube: this.o.kube, kubeconfig: this.o.kubeconfig, lab, lang: this.o.lang ?? 'en', log: this.o.log };
  }

  /** idempotent: creates the lab's namespaces and applies its setup */
  async start(lab: Lab): Promise<void> {
    for (const ns of lab.namespaces) {
      await applyObject(this.o.kube, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [LAB_LABEL]: lab.id } } }, ns);
    }
    await runActions(lab.setup, this.ctx(lab));
  }

  /**
   * Grades the steps. Checks run concurrently, so a lab takes as long as its slowest check rather than the sum of
   * their timeouts; `wait: false` evaluates each check once (no retrying until its timeout).
   */
  async check(lab: Lab, only?: string[], opts: { wait?: boolean } = {}): Promise<LabResult> {
    const lang = this.o.lang ?? 'en';
    const ctx = { kube: this.o.kube, namespace: lab.namespaces[0], lang };
    const chosen = lab.steps.filter((s) => !only?.length || only.includes(s.id));
    const steps: StepResult[] = await Promise.all(chosen.map(async (step) => {
      const checks = await Promise.all(step.checks.map((c) => runCheck(opts.wait === false ? { ...c, timeoutMs: 0 } : c, ctx)));
      return { id: step.id, title: step.title[lang], ok: checks.every((c) => c.ok), checks };
    }));
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

  /** back to the starting state: cleanup, delete the lab's namespaces and wait until they are gone, setup again */
  async reset(lab: Lab, timeoutMs = 120_000): Promise<void> {
    await this.teardown(lab, timeoutMs);
    await this.start(lab);
  }

  async teardown(lab: Lab, timeoutMs = 120_000): Promise<void> {
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
