// Carries out setup, solution and cleanup actions against the cluster (API calls; `run` scripts get kubectl
// with KUBECONFIG pointing at the same cluster).
import { bundledToolDirs } from './tools';
import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pickPod } from './pods';
import { runCheck } from './checks';
import type { KubeClient } from './kube-client';
import type { Action, Lab, Lang } from './types';
import { applyReplacing, type Replacement } from './apply-replacing';

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
        const r = await runCheck({ ...c, timeoutMs: a.timeoutMs }, { kube: ctx.kube, namespace: ns, lang: ctx.lang, signal: ctx.signal });
        if (!r.ok) throw new Error(r.message);
      }
      return;
    case 'run': {
      const out = await runScript(a.script, ctx.kubeconfig, ns, undefined, ctx.signal, ctx.lab.dir ? dirname(ctx.lab.dir) : undefined);
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

/**
 * Runs a shell script with KUBECONFIG set. When KUBECTL names a binary that isn't called "kubectl"
 * (e.g. a versioned one), a temporary PATH entry makes it available under that name.
 */
export function runScript(
  script: string,
  kubeconfig: string,
  namespace: string,
  timeoutMs = 120_000,
  signal?: AbortSignal,
  /** the folder the lab's own folder is in: $KUBELAB_LABS, as in the app's terminal (`helm install x $KUBELAB_LABS/06-helm/chart`) */
  labsDir?: string,
): Promise<{ code: number; output: string }> {
  let shimDir: string | undefined;
  // the app's bundled tools (helm) come after the system's: a lab's script finds what the terminal finds
  const path = [process.env.PATH ?? '', ...bundledToolDirs()].filter(Boolean).join(delimiter);
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path, KUBECONFIG: kubeconfig, LAB_NAMESPACE: namespace };
  if (labsDir) env.KUBELAB_LABS = labsDir;
  if (process.env.KUBECTL && existsSync(process.env.KUBECTL)) {
    shimDir = mkdtempSync(join(tmpdir(), 'kubelab-kubectl-'));
    symlinkSync(process.env.KUBECTL, join(shimDir, 'kubectl'));
    env.PATH = `${shimDir}${delimiter}${path}`;
  }
  return new Promise((resolvePromise) => {
    // async on purpose: the cluster may run in this very process
    const p = spawn('bash', ['-eo', 'pipefail', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (c) => (output += c));
    p.stderr.on('data', (c) => (output += c));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    const cancel = () => p.kill('SIGTERM');
    signal?.addEventListener('abort', cancel, { once: true });
    p.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
      if (shimDir) rmSync(shimDir, { recursive: true, force: true });
      resolvePromise({ code: code ?? -1, output });
    });
  });
}
