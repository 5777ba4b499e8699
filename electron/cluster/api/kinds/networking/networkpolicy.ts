// networking.k8s.io/v1 NetworkPolicy.
import type { FieldError } from '../../errors';
import { forbidden, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { validateLabelSelector } from '../../validation/selectors';
import { CIDR_MSG, isValidPortName, validCIDR } from '../../validation/names';
import { age, ageCol, col, keepStatusBumpGeneration, nameCol, setGeneration } from '../strategy-helpers';
import { formatLabelSelector } from '../../selectors';
import { isStrictSubset } from '../../../network/policy/cidr';

export function defaultNetworkPolicy(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.podSelector ??= {};
  // a policy that names no types is at least an ingress policy, and an egress one when it has egress rules
  if (!spec.policyTypes?.length) {
    spec.policyTypes = ['Ingress'];
    if (spec.egress?.length) spec.policyTypes.push('Egress');
  }
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const p of rule?.ports ?? []) p.protocol ??= 'TCP';
  }
}

function validatePorts(ports: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (ports ?? []).forEach((p, i) => {
    const pp = `${path}[${i}]`;
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    if (typeof p.port === 'number') {
      if (p.port < 1 || p.port > 65535) errs.push(invalid(`${pp}.port`, p.port, 'must be between 1 and 65535, inclusive'));
      if (p.endPort !== undefined && p.endPort < p.port) errs.push(invalid(`${pp}.endPort`, p.endPort, 'must be greater than or equal to `port`'));
    } else if (typeof p.port === 'string') {
      for (const m of isValidPortName(p.port)) errs.push(invalid(`${pp}.port`, p.port, m));
      if (p.endPort !== undefined) errs.push(invalid(`${pp}.endPort`, p.endPort, 'may not be specified when `port` is non-numeric'));
    } else if (p.endPort !== undefined) {
      errs.push(required(`${pp}.port`, 'must be specified when `endPort` is specified'));
    }
  });
  return errs;
}

function validatePeers(peers: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (peers ?? []).forEach((peer, i) => {
    const pp = `${path}[${i}]`;
    const set = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((k) => peer?.[k] != null);
    if (set.length === 0) errs.push(required(pp, 'must specify a peer'));
    else if (peer.ipBlock && set.length > 1) errs.push(forbidden(pp, 'may not specify more than 1 peer'));
    if (peer?.podSelector) errs.push(...validateLabelSelector(peer.podSelector, `${pp}.podSelector`));
    if (peer?.namespaceSelector) errs.push(...validateLabelSelector(peer.namespaceSelector, `${pp}.namespaceSelector`));
    if (peer?.ipBlock) {
      const b = peer.ipBlock;
      if (!b.cidr) errs.push(required(`${pp}.ipBlock.cidr`, ''));
      else if (!validCIDR(b.cidr)) errs.push(invalid(`${pp}.ipBlock.cidr`, b.cidr, CIDR_MSG));
      (b.except ?? []).forEach((e: string, j: number) => {
        if (!validCIDR(e)) errs.push(invalid(`${pp}.ipBlock.except[${j}]`, e, CIDR_MSG));
        else if (b.cidr && validCIDR(b.cidr) && !isStrictSubset(e, b.cidr))
          errs.push(invalid(`${pp}.ipBlock.except[${j}]`, e, 'must be a strict subset of `cidr`'));
      });
    }
  });
  return errs;
}

function validateNetworkPolicy(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [...validateLabelSelector(spec.podSelector ?? {}, 'spec.podSelector')];
  (spec.ingress ?? []).forEach((r: any, i: number) => {
    errs.push(...validatePorts(r?.ports, `spec.ingress[${i}].ports`), ...validatePeers(r?.from, `spec.ingress[${i}].from`));
  });
  (spec.egress ?? []).forEach((r: any, i: number) => {
    errs.push(...validatePorts(r?.ports, `spec.egress[${i}].ports`), ...validatePeers(r?.to, `spec.egress[${i}].to`));
  });
  const types: string[] = spec.policyTypes ?? [];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  if (types.length > 2) errs.push(invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  return errs;
}

export const networkPolicyStrategy: KindStrategy = {
  info: {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    resource: 'networkpolicies',
    singular: 'networkpolicy',
    namespaced: true,
    shortNames: ['netpol'],
    storagePrefix: 'networkpolicies',
  },
  defaults: defaultNetworkPolicy,
  prepareForCreate: (obj) => {
    setGeneration(obj, 1);
  },
  prepareForUpdate: (obj, old) => keepStatusBumpGeneration(obj, old),
  validate: validateNetworkPolicy,
  table: {
    columns: [nameCol, col('Pod-Selector', 'string', 'podSelector selects the pods to which this NetworkPolicy object applies.'), ageCol],
    row: (obj, now) => [obj.metadata.name, formatLabelSelector(obj.spec?.podSelector), age(obj, now)],
  },
};
