// Resource lists, container ports, env and probes: the container-level checks pods and pod templates share.
import { type FieldError, forbidden, invalid, notSupported, required, duplicate } from '../errors';
import { canonicalQuantity, compareQuantities, parseQuantity } from '../quantity';
import { isConfigMapKey, isDNS1123Subdomain, isEnvVarName, isQualifiedName, isValidPortName, isValidPortNum } from './names';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
]);

const isHugePages = (n: string) => n.startsWith('hugepages-');
/** Native resources live in the default or kubernetes.io namespace; everything else is "extended". */
export const isNativeResource = (n: string) => !n.includes('/') || n.includes('kubernetes.io/');
export const isExtendedResourceName = (n: string) => !isNativeResource(n) && !n.startsWith('requests.') && isQualifiedName(n).length === 0;
/** Extended resources cannot be overcommitted: requests must equal limits. */
const isOvercommitAllowed = (n: string) => isNativeResource(n) && !isHugePages(n);
const isIntegerResource = (n: string) =>
  isExtendedResourceName(n) ||
  [
    'pods',
    'services',
    'replicationcontrollers',
    'resourcequotas',
    'secrets',
    'configmaps',
    'persistentvolumeclaims',
    'services.nodeports',
    'services.loadbalancers',
  ].includes(n);

/** Stringifies a quantity for messages, falling back to the raw text when it does not parse. */
function q(v: unknown): string {
  try {
    return canonicalQuantity(v as string);
  } catch {
    return String(v);
  }
}

