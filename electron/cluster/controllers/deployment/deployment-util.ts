// Pure helpers of the Deployment controller (upstream pkg/controller/deployment/util): revisions, annotations,
// surge/unavailability arithmetic, conditions and status.
import type { KObject } from '../../api/types';
import { rfc3339 } from '../../api/time';
import { clone, deepEqual } from '../../api/object';
import { byCreation, scaledValue } from '../replicaset/pod-helpers';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const HASH_LABEL = 'pod-template-hash';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

// annotations that stay on the Deployment (or are managed per ReplicaSet) rather than being copied across
const NOT_COPIED = new Set([
  LAST_APPLIED,
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deployment.kubernetes.io/error-selector-overlapping-with',
  'deployment.kubernetes.io/selector-updated-at',
]);

export type Condition = { type: string; status: string; lastUpdateTime?: string; lastTransitionTime?: string; reason?: string; message?: string };

export const replicasOf = (o: KObject | undefined): number => (o ? (o.spec?.replicas ?? 1) : 0);

export function revisionOf(rs: KObject): number {
  const v = rs.metadata.annotations?.[REVISION];
  const n = v === undefined ? 0 : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}
export const maxRevision = (rss: KObject[]): number => rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

function withoutHash(template: KObject | undefined): unknown {
  const t = clone(template ?? {}) as KObject;
  if (t.metadata?.labels) {
    delete t.metadata.labels[HASH_LABEL];
    if (!Object.keys(t.metadata.labels).length) delete t.metadata.labels;
  }
  if (t.metadata && !Object.keys(t.metadata).length) delete (t as { metadata?: unknown }).metadata;
  return t;
}
/** templates equal apart from the pod-template-hash label */
export const equalIgnoreHash = (a: KObject | undefined, b: KObject | undefined): boolean => deepEqual(withoutHash(a), withoutHash(b));

/** the oldest ReplicaSet whose template matches the Deployment's */
export function findNewReplicaSet(d: KObject, rss: KObject[]): KObject | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export const isRollingUpdate = (d: KObject): boolean => d.spec?.strategy?.type !== 'Recreate';

/** ResolveFenceposts: surge rounds up, unavailability rounds down, and both zero means one may be unavailable */
export function fenceposts(d: KObject): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const desired = replicasOf(d);
  const surge = scaledValue(ru.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}
export const maxSurge = (d: KObject): number => (isRollingUpdate(d) ? fenceposts(d).surge : 0);
export function maxUnavailable(d: KObject): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(fenceposts(d).unavailable, desired);
}

export const specReplicaSum = (rss: (KObject | undefined)[]): number => rss.reduce((s, rs) => s + (rs ? (rs.spec?.replicas ?? 0) : 0), 0);
export const statusSum = (rss: (KObject | undefined)[], field: string): number => rss.reduce((s, rs) => s + (rs ? (rs.status?.[field] ?? 0) : 0), 0);
export const activeReplicaSets = (rss: (KObject | undefined)[]): KObject[] => rss.filter((rs): rs is KObject => !!rs && (rs.spec?.replicas ?? 0) > 0);

/** how many replicas the new ReplicaSet may have now */
export function newRSNewReplicas(d: KObject, all: KObject[], newRS: KObject): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = specReplicaSum(all);
  const maxTotal = replicasOf(d) + maxSurge(d);
  const cur = newRS.spec?.replicas ?? 0;
  if (current >= maxTotal) return cur;
  return cur + Math.min(maxTotal - current, replicasOf(d) - cur);
}

function annotationInt(rs: KObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}
export const desiredReplicasAnnotation = (rs: KObject): number | undefined => annotationInt(rs, DESIRED_REPLICAS);

