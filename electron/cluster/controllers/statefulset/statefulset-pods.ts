// Stable pod identity of a StatefulSet (upstream stateful_set_utils.go): ordinal names, hostname/subdomain,
// identity labels, and a PersistentVolumeClaim per claim template and ordinal.
import type { KObject } from '../../api/types';
import { clone } from '../../api/object';
import { isPodReady, isPodAvailable, newControllerRef } from '../replicaset/pod-helpers';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export const startOrdinal = (set: KObject): number => set.spec?.ordinals?.start ?? 0;
export const podName = (set: KObject, ordinal: number): string => `${set.metadata.name}-${ordinal}`;
export const claimName = (template: KObject, set: KObject, ordinal: number): string => `${template.metadata?.name}-${set.metadata.name}-${ordinal}`;

/** the ordinal of a pod named <set>-<n>, or -1 when the name does not have that shape */
export function ordinalOf(set: KObject, pod: KObject): number {
  const name = pod.metadata.name ?? '';
  const prefix = `${set.metadata.name}-`;
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : -1;
}

export const podRevision = (pod: KObject): string => pod.metadata.labels?.[REVISION_LABEL] ?? '';
export const isCreated = (pod: KObject): boolean => !!pod.metadata.uid;
export const isRunningAndReady = (pod: KObject): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isHealthy = (pod: KObject, minReadySeconds: number): boolean =>
  isRunningAndReady(pod) && !pod.metadata.deletionTimestamp && isPodAvailable(pod, minReadySeconds);

function claimVolumes(set: KObject, ordinal: number): { name: string; persistentVolumeClaim: { claimName: string } }[] {
  return ((set.spec?.volumeClaimTemplates ?? []) as KObject[]).map((t) => ({
    name: t.metadata?.name as string,
    persistentVolumeClaim: { claimName: claimName(t, set, ordinal) },
  }));
}

/** a new pod for `ordinal` from `set`'s template (the set given may carry an older revision's template) */
export function newStatefulSetPod(set: KObject, ordinal: number, revisionName: string): KObject {
  const t = clone(set.spec?.template ?? {});
  const name = podName(set, ordinal);
  const pod: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revisionName },
      ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')],
    },
    spec: t.spec ?? {},
  };
  if (t.metadata?.annotations) pod.metadata.annotations = t.metadata.annotations;
  if (t.metadata?.finalizers) pod.metadata.finalizers = t.metadata.finalizers;
  pod.spec.hostname = name;
  if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName;
  const claims = claimVolumes(set, ordinal);
  if (claims.length) {
    const names = new Set(claims.map((c) => c.name));
    pod.spec.volumes = [...((pod.spec.volumes ?? []) as { name: string }[]).filter((v) => !names.has(v.name)), ...claims];
  }
  return pod;
}

/** the identity labels a live pod must carry (labels are the only identity fields a pod update may fix) */
export function identityMatches(set: KObject, pod: KObject, ordinal: number): boolean {
  const l = pod.metadata.labels ?? {};
  return l[POD_NAME_LABEL] === pod.metadata.name && l[POD_INDEX_LABEL] === String(ordinal);
}
export function withIdentity(pod: KObject, ordinal: number): KObject {
  const p = clone(pod);
  p.metadata.labels = { ...(p.metadata.labels ?? {}), [POD_NAME_LABEL]: p.metadata.name!, [POD_INDEX_LABEL]: String(ordinal) };
  return p;
}

/** the PVC objects a pod of `ordinal` needs */
export function claimsFor(set: KObject, ordinal: number): KObject[] {
  const selectorLabels: Record<string, string> = set.spec?.selector?.matchLabels ?? {};
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  return ((set.spec?.volumeClaimTemplates ?? []) as KObject[]).map((t) => {
    const c = clone(t);
    const pvc: KObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(t, set, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...(c.metadata?.labels ?? {}), ...selectorLabels },
      },
      spec: c.spec ?? {},
    };
    if (c.metadata?.annotations) pvc.metadata.annotations = c.metadata.annotations;
    // whenDeleted: Delete hands the claim to the StatefulSet so the garbage collector removes it with the set
    if (policy.whenDeleted === 'Delete') pvc.metadata.ownerReferences = [newControllerRef(set, 'apps/v1', 'StatefulSet')];
    return pvc;
  });
}
