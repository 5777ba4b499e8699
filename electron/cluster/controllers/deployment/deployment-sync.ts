// One reconciliation of a Deployment (upstream sync.go, rolling.go, recreate.go, progress.go): find or create the
// new ReplicaSet, scale new and old ones within maxSurge/maxUnavailable (or all-down-then-up for Recreate),
// keep revisions and annotations, clean up history and report status and conditions.
import type { Client } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { StatusError } from '../../api/errors';
import { clone, deepEqual } from '../../api/object';
import type { EventRecorder } from '../../client/event-recorder';
import { byCreation, controllerRefOf, newControllerRef } from '../replicaset/pod-helpers';
import { computeTemplateHash } from './template-hash';
import {
  HASH_LABEL,
  REVISION,
  activeReplicaSets,
  calculateStatus,
  compactStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  desiredReplicasAnnotation,
  equalIgnoreHash,
  findNewReplicaSet,
  getCondition,
  hasProgressDeadline,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  removeCondition,
  replicaSetProportion,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  revisionOf,
  setCondition,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicaSum,
  statusSum,
  type DeploymentStatus,
} from './deployment-util';

export interface SyncContext {
  client: Client;
  recorder: EventRecorder;
  /** re-examine the Deployment later (progress deadline) */
  requeueAfter(ms: number): void;
}

export class DeploymentSync {
  /** the Deployment as last written by this sync (status/annotation updates keep it current) */
  private d: KObject;

  constructor(
    private readonly ctx: SyncContext,
    d: KObject,
    private rsList: KObject[],
    private readonly podsByRs: Map<string, KObject[]>,
  ) {
    this.d = clone(d);
  }

  async run(): Promise<void> {
    const d = this.d;
    if (d.metadata.deletionTimestamp) {
      await this.syncStatusOnly();
      return;
    }
    await this.checkPausedConditions();
    if (d.spec?.paused) {
      await this.syncScaleOnly();
      return;
    }
    if (this.isScalingEvent()) {
      await this.syncScaleOnly();
      return;
    }
    if (isRollingUpdate(d)) await this.rolloutRolling();
    else await this.rolloutRecreate();
  }

  // ---- new/old ReplicaSets ------------------------------------------------------------------------------------
  private splitReplicaSets(): { newRS?: KObject; oldRSs: KObject[] } {
    const newRS = findNewReplicaSet(this.d, this.rsList);
    return { newRS, oldRSs: this.rsList.filter((rs) => rs !== newRS) };
  }

  private async getAllReplicaSetsAndSyncRevision(create: boolean): Promise<{ newRS?: KObject; oldRSs: KObject[] }> {
    const { newRS, oldRSs } = this.splitReplicaSets();
    return { newRS: await this.getNewReplicaSet(newRS, oldRSs, create), oldRSs };
  }

