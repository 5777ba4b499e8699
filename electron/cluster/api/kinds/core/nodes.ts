// Nodes: cluster-scoped, registered by kubelets with their status; taints validated; `kubectl get nodes` table.
import { type FieldError, duplicate, immutable, invalid, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { isQualifiedName, isValidLabelValue } from '../../validation/names';
import { validateTaintEffect } from '../../validation/scheduling';
import { translateTimestampSince } from './age';
import { ageColumn, col, nameColumn } from './format';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

export function nodeRoles(node: KObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

export function nodeStatusString(node: KObject): string {
  const parts: string[] = [];
  const ready = (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  if (ready) parts.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else parts.push('Unknown');
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

const address = (node: KObject, type: string) => (node.status?.addresses ?? []).find((a: any) => a.type === type)?.address || '<none>';

function validateTaints(taints: any[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    for (const m of isQualifiedName(t.key ?? '')) errs.push(invalid(`${p}.key`, t.key ?? '', m));
    for (const m of isValidLabelValue(t.value ?? '')) errs.push(invalid(`${p}.value`, t.value ?? '', m));
    if (!t.effect) errs.push(required(`${p}.effect`));
    else errs.push(...validateTaintEffect(t.effect, `${p}.effect`));
    const k = `${t.key}\u0000${t.effect}`;
    if (seen.has(k)) errs.push({ ...duplicate(p, t), detail: 'taints must be unique by key and effect pair' });
    seen.add(k);
  });
  return errs;
}

export const nodes: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'Node',
    resource: 'nodes',
    singular: 'node',
    namespaced: false,
    shortNames: ['no'],
    subresources: { status: true, other: ['proxy'] },
  },
  defaults(obj) {
    // Allocatable defaults to capacity when a node reports only the latter.
    if (obj.status?.capacity && !obj.status.allocatable) obj.status.allocatable = { ...obj.status.capacity };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
  },
  validate(obj) {
    const errs = validateTaints(obj.spec?.taints);
    return errs;
  },
  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    const o = old.spec ?? {};
    const n = obj.spec ?? {};
    if (o.podCIDR && n.podCIDR !== o.podCIDR)
      errs.push(invalid('spec.podCIDRs', n.podCIDRs ?? null, 'node updates may not change podCIDR except from "" to valid'));
    if (o.providerID && n.providerID !== o.providerID) errs.push(immutable('spec.providerID', n.providerID ?? ''));
    return errs;
  },
  table: {
    columns: [
      nameColumn(),
      col('Status', 'string', 0, 'The status of the node'),
      col('Roles', 'string', 0, 'The roles of the node'),
      ageColumn(),
      col('Version', 'string', 0, 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'string', 1, 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
      col('External-IP', 'string', 1, 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
      col('OS-Image', 'string', 1, 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
      col('Kernel-Version', 'string', 1, "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
      col('Container-Runtime', 'string', 1, 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
    ],
    row(node, now) {
      const info = node.status?.nodeInfo ?? {};
      const roles = nodeRoles(node).join(',');
      return [
        node.metadata.name,
        nodeStatusString(node),
        roles || '<none>',
        translateTimestampSince(node.metadata.creationTimestamp, now),
        info.kubeletVersion ?? '',
        address(node, 'InternalIP'),
        address(node, 'ExternalIP'),
        info.osImage || '<unknown>',
        info.kernelVersion || '<unknown>',
        info.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
  fieldSelectors: { 'spec.unschedulable': (o) => String(o.spec?.unschedulable === true) },
  returnDeletedObject: true,
  tracksGeneration: false,
};
