// What the PV controller and the scheduler's VolumeBinding agree on: which volume fits which claim, which claims a
// pod uses, and the annotations that carry the binding protocol between the components (upstream's names).
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import { labelSelectorMatches } from '../api/selectors';
import { storageClassOf, storageSize } from '../api/kinds/core/storage-common';
import { anyTermMatches } from '../scheduler/node-selector';

export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export const isDelayBinding = (sc: { volumeBindingMode?: string } | undefined): boolean => sc?.volumeBindingMode === 'WaitForFirstConsumer';

/** claim names a pod's volumes refer to: persistentVolumeClaim directly, generic ephemeral volumes as <pod>-<volume> */
export function podClaimNames(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) out.push(ephemeralClaimName(pod, v.name));
  }
  return out;
}

export const ephemeralClaimName = (pod: Pod, volume: string): string => `${pod.metadata?.name ?? ''}-${volume}`;

/** a pod that may still use its volumes (not finished) */
export const podIsActive = (pod: Pod): boolean => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

export function volumeNodeAffinityMatches(pv: PersistentVolume, node: Node): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return !terms?.length || anyTermMatches(terms, node);
}

/** is the volume pre-bound to this claim (claimRef by name, and by uid when one is given)? */
export function preBoundTo(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  return !!ref && ref.name === pvc.metadata?.name && ref.namespace === pvc.metadata?.namespace && (!ref.uid || ref.uid === pvc.metadata?.uid);
}

/** class, access modes, size, selector and volume mode, as upstream's checkVolumeSatisfyClaim */
export function volumeSatisfiesClaim(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  if (storageClassOf(pv) !== storageClassOf(pvc)) return false;
  const modes = pv.spec?.accessModes ?? [];
  if (!(pvc.spec?.accessModes ?? []).every((m) => modes.includes(m))) return false;
  if (storageSize(pv.spec?.capacity?.storage) < storageSize(pvc.spec?.resources?.requests?.storage)) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
  if (pvc.spec?.selector && !labelSelectorMatches(pvc.spec.selector as never, pv.metadata?.labels as Record<string, string>)) return false;
  return true;
}

/**
 * the volume a claim should bind: one pre-bound to it first, otherwise the smallest available volume that satisfies
 * it (and, for a node given by the scheduler, whose node affinity admits that node)
 */
export function findMatchingVolume<T extends PersistentVolume>(pvc: PersistentVolumeClaim, volumes: T[], node?: Node): T | undefined {
  let best: T | undefined;
  for (const pv of volumes) {
    if (pv.metadata?.deletionTimestamp) continue;
    if (node && !volumeNodeAffinityMatches(pv, node)) continue;
    if (preBoundTo(pv, pvc)) {
      if (volumeSatisfiesClaim(pv, pvc) || !pvc.spec?.selector) return pv;
      continue;
    }
    if (pv.spec?.claimRef || pv.status?.phase !== 'Available') continue;
    if (!volumeSatisfiesClaim(pv, pvc)) continue;
    if (!best || storageSize(pv.spec?.capacity?.storage) < storageSize(best.spec?.capacity?.storage)) best = pv;
  }
  return best;
}
