// Toleration/taint matching as in component-helpers' ToleratesTaint.
import type { Taint, Toleration } from 'kubernetes-types/core/v1';

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  // an empty key with Exists tolerates everything
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export const toleratedBy = (tols: Toleration[] | undefined, taint: Taint): boolean => (tols ?? []).some((t) => tolerates(t, taint));

/** First taint matching `filter` that no toleration covers, in the node's order (upstream reports that one). */
export function firstUntolerated(taints: Taint[] | undefined, tols: Toleration[] | undefined, filter: (t: Taint) => boolean): Taint | undefined {
  for (const taint of taints ?? []) if (filter(taint) && !toleratedBy(tols, taint)) return taint;
  return undefined;
}

export const doNotSchedule = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';
