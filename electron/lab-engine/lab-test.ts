// `kubelab lab test`: proves that every check earns its pass. On a fresh lab every step fails; each near-miss
// (a wrong attempt declared next to the step's solution) leaves its step failing; the reference solution passes;
// after a reset nothing passes again.
import { runActions } from './actions';
import { runCheck } from './checks';
import type { LabEngine } from './engine';
import type { KubeClient } from './kube-client';
import type { Lab, Lang, Step } from './types';

export interface NearMissOutcome {
  step: string;
  mistake: string;
  caught: boolean;
  detail: string;
}
export interface LabTestResult {
  lab: string;
  seed: string;
  steps: number;
  nearMisses: number;
  caught: number;
  /** each failure in words: a step passing on a fresh lab, a near-miss passing, the reference failing, an action erroring */
  failures: string[];
  outcomes: NearMissOutcome[];
  ms: number;
}

export interface LabTestOptions {
  kube: KubeClient;
  kubeconfig: string;
  engine: LabEngine;
  lang?: Lang;
  log?: (line: string) => void;
}

/** grades one step; checks retry up to `capMs` at most (undefined: their own timeouts) */
async function gradeStep(lab: Lab, step: Step, o: LabTestOptions, capMs?: number): Promise<{ ok: boolean; detail: string }> {
  const ctx = { kube: o.kube, namespace: lab.namespaces[0], lang: o.lang ?? 'en' };
  const results = await Promise.all(step.checks.map((c) => runCheck(capMs === undefined ? c : { ...c, timeoutMs: Math.min(c.timeoutMs ?? 0, capMs) }, ctx)));
  const failing = results.filter((r) => !r.ok);
  return { ok: !failing.length, detail: (failing.length ? failing : results).map((r) => r.message).join('; ') };
}

export async function testLab(lab: Lab, o: LabTestOptions): Promise<LabTestResult> {
  const t0 = Date.now();
  const res: LabTestResult = { lab: lab.id, seed: lab.seed, steps: lab.steps.length, nearMisses: 0, caught: 0, failures: [], outcomes: [], ms: 0 };
  const actx = { kube: o.kube, kubeconfig: o.kubeconfig, lab, lang: o.lang ?? 'en', log: o.log };
  await o.engine.teardown(lab).catch((err) => o.log?.(`before the test: ${(err as Error).message}`));
  await o.engine.start(lab);
  try {
    const fresh = await o.engine.check(lab, undefined, { wait: false });
    for (const s of fresh.steps.filter((x) => x.ok))
      res.failures.push(`${lab.id}/${s.id}: passes on a fresh lab (${s.checks.map((c) => c.message).join('; ')})`);
    // a failing check must tell the student what is wrong
    for (const s of fresh.steps)
      for (const c of s.checks)
        if (!c.ok && /^(false|undefined)?$/.test(c.message.trim()))
          res.failures.push(`${lab.id}/${s.id}: a failing ${c.type} check says nothing ("${c.message}")`);
    for (const step of lab.steps) {
      for (const nm of step.nearMisses) {
        res.nearMisses++;
        const mistake = nm.mistake[o.lang ?? 'en'];
        try {
          await runActions(nm.actions, actx);
          const g = await gradeStep(lab, step, o, nm.settleMs);
          res.outcomes.push({ step: step.id, mistake, caught: !g.ok, detail: g.detail });
          if (g.ok) res.failures.push(`${nm.where}: near-miss "${mistake}" passes step ${step.id} (${g.detail})`);
          else res.caught++;
          await runActions(nm.undo, actx);
        } catch (err) {
          // a near-miss that cannot be played proves nothing: it is reported, not counted as caught
          res.outcomes.push({ step: step.id, mistake, caught: false, detail: (err as Error).message });
          res.failures.push(`${nm.where}: near-miss "${mistake}" could not be played: ${(err as Error).message}`);
        }
      }
      try {
        await runActions(step.solution.actions, actx);
        const g = await gradeStep(lab, step, o);
        if (!g.ok) res.failures.push(`${lab.id}/${step.id}: the reference solution fails (${g.detail})`);
      } catch (err) {
        res.failures.push(`${lab.id}/${step.id}: the reference solution errors: ${(err as Error).message}`);
      }
    }
    await o.engine.reset(lab);
    const again = await o.engine.check(lab, undefined, { wait: false });
    for (const s of again.steps.filter((x) => x.ok)) res.failures.push(`${lab.id}/${s.id}: passes after a reset`);
  } finally {
    await o.engine.teardown(lab).catch((err) => o.log?.(`after the test: ${(err as Error).message}`));
  }
  res.ms = Date.now() - t0;
  return res;
}

/** the per-lab table `kubelab lab test` prints */
export function testTable(results: LabTestResult[]): string {
  const rows = results.map((r) => [
    r.lab,
    String(r.steps),
    String(r.nearMisses),
    `${r.caught}/${r.nearMisses}`,
    r.failures.length ? 'FAIL' : 'ok',
    `${(r.ms / 1000).toFixed(0)}s`,
  ]);
  const head = ['lab', 'steps', 'near-misses', 'caught', 'result', 'time'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(w[i]))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
