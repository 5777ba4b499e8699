// A stand-in lab backend with one lab written in code (chapter 1), so the app, its tests and the e2e run
// before the declarative lab engine (electron/lab-engine/) is wired in. It keeps its progress in ProgressStore.
import { R, type Cluster } from '../cluster';
import type { CheckItem, CheckResult, LabDetail, LabSummary, Localized, StepResult } from './ipc-contract';
import type { LabBackend, LabBackendContext } from './lab-backend';
import { ProgressStore } from './progress-store';
import { UI_USER } from './cluster-view';

interface BuiltinStep {
  id: string;
  title: Localized;
  body: Localized;
  hints: Localized[];
  check(c: Cluster): Promise<CheckItem[]>;
  solve(c: Cluster): Promise<void>;
}
interface BuiltinLab { id: string; chapter: number; title: Localized; intro: Localized; steps: BuiltinStep[] }

const L = (en: string, zh: string): Localized => ({ en, zh });
const item = (name: Localized, passed: boolean, message: Localized): CheckItem => ({ name, passed, message });
const admin = (c: Cluster) => c.client(UI_USER, 'kubelab-lab');
const notFound = (e: unknown) => (e as { code?: number }).code === 404;

const FIRST_LOOK: BuiltinLab = {
  id: '01-first-look', chapter: 1,
  title: L('A first look at the cluster', '初识集群'),
  intro: L('Your own Kubernetes cluster is running inside KubeLab. In this lab you look around with `kubectl`, create a namespace and run a pod in it.',
    'KubeLab 内置了一个属于你的 Kubernetes 集群。本实验中你将用 `kubectl` 四处看看，创建一个命名空间，并在其中运行一个 Pod。'),
  steps: [
    {
      id: 'nodes',
      title: L('Meet the nodes', '认识节点'),
      body: L('A cluster is a set of **nodes**. List them:\n\n```bash\nkubectl get nodes\n```\n\nEvery node should report `Ready` in the STATUS column.',
        '集群由一组**节点**组成。列出它们：\n\n```bash\nkubectl get nodes\n```\n\n每个节点的 STATUS 列都应显示 `Ready`。'),
      hints: [L('Type the command in the terminal on the right, or press "Run in terminal".', '在右侧终端中输入命令，或点击“在终端中运行”。'),
        L('`-o wide` shows more columns: `kubectl get nodes -o wide`.', '`-o wide` 会显示更多列：`kubectl get nodes -o wide`。')],
      async check(c) {
        const nodes = (await admin(c).list(R.nodes)).items as any[];
        const notReady = nodes.filter((n) => !(n.status?.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True')).map((n) => n.metadata.name);
        return [
          item(L('The cluster has nodes', '集群中有节点'), nodes.length > 0, nodes.length ? L(`${nodes.length} node(s) found`, `找到 ${nodes.length} 个节点`) : L('no nodes registered yet', '还没有注册的节点')),
          item(L('Every node is Ready', '所有节点都已就绪'), nodes.length > 0 && notReady.length === 0,
            notReady.length ? L(`not Ready: ${notReady.join(', ')}`, `未就绪：${notReady.join(', ')}`) : L('all nodes are Ready', '所有节点均为 Ready')),
        ];
      },
      async solve() { /* nothing to change: the step only observes */ },
    },
    {
      id: 'namespace',
      title: L('Create a namespace', '创建命名空间'),
      body: L('Namespaces divide a cluster into named areas. Create one called `lab01`:\n\n```bash\nkubectl create namespace lab01\n```\n\nThen list them with `kubectl get namespaces`.',
        '命名空间把集群划分为不同的区域。创建一个名为 `lab01` 的命名空间：\n\n```bash\nkubectl create namespace lab01\n```\n\n然后用 `kubectl get namespaces` 查看。'),
      hints: [L('The short name of namespaces is `ns`.', '命名空间的简称是 `ns`。'), L('Run `kubectl create ns lab01`.', '运行 `kubectl create ns lab01`。')],
      async check(c) {
        try {
          const ns = await admin(c).get(R.namespaces, undefined, 'lab01') as any;
          const active = ns.status?.phase === 'Active';
          return [item(L('Namespace lab01 exists', '命名空间 lab01 已存在'), active, active ? L('lab01 is Active', 'lab01 处于 Active 状态') : L(`lab01 is ${ns.status?.phase}`, `lab01 处于 ${ns.status?.phase} 状态`))];
        } catch (e) {
          if (!notFound(e)) throw e;
          return [item(L('Namespace lab01 exists', '命名空间 lab01 已存在'), false, L('namespaces "lab01" not found — create it with kubectl create namespace lab01', '未找到命名空间 "lab01"，请用 kubectl create namespace lab01 创建'))];
        }
      },
      async solve(c) {
        await admin(c).create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab01' } }).catch((e) => { if ((e as { code?: number }).code !== 409) throw e; });
      },
    },
    {
      id: 'pod',
      title: L('Run a pod', '运行一个 Pod'),
      body: L('Run nginx in the new namespace and watch it start:\n\n```bash\nkubectl run web --image=nginx -n lab01\nkubectl get pods -n lab01 -w\n```\n\nPress Ctrl+C to stop watching once it is `Running`.',
        '在新命名空间中运行 nginx 并观察它启动：\n\n```bash\nkubectl run web --image=nginx -n lab01\nkubectl get pods -n lab01 -w\n```\n\n看到 `Running` 后按 Ctrl+C 停止观察。'),
      hints: [L('`-n lab01` picks the namespace; without it the pod lands in `default`.', '`-n lab01` 指定命名空间；不加则 Pod 会创建在 `default` 中。'),
        L('If the pod is not Running, `kubectl describe pod web -n lab01` shows its events.', '如果 Pod 没有运行，`kubectl describe pod web -n lab01` 可以查看它的事件。')],
      async check(c) {
        try {
          const p = await admin(c).get(R.pods, 'lab01', 'web') as any;
          const running = p.status?.phase === 'Running';
          return [item(L('Pod web exists in lab01', 'lab01 中存在 Pod web'), true, L('found', '已找到')),
            item(L('Pod web is Running', 'Pod web 正在运行'), running, running ? L('Running', '运行中') : L(`phase is ${p.status?.phase ?? 'Pending'}`, `当前阶段为 ${p.status?.phase ?? 'Pending'}`))];
        } catch (e) {
          if (!notFound(e)) throw e;
          return [item(L('Pod web exists in lab01', 'lab01 中存在 Pod web'), false, L('pods "web" not found in namespace lab01', '命名空间 lab01 中未找到 Pod "web"'))];
        }
      },
      async solve(c) {
        await admin(c).create(R.pods, 'lab01', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'lab01', labels: { run: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } })
          .catch((e) => { if ((e as { code?: number }).code !== 409) throw e; });
      },
    },
  ],
};

export const BUILTIN_LABS: BuiltinLab[] = [FIRST_LOOK];

export function createBuiltinLabBackend(ctx: LabBackendContext, labs: BuiltinLab[] = BUILTIN_LABS): LabBackend {
  const progress = new ProgressStore(ctx.dataDir);
  const find = (id: string) => {
    const l = labs.find((x) => x.id === id);
    if (!l) throw new Error(`no lab "${id}"`);
    return l;
  };
  const summary = (l: BuiltinLab): LabSummary => {
    const p = progress.get(l.id);
    const done = l.steps.filter((s) => p.passedSteps.includes(s.id)).length;
    return { id: l.id, chapter: l.chapter, title: l.title, stepsDone: done, stepsTotal: l.steps.length,
      status: done === l.steps.length ? 'passed' : p.started || done ? 'in-progress' : 'not-started' };
  };
  const detail = (l: BuiltinLab): LabDetail => ({
    ...summary(l), intro: l.intro, passedSteps: progress.get(l.id).passedSteps,
    steps: l.steps.map((s) => ({ id: s.id, title: s.title, body: s.body, hintCount: s.hints.length })),
  });
  return {
    async list() { return labs.map(summary); },
    async get(id) { return detail(find(id)); },
    async start(id) { const l = find(id); progress.update(id, (p) => { p.started ??= new Date().toISOString(); }); return detail(l); },
    async check(id): Promise<CheckResult> {
      const l = find(id);
      const c = await ctx.cluster();
      const steps: StepResult[] = [];
      for (const s of l.steps) {
        const checks = await s.check(c).catch((e: Error) => [item(L('check could run', '检查可执行'), false, L(e.message, e.message))]);
        steps.push({ stepId: s.id, passed: checks.every((x) => x.passed), checks });
      }
      progress.update(id, (p) => {
        p.started ??= new Date().toISOString();
        for (const s of steps) if (s.passed && !p.passedSteps.includes(s.stepId)) p.passedSteps.push(s.stepId);
        if (steps.every((s) => s.passed)) p.completed ??= new Date().toISOString();
      });
      return { labId: id, passed: steps.every((s) => s.passed), steps };
    },
    async hint(id, stepId, index) {
      const s = find(id).steps.find((x) => x.id === stepId);
      if (!s) throw new Error(`lab "${id}" has no step "${stepId}"`);
      const i = Math.max(0, Math.min(index, s.hints.length - 1));
      progress.update(id, (p) => { p.hintsUsed++; });
      return { stepId, index: i, total: s.hints.length, text: s.hints[i] };
    },
    async solve(id) {
      const l = find(id);
      const c = await ctx.cluster();
      for (const s of l.steps) await s.solve(c);
      progress.update(id, (p) => { p.solved = true; });
      return { message: L('The reference solution was applied. Press Check to see the result.', '已应用参考答案。点击“检查”查看结果。') };
    },
    async reset(id) {
      find(id);
      const c = await ctx.cluster();
      if (id === FIRST_LOOK.id) await admin(c).delete(R.namespaces, undefined, 'lab01').catch((e) => { if (!notFound(e)) throw e; });
      progress.remove(id);
    },
    async report() {
      const all = progress.all();
      const body = {
        kind: 'KubeLabReport', generated: new Date().toISOString(),
        labs: labs.map((l) => ({ ...summary(l), title: l.title.en, hintsUsed: all[l.id]?.hintsUsed ?? 0, solved: !!all[l.id]?.solved, completed: all[l.id]?.completed })),
      };
      return { fileName: `kubelab-report-${body.generated.slice(0, 10)}.json`, content: progress.signedReport(body) };
    },
  };
}
