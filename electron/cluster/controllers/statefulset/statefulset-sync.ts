// One reconciliation of a StatefulSet (upstream stateful_set_control.go): revisions, then ordinal pods created in
// order (OrderedReady waits for each to be Running and Ready; Parallel does not), surplus ordinals removed highest
// first, and a RollingUpdate replacing pods from the highest ordinal down to the partition.
import type { Client, Informer } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { StatusError } from '../../api/errors';
import { clone, deepEqual } from '../../api/object';
import type { EventRecorder } from '../../client/event-recorder';
import { isPodAvailable, isTerminating, msUntilAvailable } from '../replicaset/pod-helpers';
import { hashRevisionData } from '../deployment/template-hash';
import { applyRevision, bumpRevision, createRevision, equalRevision, nextRevision, sortRevisions, templatePatch, truncateHistory } from './revision-history';
import {
  claimsFor,
  identityMatches,
  isCreated,
  isHealthy,
  isRunningAndReady,
  newStatefulSetPod,
  ordinalOf,
  podRevision,
  startOrdinal,
  withIdentity,
} from './statefulset-pods';

export interface StsContext {
  client: Client;
  recorder: EventRecorder;
  pvcInf: Informer;
  requeueAfter(ms: number): void;
}

interface StsStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  availableReplicas: number;
}

const ignore404 = (err: unknown) => {
  if (!(err instanceof StatusError && err.code === 404)) throw err;
};

export async function syncStatefulSet(ctx: StsContext, set: KObject, pods: KObject[], revisions: KObject[]): Promise<void> {
  const { current, update, collisionCount, revisions: revs } = await resolveRevisions(ctx.client, set, revisions);
  const status = await reconcilePods(ctx, set, pods, current, update, collisionCount);
  // a rolling update is done when every pod runs the update revision: it becomes the current one
  const want = set.spec?.replicas ?? 1;
  if (set.spec?.updateStrategy?.type !== 'OnDelete' && status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  await writeStatus(ctx.client, set, status);

  const live = new Set([status.currentRevision!, status.updateRevision!, ...pods.map(podRevision)]);
  await truncateHistory(ctx.client, revs, live, set.spec?.revisionHistoryLimit ?? 10);

  const minReady = set.spec?.minReadySeconds ?? 0;
  if (minReady > 0 && (status.readyReplicas ?? 0) !== status.availableReplicas) {
    ctx.requeueAfter(Math.max(...pods.map((p) => msUntilAvailable(p, minReady)), 0) + 50);
  }
}

async function resolveRevisions(
  client: Client,
  set: KObject,
  revisions: KObject[],
): Promise<{ current: KObject; update: KObject; collisionCount: number; revisions: KObject[] }> {
  const revs = sortRevisions(revisions);
  let collisionCount = set.status?.collisionCount ?? 0;
  const data = templatePatch(set);
  const probe = { metadata: {}, data } as KObject;
  const equal = revs.filter((r) => equalRevision(r, probe));
  const next = nextRevision(revs);
  let update: KObject;
  if (equal.length && equal[equal.length - 1] === revs[revs.length - 1]) {
    update = revs[revs.length - 1];
  } else if (equal.length) {
    // going back to an earlier template: that revision becomes the newest
    update = await bumpRevision(client, equal[equal.length - 1], next);
    revs.splice(revs.indexOf(equal[equal.length - 1]), 1, update);
  } else {
    const r = await createRevision(
      client,
      {
        owner: set,
        ownerKind: 'StatefulSet',
        data,
        revision: next,
        labels: { ...(set.spec?.template?.metadata?.labels ?? {}) },
        hash: (cc) => hashRevisionData(data, cc),
        hashLabel: 'controller.kubernetes.io/hash',
      },
      collisionCount,
    );
    update = r.rev;
    collisionCount = r.collisionCount;
    revs.push(update);
  }
  const current = revs.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount, revisions: revs };
}

