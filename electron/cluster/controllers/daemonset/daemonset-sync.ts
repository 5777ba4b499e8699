// One reconciliation of a DaemonSet (upstream daemon_controller.go and update.go): a revision for the template,
// one pod per eligible node (surplus and misplaced pods deleted), RollingUpdate within maxUnavailable/maxSurge,
// and the status counters kubectl shows.
import type { Client } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { StatusError } from '../../api/errors';
import { deepEqual } from '../../api/object';
import type { EventRecorder } from '../../client/event-recorder';
import type { Expectations } from '../replicaset/expectations';
import { slowStartBatch, podFromTemplate } from '../replicaset/pod-control';
import { byCreation, isPodAvailable, isPodReady, msUntilAvailable, newControllerRef, podKey, scaledValue } from '../replicaset/pod-helpers';
import { computeTemplateHash } from '../deployment/template-hash';
import { bumpRevision, createRevision, nextRevision, revisionNumber, sortRevisions, templatePatch, truncateHistory } from '../statefulset/revision-history';
import { daemonPodTemplate, GENERATION_LABEL, HASH_LABEL, nodeShouldRunDaemonPod, pinToNode, targetNode } from './daemon-pods';

// upstream's BurstReplicas for DaemonSets
const BURST = 250;

export interface DsContext {
  client: Client;
  recorder: EventRecorder;
  expectations: Expectations;
  key: string;
  requeueAfter(ms: number): void;
}

export async function syncDaemonSet(ctx: DsContext, ds: KObject, nodes: KObject[], pods: KObject[], revisions: KObject[]): Promise<void> {
  const { hash, revs, collisionCount } = await constructHistory(ctx.client, ds, revisions);
  const byNode = groupByNode(pods);
  if (ctx.expectations.satisfied(ctx.key)) {
    // the rolling update works from the same cache, so it waits until the pods manage() touched have been seen
    const acted = await manage(ctx, ds, nodes, byNode, pods, hash);
    if (!acted && ds.spec?.updateStrategy?.type !== 'OnDelete') await rollingUpdate(ctx, ds, nodes, byNode, hash);
    const live = new Set(pods.map((p) => p.metadata.labels?.[HASH_LABEL]).filter(Boolean) as string[]);
    live.add(hash);
    const liveNames = new Set(revs.filter((r) => live.has(r.metadata.labels?.[HASH_LABEL] ?? '')).map((r) => r.metadata.name!));
    await truncateHistory(ctx.client, revs, liveNames, ds.spec?.revisionHistoryLimit ?? 10);
  }
  await updateStatus(ctx, ds, nodes, byNode, hash, collisionCount);
}

function groupByNode(pods: KObject[]): Map<string, KObject[]> {
  const m = new Map<string, KObject[]>();
  for (const p of pods) {
    const n = targetNode(p);
    if (!n) continue;
    const list = m.get(n) ?? [];
    list.push(p);
    m.set(n, list);
  }
  for (const list of m.values()) list.sort(byCreation);
  return m;
}

async function constructHistory(client: Client, ds: KObject, revisions: KObject[]): Promise<{ hash: string; revs: KObject[]; collisionCount: number }> {
  const revs = sortRevisions(revisions);
  const data = templatePatch(ds);
  const matching = revs.filter((r) => deepEqual(r.data, data));
  const old = revs.filter((r) => !matching.includes(r));
  let collisionCount = ds.status?.collisionCount ?? 0;
  let cur: KObject;
  if (!matching.length) {
    const r = await createRevision(
      client,
      {
        owner: ds,
        ownerKind: 'DaemonSet',
        data,
        revision: nextRevision(old),
        labels: { ...(ds.spec?.template?.metadata?.labels ?? {}) },
        hash: (cc) => computeTemplateHash(ds.spec?.template, cc),
        hashLabel: HASH_LABEL,
      },
      collisionCount,
    );
    cur = r.rev;
    collisionCount = r.collisionCount;
    revs.push(cur);
  } else {
    cur = matching[matching.length - 1];
    const maxOld = old.reduce((m, r) => Math.max(m, revisionNumber(r)), 0);
    if (revisionNumber(cur) <= maxOld) {
      const bumped = await bumpRevision(client, cur, maxOld + 1);
      revs.splice(revs.indexOf(cur), 1, bumped);
      cur = bumped;
    }
  }
  return { hash: cur.metadata.labels?.[HASH_LABEL] ?? computeTemplateHash(ds.spec?.template, collisionCount), revs, collisionCount };
}

const isUpdated = (pod: KObject, ds: KObject, hash: string): boolean =>
  pod.metadata.labels?.[HASH_LABEL] === hash || pod.metadata.labels?.[GENERATION_LABEL] === String(ds.metadata.generation);

async function manage(ctx: DsContext, ds: KObject, nodes: KObject[], byNode: Map<string, KObject[]>, pods: KObject[], hash: string): Promise<boolean> {
  const create: string[] = [];
  const del: KObject[] = [];
  const surge = scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxSurge, 1, true) > 0 && ds.spec?.updateStrategy?.type !== 'OnDelete';
  const nodeNames = new Set(nodes.map((n) => n.metadata.name!));
  for (const node of nodes) {
    const { shouldRun, shouldContinue } = nodeShouldRunDaemonPod(node, ds);
    const here = byNode.get(node.metadata.name!) ?? [];
    if (shouldRun && !here.length) {
      create.push(node.metadata.name!);
      continue;
    }
    if (!shouldContinue) {
      del.push(...here.filter((p) => !p.metadata.deletionTimestamp));
      continue;
    }
    const running: KObject[] = [];
    for (const p of here) {
      if (p.metadata.deletionTimestamp) continue;
      if (p.status?.phase === 'Failed') {
        del.push(p);
        continue;
      }
      running.push(p);
    }
    if (!surge) {
      // one pod per node: keep the oldest
      del.push(...running.slice(1));
    } else {
      const updated = running.filter((p) => isUpdated(p, ds, hash));
      const outdated = running.filter((p) => !isUpdated(p, ds, hash));
      del.push(...updated.slice(1), ...outdated.slice(1));
      if (updated[0] && outdated[0] && isPodAvailable(updated[0], ds.spec?.minReadySeconds ?? 0)) del.push(outdated[0]);
    }
  }
  // pods pinned to nodes that no longer exist
  for (const p of pods) {
    const n = targetNode(p);
    if (n && !nodeNames.has(n) && !p.metadata.deletionTimestamp) del.push(p);
  }
  await syncNodes(ctx, ds, del, create, hash);
  return del.length + create.length > 0;
}

