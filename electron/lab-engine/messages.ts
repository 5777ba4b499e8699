// What a learner reads about a check, in both languages: the lab author's `message` first, else a sentence generated
// from the check itself (kind, name, field path, expected vs found). The grader's own wording — JMESPath
// expressions, check types, where the check is declared — goes to `detail`, which the app shows only on request.
import { matchTree } from './assert-tree';
import type { KubeClient } from './kube-client';
import type { AssertCheck, Check, CheckResult, PodPick, ScriptCheck, Text } from './types';

export interface HumanCheckResult extends CheckResult {
  /** what to tell the learner (author's message, else generated) */
  summary: Text;
  /** for authors: the grader's technical account (check type, declaration, expressions) */
  detail: string;
}

const both = (en: string, zh: string): Text => ({ en, zh });
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** the learner-facing name of what a check looks at: "Deployment web", "a Pod labelled app=web", "the NodeList" */
function subject(check: AssertCheck): Text {
  const o = check.object as { kind?: string; metadata?: { name?: string; labels?: Record<string, string> } };
  const kind = String(o.kind ?? 'object');
  if (o.metadata?.name) return both(`${kind} ${o.metadata.name}`, `${kind} ${o.metadata.name}`);
  const sel =
    check.selector ??
    Object.entries(o.metadata?.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  return sel ? both(`a ${kind} labelled ${sel}`, `带标签 ${sel} 的 ${kind}`) : both(`a ${kind}`, `某个 ${kind}`);
}

async function describeAssert(check: AssertCheck, ns: string, kube: KubeClient): Promise<Text> {
  const what = subject(check);
  const o = check.object as { apiVersion: string; kind: string; metadata?: { name?: string; namespace?: string } };
  const name = o.metadata?.name;
  if (o.kind.endsWith('List')) return both(`The ${o.kind.slice(0, -4)}s are not as this step asks yet`, `这些 ${o.kind.slice(0, -4)} 还不符合本步骤的要求`);
  if (!name) return both(`No ${what.en.replace(/^an? /, '')} is as this step asks yet`, `还没有符合本步骤要求的${what.zh.replace(/^某个 /, ' ')}`);
  const info = await kube.resource(o.apiVersion, o.kind);
  const where = info.namespaced ? (o.metadata?.namespace ?? ns) : undefined;
  const obj = await kube.get(o.apiVersion, o.kind, name, where);
  if (!obj) {
    return where
      ? both(`${what.en} was not found in namespace ${where}`, `在命名空间 ${where} 中没有找到 ${what.zh}`)
      : both(`${what.en} was not found`, `没有找到 ${what.zh}`);
  }
  const { apiVersion: _a, kind: _k, ...tree } = check.object as Record<string, unknown>;
  void _a;
  void _k;
  if (tree.metadata) {
    const { namespace: _n, ...md } = tree.metadata as Record<string, unknown>;
    void _n;
    tree.metadata = md;
  }
  // plain field paths can be said in the learner's terms; expression paths (JMESPath) stay in the detail
  const plain = matchTree(tree, obj)
    .filter((m) => !m.path.includes('(') && m.reason !== 'expression')
    .slice(0, 2);
  if (!plain.length) return both(`${what.en} is not as this step asks yet`, `${what.zh} 还不符合本步骤的要求`);
  const en = plain.map((m) =>
    m.actual === undefined ? `${m.path} is not set (expected ${show(m.expected)})` : `expected ${m.path} = ${show(m.expected)}, found ${show(m.actual)}`,
  );
  const zh = plain.map((m) =>
    m.actual === undefined ? `${m.path} 尚未设置（应为 ${show(m.expected)}）` : `${m.path} 应为 ${show(m.expected)}，实际为 ${show(m.actual)}`,
  );
  return both(`${what.en}: ${en.join('; ')}`, `${what.zh}：${zh.join('；')}`);
}

function describeOther(check: Exclude<Check, AssertCheck | ScriptCheck>): Text {
  switch (check.type) {
    case 'error': {
      const o = check.object as { kind?: string; metadata?: { name?: string } };
      const what = `${o.kind ?? 'object'}${o.metadata?.name ? ` ${o.metadata.name}` : ''}`;
      return both(`${what} should not exist any more`, `${what} 不应再存在`);
    }
    case 'exec': {
      const cmd = check.command.join(' ');
      return both(`\`${cmd}\` in the pod does not give the expected result yet`, `在 Pod 中运行 \`${cmd}\` 还没有得到预期的结果`);
    }
    case 'canI': {
      const who = check.serviceAccount ? `ServiceAccount ${check.serviceAccount}` : `user ${check.user}`;
      const act = `${check.verb} ${check.resource}${check.subresource ? `/${check.subresource}` : ''}`;
      return check.expect
        ? both(`${who} should be allowed to ${act}, and is not yet`, `${who} 应当被允许 ${act}，但目前还不行`)
        : both(`${who} should not be allowed to ${act}, but is`, `${who} 不应被允许 ${act}，但目前可以`);
    }
    case 'connect': {
      const to = `${check.toPod ? `pod ${podName(check.toPod)}` : check.host}:${check.port}`;
      return check.expect === 'allowed'
        ? both(`connections to ${to} should get through, and do not yet`, `到 ${to} 的连接应当能通过，但目前还不行`)
        : both(`connections to ${to} should be blocked, but get through`, `到 ${to} 的连接应当被阻止，但目前仍能通过`);
    }
    case 'event':
      if (check.after)
        return both(
          `the ${check.reason} event${check.involvedObject?.name ? ` for ${check.involvedObject.name}` : ''} should come at least ${check.after.seconds}s after ${check.after.what.en}`,
          `${check.involvedObject?.name ? `${check.involvedObject.name} 的` : ''} ${check.reason} 事件应当在${check.after.what.zh}之后至少 ${check.after.seconds} 秒才出现`,
        );
      return both(
        `no ${check.reason} event yet${check.involvedObject?.name ? ` for ${check.involvedObject.name}` : ''}`,
        `还没有${check.involvedObject?.name ? ` ${check.involvedObject.name} 的` : ''} ${check.reason} 事件`,
      );
    case 'admit': {
      const o = check.object as { kind?: string; metadata?: { name?: string } };
      const what = `${o.kind} ${o.metadata?.name}`;
      return check.expect.allowed
        ? both(
            `creating ${what} should be allowed${check.expect.warning ? ' with a warning' : ''}, and is not yet`,
            `创建 ${what} 应当被允许${check.expect.warning ? '（并给出警告）' : ''}，但目前还不行`,
          )
        : both(`creating ${what} should be refused by admission, but is not yet`, `创建 ${what} 应当被准入控制拒绝，但目前没有被拒绝`);
    }
    case 'podNode':
      return both(`pod ${podName(check.target)} does not run on a node this step asks for yet`, `Pod ${podName(check.target)} 还没有运行在本步骤要求的节点上`);
  }
}

function podName(p: PodPick): string {
  return p.pod ?? (p.selector ? `(${p.selector})` : '?');
}

/** a learner's account of a check result; `redact`: a later step the learner has not reached — say nothing of its targets */
export async function humanize(check: Check, r: CheckResult, ctx: { kube: KubeClient; namespace: string }): Promise<HumanCheckResult> {
  const detail = `${check.type} (${check.where}): ${r.message}`;
  if (r.ok) return { ...r, summary: both('passed', '已通过'), detail };
  if (check.message) return { ...r, summary: check.message, detail };
  let summary: Text;
  try {
    // a script speaks for itself: what it printed is the message (the author's words, in the script's language)
    summary =
      check.type === 'assert'
        ? await describeAssert(check, ctx.namespace, ctx.kube)
        : check.type === 'script'
          ? both(r.message, r.message)
          : describeOther(check);
  } catch (err) {
    summary = both(`this check could not be evaluated: ${(err as Error).message}`, `无法完成这项检查：${(err as Error).message}`);
  }
  return { ...r, summary, detail };
}

/** what a later, not yet reached step's failing check may say: that it is not done, nothing of its targets */
export const NOT_REACHED: Text = both('not done yet — details appear when you reach this step', '尚未完成——到达这一步时会显示详情');
