// Completion indexes of Indexed Jobs: the pod annotation/label and status.completedIndexes ("1,3-5").

export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';

export function completionIndexOf(pod: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX_KEY];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return parseInt(v, 10);
}

export function parseIndexes(s: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map((x) => parseInt(x, 10));
    if (Number.isNaN(a)) continue;
    for (let i = a; i <= (Number.isNaN(b ?? NaN) ? a : b); i++) if (i < completions) out.add(i);
  }
  return out;
}

/** sorted intervals, e.g. {0,1,2,5} → "0-2,5" */
export function formatIndexes(set: Set<number>): string {
  const xs = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length;) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    parts.push(j === i ? `${xs[i]}` : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
