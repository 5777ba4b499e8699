// Carries out setup, solution and cleanup actions against the cluster (API calls; `run` scripts get kubectl
// with KUBECONFIG pointing at the same cluster).
import { pickPod } from './pods';
import { runCheck } from './checks';
import type { KubeClient } from './kube-client';
import type { Action, Lab, Lang } from './types';
import { applyReplacing, type Replacement } from './apply-replacing';
import { runScript } from './run-script';

export { runScript } from './run-script';

export interface ActionContext {
  kube: KubeClient;
  kubeconfig: string;
  lab: Lab;
  lang: Lang;
  log?: (line: string) => void;
  /** stops between actions, kills a running script and ends waits (the student pressed Cancel) */
  signal?: AbortSignal;
  /** an object of the student's that a solution had to delete and create anew (see apply-replacing.ts) */
  replaced?: (r: Replacement) => void;
}

export async function runActions(actions: Action[], ctx: ActionContext): Promise<void> {
  for (const a of actions) {
    ctx.signal?.throwIfAborted();
    try {
      await runAction(a, ctx);
    } catch (err) {
      // a cancel is the student's choice, not a failure of the action: say only that
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      throw new Error(`${a.where}: ${a.type} failed: ${(err as Error).message}`);
    }
  }
}

async function runAction(a: Action, ctx: ActionContext): Promise<void> {
  const ns = ctx.lab.namespaces[0];
  switch (a.type) {
    case 'apply':
      for (const m of a.manifests) await applyObject(ctx.kube, m, ns, ctx);
      return;
    case 'delete':
      await ctx.kube.delete(a.ref.apiVersion, a.ref.kind, a.ref.name!, a.ref.namespace ?? ns);
      return;
    case 'exec': {
      const pod = await pickPod(ctx.kube, a.target, ns);
      const out = await ctx.kube.exec(pod.namespace, pod.name, a.command, pod.container);
      if (out.exitCode !== 0) throw new Error(`exit code ${out.exitCode}: ${out.stderr.trim()}`);
      return;
    }
    case 'wait':
      for (const c of a.checks) {
        const r = await runCheck(
          { ...c, timeoutMs: a.timeoutMs },
          { kube: ctx.kube, namespace: ns, lang: ctx.lang, signal: ctx.signal, kubeconfig: ctx.kubeconfig, labDir: ctx.lab.dir },
        );
        if (!r.ok) throw new Error(r.message);
      }
      return;
    case 'run': {
      const out = await runScript(a.script, ctx.kubeconfig, ns, undefined, ctx.signal, { labDir: ctx.lab.dir });
      ctx.log?.(out.output.trim());
      if (out.code !== 0) throw new Error(`exit code ${out.code}: ${out.output.trim().split('\n').slice(-3).join(' / ')}`);
    }
  }
}

export async function applyObject(
  kube: KubeClient,
  m: Record<string, any>,
  defaultNs: string,
  ctx: Pick<ActionContext, 'signal' | 'replaced'> = {},
): Promise<void> {
  const obj: Record<string, any> = { ...m, metadata: { ...(m.metadata ?? {}) } };
  const info = await kube.resource(obj.apiVersion, obj.kind);
  if (info.namespaced && !obj.metadata.namespace) obj.metadata.namespace = defaultNs;
  await applyReplacing(kube, obj, ctx);
}