export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !isHugePages(name)) {
    errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

export function validateResourceQuantityValue(name: string, value: unknown, path: string): FieldError[] {
  let parsed;
  try {
    parsed = parseQuantity(value as string);
  } catch (e) {
    return [invalid(path, value, (e as Error).message)];
  }
  const errs: FieldError[] = [];
  if (parsed.nano < 0n) errs.push(invalid(path, q(value), 'must be greater than or equal to 0'));
  if (isIntegerResource(name) && parsed.milli % 1000n !== 0n) errs.push(invalid(path, q(value), 'must be an integer'));
  return errs;
}

export function validateResourceRequirements(res: any, path: string): FieldError[] {
  if (!res) return [];
  const errs: FieldError[] = [];
  const limits: Record<string, unknown> = res.limits ?? {};
  const requests: Record<string, unknown> = res.requests ?? {};
  for (const [name, v] of Object.entries(limits)) {
    const p = `${path}.limits[${name}]`;
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantityValue(name, v, p));
  }
  for (const [name, v] of Object.entries(requests)) {
    const p = `${path}.requests[${name}]`;
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantityValue(name, v, p));
    if (name in limits) {
      let cmp: number;
      try {
        cmp = compareQuantities(v as string, limits[name] as string);
      } catch {
        continue;
      }
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(`${path}.requests`, q(v), `must be equal to ${name} limit of ${q(limits[name])}`));
      } else if (cmp > 0) {
        errs.push(invalid(`${path}.requests`, q(v), `must be less than or equal to ${name} limit of ${q(limits[name])}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

export const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateContainerPorts(ports: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(`${p}.name`, port.name, m));
      else if (names.has(port.name)) errs.push(duplicate(`${p}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(`${p}.containerPort`));
    else for (const m of isValidPortNum(port.containerPort)) errs.push(invalid(`${p}.containerPort`, port.containerPort, m));
    if (port.hostPort) for (const m of isValidPortNum(port.hostPort)) errs.push(invalid(`${p}.hostPort`, port.hostPort, m));
    if (!port.protocol) errs.push(required(`${p}.protocol`));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${p}.protocol`, port.protocol, SUPPORTED_PORT_PROTOCOLS));
  });
  return errs;
}

/** An int-or-string port: a number in range or an IANA port name. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  return [required(path)];
}

const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

export function validateObjectFieldSelector(fs: any, allowed: string[], path: string): FieldError[] {
  if (!fs.apiVersion) return [required(`${path}.apiVersion`)];
  if (!fs.fieldPath) return [required(`${path}.fieldPath`)];
  const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fs.fieldPath);
  if (sub) return isQualifiedName(sub[1].endsWith('annotations') ? sub[2].toLowerCase() : sub[2]).map((m) => invalid(path, sub[2], m));
  if (!allowed.includes(fs.fieldPath)) return [notSupported(`${path}.fieldPath`, fs.fieldPath, allowed)];
  return [];
}

function validateKeySelector(sel: any, path: string, nameField = 'name'): FieldError[] {
  const errs: FieldError[] = [];
  if (!sel[nameField]) errs.push(required(`${path}.${nameField}`));
  else for (const m of isDNS1123Subdomain(sel[nameField])) errs.push(invalid(`${path}.${nameField}`, sel[nameField], m));
  if (!sel.key) errs.push(required(`${path}.key`));
  else for (const m of isConfigMapKey(sel.key)) errs.push(invalid(`${path}.key`, sel.key, m));
  return errs;
}

export function validateEnv(env: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((ev, i) => {
    const p = `${path}[${i}]`;
    if (!ev.name) errs.push(required(`${p}.name`));
    else for (const m of isEnvVarName(ev.name)) errs.push(invalid(`${p}.name`, ev.name, m));
    const from = ev.valueFrom;
    if (!from) return;
    const vp = `${p}.valueFrom`;
    let n = 0;
    if (from.fieldRef) {
      n++;
      errs.push(...validateObjectFieldSelector(from.fieldRef, ENV_FIELD_PATHS, `${vp}.fieldRef`));
    }
    if (from.resourceFieldRef) {
      n++;
      if (!from.resourceFieldRef.resource) errs.push(required(`${vp}.resourceFieldRef.resource`));
    }
    if (from.configMapKeyRef) {
      n++;
      errs.push(...validateKeySelector(from.configMapKeyRef, `${vp}.configMapKeyRef`));
    }
    if (from.secretKeyRef) {
      n++;
      errs.push(...validateKeySelector(from.secretKeyRef, `${vp}.secretKeyRef`));
    }
    if (n === 0) errs.push(invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (ev.value) errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

export function validateEnvFrom(envFrom: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (envFrom ?? []).forEach((ef, i) => {
    const p = `${path}[${i}]`;
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef']) {
      if (!ef[kind]) continue;
      n++;
      const name = ef[kind].name ?? '';
      if (!name) errs.push(required(`${p}.${kind}.name`));
      else for (const m of isDNS1123Subdomain(name)) errs.push(invalid(`${p}.${kind}.name`, name, m));
    }
    if (n === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const nonNegative = (v: unknown, path: string): FieldError[] =>
  typeof v === 'number' && v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];

/** Probe and lifecycle handlers: exactly one action, each with its own required fields. */
export function validateHandler(h: any, path: string, allowSleep = false): FieldError[] {
  const errs: FieldError[] = [];
  const kinds = ['exec', 'httpGet', 'tcpSocket', 'grpc', ...(allowSleep ? ['sleep'] : [])].filter((k) => h?.[k]);
  if (kinds.length === 0) return [required(path, 'must specify a handler type')];
  if (kinds.length > 1) errs.push(forbidden(`${path}.${kinds[1]}`, 'may not specify more than 1 handler type'));
  if (h.exec && !(h.exec.command?.length > 0)) errs.push(required(`${path}.exec.command`));
  if (h.httpGet) {
    const g = h.httpGet;
    if (!g.path) errs.push(required(`${path}.httpGet.path`));
    errs.push(...validatePortNumOrName(g.port, `${path}.httpGet.port`));
    if (g.scheme && !['HTTP', 'HTTPS'].includes(g.scheme)) errs.push(notSupported(`${path}.httpGet.scheme`, g.scheme, ['HTTP', 'HTTPS']));
  }
  if (h.tcpSocket) errs.push(...validatePortNumOrName(h.tcpSocket.port, `${path}.tcpSocket.port`));
  if (h.grpc) errs.push(...validatePortNumOrName(h.grpc.port, `${path}.grpc.port`));
  return errs;
}

export function validateProbe(probe: any, path: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonNegative(probe[f], `${path}.${f}`));
  }
  if (typeof probe.terminationGracePeriodSeconds === 'number') {
    if (kind === 'readiness')
      errs.push(invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
    else if (probe.terminationGracePeriodSeconds <= 0)
      errs.push(invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  if (kind !== 'readiness' && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  return errs;
}
