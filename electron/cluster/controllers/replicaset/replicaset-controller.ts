// The ReplicaSet controller (upstream pkg/controller/replicaset): keeps spec.replicas active pods, adopts matching
// orphans, releases pods whose labels no longer match, and reports replicas/ready/available in status.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { StatusError } from '../../api/errors';
import { labelSelectorMatcher } from '../../api/selectors';
import { deepEqual } from '../../api/object';
import { WorkQueue } from '../workqueue';
import { Expectations } from './expectations';
import { EventRecorder } from '../../client/event-recorder';
import { claimObjects } from './ref-manager';
import { podFromTemplate, slowStartBatch } from './pod-control';
import { podsToDelete } from './deletion-ranking';
import { ensureWorkloadIndexes, inNamespace, ownedBy } from './informer-indexes';
import { controllerRefOf, isPodActive, isPodAvailable, isPodReady, msUntilAvailable, newControllerRef, podKey } from './pod-helpers';

// upstream's burstReplicas: at most this many creates or deletes per sync
export const BURST_REPLICAS = 500;

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }[];
}

export function startReplicaSetController(client: Client, informers: InformerFactory): { stop(): void } {
  const rsInf = ensureWorkloadIndexes(informers.informer(R.replicasets));
  const podInf = ensureWorkloadIndexes(informers.informer(R.pods));
  const expectations = new Expectations();
  const recorder = new EventRecorder(client, {
    component: 'replicaset-controller',
    reportingInstance: 'replicaset-controller-kubelab',
    involvedKind: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  });

  const queue = new WorkQueue((key) => sync(key), { workers: 5, name: 'replicaset' });

  function resolveController(pod: KObject): KObject | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = rsInf.getByName(pod.metadata.namespace, ref.name);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }
  const matchingReplicaSets = (pod: KObject): KObject[] =>
    inNamespace(rsInf, pod.metadata.namespace).filter((rs) => labelSelectorMatcher(rs.spec?.selector)(pod.metadata.labels));

  function podDeleted(pod: KObject): void {
    const rs = resolveController(pod);
    if (!rs) return;
    const key = objectKey(rs);
    expectations.deletionObserved(key, podKey(pod));
    queue.add(key);
  }

  rsInf.onAdd((rs) => queue.add(objectKey(rs)));
  rsInf.onUpdate((_o, rs) => queue.add(objectKey(rs)));
  rsInf.onDelete((rs) => {
    expectations.forget(objectKey(rs));
    queue.add(objectKey(rs));
  });

  podInf.onAdd((pod) => {
    if (pod.metadata.deletionTimestamp) {
      podDeleted(pod);
      return;
    }
    const rs = resolveController(pod);
    if (rs) {
      const key = objectKey(rs);
      expectations.creationObserved(key);
      queue.add(key);
      return;
    }
    if (!controllerRefOf(pod)) for (const r of matchingReplicaSets(pod)) queue.add(objectKey(r));
  });
  podInf.onUpdate((old, pod) => {
    const labelsChanged = !deepEqual(old.metadata.labels, pod.metadata.labels);
    if (pod.metadata.deletionTimestamp) {
      podDeleted(pod);
      if (labelsChanged) podDeleted(old);
      return;
    }
    const oldRef = controllerRefOf(old),
      ref = controllerRefOf(pod);
    if (oldRef && oldRef.uid !== ref?.uid) {
      const o = resolveController(old);
      if (o) queue.add(objectKey(o));
    }
    const rs = resolveController(pod);
    if (rs) {
      const key = objectKey(rs);
      queue.add(key);
      const minReady = rs.spec?.minReadySeconds ?? 0;
      // a pod that just became ready turns available minReadySeconds later: look again then
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) queue.addAfter(key, minReady * 1000 + 50);
      return;
    }
    if (!ref && (labelsChanged || oldRef)) for (const r of matchingReplicaSets(pod)) queue.add(objectKey(r));
  });
  podInf.onDelete(podDeleted);

  async function sync(key: string): Promise<void> {
    const rs = rsInf.get(key);
    if (!rs) {
      expectations.forget(key);
      return;
    }
    const needsSync = expectations.satisfied(key);
    const matches = labelSelectorMatcher(rs.spec?.selector);
    const candidates = inNamespace(podInf, rs.metadata.namespace).filter(isPodActive);
    const pods = await claimObjects(candidates, {
      client,
      gvr: R.pods,
      owner: rs,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'ReplicaSet',
      matches: (p) => matches(p.metadata.labels),
    });
    let manageErr: { err: unknown; creating: boolean } | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) manageErr = await manageReplicas(key, rs, pods);
    const status = calculateStatus(rs, pods, manageErr);
    const updated = await writeStatus(client, rs, status);
    const minReady = updated.spec?.minReadySeconds ?? 0;
    if (
      !manageErr &&
      minReady > 0 &&
      (updated.status?.readyReplicas ?? 0) === updated.spec?.replicas &&
      (updated.status?.availableReplicas ?? 0) !== updated.spec?.replicas
    ) {
      const wait = Math.max(...pods.map((p) => msUntilAvailable(p, minReady)), 0);
      queue.addAfter(key, wait + 50);
    }
    if (manageErr) throw manageErr.err;
  }

  async function manageReplicas(key: string, rs: KObject, pods: KObject[]): Promise<{ err: unknown; creating: boolean } | undefined> {
    const want = rs.spec?.replicas ?? 1;
    const diff = pods.length - want;
    const ns = rs.metadata.namespace!;
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      expectations.expectCreations(key, n);
      const owner = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
      const { ok, error } = await slowStartBatch(n, 1, async () => {
        try {
          const pod = await client.create(R.pods, ns, podFromTemplate(rs.spec?.template, ns, `${rs.metadata.name}-`, owner));
          recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (err) {
          recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
          throw err;
        }
      });
      for (let i = ok; i < n; i++) expectations.creationObserved(key);
      return error === undefined ? undefined : { err: error, creating: true };
    }
    if (diff > 0) {
      const n = Math.min(diff, BURST_REPLICAS);
      const owner = controllerRefOf(rs);
      const related = owner
        ? ownedBy(rsInf, owner.uid)
            .flatMap((sib) => ownedBy(podInf, sib.metadata.uid))
            .filter(isPodActive)
        : pods;
      const victims = podsToDelete(pods, related, n);
      expectations.expectDeletions(key, victims.map(podKey));
      const results = await Promise.allSettled(
        victims.map(async (p) => {
          try {
            await client.delete(R.pods, ns, p.metadata.name!);
            recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
          } catch (err) {
            expectations.deletionObserved(key, podKey(p));
            if (err instanceof StatusError && err.code === 404) return;
            recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
            throw err;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      return failed ? { err: failed.reason, creating: false } : undefined;
    }
    return undefined;
  }

  return { stop: () => queue.stop() };
}

export function calculateStatus(rs: KObject, pods: KObject[], manageErr?: { err: unknown; creating: boolean }): ReplicaSetStatus {
  const templateLabels: Record<string, string> = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const now = Date.now();
  let fully = 0,
    ready = 0,
    available = 0;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fully++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  let conditions = [...(rs.status?.conditions ?? [])] as NonNullable<ReplicaSetStatus['conditions']>;
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageErr && !failure) {
    conditions.push({
      type: 'ReplicaFailure',
      status: 'True',
      lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      reason: manageErr.creating ? 'FailedCreate' : 'FailedDelete',
      message: (manageErr.err as Error).message,
    });
  } else if (!manageErr && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fully) status.fullyLabeledReplicas = fully;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** writes status (with observedGeneration) when it changed; retries once on a conflict against a fresh copy */
async function writeStatus(client: Client, rs: KObject, status: ReplicaSetStatus): Promise<KObject> {
  let cur = rs;
  for (let attempt = 0; ; attempt++) {
    const next: ReplicaSetStatus = { ...status, observedGeneration: cur.metadata.generation };
    if (deepEqual(cur.status ?? {}, next)) return cur;
    try {
      return await client.updateStatus(R.replicasets, cur.metadata.namespace, { ...cur, status: next });
    } catch (err) {
      if (attempt >= 1 || !(err instanceof StatusError && err.code === 409)) {
        if (err instanceof StatusError && err.code === 404) return cur;
        throw err;
      }
      cur = await client.get(R.replicasets, cur.metadata.namespace, cur.metadata.name!);
    }
  }
}
