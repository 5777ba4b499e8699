// Evaluates declarative checks against the cluster through the Kubernetes API only, with retries and
// a message that says what is missing or wrong.
import { matchTree } from './assert-tree';
import { summarize } from './summarize';
import { pickPod } from './pods';
import { checkPodNode } from './check-pod-node';
import { checkEvent } from './check-event';
import { checkAdmit } from './check-admit';
import { compareRecorded } from './recorded';
import { runScriptCheck } from './check-script';
import type { KubeClient } from './kube-client';
import type { Check, CheckResult, Lang, AssertCheck, ErrorCheck } from './types';

export interface CheckContext {
  kube: KubeClient;
  namespace: string;
  lang: Lang;
  /** ends the retries early (a cancelled wait) */
  signal?: AbortSignal;
  /** for `script` checks: the graded cluster's kubeconfig and the lab's folder */
  kubeconfig?: string;
  labDir?: string;
}

export async function runCheck(check: Check, ctx: CheckContext): Promise<CheckResult> {
  const deadline = Date.now() + (check.timeoutMs ?? 0);
  for (;;) {
    let r: { ok: boolean; message: string };
    try {
      r = await evaluate(check, ctx);
    } catch (err) {
      r = { ok: false, message: (err as Error).message };
    }
    if (r.ok || Date.now() >= deadline) {
      const lead = !r.ok && check.message ? `${check.message[ctx.lang]} — ` : '';
      return { ok: r.ok, type: check.type, message: r.ok ? r.message : lead + r.message };
    }
    ctx.signal?.throwIfAborted();
    await new Promise((res) => setTimeout(res, Math.min(1000, Math.max(50, deadline - Date.now()))));
  }
}

async function evaluate(check: Check, ctx: CheckContext): Promise<{ ok: boolean; message: string }> {
  switch (check.type) {
    case 'assert':
      return assertObject(check, ctx);
    case 'error':
      return assertAbsent(check, ctx);
    case 'exec': {
      const pod = await pickPod(ctx.kube, check.target, ctx.namespace);
      const out = await ctx.kube.exec(pod.namespace, pod.name, check.command, pod.container);
      const want = check.expect.exitCode ?? 0;
      const cmd = check.command.join(' ');
      if (out.exitCode !== want)
        return {
          ok: false,
          message: `\`${cmd}\` in pod ${pod.name} exited with ${out.exitCode}, expected ${want}${out.stderr ? ` (stderr: ${clip(out.stderr)})` : ''}`,
        };
      if (check.expect.stdout && !new RegExp(check.expect.stdout, 'm').test(out.stdout))
        return { ok: false, message: `\`${cmd}\` in pod ${pod.name} printed "${clip(out.stdout)}", which does not match /${check.expect.stdout}/` };
      if (check.expect.stderr && !new RegExp(check.expect.stderr, 'm').test(out.stderr))
        return { ok: false, message: `\`${cmd}\` in pod ${pod.name} wrote "${clip(out.stderr)}" to stderr, which does not match /${check.expect.stderr}/` };
      if (check.expect.recorded) return compareRecorded(ctx.kube, ctx.namespace, check.expect.recorded, out.stdout, `\`${cmd}\` in pod ${pod.name}`);
      return { ok: true, message: `\`${cmd}\` in pod ${pod.name} behaved as expected` };
    }
    case 'canI': {
      const sa = check.serviceAccount?.split('/');
      const user = sa ? `system:serviceaccount:${sa[0]}:${sa[1]}` : check.user!;
      const groups = sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa[0]}`, 'system:authenticated'] : check.groups;
      const ns = check.namespace ?? ctx.namespace;
      const review = await ctx.kube.json('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user,
          groups,
          resourceAttributes: {
            namespace: ns,
            verb: check.verb,
            group: check.group ?? '',
            resource: check.resource,
            subresource: check.subresource,
            name: check.name,
          },
        },
      });
      const allowed = review.status?.allowed === true;
      const action = `${check.verb} ${check.resource}${check.subresource ? `/${check.subresource}` : ''}${check.name ? ` ${check.name}` : ''} in namespace ${ns}`;
      return allowed === check.expect
        ? { ok: true, message: `${user} ${allowed ? 'can' : 'cannot'} ${action}, as expected` }
        : { ok: false, message: `${user} ${allowed ? 'can' : 'cannot'} ${action}, but it should ${check.expect ? '' : 'not '}be allowed` };
    }
    case 'connect': {
      const pod = await pickPod(ctx.kube, check.from, ctx.namespace);
      let host = check.host;
      let target = `${check.host}:${check.port}`;
      if (check.toPod) {
        const to = await pickPod(ctx.kube, check.toPod, ctx.namespace);
        host = (await ctx.kube.get('v1', 'Pod', to.name, to.namespace))?.status?.podIP ?? '';
        if (!host) throw new Error(`pod ${to.name} in namespace ${to.namespace} has no pod IP yet`);
        target = `pod ${to.name} (${host}:${check.port})`;
      }
      const cmd =
        check.protocol === 'http'
          ? ['wget', '-q', '-T', '2', '-O', '/dev/null', `http://${host}:${check.port}/`]
          : ['nc', '-z', '-w', '2', host, String(check.port)];
      const out = await ctx.kube.exec(pod.namespace, pod.name, cmd, pod.container);
      const got = out.exitCode === 0 ? 'allowed' : 'denied';
      return got === check.expect
        ? { ok: true, message: `pod ${pod.name} → ${target} is ${got}, as expected` }
        : { ok: false, message: `pod ${pod.name} → ${target} is ${got}, expected ${check.expect}` };
    }
    case 'podNode':
      return checkPodNode(check, ctx.kube, ctx.namespace);
    case 'admit':
      return checkAdmit(check, ctx.kube, ctx.namespace);
    case 'event':
      return checkEvent(check, ctx.kube, ctx.namespace);
    case 'script':
      return runScriptCheck(check, ctx);
  }
}