async function reconcilePods(
  ctx: StsContext,
  set: KObject,
  pods: KObject[],
  currentRev: KObject,
  updateRev: KObject,
  collisionCount: number,
): Promise<StsStatus> {
  const { client, recorder } = ctx;
  const currentSet = applyRevision(set, currentRev);
  const updateSet = applyRevision(set, updateRev);
  const cur = currentRev.metadata.name!,
    upd = updateRev.metadata.name!;
  const minReady = set.spec?.minReadySeconds ?? 0;
  const replicaCount = set.spec?.replicas ?? 1;
  const start = startOrdinal(set);
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
  const status: StsStatus = {
    observedGeneration: set.metadata.generation,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    currentRevision: cur,
    updateRevision: upd,
    collisionCount,
    availableReplicas: 0,
  };
  const count = (p: KObject, delta: number) => {
    if (isTerminating(p)) return;
    if (podRevision(p) === cur) status.currentReplicas! += delta;
    if (podRevision(p) === upd) status.updatedReplicas! += delta;
  };

  const replicas: KObject[] = new Array(replicaCount);
  const condemned: KObject[] = [];
  for (const p of pods) {
    status.replicas++;
    if (isRunningAndReady(p)) {
      status.readyReplicas!++;
      if (isPodAvailable(p, minReady)) status.availableReplicas++;
    }
    count(p, 1);
    const ord = ordinalOf(set, p);
    if (ord >= start && ord < start + replicaCount) replicas[ord - start] = p;
    else if (ord >= 0) condemned.push(p);
  }
  const rollingPartition = set.spec?.updateStrategy?.type !== 'OnDelete' ? (set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : undefined;
  const fresh = (ord: number): KObject => {
    // ordinals below the partition keep the current revision; everything else is built from the update revision
    const useCurrent = rollingPartition !== undefined && ord - start < rollingPartition && cur !== upd;
    return useCurrent ? newStatefulSetPod(currentSet, ord, cur) : newStatefulSetPod(updateSet, ord, upd);
  };
  for (let i = 0; i < replicaCount; i++) if (!replicas[i]) replicas[i] = fresh(i + start);
  condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));

  const event = (verb: string, pod: KObject, err?: unknown) => {
    if (err)
      recorder.event(
        set,
        'Warning',
        `Failed${verb[0].toUpperCase()}${verb.slice(1)}`,
        `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`,
      );
    else
      recorder.event(
        set,
        'Normal',
        `Successful${verb[0].toUpperCase()}${verb.slice(1)}`,
        `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      );
  };
  const deletePod = async (pod: KObject) => {
    try {
      await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!);
      event('delete', pod);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return;
      event('delete', pod, err);
      throw err;
    }
  };

  for (let i = 0; i < replicaCount; i++) {
    let pod = replicas[i];
    const ord = i + start;
    if (isCreated(pod) && (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded')) {
      await deletePod(pod);
      count(pod, -1);
      status.replicas--;
      pod = replicas[i] = fresh(ord);
    }
    if (!isCreated(pod)) {
      await createClaims(ctx, set, ord, pod);
      try {
        await client.create(R.pods, set.metadata.namespace, pod);
        event('create', pod);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 409)) {
          event('create', pod, err);
          throw err;
        }
      }
      status.replicas++;
      count(pod, 1);
      if (monotonic) return status;
      continue;
    }
    if (isTerminating(pod)) {
      if (monotonic) return status;
      continue;
    }
    if (!isHealthy(pod, minReady)) {
      if (monotonic) return status;
      continue;
    }
    if (!identityMatches(set, pod, ord)) {
      await client.update(R.pods, pod.metadata.namespace, withIdentity(pod, ord)).catch(ignore404);
      event('update', pod);
    }
  }

  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return status;
      continue;
    }
    if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete') await handClaimsToPod(ctx, set, pod);
    await deletePod(pod);
    if (monotonic) return status;
  }

  if (set.spec?.updateStrategy?.type === 'OnDelete') return status;
  const partition = rollingPartition ?? 0;
  for (let target = replicaCount - 1; target >= partition; target--) {
    const pod = replicas[target];
    if (podRevision(pod) !== upd && !isTerminating(pod)) {
      await deletePod(pod);
      status.currentReplicas!--;
      return status;
    }
    if (!isHealthy(pod, minReady)) return status;
  }
  return status;
}

async function createClaims(ctx: StsContext, set: KObject, ordinal: number, pod: KObject): Promise<void> {
  for (const pvc of claimsFor(set, ordinal)) {
    if (ctx.pvcInf.getByName(pvc.metadata.namespace, pvc.metadata.name!)) continue;
    try {
      await ctx.client.create(R.persistentvolumeclaims, pvc.metadata.namespace, pvc);
      ctx.recorder.event(
        set,
        'Normal',
        'SuccessfulCreate',
        `create Claim ${pvc.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`,
      );
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) continue;
      ctx.recorder.event(
        set,
        'Warning',
        'FailedCreate',
        `create Claim ${pvc.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`,
      );
      throw err;
    }
  }
}

/** whenScaled: Delete — the claims of a condemned pod are owned by it, so they go when it goes */
async function handClaimsToPod(ctx: StsContext, set: KObject, pod: KObject): Promise<void> {
  for (const want of claimsFor(set, ordinalOf(set, pod))) {
    const pvc = ctx.pvcInf.getByName(want.metadata.namespace, want.metadata.name!);
    if (!pvc || (pvc.metadata.ownerReferences ?? []).some((r) => r.uid === pod.metadata.uid)) continue;
    const next = clone(pvc);
    next.metadata.ownerReferences = [
      ...(next.metadata.ownerReferences ?? []),
      { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid! },
    ];
    await ctx.client.update(R.persistentvolumeclaims, pvc.metadata.namespace, next).catch(ignore404);
  }
}

async function writeStatus(client: Client, set: KObject, st: StsStatus): Promise<void> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(st))
    if (v !== undefined && v !== '' && (v !== 0 || k === 'replicas' || k === 'availableReplicas' || k === 'collisionCount')) out[k] = v;
  if (set.status?.conditions) out.conditions = set.status.conditions;
  if (deepEqual(out, set.status ?? {})) return;
  await client.updateStatus(R.statefulsets, set.metadata.namespace, { ...set, status: out }).catch(ignore404);
}
