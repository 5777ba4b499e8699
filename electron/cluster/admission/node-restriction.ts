// NodeRestriction (kubeadm enables it): a kubelet — a user system:node:<name> in group system:nodes — may change
// only its own Node (not its taints, nor labels outside the kubelet's allowed set), its own Lease and CSINode,
// create only mirror pods bound to itself and delete or update the status of pods bound to it. Messages as upstream's.
import type { Pod } from 'kubernetes-types/core/v1';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types';
import { admissionForbidden } from './forbidden';
import { errForbidden } from '../api/errors';
import { R } from '../client/resources';

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/os',
]);
const inDomain = (domain: string, d: string) => domain === d || domain.endsWith(`.${d}`);

/** whether a kubelet may set this label on its own Node (what kubeadm adds, such as node-role.kubernetes.io/*, it may not) */
export function kubeletMaySetLabel(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return true;
  const domain = key.slice(0, slash);
  if (inDomain(domain, 'node-restriction.kubernetes.io')) return false;
  if (!inDomain(domain, 'kubernetes.io') && !inDomain(domain, 'k8s.io')) return true;
  return KUBELET_LABELS.has(key) || inDomain(domain, 'kubelet.kubernetes.io') || inDomain(domain, 'node.kubernetes.io');
}

/** the node a user acts for, as upstream's node identifier: undefined when not a node; '' when a node without a name */
function nodeOf(a: AdmissionAttributes): string | undefined {
  if (!a.user.groups.includes('system:nodes')) return undefined;
  return a.user.name.startsWith('system:node:') ? a.user.name.slice('system:node:'.length) : '';
}

type Labels = Record<string, string> | undefined;
function changedLabels(now: Labels, before: Labels): string[] {
  const keys = new Set([...Object.keys(now ?? {}), ...Object.keys(before ?? {})]);
  return [...keys].filter((k) => (now ?? {})[k] !== (before ?? {})[k]).sort();
}

function admitPod(a: AdmissionAttributes, node: string, lookup: AdmissionLookup): void {
  const forbid = (why: string) => admissionForbidden(a, why);
  if (!a.subresource) {
    if (a.operation === 'CREATE') {
      const pod = a.object as Pod;
      if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] === undefined)
        throw forbid(`pod does not have "${MIRROR_ANNOTATION}" annotation, node "${node}" can only create mirror pods`);
      if (pod.spec?.nodeName !== node) throw forbid(`node "${node}" can only create pods with spec.nodeName set to itself`);
      const owners = pod.metadata?.ownerReferences ?? [];
      if (owners.length > 1 || (owners.length === 1 && (owners[0].kind !== 'Node' || owners[0].name !== node)))
        throw forbid(`node "${node}" can only create pods with an owner reference set to itself`);
      if (pod.spec?.serviceAccountName) throw forbid(`node "${node}" can not create pods that reference a service account`);
      const vols = pod.spec?.volumes ?? [];
      if (vols.some((v) => v.secret || v.projected?.sources?.some((s) => s.secret))) throw forbid(`node "${node}" can not create pods that reference secrets`);
      if (vols.some((v) => v.configMap || v.projected?.sources?.some((s) => s.configMap)))
        throw forbid(`node "${node}" can not create pods that reference configmaps`);
      if (vols.some((v) => v.persistentVolumeClaim)) throw forbid(`node "${node}" can not create pods that reference persistentvolumeclaims`);
      return;
    }
    if (a.operation === 'DELETE') {
      const cur = lookup.get(R.pods, a.namespace, a.name) as Pod | undefined;
      if (cur && cur.spec?.nodeName !== node) throw forbid(`node "${node}" can only delete pods with spec.nodeName set to itself`);
      return;
    }
    throw forbid(`unexpected operation "${a.operation}", node "${node}" can only create and delete mirror pods`);
  }
  if (a.subresource === 'status') {
    if (a.operation !== 'UPDATE') throw forbid(`unexpected operation "${a.operation}"`);
    if ((a.oldObject as Pod | undefined)?.spec?.nodeName !== node)
      throw forbid(`node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
    return;
  }
  if (a.subresource === 'eviction') {
    const cur = lookup.get(R.pods, a.namespace, a.name) as Pod | undefined;
    if (cur && cur.spec?.nodeName !== node) throw forbid(`node "${node}" can only evict pods with spec.nodeName set to itself`);
  }
}

function admitNode(a: AdmissionAttributes, node: string): void {
  if (a.name !== node) throw admissionForbidden(a, `node "${node}" is not allowed to modify node "${a.name}"`);
  if (a.operation === 'CREATE') {
    const bad = Object.keys(a.object?.metadata?.labels ?? {})
      .filter((k) => !kubeletMaySetLabel(k))
      .sort();
    if (bad.length) throw admissionForbidden(a, `node "${node}" is not allowed to set the following labels: ${bad.join(', ')}`);
    return;
  }
  if (a.operation !== 'UPDATE' || a.subresource === 'status') return;
  if (JSON.stringify(a.object?.spec?.taints ?? []) !== JSON.stringify(a.oldObject?.spec?.taints ?? []))
    throw admissionForbidden(a, `node "${node}" is not allowed to modify taints`);
  const bad = changedLabels(a.object?.metadata?.labels, a.oldObject?.metadata?.labels).filter((k) => !kubeletMaySetLabel(k));
  if (bad.length) throw admissionForbidden(a, `node "${node}" is not allowed to modify labels: ${bad.join(', ')}`);
}

export const nodeRestriction: AdmissionPlugin = {
  name: 'NodeRestriction',
  validate(a, lookup) {
    const node = nodeOf(a);
    if (node === undefined) return;
    const r = a.gvr.resource;
    const g = a.gvr.group;
    const watched =
      (g === '' && (r === 'pods' || r === 'nodes')) || (g === 'coordination.k8s.io' && r === 'leases') || (g === 'storage.k8s.io' && r === 'csinodes');
    if (!watched) return;
    if (node === '') throw errForbidden(`could not determine node from user "${a.user.name}"`);
    if (r === 'pods') return admitPod(a, node, lookup);
    if (r === 'nodes') return admitNode(a, node);
    if (r === 'leases') {
      if (a.namespace !== 'kube-node-lease') throw admissionForbidden(a, 'can only access leases in the "kube-node-lease" namespace');
      if (a.name !== node) throw admissionForbidden(a, 'can only access node lease with the same name as the requesting node');
      return;
    }
    if (a.name !== node) throw admissionForbidden(a, 'can only access CSINode with the same name as the requesting node');
  },
};