async function candidates(check: AssertCheck | ErrorCheck, ctx: CheckContext): Promise<{ kind: string; where: string; objects: any[]; single: boolean }> {
  const o = check.object as any;
  const md = o.metadata ?? {};
  let kind = String(o.kind);
  const isList = kind.endsWith('List');
  if (isList) kind = kind.slice(0, -4);
  const info = await ctx.kube.resource(o.apiVersion, kind);
  const ns = info.namespaced ? (md.namespace ?? ctx.namespace) : undefined;
  const where = ns ? ` in namespace ${ns}` : '';
  if (isList) {
    const list = await ctx.kube.list(o.apiVersion, kind, ns, check.selector);
    return { kind: o.kind, where, objects: [{ ...list, apiVersion: o.apiVersion, kind: o.kind }], single: true };
  }
  if (md.name) {
    const obj = await ctx.kube.get(o.apiVersion, kind, md.name, ns);
    return { kind, where, objects: obj ? [obj] : [], single: true };
  }
  const selector =
    check.selector ??
    (md.labels
      ? Object.entries(md.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : undefined);
  const list = await ctx.kube.list(o.apiVersion, kind, ns, selector);
  return { kind, where, objects: list.items, single: false };
}

function expectedTree(check: AssertCheck | ErrorCheck): Record<string, unknown> {
  const o = { ...check.object } as any;
  // apiVersion/kind were used to find the object; list items don't carry a namespace we'd want compared twice
  delete o.apiVersion;
  delete o.kind;
  if (o.metadata) {
    o.metadata = { ...o.metadata };
    delete o.metadata.namespace;
  }
  return o;
}

async function assertObject(check: AssertCheck, ctx: CheckContext): Promise<{ ok: boolean; message: string }> {
  const c = await candidates(check, ctx);
  const md = (check.object as any).metadata ?? {};
  const label = `${c.kind}${md.name ? ` ${md.name}` : ''}`;
  if (!c.objects.length)
    return { ok: false, message: md.name ? `${label} not found${c.where}` : `no ${c.kind}${c.where}${check.selector ? ` matches ${check.selector}` : ''}` };
  const tree = expectedTree(check);
  let best: { obj: any; mm: ReturnType<typeof matchTree> } | undefined;
  for (const obj of c.objects) {
    const mm = matchTree(tree, obj);
    if (!mm.length) return { ok: true, message: `${c.kind} ${obj.metadata?.name ?? ''} matches`.replace(/  +/, ' ') };
    if (!best || mm.length < best.mm.length) best = { obj, mm };
  }
  const msg = summarize(c.kind, best!.obj, best!.mm);
  return { ok: false, message: c.single ? msg : `no ${c.kind}${c.where} matches; closest: ${msg}` };
}

async function assertAbsent(check: ErrorCheck, ctx: CheckContext): Promise<{ ok: boolean; message: string }> {
  const c = await candidates(check, ctx);
  const tree = expectedTree(check);
  const found = c.objects.find((obj) => matchTree(tree, obj).length === 0);
  if (!found) return { ok: true, message: `no such ${c.kind}${c.where}, as expected` };
  return { ok: false, message: `${c.kind} ${found.metadata?.name ?? ''}${c.where} exists but should not` };
}

function clip(s: string): string {
  const t = s.trim();
  return t.length > 160 ? `${t.slice(0, 160)}…` : t;
}
