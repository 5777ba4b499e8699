// Pod garbage collection (upstream podgc): force-deletes pods bound to nodes that no longer exist, terminating
// pods never scheduled, terminating pods on out-of-service NotReady nodes, and the oldest terminated pods
// above terminated-pod-gc-threshold. Orphaned pods are first marked Failed with a DisruptionTarget condition.
import type { Client, InformerFactory } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { isStatus } from '../../client/errors';
import { rfc3339 } from '../../api/time';
import { isPodTerminal } from '../replicaset/pod-helpers';
import { bestEffort, componentLog } from '../../best-effort';
import { isNotFound } from '../../client/errors';

const log = componentLog('pod-garbage-collector');

export const TERMINATED_POD_GC_THRESHOLD = 12500;
const GC_PERIOD_MS = 20_000;
// a node must be missing from the cache for this long (and from the API) before its pods count as orphaned
const QUARANTINE_MS = 40_000;
const OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

export interface PodGcOptions {
  threshold?: number;
  periodMs?: number;
  quarantineMs?: number;
  now?: () => Date;
}

export function startPodGcController(client: Client, informers: InformerFactory, opts: PodGcOptions = {}): { stop(): void; gc(): Promise<void> } {
  const now = opts.now ?? (() => new Date());
  const pods = informers.informer(R.pods);
  const nodes = informers.informer(R.nodes);
  const missingSince = new Map<string, number>();
  let running = false;

  async function forceDelete(pod: KObject, reason?: { message: string }): Promise<void> {
    if (reason) {
      const conds = (pod.status?.conditions ?? []).filter((c: any) => c.type !== 'DisruptionTarget');
      conds.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: reason.message, lastTransitionTime: rfc3339(now()) });
      const status: any = { conditions: conds };
      if (!isPodTerminal(pod)) status.phase = 'Failed';
      await bestEffort(
        client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status }, { subresource: 'status' }),
        `marking pod ${pod.metadata.namespace}/${pod.metadata.name} DisruptionTarget`,
        log,
        { expected: isNotFound },
      );
    }
    await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0 }).catch((err) => {
      if (!isStatus(err, 404)) throw err;
    });
  }

  async function gc(): Promise<void> {
    if (running || !pods.hasSynced() || !nodes.hasSynced()) return;
    running = true;
    try {
      const all = pods.list();
      const t = now().getTime();
      // 1. terminated pods above the threshold, oldest first
      const threshold = opts.threshold ?? TERMINATED_POD_GC_THRESHOLD;
      const terminated = all.filter(isPodTerminal);
      if (threshold > 0 && terminated.length > threshold) {
        terminated.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
        for (const p of terminated.slice(0, terminated.length - threshold)) await forceDelete(p);
      }
      // 2. pods on nodes that are gone
      for (const p of all) {
        const node = p.spec?.nodeName;
        if (!node || nodes.getByName(undefined, node)) {
          if (node) missingSince.delete(node);
          continue;
        }
        const since = missingSince.get(node) ?? t;
        missingSince.set(node, since);
        if (t - since < (opts.quarantineMs ?? QUARANTINE_MS)) continue;
        const stillThere = await client.get(R.nodes, undefined, node).then(
          () => true,
          (err) => !isStatus(err, 404),
        );
        if (!stillThere) await forceDelete(p, { message: 'PodGC: node no longer exists' });
      }
      // 3. terminating pods that were never scheduled
      for (const p of all) if (p.metadata.deletionTimestamp && !p.spec?.nodeName) await forceDelete(p);
      // 4. terminating pods on NotReady nodes an administrator declared out of service
      for (const p of all) {
        if (!p.metadata.deletionTimestamp || !p.spec?.nodeName) continue;
        const n = nodes.getByName(undefined, p.spec.nodeName);
        if (!n) continue;
        const ready = (n.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status;
        if (ready === 'True') continue;
        if (!(n.spec?.taints ?? []).some((x: any) => x.key === OUT_OF_SERVICE && x.effect === 'NoExecute')) continue;
        await forceDelete(p, { message: 'PodGC: node is out-of-service' });
      }
    } finally {
      running = false;
    }
  }

  const timer = setInterval(() => void bestEffort(gc(), 'collecting pods', log), opts.periodMs ?? GC_PERIOD_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), gc };
}
