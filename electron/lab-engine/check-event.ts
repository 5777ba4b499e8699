// The `event` check: an Event with the reason (and object, message) must exist. With `after`, it must also have
// happened some seconds after a time another object records — "drain-me was evicted only once its
// tolerationSeconds had run out", which no single object says once the pod is gone.
import { search } from '@jmespath-community/jmespath';
import type { KubeClient } from './kube-client';
import type { EventAfter, EventCheck } from './types';

export async function checkEvent(check: EventCheck, kube: KubeClient, namespace: string): Promise<{ ok: boolean; message: string }> {
  const ns = check.namespace ?? namespace;
  const list = await kube.list('v1', 'Event', ns);
  const io = check.involvedObject ?? {};
  const hits = list.items.filter(
    (e: any) =>
      e.reason === check.reason &&
      (!io.kind || e.involvedObject?.kind === io.kind) &&
      (!io.name || e.involvedObject?.name === io.name || (io.name.endsWith('*') && String(e.involvedObject?.name).startsWith(io.name.slice(0, -1)))) &&
      (!check.messagePattern || new RegExp(check.messagePattern).test(e.message ?? '')),
  );
  const about = `${io.kind ?? 'object'}${io.name ? ` ${io.name}` : ''}`;
  if (!hits.length)
    return {
      ok: false,
      message: `no ${check.reason} event for ${about} in namespace ${ns}${check.messagePattern ? ` with a message matching /${check.messagePattern}/` : ''}`,
    };
  if (!check.after) return { ok: true, message: `event ${check.reason} for ${about}: ${hits[0].message ?? ''}` };
  const since = await referenceTime(check.after, kube, namespace);
  if (since === undefined) return { ok: false, message: `${check.after.what.en} is not recorded on ${describe(check.after)}` };
  // the latest matching event counts: a retried exercise leaves the earlier evictions behind
  const at = Math.max(
    ...hits
      .map((e: any) => Date.parse(e.eventTime ?? e.firstTimestamp ?? e.lastTimestamp ?? e.metadata?.creationTimestamp ?? ''))
      .filter((t: number) => !Number.isNaN(t)),
  );
  if (!Number.isFinite(at)) return { ok: false, message: `the ${check.reason} event for ${about} carries no time` };
  const gap = Math.round((at - since) / 1000);
  return gap >= check.after.seconds
    ? { ok: true, message: `event ${check.reason} for ${about} came ${gap}s after ${check.after.what.en}` }
    : {
        ok: false,
        message: `the ${check.reason} event for ${about} came ${gap}s after ${check.after.what.en}; it should come at least ${check.after.seconds}s after`,
      };
}

async function referenceTime(after: EventAfter, kube: KubeClient, namespace: string): Promise<number | undefined> {
  const info = await kube.resource(after.apiVersion, after.kind);
  const ns = info.namespaced ? (after.namespace ?? namespace) : undefined;
  const objects = after.name
    ? [await kube.get(after.apiVersion, after.kind, after.name, ns)].filter(Boolean)
    : (await kube.list(after.apiVersion, after.kind, ns, after.selector)).items;
  const times = objects
    .flatMap((o: unknown) => {
      const v = search(o as any, after.time) as unknown;
      return Array.isArray(v) ? v : [v];
    })
    .map((v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN))
    .filter((t: number) => !Number.isNaN(t));
  return times.length ? Math.max(...times) : undefined;
}

function describe(after: EventAfter): string {
  return `${after.kind} ${after.name ?? `-l ${after.selector}`}`;
}