/** sets desired/max-replicas annotations; true when something changed */
export function setReplicasAnnotations(rs: KObject, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  const d = String(desired),
    m = String(max);
  if (a[DESIRED_REPLICAS] === d && a[MAX_REPLICAS] === m) return false;
  a[DESIRED_REPLICAS] = d;
  a[MAX_REPLICAS] = m;
  return true;
}
export function replicasAnnotationsNeedUpdate(rs: KObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/** copies the Deployment's annotations and bumps the revision of the (new) ReplicaSet; true when changed */
export function setNewReplicaSetAnnotations(d: KObject, rs: KObject, newRevision: number, exists: boolean): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries((d.metadata.annotations ?? {}) as Record<string, string>)) {
    if (NOT_COPIED.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const old = a[REVISION];
  const oldN = old === undefined ? 0 : Number.parseInt(old, 10) || 0;
  if (oldN < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    // a ReplicaSet coming back into service (a rollback) remembers the revisions it served before
    if (old !== undefined) a[REVISION_HISTORY] = a[REVISION_HISTORY] ? `${a[REVISION_HISTORY]},${old}` : old;
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

// ---- conditions ----------------------------------------------------------------------------------------------
export function getCondition(status: { conditions?: Condition[] } | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}
export function newCondition(type: string, status: string, reason: string, message: string): Condition {
  const t = rfc3339();
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}
/** same status and reason → unchanged; same status → transition time kept */
export function setCondition(status: { conditions?: Condition[] }, c: Condition): void {
  const cur = getCondition(status, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  if (cur && cur.status === c.status) c.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), c];
}
export function removeCondition(status: { conditions?: Condition[] }, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (!status.conditions.length) delete status.conditions;
}

export const hasProgressDeadline = (d: KObject): boolean => typeof d.spec?.progressDeadlineSeconds === 'number' && d.spec.progressDeadlineSeconds < 2147483647;

// ---- status ---------------------------------------------------------------------------------------------------
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}

export function calculateStatus(all: KObject[], newRS: KObject | undefined, d: KObject): DeploymentStatus {
  const available = statusSum(all, 'availableReplicas');
  const unavailable = Math.max(0, specReplicaSum(all) - available);
  const st: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: statusSum(all, 'replicas'),
    updatedReplicas: statusSum([newRS], 'replicas'),
    readyReplicas: statusSum(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  };
  if (d.status?.collisionCount !== undefined) st.collisionCount = d.status.collisionCount;
  if (d.status?.conditions?.length) st.conditions = clone(d.status.conditions);
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(st, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'));
  } else {
    setCondition(st, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'));
  }
  return st;
}

/** drops zero counters as Go's omitempty does (replicas and friends are omitempty on DeploymentStatus) */
export function compactStatus(st: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const [k, v] of Object.entries(st) as [keyof DeploymentStatus, unknown][]) {
    if (v === undefined || (v === 0 && k !== 'collisionCount')) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function deploymentComplete(d: KObject, st: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return (
    (st.updatedReplicas ?? 0) === want &&
    (st.replicas ?? 0) === want &&
    (st.availableReplicas ?? 0) === want &&
    (st.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

export function deploymentProgressing(d: KObject, st: DeploymentStatus): boolean {
  const old = (d.status ?? {}) as DeploymentStatus;
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (
    (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    newOld < oldOld ||
    (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

export function deploymentTimedOut(d: KObject, st: DeploymentStatus, nowMs = Date.now()): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(st, 'Progressing');
  if (!c) return false;
  if (c.reason === 'NewReplicaSetAvailable') return false;
  if (c.reason === 'ProgressDeadlineExceeded') return true;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : nowMs;
  return from + d.spec.progressDeadlineSeconds * 1000 < nowMs;
}

/** the new RS has all desired replicas and they are all available */
export function isSaturated(d: KObject, rs: KObject | undefined): boolean {
  if (!rs) return false;
  const want = replicasOf(d);
  return (rs.spec?.replicas ?? 0) === want && desiredReplicasAnnotation(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** the share of a scaling change this ReplicaSet gets in proportional scaling */
export function replicaSetProportion(rs: KObject, d: KObject, toAdd: number, added: number): number {
  const size = rs.spec?.replicas ?? 0;
  if (size === 0 || toAdd === 0 || toAdd === added) return 0;
  const allowed = toAdd - added;
  let fraction: number;
  if (replicasOf(d) === 0) fraction = -size;
  else {
    const total = replicasOf(d) + maxSurge(d);
    const annotated = annotationInt(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
    fraction = annotated ? Math.round((size * total) / annotated) - size : 0;
  }
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
