// Which active pods a Job gives up first when it has too many: for Indexed Jobs pods of finished, out-of-range or
// duplicated indexes, then upstream's controller.ActivePods order (unscheduled, pending, not ready, newest first).
import type { KObject } from '../../api/types';
import { completionIndexOf } from './indexes';
import { isPodReady } from '../replicaset/pod-helpers';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function compareForRemoval(a: KObject, b: KObject): number {
  const assigned = (p: KObject) => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: KObject) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: KObject) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  // newer pods go first: they have done the least work
  return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
}

export function activePodsForRemoval(pods: KObject[], atLeast: number, indexed?: { completions: number; succeeded: Set<number> }): KObject[] {
  const out: KObject[] = [];
  let rest = pods;
  if (indexed) {
    const seen = new Set<number>();
    rest = [];
    for (const p of [...pods].sort((a, b) => compareForRemoval(b, a))) {
      const ix = completionIndexOf(p);
      if (ix === undefined || ix >= indexed.completions || indexed.succeeded.has(ix) || seen.has(ix)) out.push(p);
      else {
        seen.add(ix);
        rest.push(p);
      }
    }
  }
  if (out.length < atLeast) out.push(...[...rest].sort(compareForRemoval).slice(0, atLeast - out.length));
  return out;
}
