// The disruption controller: keeps every PodDisruptionBudget's status (expectedPods, desiredHealthy,
// currentHealthy, disruptionsAllowed, the DisruptionAllowed condition) fresh for the eviction API to read.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { labelSelectorMatcher } from '../../api/selectors';
import { WorkQueue } from '../workqueue';
import { EventRecorder } from '../../client/event-recorder';
import { isStatus } from '../../client/errors';
import { rfc3339 } from '../../api/time';
import { computePdbCounts } from './pdb-status';
import { bestEffort, componentLog } from '../../best-effort';
import { isNotFound } from '../../client/errors';

const log = componentLog('disruption-controller');

// entries of status.disruptedPods older than this are dropped: the eviction evidently did not happen
const DELETION_TIMEOUT_MS = 2 * 60_000;
const RESYNC_MS = 30_000;

export function startDisruptionController(client: Client, informers: InformerFactory, opts: { now?: () => Date } = {}): { stop(): void } {
  const now = opts.now ?? (() => new Date());
  const pdbs = informers.informer(R.poddisruptionbudgets);
  const pods = informers.informer(R.pods);
  const recorder = new EventRecorder(client, { component: 'controllermanager', now });
  const queue = new WorkQueue((key) => sync(key), { workers: 2, name: 'disruption' });
  const enqueueNs = (ns?: string) => {
    for (const p of pdbs.list(ns)) queue.add(objectKey(p));
  };

  pdbs.onAdd((p) => queue.add(objectKey(p)));
  pdbs.onUpdate((_a, p) => queue.add(objectKey(p)));
  pods.onAdd((p) => enqueueNs(p.metadata.namespace));
  pods.onUpdate((_a, p) => enqueueNs(p.metadata.namespace));
  pods.onDelete((p) => enqueueNs(p.metadata.namespace));
  for (const r of [R.deployments, R.replicasets, R.statefulsets, R.replicationcontrollers]) {
    const inf = informers.informer(r);
    inf.onUpdate((a, b) => {
      if (a.spec?.replicas !== b.spec?.replicas) enqueueNs(b.metadata.namespace);
    });
  }
  const timer = setInterval(() => enqueueNs(), RESYNC_MS);
  timer.unref();

  /** replicas declared by the workload controllers of these pods, each counted once (a Deployment through its ReplicaSets) */
  async function controllersScale(ns: string, selected: KObject[]): Promise<number> {
    const seen = new Map<string, number>();
    for (const p of selected) {
      const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller);
      if (!ref) continue;
      if (ref.kind === 'ReplicaSet') {
        const rs = await bestEffort(client.get(R.replicasets, ns, ref.name), `reading replicaset ${ns}/${ref.name}`, log, { expected: isNotFound });
        const dref = rs?.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment');
        if (dref) {
          if (!seen.has(dref.uid))
            seen.set(
              dref.uid,
              (await bestEffort(client.get(R.deployments, ns, dref.name), `reading deployment ${ns}/${dref.name}`, log, { expected: isNotFound }))?.spec
                ?.replicas ?? 0,
            );
          continue;
        }
        if (rs && !seen.has(ref.uid)) seen.set(ref.uid, rs.spec?.replicas ?? 0);
      } else if (!seen.has(ref.uid)) {
        const gvr = ref.kind === 'StatefulSet' ? R.statefulsets : ref.kind === 'ReplicationController' ? R.replicationcontrollers : undefined;
        if (gvr)
          seen.set(
            ref.uid,
            (await bestEffort(client.get(gvr, ns, ref.name), `reading ${gvr.resource} ${ns}/${ref.name}`, log, { expected: isNotFound }))?.spec?.replicas ?? 0,
          );
      }
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  }

  async function sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    let pdb: KObject;
    try {
      pdb = await client.get(R.poddisruptionbudgets, ns, name);
    } catch (err) {
      if (isStatus(err, 404)) return;
      throw err;
    }
    const match = labelSelectorMatcher(pdb.spec?.selector);
    const selected = pods.list(ns).filter((p) => match(p.metadata.labels));
    const t = now();
    const disrupted: Record<string, string> = {};
    let nextExpiry: number | undefined;
    for (const [podName, at] of Object.entries<string>(pdb.status?.disruptedPods ?? {})) {
      const p = selected.find((x) => x.metadata.name === podName);
      const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
      if (!p || p.metadata.deletionTimestamp || expires <= t.getTime()) continue;
      disrupted[podName] = at;
      nextExpiry = Math.min(nextExpiry ?? Infinity, expires);
    }
    if (nextExpiry !== undefined) queue.addAfter(key, nextExpiry - t.getTime());
    let scale = 0;
    const needsScale = pdb.spec?.maxUnavailable != null || typeof pdb.spec?.minAvailable === 'string';
    if (needsScale) scale = await controllersScale(ns, selected);
    let counts;
    try {
      counts = computePdbCounts(pdb, selected, () => scale, new Set(Object.keys(disrupted)));
    } catch (err) {
      recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      return;
    }
    const prev = pdb.status ?? {};
    const allowed = counts.disruptionsAllowed > 0;
    const prevCond = (prev.conditions ?? []).find((c: any) => c.type === 'DisruptionAllowed');
    const condStatus = allowed ? 'True' : 'False';
    const cond = {
      type: 'DisruptionAllowed',
      status: condStatus,
      observedGeneration: pdb.metadata.generation,
      lastTransitionTime: prevCond && prevCond.status === condStatus ? prevCond.lastTransitionTime : rfc3339(t),
      reason: allowed ? 'SufficientPods' : 'InsufficientPods',
      message: '',
    };
    const status: any = {
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: counts.disruptionsAllowed,
      currentHealthy: counts.currentHealthy,
      desiredHealthy: counts.desiredHealthy,
      expectedPods: counts.expectedPods,
      observedGeneration: pdb.metadata.generation,
      conditions: [...(prev.conditions ?? []).filter((c: any) => c.type !== 'DisruptionAllowed'), cond],
    };
    const same =
      (['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods', 'observedGeneration'] as const).every((k) => prev[k] === status[k]) &&
      JSON.stringify(prev.disruptedPods ?? {}) === JSON.stringify(status.disruptedPods ?? {}) &&
      prevCond?.status === cond.status &&
      prevCond?.reason === cond.reason &&
      prevCond?.observedGeneration === cond.observedGeneration;
    if (same) return;
    await client.updateStatus(R.poddisruptionbudgets, ns, { ...pdb, status });
  }

  return {
    stop: () => {
      clearInterval(timer);
      queue.stop();
    },
  };
}