async function syncNodes(ctx: DsContext, ds: KObject, del: KObject[], create: string[], hash: string): Promise<void> {
  const { client, recorder, expectations, key } = ctx;
  const creates = create.slice(0, BURST);
  const deletes = del.slice(0, BURST);
  if (!creates.length && !deletes.length) return;
  expectations.expect(key, creates.length, deletes.map(podKey));
  const ns = ds.metadata.namespace!;
  const template = daemonPodTemplate(ds, hash);
  const owner = newControllerRef(ds, 'apps/v1', 'DaemonSet');
  const errors: unknown[] = [];
  const { ok, error } = await slowStartBatch(creates.length, 1, async (i) => {
    const pod = podFromTemplate(template, ns, `${ds.metadata.name}-`, owner);
    pinToNode(pod.spec, creates[i]);
    try {
      const made = await client.create(R.pods, ns, pod);
      recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${made.metadata.name}`);
    } catch (err) {
      recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  });
  for (let i = ok; i < creates.length; i++) expectations.creationObserved(key);
  if (error) errors.push(error);
  await Promise.all(
    deletes.map(async (p) => {
      try {
        await client.delete(R.pods, ns, p.metadata.name!);
        recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } catch (err) {
        expectations.deletionObserved(key, podKey(p));
        if (err instanceof StatusError && err.code === 404) return;
        recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
        errors.push(err);
      }
    }),
  );
  if (errors.length) throw errors[0];
}

async function rollingUpdate(ctx: DsContext, ds: KObject, nodes: KObject[], byNode: Map<string, KObject[]>, hash: string): Promise<void> {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const eligible = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun);
  const ru = ds.spec?.updateStrategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(ru.maxSurge ?? 0, eligible.length, true);
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? 1, eligible.length, true);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;

  const pairs = eligible.map((n) => {
    const live = (byNode.get(n.metadata.name!) ?? []).filter((p) => !p.metadata.deletionTimestamp);
    return { node: n.metadata.name!, newPod: live.find((p) => isUpdated(p, ds, hash)), oldPod: live.find((p) => !isUpdated(p, ds, hash)) };
  });

  if (maxSurge === 0) {
    let unavailable = 0;
    const now: KObject[] = [],
      candidates: KObject[] = [];
    for (const { newPod, oldPod } of pairs) {
      if (!newPod && !oldPod) {
        unavailable++;
        continue;
      }
      if (newPod && oldPod) continue;
      if (newPod) {
        if (!isPodAvailable(newPod, minReady)) unavailable++;
        continue;
      }
      // only an old pod: an unavailable one can be replaced at once, an available one within the budget
      if (!isPodAvailable(oldPod!, minReady)) now.push(oldPod!);
      else candidates.push(oldPod!);
    }
    const budget = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
    await syncNodes(ctx, ds, [...now, ...candidates.slice(0, budget)], [], hash);
    return;
  }
  let surging = 0;
  const allowNow: string[] = [],
    candidates: string[] = [];
  for (const { node, newPod, oldPod } of pairs) {
    if (!oldPod) continue;
    if (!newPod) {
      if (!isPodAvailable(oldPod, minReady)) allowNow.push(node);
      else candidates.push(node);
    } else if (!isPodAvailable(newPod, minReady)) {
      surging++;
      const wait = msUntilAvailable(newPod, minReady);
      if (wait > 0) ctx.requeueAfter(wait + 50);
    }
  }
  const budget = Math.max(0, Math.min(maxSurge - surging, candidates.length));
  await syncNodes(ctx, ds, [], [...allowNow, ...candidates.slice(0, budget)], hash);
}

async function updateStatus(
  ctx: DsContext,
  ds: KObject,
  nodes: KObject[],
  byNode: Map<string, KObject[]>,
  hash: string,
  collisionCount: number,
): Promise<void> {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  let desired = 0,
    current = 0,
    ready = 0,
    available = 0,
    updated = 0,
    misscheduled = 0;
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const here = byNode.get(node.metadata.name!) ?? [];
    if (shouldRun) {
      desired++;
      if (!here.length) continue;
      current++;
      const pod = here[0];
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady)) available++;
      }
      if (isUpdated(pod, ds, hash)) updated++;
    } else if (here.length) {
      misscheduled++;
    }
  }
  const st: Record<string, unknown> = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation,
  };
  if (updated) st.updatedNumberScheduled = updated;
  if (available) st.numberAvailable = available;
  if (desired - available) st.numberUnavailable = desired - available;
  if (collisionCount) st.collisionCount = collisionCount;
  if (ds.status?.conditions) st.conditions = ds.status.conditions;
  if (!deepEqual(st, ds.status ?? {})) {
    await ctx.client.updateStatus(R.daemonsets, ds.metadata.namespace, { ...ds, status: st }).catch((err) => {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    });
  }
  if (minReady > 0 && ready !== available) ctx.requeueAfter(minReady * 1000);
}
