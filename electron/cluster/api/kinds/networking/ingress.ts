// networking.k8s.io/v1 Ingress. Upstream stores these under the singular prefix "ingress".
import type { FieldError } from '../../errors';
import { invalid, notSupported, required } from '../../errors';
import type { KindStrategy, ValidationContext } from '../../kind';
import type { KObject } from '../../types';
import { isDNS1035Label, isDNS1123Subdomain, isPathSegmentName, isValidIP, isValidPortName, isValidPortNum } from '../../validation/names';
import { goInvalid } from '../go-format';
import { age, ageCol, col, keepSpec, keepStatusBumpGeneration, nameCol, resetStatusAndGeneration } from '../strategy-helpers';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
// directory traversal and encoded slashes upstream refuses in Exact and Prefix paths
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const WILDCARD_SUBDOMAIN = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** a resource backend and an IngressClass's parameters: apiGroup, kind, name as a TypedLocalObjectReference */
export function validateTypedLocalRef(ref: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup != null) for (const m of isDNS1123Subdomain(ref.apiGroup)) errs.push(invalid(`${path}.apiGroup`, ref.apiGroup, m));
  if (!ref.kind) errs.push(required(`${path}.kind`, 'kind is required'));
  else for (const m of isPathSegmentName(ref.kind)) errs.push(invalid(`${path}.kind`, ref.kind, m));
  if (!ref.name) errs.push(required(`${path}.name`, 'name is required'));
  else for (const m of isPathSegmentName(ref.name)) errs.push(invalid(`${path}.name`, ref.name, m));
  return errs;
}

function validateBackend(b: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (b?.resource && b?.service) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (b?.resource) return validateTypedLocalRef(b.resource, `${path}.resource`);
  if (!b?.service) return [invalid(path, '', 'resource or service backend is required')];
  const s = b.service;
  // a Service name is a DNS-1035 label (ValidateServiceName)
  if (!s.name) errs.push(required(`${path}.service.name`, ''));
  else for (const m of isDNS1035Label(s.name)) errs.push(invalid(`${path}.service.name`, s.name, m));
  const port = s.port ?? {};
  const hasName = !!port.name;
  const hasNum = port.number !== undefined && port.number !== null && port.number !== 0;
  if (hasName && hasNum) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (hasName) for (const m of isValidPortName(port.name)) errs.push(invalid(`${path}.service.port.name`, port.name, m));
  else if (hasNum) for (const m of isValidPortNum(port.number)) errs.push(invalid(`${path}.service.port.number`, port.number, m));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validateHost(host: string, path: string): FieldError[] {
  if (host.includes('*')) {
    if (host.length <= 253 && WILDCARD_SUBDOMAIN.test(host)) return [];
    return [
      invalid(
        path,
        host,
        host.length > 253
          ? 'must be no more than 253 characters'
          : "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  }
  return isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
}

function validatePath(p: any, pp: string): FieldError[] {
  const errs: FieldError[] = [];
  // without a pathType upstream reports only that (the backend is not looked at)
  if (!p?.pathType) return [required(`${pp}.pathType`, 'pathType must be specified')];
  const path: string = p.path ?? '';
  if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    if (!path.startsWith('/')) errs.push(invalid(`${pp}.path`, path, 'must be an absolute path'));
    if (path) {
      for (const seq of INVALID_PATH_SEQUENCES) if (path.includes(seq)) errs.push(invalid(`${pp}.path`, path, `must not contain '${seq}'`));
      for (const suffix of INVALID_PATH_SUFFIXES) if (path.endsWith(suffix)) errs.push(invalid(`${pp}.path`, path, `cannot end with '${suffix}'`));
    }
  } else if (p.pathType === 'ImplementationSpecific') {
    if (path && !path.startsWith('/')) errs.push(invalid(`${pp}.path`, path, 'must be an absolute path'));
  } else errs.push(notSupported(`${pp}.pathType`, p.pathType, PATH_TYPES));
  errs.push(...validateBackend(p.backend, `${pp}.backend`));
  return errs;
}

function validateIngress(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.defaultBackend && !(spec.rules ?? []).length) {
    errs.push(
      goInvalid('spec', spec.rules ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)', 'either `defaultBackend` or `rules` must be specified'),
    );
  }
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  (spec.rules ?? []).forEach((rule: any, i: number) => {
    const rp = `spec.rules[${i}]`;
    if (rule?.host) {
      if (isValidIP(rule.host)) errs.push(invalid(`${rp}.host`, rule.host, 'must be a DNS name, not an IP address'));
      errs.push(...validateHost(rule.host, `${rp}.host`));
    }
    if (!rule?.http) return;
    const paths = rule.http.paths ?? [];
    if (!paths.length) errs.push(required(`${rp}.http.paths`, ''));
    paths.forEach((p: any, j: number) => errs.push(...validatePath(p, `${rp}.http.paths[${j}]`)));
  });
  (spec.tls ?? []).forEach((t: any, i: number) => {
    (t?.hosts ?? []).forEach((h: string, j: number) => errs.push(...validateHost(h, `spec.tls[${i}].hosts[${j}]`)));
    if (t?.secretName) for (const m of isDNS1123Subdomain(t.secretName)) errs.push(invalid(`spec.tls[${i}].secretName`, t.secretName, m));
  });
  if (spec.ingressClassName != null) {
    for (const m of isDNS1123Subdomain(spec.ingressClassName)) errs.push(invalid('spec.ingressClassName', spec.ingressClassName, m));
  }
  return errs;
}

/** on create only: the legacy class annotation may not contradict spec.ingressClassName (upstream's path has no "metadata.") */
function validateIngressCreate(obj: KObject, ctx: ValidationContext): FieldError[] {
  const errs = validateIngress(obj);
  const legacy = obj.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  const cls = obj.spec?.ingressClassName;
  if (ctx.operation === 'create' && legacy !== undefined && cls != null && legacy !== cls)
    errs.push(invalid(`annotations.${LEGACY_CLASS_ANNOTATION}`, legacy, 'must match `ingressClassName` when both are specified'));
  return errs;
}

/** status.loadBalancer.ingress: an IP must parse, a hostname must be a DNS name and not an IP */
function validateIngressStatus(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  (obj.status?.loadBalancer?.ingress ?? []).forEach((i: any, n: number) => {
    const p = `status.loadBalancer.ingress[${n}]`;
    if (i?.ip && !isValidIP(i.ip)) errs.push(invalid(`${p}.ip`, i.ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    if (i?.hostname) {
      for (const m of isDNS1123Subdomain(i.hostname)) errs.push(invalid(`${p}.hostname`, i.hostname, m));
      if (isValidIP(i.hostname)) errs.push(invalid(`${p}.hostname`, i.hostname, 'must be a DNS name, not an IP address'));
    }
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
  validate: validateIngressCreate,
  validateStatusUpdate: validateIngressStatus,
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
