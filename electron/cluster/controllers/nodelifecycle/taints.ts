// The taints the node lifecycle controller owns, derived from node conditions and spec.unschedulable
// (upstream's TaintNodesByCondition and NoExecute tainting passes), and toleration matching.
import type { KObject } from '../../api/types';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const NOT_READY = 'node.kubernetes.io/not-ready';
export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const CONDITION_TAINTS: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};
const MANAGED = new Set([NOT_READY, UNREACHABLE, UNSCHEDULABLE, ...Object.values(CONDITION_TAINTS)]);

export function readyStatus(node: KObject): string | undefined {
  return (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status;
}

/** the node's taints with the controller-owned ones recomputed; NoExecute taints keep their original timeAdded */
export function desiredTaints(node: KObject, nowIso: string): Taint[] {
  const current: Taint[] = node.spec?.taints ?? [];
  const want: Taint[] = [];
  const ready = readyStatus(node);
  if (ready === 'False') want.push({ key: NOT_READY, effect: 'NoSchedule' }, { key: NOT_READY, effect: 'NoExecute' });
  if (ready === 'Unknown') want.push({ key: UNREACHABLE, effect: 'NoSchedule' }, { key: UNREACHABLE, effect: 'NoExecute' });
  for (const c of node.status?.conditions ?? []) {
    if (c.status === 'True' && CONDITION_TAINTS[c.type]) want.push({ key: CONDITION_TAINTS[c.type], effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) want.push({ key: UNSCHEDULABLE, effect: 'NoSchedule' });
  const out = current.filter((t) => !MANAGED.has(t.key) || want.some((w) => w.key === t.key && w.effect === t.effect));
  for (const w of want) {
    if (out.some((t) => t.key === w.key && t.effect === w.effect)) continue;
    out.push(w.effect === 'NoExecute' ? { ...w, timeAdded: nowIso } : w);
  }
  return out;
}

export function sameTaints(a: Taint[], b: Taint[]): boolean {
  const k = (t: Taint) => `${t.key}=${t.value ?? ''}:${t.effect}`;
  return a.length === b.length && a.map(k).sort().join(',') === b.map(k).sort().join(',');
}

export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.operator === 'Exists') return !tol.key || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? '') === (taint.value ?? '');
}

/**
 * How long a pod may stay on a node with these NoExecute taints: 0 = evict now, Infinity = never,
 * otherwise the smallest tolerationSeconds among the tolerations used (upstream's getMinTolerationTime).
 */
export function evictionDelaySeconds(tolerations: Toleration[], noExecute: Taint[]): number {
  let min = Infinity;
  for (const t of noExecute) {
    const used = tolerations.filter((tol) => tolerates(tol, t));
    if (!used.length) return 0;
    for (const tol of used) if (tol.tolerationSeconds != null) min = Math.min(min, Math.max(0, tol.tolerationSeconds));
  }
  return min;
}
