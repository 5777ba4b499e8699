// The lab backend on top of electron/lab-engine: the declarative labs in labs/ (and imported packs), graded by
// LabEngine against the app's cluster through its kubeconfig, with progress in the same store `kubelab lab` uses.
import { missingToolProblems } from '../lab-engine/tools';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabEngine } from '../lab-engine/engine';
import { KubeClient } from '../lab-engine/kube-client';
import { readKubeconfig } from '../lab-engine/kubeconfig';
import { findLab, labRoots } from '../lab-engine/catalog';
import { ProgressStore, type Profile } from '../lab-engine/progress';
import { buildReport, generateInstructorKey, signReport } from '../lab-engine/report';
import type { Lab } from '../lab-engine/types';
import { cachedCatalog } from './lab-catalog-cache';
import type { CheckResult, LabClusterFit, LabDetail, LabSummary, Localized } from './ipc-contract';
import { topologyProblems } from '../lab-engine/topology';
import { labSnapshot } from '../lab-engine/lab-snapshot';
import { labProfileName } from './cluster-profiles';
import { NOT_REACHED } from '../lab-engine/messages';
import type { LabBackend, LabBackendContext } from './lab-backend';
import type { Replacement } from '../lab-engine/apply-replacing';

const PROFILE = 'default';

/** what the student reads after an applied solution */
function solvedMessage(stepId: string | undefined, steps: string[]): Localized {
  if (!stepId) return { en: 'The reference solution was applied. Press Check to see the result.', zh: '已应用参考答案。点击“检查”查看结果。' };
  const earlier = steps.slice(0, -1);
  return earlier.length
    ? {
        en: `The solution of this step was applied, and of the earlier steps it needs (${earlier.join(', ')}). Press Check to see the result.`,
        zh: `已应用本步骤的答案，以及它依赖的前面步骤（${earlier.join('、')}）的答案。点击“检查”查看结果。`,
      }
    : { en: 'The solution of this step was applied. Press Check to see the result.', zh: '已应用本步骤的答案。点击“检查”查看结果。' };
}

function replacementMessage(r: Replacement): Localized {
  const what = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
  return {
    en: `Your ${what} could not be changed into the solution's (${r.reason}), so it was deleted and the solution's ${r.kind} created in its place.`,
    zh: `你的 ${what} 无法直接改成答案中的样子（${r.reason}），因此已将其删除，并按答案重新创建了这个 ${r.kind}。`,
  };
}

const labRootsOf = (ctx: Pick<LabBackendContext, 'dataDir' | 'labsDir'>) => [...new Set(labRoots(ctx.dataDir, existsSync(ctx.labsDir) ? [ctx.labsDir] : []))];

