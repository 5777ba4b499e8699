// networking.k8s.io/v1 Ingress. Upstream stores these under the singular prefix "ingress".
import type { FieldError } from '../../errors';
import { invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { isDNS1123Subdomain, isValidPortName } from '../../validation/names';
import { age, ageCol, col, keepSpec, keepStatusBumpGeneration, nameCol, resetStatusAndGeneration } from '../strategy-helpers';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateBackend(b: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!b) return [required(path, '')];
  if (b.service && b.resource) return [invalid(path, undefined, 'cannot set both service and resource backends')];
  if (!b.service && !b.resource) return [invalid(path, undefined, 'resource or service backend is required')];
  if (b.service) {
    const s = b.service;
    if (!s.name) errs.push(required(`${path}.service.name`, ''));
    else for (const m of isDNS1123Subdomain(s.name)) errs.push(invalid(`${path}.service.name`, s.name, m));
    const port = s.port ?? {};
    const hasName = !!port.name;
    const hasNum = port.number !== undefined && port.number !== 0;
    if (hasName && hasNum) errs.push(invalid(`${path}.service.port`, undefined, 'cannot set both port name & port number'));
    else if (hasName) for (const m of isValidPortName(port.name)) errs.push(invalid(`${path}.service.port.name`, port.name, m));
    else if (hasNum) {
      if (port.number < 1 || port.number > 65535) errs.push(invalid(`${path}.service.port.number`, port.number, 'must be between 1 and 65535, inclusive'));
    } else errs.push(required(`${path}.service.port`, 'port name or number is required'));
  }
  return errs;
}

function validateHost(host: string, path: string): FieldError[] {
  // a leading "*." wildcard is allowed; the rest must be a DNS subdomain
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  if (host.includes('*') && !host.startsWith('*.')) {
    return [
      invalid(
        path,
        host,
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  }
  return isDNS1123Subdomain(bare).map((m) => invalid(path, host, m));
}

function validateIngress(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.defaultBackend && !(spec.rules ?? []).length) {
    errs.push(invalid('spec', undefined, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  if (spec.ingressClassName != null) {
    for (const m of isDNS1123Subdomain(spec.ingressClassName)) errs.push(invalid('spec.ingressClassName', spec.ingressClassName, m));
  }
  (spec.rules ?? []).forEach((rule: any, i: number) => {
    const rp = `spec.rules[${i}]`;
    if (rule?.host) errs.push(...validateHost(rule.host, `${rp}.host`));
    if (!rule?.http) return;
    const paths = rule.http.paths ?? [];
    if (!paths.length) errs.push(required(`${rp}.http.paths`, ''));
    paths.forEach((p: any, j: number) => {
      const pp = `${rp}.http.paths[${j}]`;
      if (!p?.pathType) errs.push(required(`${pp}.pathType`, 'pathType must be specified'));
      else if (!PATH_TYPES.includes(p.pathType)) errs.push(notSupported(`${pp}.pathType`, p.pathType, PATH_TYPES));
      if (p?.pathType === 'Exact' || p?.pathType === 'Prefix') {
        if (!String(p.path ?? '').startsWith('/')) errs.push(invalid(`${pp}.path`, p.path ?? '', 'must be an absolute path'));
        else if (/\/\/|\/\.\.?(\/|$)/.test(p.path)) errs.push(invalid(`${pp}.path`, p.path, "must not contain '//', '/./' or '/../'"));
      }
      errs.push(...validateBackend(p?.backend, `${pp}.backend`));
    });
  });
  (spec.tls ?? []).forEach((t: any, i: number) => {
    (t?.hosts ?? []).forEach((h: string, j: number) => errs.push(...validateHost(h, `spec.tls[${i}].hosts[${j}]`)));
  });
  return errs;
}

function formatHosts(rules: any[] | undefined): string {
  const all = rules ?? [];
  const list: string[] = [];
  for (const r of all) {
    if (list.length === 3) break;
    if (r?.host) list.push(r.host);
  }
  if (!list.length) return '*';
  return all.length > 3 ? `${list.join(',')} + ${all.length - 3} more...` : list.join(',');
}

/** Load-balancer addresses (IP, else hostname), sorted, clipped to 16 characters outside -o wide. */
export function loadBalancerAddresses(ingress: any[] | undefined, wideOutput = false): string {
  const set = new Set<string>();
  for (const i of ingress ?? [])
    if (i?.ip) set.add(i.ip);
    else if (i?.hostname) set.add(i.hostname);
  const s = [...set].sort().join(',');
  return !wideOutput && s.length > 16 ? s.slice(0, 13) + '...' : s;
}

export const ingressStrategy: KindStrategy = {
  info: {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    resource: 'ingresses',
    singular: 'ingress',
    namespaced: true,
    shortNames: ['ing'],
    storagePrefix: 'ingress',
    subresources: { status: true },
  },
  prepareForCreate: (obj) => resetStatusAndGeneration(obj),
  prepareForUpdate: (obj, old) => keepStatusBumpGeneration(obj, old),
  prepareForStatusUpdate: keepSpec,
  validate: validateIngress,
  table: {
    columns: [
      nameCol,
      col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
      col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
      col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
      col('Ports', 'string', 'Ports of TLS configurations that open'),
      ageCol,
    ],
    row: (obj, now) => [
      obj.metadata.name,
      obj.spec?.ingressClassName ?? '<none>',
      formatHosts(obj.spec?.rules),
      loadBalancerAddresses(obj.status?.loadBalancer?.ingress),
      (obj.spec?.tls ?? []).length ? '80, 443' : '80',
      age(obj, now),
    ],
  },
};