  private async getNewReplicaSet(existing: KObject | undefined, oldRSs: KObject[], create: boolean): Promise<KObject | undefined> {
    const d = this.d;
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = clone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReadyChanged = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      let rs = existing;
      if (annotationsChanged || minReadyChanged) {
        copy.spec.minReadySeconds = d.spec?.minReadySeconds ?? 0;
        rs = await this.ctx.client.update(R.replicasets, copy.metadata.namespace, copy);
        this.replaceRs(existing, rs);
      }
      const st = this.statusDraft();
      let needsUpdate = this.setDeploymentRevision(rs.metadata.annotations?.[REVISION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(st, 'Progressing')) {
        setCondition(st, newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${rs.metadata.name}"`));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus(st);
      return rs;
    }
    if (!create) return undefined;

    const hash = computeTemplateHash(d.spec?.template, d.status?.collisionCount);
    const template = clone(d.spec?.template ?? {});
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const selector = clone(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const rs: KObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const count = newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.spec.replicas = count;
    setNewReplicaSetAnnotations(d, rs, newRevision, false);

    let created: KObject;
    let alreadyExisted = false;
    try {
      created = await this.ctx.client.create(R.replicasets, d.metadata.namespace, rs);
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) {
        const found = await this.ctx.client.get(R.replicasets, d.metadata.namespace, rs.metadata.name!);
        if (controllerRefOf(found)?.uid === d.metadata.uid && equalIgnoreHash(found.spec?.template, d.spec?.template)) {
          created = found;
          alreadyExisted = true;
        } else {
          // a hash collision: bump collisionCount so the next attempt computes a different name
          const st = this.statusDraft();
          st.collisionCount = (d.status?.collisionCount ?? 0) + 1;
          await this.writeStatus(st);
          throw err;
        }
      } else {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${(err as Error).message}`;
        if (hasProgressDeadline(d)) {
          const st = this.statusDraft();
          setCondition(st, newCondition('Progressing', 'False', 'ReplicaSetCreateError', msg));
          await this.writeStatus(st);
        }
        this.ctx.recorder.event(d, 'Warning', 'ReplicaSetCreateError', msg);
        throw err;
      }
    }
    if (!alreadyExisted && count > 0) {
      this.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${count}`);
    }
    this.rsList.push(created);
    const st = this.statusDraft();
    let needsUpdate = this.setDeploymentRevision(String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      setCondition(st, newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(st);
    return created;
  }

  private replaceRs(old: KObject, next: KObject): void {
    const i = this.rsList.indexOf(old);
    if (i >= 0) this.rsList[i] = next;
    else this.rsList.push(next);
  }

  private setDeploymentRevision(rev: string): boolean {
    const a = (this.d.metadata.annotations ??= {});
    if (a[REVISION] === rev) return false;
    a[REVISION] = rev;
    return true;
  }

  private statusDraft(): DeploymentStatus {
    return clone((this.d.status ?? {}) as DeploymentStatus);
  }

  /** status (and the revision annotation, which upstream also writes through the status subresource) */
  private async writeStatus(st: DeploymentStatus): Promise<void> {
    const next = { ...this.d, status: compactStatus(st) };
    this.d = await this.ctx.client.updateStatus(R.deployments, this.d.metadata.namespace, next);
  }

  // ---- scaling ------------------------------------------------------------------------------------------------
  private async scaleReplicaSet(rs: KObject, size: number, op: 'up' | 'down'): Promise<{ scaled: boolean; rs: KObject }> {
    const d = this.d;
    const cur = rs.spec?.replicas ?? 0;
    const sizeChanges = cur !== size;
    if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) return { scaled: false, rs };
    const copy = clone(rs);
    copy.spec.replicas = size;
    setReplicasAnnotations(copy, replicasOf(d), replicasOf(d) + maxSurge(d));
    const updated = await this.ctx.client.update(R.replicasets, copy.metadata.namespace, copy);
    this.replaceRs(rs, updated);
    if (sizeChanges) this.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${cur} to ${size}`);
    return { scaled: sizeChanges, rs: updated };
  }

  private scaleAndRecord(rs: KObject, size: number): Promise<{ scaled: boolean; rs: KObject }> {
    if ((rs.spec?.replicas ?? 0) === size) return Promise.resolve({ scaled: false, rs });
    return this.scaleReplicaSet(rs, size, (rs.spec?.replicas ?? 0) < size ? 'up' : 'down');
  }

  private isScalingEvent(): boolean {
    const { newRS, oldRSs } = this.splitReplicaSets();
    for (const rs of activeReplicaSets([...oldRSs, newRS])) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicasOf(this.d)) return true;
    }
    return false;
  }

  /** scaling (or a paused Deployment): resize without rolling, proportionally across active ReplicaSets */
  private async syncScaleOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(false);
    await this.scale(newRS, oldRSs);
    const after = this.splitReplicaSets();
    if (this.d.spec?.paused) await this.cleanup(after.oldRSs);
    await this.syncDeploymentStatus(this.rsList, after.newRS);
  }

  private async scale(newRS: KObject | undefined, oldRSs: KObject[]): Promise<void> {
    const d = this.d;
    const want = replicasOf(d);
    const active = activeReplicaSets([...oldRSs, newRS]);
    const only = active.length === 1 ? active[0] : active.length === 0 ? (newRS ?? [...oldRSs].sort(byCreation).at(-1)) : undefined;
    if (only) {
      if ((only.spec?.replicas ?? 0) !== want) await this.scaleAndRecord(only, want);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const rs of activeReplicaSets(oldRSs)) await this.scaleAndRecord(rs, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const allowed = want > 0 ? want + maxSurge(d) : want;
    const toAdd = allowed - specReplicaSum(active);
    if (toAdd === 0) return;
    const op: 'up' | 'down' = toAdd > 0 ? 'up' : 'down';
    // growing favours the largest (then newest) ReplicaSets, shrinking the largest (then oldest)
    const sorted = [...active].sort((a, b) => (b.spec?.replicas ?? 0) - (a.spec?.replicas ?? 0) || (toAdd > 0 ? -byCreation(a, b) : byCreation(a, b)));
    const sizes = new Map<KObject, number>();
    let added = 0;
    for (const rs of sorted) {
      const p = replicaSetProportion(rs, d, toAdd, added);
      sizes.set(rs, (rs.spec?.replicas ?? 0) + p);
      added += p;
    }
    if (added !== toAdd && sorted.length) sizes.set(sorted[0], Math.max(0, sizes.get(sorted[0])! + toAdd - added));
    for (const rs of sorted) await this.scaleReplicaSet(rs, sizes.get(rs)!, op);
  }

  // ---- rolling update -----------------------------------------------------------------------------------------
  private async rolloutRolling(): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(true);
    const nrs = newRS!;
    if (await this.reconcileNewReplicaSet(nrs)) {
      await this.syncRolloutStatus();
      return;
    }
    if (await this.reconcileOldReplicaSets(oldRSs, this.current(nrs))) {
      await this.syncRolloutStatus();
      return;
    }
    if (deploymentComplete(this.d, (this.d.status ?? {}) as DeploymentStatus)) await this.cleanup(this.splitReplicaSets().oldRSs);
    await this.syncRolloutStatus();
  }

  /** the latest copy of a ReplicaSet this sync may have replaced */
  private current(rs: KObject): KObject {
    return this.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
  }

  private async reconcileNewReplicaSet(newRS: KObject): Promise<boolean> {
    const want = replicasOf(this.d);
    const cur = newRS.spec?.replicas ?? 0;
    if (cur === want) return false;
    if (cur > want) return (await this.scaleAndRecord(newRS, want)).scaled;
    const count = newRSNewReplicas(this.d, this.rsList, newRS);
    return (await this.scaleAndRecord(newRS, count)).scaled;
  }

  private async reconcileOldReplicaSets(oldRSsIn: KObject[], newRS: KObject): Promise<boolean> {
    const d = this.d;
    let oldRSs = activeReplicaSets(oldRSsIn.map((r) => this.current(r)));
    if (specReplicaSum(oldRSs) === 0) return false;
    const allPods = specReplicaSum(this.rsList);
    const minAvailable = replicasOf(d) - maxUnavailable(d);
    const newUnavailable = (newRS.spec?.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;

    // first drop old replicas that are not available anyway: they cost no availability
    let cleaned = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (cleaned >= maxScaledDown) break;
      const size = rs.spec?.replicas ?? 0;
      const avail = rs.status?.availableReplicas ?? 0;
      if (size === 0 || size === avail) continue;
      const n = Math.min(maxScaledDown - cleaned, size - avail);
      await this.scaleAndRecord(rs, size - n);
      cleaned += n;
    }
    oldRSs = activeReplicaSets(oldRSs.map((r) => this.current(r)));

    // then scale down available old replicas as far as maxUnavailable allows
    const available = statusSum(this.rsList, 'availableReplicas');
    let scaled = 0;
    if (available > minAvailable) {
      const budget = available - minAvailable;
      for (const rs of [...oldRSs].sort(byCreation)) {
        if (scaled >= budget) break;
        const size = rs.spec?.replicas ?? 0;
        if (size === 0) continue;
        const n = Math.min(size, budget - scaled);
        await this.scaleAndRecord(rs, size - n);
        scaled += n;
      }
    }
    return cleaned + scaled > 0;
  }

  // ---- recreate -----------------------------------------------------------------------------------------------
  private async rolloutRecreate(): Promise<void> {
    let { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(false);
    let scaledDown = false;
    for (const rs of activeReplicaSets(oldRSs)) if ((await this.scaleAndRecord(rs, 0)).scaled) scaledDown = true;
    if (scaledDown) {
      await this.syncRolloutStatus();
      return;
    }
    if (this.oldPodsRunning(newRS, oldRSs)) {
      await this.syncRolloutStatus();
      return;
    }
    if (!newRS) ({ newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(true));
    await this.scaleAndRecord(this.current(newRS!), replicasOf(this.d));
    if (deploymentComplete(this.d, (this.d.status ?? {}) as DeploymentStatus)) await this.cleanup(this.splitReplicaSets().oldRSs);
    await this.syncRolloutStatus();
  }

  private oldPodsRunning(newRS: KObject | undefined, oldRSs: KObject[]): boolean {
    if (statusSum(oldRSs, 'replicas') > 0) return true;
    for (const [uid, pods] of this.podsByRs) {
      if (newRS && newRS.metadata.uid === uid) continue;
      if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
    }
    return false;
  }

  // ---- history ------------------------------------------------------------------------------------------------
  private async cleanup(oldRSs: KObject[]): Promise<void> {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (typeof limit !== 'number') return;
    const alive = oldRSs.map((r) => this.current(r)).filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = alive.length - limit;
    if (diff <= 0) return;
    alive.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of alive.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0) continue;
      if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      await this.ctx.client.delete(R.replicasets, rs.metadata.namespace, rs.metadata.name!).catch((err) => {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      });
    }
  }

  // ---- status -------------------------------------------------------------------------------------------------
  private async syncStatusOnly(): Promise<void> {
    const { newRS } = await this.getAllReplicaSetsAndSyncRevision(false);
    await this.syncDeploymentStatus(this.rsList, newRS);
  }

  private async syncDeploymentStatus(all: KObject[], newRS: KObject | undefined): Promise<void> {
    const st = calculateStatus(all, newRS, this.d);
    if (deepEqual(compactStatus(st), this.d.status ?? {})) return;
    await this.writeStatus(st);
  }

  private async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return;
    const paused = !!d.spec?.paused;
    const st = this.statusDraft();
    if (paused && cond?.reason !== 'DeploymentPaused') {
      setCondition(st, newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused'));
    } else if (!paused && cond?.reason === 'DeploymentPaused') {
      setCondition(st, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed'));
    } else return;
    await this.writeStatus(st);
  }

  private async syncRolloutStatus(): Promise<void> {
    const d = this.d;
    const { newRS } = this.splitReplicaSets();
    const st = calculateStatus(this.rsList, newRS, d);
    if (!hasProgressDeadline(d)) removeCondition(st, 'Progressing');
    const cur = getCondition(d.status, 'Progressing');
    const complete = st.replicas === st.updatedReplicas && cur?.reason === 'NewReplicaSetAvailable';
    if (hasProgressDeadline(d) && !complete) {
      const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
      if (deploymentComplete(d, st)) {
        setCondition(st, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `${subject} has successfully progressed.`));
      } else if (deploymentProgressing(d, st)) {
        const c = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `${subject} is progressing.`);
        // progress refreshes lastUpdateTime (the deadline is measured from it) but keeps the transition time
        if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
        removeCondition(st, 'Progressing');
        setCondition(st, c);
      } else if (deploymentTimedOut(d, st)) {
        setCondition(st, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `${subject} has timed out progressing.`));
      }
    }
    const failure = this.rsList.map((rs) => getCondition(rs.status, 'ReplicaFailure')).find((c) => c?.status === 'True');
    if (failure) setCondition(st, { ...failure, lastUpdateTime: failure.lastTransitionTime });
    else removeCondition(st, 'ReplicaFailure');
    if (deepEqual(compactStatus(st), d.status ?? {})) {
      this.requeueStuck(st);
      return;
    }
    await this.writeStatus(st);
    this.requeueStuck(st);
  }

  /** a rollout still in progress is looked at again when its deadline would pass */
  private requeueStuck(st: DeploymentStatus): void {
    const c = getCondition(st, 'Progressing');
    if (!hasProgressDeadline(this.d) || !c || c.reason === 'NewReplicaSetAvailable' || c.reason === 'ProgressDeadlineExceeded') return;
    if (deploymentComplete(this.d, st)) return;
    const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : Date.now();
    this.ctx.requeueAfter(Math.max(1000, from + this.d.spec.progressDeadlineSeconds * 1000 - Date.now() + 1000));
  }
}