export function createEngineLabBackend(ctx: LabBackendContext): LabBackend {
  const progress = new ProgressStore(ctx.dataDir, PROFILE);
  // each installation draws its own lab values (kept in the progress file, set there by an instructor, or
  // forced with KUBELAB_SEED), so neighbours' answers and names differ; the report records the seed
  const catalog = cachedCatalog(
    () => labRootsOf(ctx),
    () => process.env.KUBELAB_SEED ?? progress.seed(),
  );
  // (read on first use, not at construction: parsing every lab's YAML held up `npm run web`'s URL)
  let client: { key: string; kube: KubeClient } | undefined;

  /** the solve or reset under way per lab, so Cancel can stop it */
  const running = new Map<string, AbortController>();
  async function cancellable<T>(id: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (running.has(id))
      throw new Error(ctx.lang() === 'zh' ? '该实验已有操作在进行中，请等待或取消它' : 'another action of this lab is under way: wait for it or cancel it');
    const ac = new AbortController();
    running.set(id, ac);
    try {
      return await fn(ac.signal);
    } catch (e) {
      if (ac.signal.aborted) throw new Error(ctx.lang() === 'zh' ? '已取消' : 'cancelled');
      throw e;
    } finally {
      running.delete(id);
    }
  }

  async function engine(extra: { signal?: AbortSignal; replaced?: (r: Replacement) => void } = {}): Promise<LabEngine> {
    const c = await ctx.cluster();
    // a cluster reset issues new credentials and may move the port: rebuild the client then
    const key = `${c.server}|${readFileSync(c.kubeconfigPath, 'utf8').length}`;
    if (client?.key !== key) {
      client?.kube.close();
      client = { key, kube: new KubeClient(readKubeconfig(c.kubeconfigPath)) };
    }
    return new LabEngine({ kube: client.kube, kubeconfig: c.kubeconfigPath, lang: ctx.lang(), ...extra });
  }
  // the catalogue as it is now: an edited lab or a new seed (set by an instructor) is seen without a restart
  const lab = (id: string) => findLab(catalog(), id);
  const examRunning = (id: string) => {
    const e = progress.load().exam;
    return !!e && !e.finishedAt && e.labs.includes(id);
  };
  const summary = (l: Lab, p: Profile): LabSummary => {
    const lp = p.labs[l.id];
    const done = l.steps.filter((s) => lp?.steps[s.id]?.done).length;
    return {
      id: l.id,
      chapter: l.chapter,
      title: l.title,
      stepsDone: done,
      stepsTotal: l.steps.length,
      status: lp?.completedAt || (done === l.steps.length && done > 0) ? 'passed' : lp ? 'in-progress' : 'not-started',
    };
  };
  /** does the running cluster fit the lab, and which lab (if another) holds the cluster's snapshot */
  const fit = async (l: Lab): Promise<LabClusterFit> => {
    const kube = (await engine()).kube;
    const snap = await labSnapshot(kube);
    return { profile: labProfileName(l), current: ctx.profile(), problems: await topologyProblems(kube, l), activeLab: snap?.labels.lab };
  };
  const detail = async (l: Lab): Promise<LabDetail> => {
    const p = progress.load();
    return {
      ...summary(l, p),
      intro: l.intro,
      passedSteps: l.steps.filter((s) => p.labs[l.id]?.steps[s.id]?.done).map((s) => s.id),
      steps: l.steps.map((s) => ({ id: s.id, title: s.title, body: s.text, hintCount: s.hints.length })),
      cluster: await fit(l),
      missingTools: missingToolProblems(l),
    };
  };
  const start = async (id: string): Promise<LabDetail> => {
    const l = lab(id);
    const e = await engine();
    const problems = await topologyProblems(e.kube, l);
    // never start a lab silently on a cluster of the wrong shape: the student gets the reason and the way out
    if (problems.length) {
      const zh = ctx.lang() === 'zh';
      throw new Error(
        zh
          ? `当前集群不适合实验 ${l.id}：${problems.map((p) => p.zh).join('；')}。请点击“启动本实验的集群”。`
          : `this cluster does not fit lab ${l.id}: ${problems.map((p) => p.en).join('; ')}. Press "Start this lab's cluster".`,
      );
    }
    await e.start(l);
    if (!progress.load().labs[id]) progress.started(id);
    return detail(l);
  };

  return {
    async list() {
      const p = progress.load();
      return catalog().map((l) => summary(l, p));
    },
    async get(id) {
      return detail(lab(id));
    },
    start,
    async startCluster(id) {
      const l = lab(id);
      if (ctx.profile() !== labProfileName(l)) await ctx.useProfile(labProfileName(l), l.cluster.configFile);
      return start(id);
    },
    async check(id): Promise<CheckResult> {
      const l = lab(id);
      // the UI wants an answer now: each check is evaluated once instead of retrying until its timeout
      const r = await (await engine()).check(l, undefined, { wait: false });
      progress.recordCheck(r);
      // a step after the first one not passed has not been reached: its checks must not give its answers away
      const reached = r.steps.findIndex((s) => !s.ok);
      return {
        labId: id,
        passed: r.ok,
        steps: r.steps.map((s, i) => ({
          stepId: s.id,
          passed: s.ok,
          checks: s.checks.map((c, j) => {
            const hidden = !c.ok && reached >= 0 && i > reached;
            return {
              name: { en: `Check ${j + 1}`, zh: `检查 ${j + 1}` },
              passed: c.ok,
              message: hidden ? NOT_REACHED : c.summary,
              ...(hidden ? {} : { detail: c.detail }),
            };
          }),
        })),
      };
    },
    async hint(id, stepId, index) {
      const step = lab(id).steps.find((s) => s.id === stepId);
      if (!step) throw new Error(`lab "${id}" has no step "${stepId}"`);
      if (!step.hints.length) throw new Error(`step "${stepId}" has no hints`);
      const i = Math.max(0, Math.min(index, step.hints.length - 1));
      progress.revealHint(id, stepId, i);
      return { stepId, index: i, total: step.hints.length, text: step.hints[i] };
    },
    async solve(id, stepId) {
      const l = lab(id);
      if (examRunning(id)) throw new Error(ctx.lang() === 'zh' ? '考试期间不能使用答案' : 'no solutions during an exam');
      return cancellable(id, async (signal) => {
        const replaced: Replacement[] = [];
        const e = await engine({ signal, replaced: (r) => replaced.push(r) });
        let steps = l.steps.map((s) => s.id);
        if (stepId) {
          const at = steps.indexOf(stepId);
          if (at < 0) throw new Error(`lab "${id}" has no step "${stepId}"`);
          // what this step builds on: earlier steps whose checks fail now get their solution too, nothing after it
          const r = at > 0 ? await e.check(l, steps.slice(0, at), { wait: false }) : undefined;
          steps = [...(r?.steps.filter((s) => !s.ok).map((s) => s.id) ?? []), stepId];
        }
        try {
          await e.solve(l, steps);
        } catch (err) {
          // what was replaced stays replaced even when a later action fails: the student must hear of it
          if (!replaced.length || signal.aborted) throw err;
          const lang = ctx.lang();
          throw new Error(`${replaced.map((r) => replacementMessage(r)[lang]).join(' ')} ${(err as Error).message}`);
        }
        progress.solutionApplied(id, steps);
        return { applied: steps, message: solvedMessage(stepId, steps), replaced: replaced.map(replacementMessage) };
      });
    },
    async solution(id, stepId) {
      const step = lab(id).steps.find((s) => s.id === stepId);
      if (!step) throw new Error(`lab "${id}" has no step "${stepId}"`);
      if (examRunning(id)) throw new Error(ctx.lang() === 'zh' ? '考试期间不能查看答案' : 'no solutions during an exam');
      progress.solutionShown(id, stepId);
      return { stepId, text: step.solution.text };
    },
    async cancel(id) {
      const ac = running.get(id);
      ac?.abort(new Error('cancelled'));
      return !!ac;
    },
    async active() {
      const c = await ctx.cluster();
      const held = (await labSnapshot((await engine()).kube))?.labels.lab;
      const l = held ? catalog().find((x) => x.id === held) : undefined;
      // without a lab, what kubectl in the app's terminal would use: the kubeconfig context's namespace
      return { lab: held, namespace: l?.namespaces[0] ?? readKubeconfig(c.kubeconfigPath).namespace ?? 'default' };
    },
    async reset(id) {
      await cancellable(id, async (signal) => (await engine({ signal })).reset(lab(id)));
      progress.newAttempt(id);
    },
    async report() {
      let r = buildReport(progress.load(), catalog());
      // an instructor's key when there is one (as `kubelab report`), else this installation's own key, so any
      // later edit of the exported file shows up when it is verified
      let keyFile = process.env.KUBELAB_INSTRUCTOR_KEY ?? join(ctx.dataDir, 'instructor.key');
      if (!existsSync(keyFile)) {
        keyFile = join(ctx.dataDir, 'labs', 'report-signing.key');
        if (!existsSync(keyFile)) {
          mkdirSync(join(ctx.dataDir, 'labs'), { recursive: true });
          writeFileSync(keyFile, generateInstructorKey().privateKeyPem, { mode: 0o600 });
        }
      }
      r = signReport(r, readFileSync(keyFile, 'utf8'));
      return { fileName: `kubelab-report-${r.generatedAt.slice(0, 10)}.json`, content: JSON.stringify(r, null, 2) };
    },
  };
}
