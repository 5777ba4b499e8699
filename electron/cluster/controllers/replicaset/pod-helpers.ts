// Pod state predicates and ownerReference helpers the controllers share (upstream podutil / controller_utils).
import type { KObject } from '../../api/types';

export type OwnerRef = { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean };

export function controllerRefOf(obj: KObject): OwnerRef | undefined {
  return (obj.metadata.ownerReferences as OwnerRef[] | undefined)?.find((r) => r.controller === true);
}

export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerRef {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function podCondition(pod: KObject, type: string): { status?: string; lastTransitionTime?: string } | undefined {
  return (pod.status?.conditions as { type: string; status?: string; lastTransitionTime?: string }[] | undefined)?.find((c) => c.type === type);
}

export function isPodReady(pod: KObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** ready for at least minReadySeconds, measured from the Ready condition's transition */
export function isPodAvailable(pod: KObject, minReadySeconds: number, nowMs: number = Date.now()): boolean {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(t) && t + minReadySeconds * 1000 <= nowMs;
}

/** ms until a ready pod becomes available (0 when it already is or never will by waiting) */
export function msUntilAvailable(pod: KObject, minReadySeconds: number, nowMs: number = Date.now()): number {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True' || !minReadySeconds || !c.lastTransitionTime) return 0;
  return Math.max(0, Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 - nowMs);
}

export const isTerminating = (pod: KObject): boolean => !!pod.metadata.deletionTimestamp;
export const isPodTerminal = (pod: KObject): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
/** upstream's IsPodActive: neither finished nor being deleted */
export const isPodActive = (pod: KObject): boolean => !isPodTerminal(pod) && !isTerminating(pod);

export function creationMs(o: KObject): number {
  const t = o.metadata.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** oldest first, ties by name (upstream's ...ByCreationTimestamp orderings) */
export function byCreation(a: KObject, b: KObject): number {
  return creationMs(a) - creationMs(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0);
}

export const podKey = (pod: KObject): string => `${pod.metadata.namespace}/${pod.metadata.name}`;

/** integer or percentage of `total`; percentages round up or down as the caller's upstream counterpart does */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
