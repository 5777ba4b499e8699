// Which pods a scale-down removes first, in upstream's ActivePodsWithRanks order: unscheduled, then pending/unknown,
// not ready, lower pod-deletion-cost, more siblings on the same node, ready for less time, more restarts, newer.
import type { KObject } from '../../api/types';
import { creationMs, isPodReady, podCondition } from './pod-helpers';

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

function deletionCost(pod: KObject): number {
  const v = pod.metadata.annotations?.[COST_ANNOTATION];
  const n = v === undefined ? 0 : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}

function restarts(pod: KObject): number {
  return ((pod.status?.containerStatuses ?? []) as { restartCount?: number }[]).reduce((m, c) => Math.max(m, c.restartCount ?? 0), 0);
}

// upstream compares timestamps on a log2 scale so pods of similar age are treated alike and spread counts decide
const logBucket = (ms: number, now: number): number => (ms <= 0 ? -1 : Math.floor(Math.log2(Math.max(1, now - ms))));

/** picks `count` pods to delete; `related` are pods of sibling controllers (same owner), used to rank doubled-up nodes */
export function podsToDelete(pods: KObject[], related: KObject[], count: number, now = Date.now()): KObject[] {
  if (count >= pods.length) return pods.slice(0, count);
  const perNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec?.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const rank = (p: KObject) => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  const readySince = (p: KObject) => {
    const t = podCondition(p, 'Ready')?.lastTransitionTime;
    return t ? Date.parse(t) : 0;
  };
  const sorted = [...pods].sort((a, b) => {
    const an = a.spec?.nodeName ? 1 : 0,
      bn = b.spec?.nodeName ? 1 : 0;
    if (an !== bn) return an - bn;
    const ap = phaseRank[a.status?.phase ?? 'Pending'] ?? 0,
      bp = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
    if (ap !== bp) return ap - bp;
    const ar = isPodReady(a) ? 1 : 0,
      br = isPodReady(b) ? 1 : 0;
    if (ar !== br) return ar - br;
    const ac = deletionCost(a),
      bc = deletionCost(b);
    if (ac !== bc) return ac - bc;
    const ak = rank(a),
      bk = rank(b);
    if (ak !== bk) return bk - ak;
    if (ar && br) {
      const at = logBucket(readySince(a), now),
        bt = logBucket(readySince(b), now);
      if (at !== bt) return at - bt;
    }
    const ax = restarts(a),
      bx = restarts(b);
    if (ax !== bx) return bx - ax;
    const ag = logBucket(creationMs(a), now),
      bg = logBucket(creationMs(b), now);
    if (ag !== bg) return ag - bg;
    return 0;
  });
  return sorted.slice(0, count);
}
