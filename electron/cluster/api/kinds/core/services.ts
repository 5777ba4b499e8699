// Services: defaults, port/type validation and the `kubectl get svc` table. IP and node-port allocation live
// in the API server's allocator; here we only carry allocated values across updates like upstream's strategy.
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { validateLabels } from '../../validation/meta';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum, validCIDR, CIDR_MSG } from '../../validation/names';
import { SUPPORTED_PORT_PROTOCOLS, validatePortNumOrName } from '../../validation/resources';
import { translateTimestampSince } from './age';
import { ageColumn, col, nameColumn } from './format';
import { formatLabels } from '../../selectors';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];

const isHeadless = (svc: KObject) => svc.spec?.clusterIP === 'None' || svc.spec?.clusterIPs?.[0] === 'None';
const externallyAccessible = (spec: any) =>
  spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);

export function defaultService(svc: KObject): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  spec.type ||= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.internalTrafficPolicy === undefined && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
}

/** clusterIP and clusterIPs describe the same thing; whichever the client set fills the other. */
function normalizeClusterIPs(spec: any): void {
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
  else if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
}

const needsClusterIP = (spec: any) => spec.type !== 'ExternalName';

/** Clients that re-send a manifest do not know the allocated IP and node ports; keep them (patchAllocatedValues). */
function keepAllocatedValues(spec: any, oldSpec: any): void {
  if (needsClusterIP(spec) && needsClusterIP(oldSpec)) {
    if (!spec.clusterIP && !spec.clusterIPs?.length) {
      if (oldSpec.clusterIP !== undefined) spec.clusterIP = oldSpec.clusterIP;
      if (oldSpec.clusterIPs !== undefined) spec.clusterIPs = oldSpec.clusterIPs;
    }
    spec.ipFamilies ??= oldSpec.ipFamilies;
    spec.ipFamilyPolicy ??= oldSpec.ipFamilyPolicy;
  }
  const usesNodePorts = (s: any) => s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
  if (usesNodePorts(spec) && usesNodePorts(oldSpec)) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const old = (oldSpec.ports ?? []).find((o: any) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (old?.nodePort) p.nodePort = old.nodePort;
    }
  }
  if (spec.type === 'LoadBalancer' && oldSpec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' && !spec.healthCheckNodePort) {
    if (oldSpec.healthCheckNodePort) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

const needsNodePorts = (s: any) => s.type === 'NodePort' || s.type === 'LoadBalancer';
const needsHealthCheckPort = (s: any) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';

/**
 * A type change leaves fields the new type may not carry; as upstream's strategy, the ones the client left as they
 * were are dropped (so `kubectl patch -p '{"spec":{"type":"ClusterIP"}}'` on a NodePort Service works), while ones
 * it set on purpose stay and meet validation.
 */
function dropTypeDependentFields(spec: any, oldSpec: any): void {
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (JSON.stringify(spec.clusterIPs ?? null) === JSON.stringify(oldSpec.clusterIPs ?? null)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (JSON.stringify(spec.ipFamilies ?? null) === JSON.stringify(oldSpec.ipFamilies ?? null)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === oldSpec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
    if (spec.internalTrafficPolicy === oldSpec.internalTrafficPolicy) delete spec.internalTrafficPolicy;
  }
  if (needsNodePorts(oldSpec) && !needsNodePorts(spec)) {
    const same = (spec.ports ?? []).every((p: any) => !p.nodePort || (oldSpec.ports ?? []).some((o: any) => o.nodePort === p.nodePort));
    if (same) for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheckPort(oldSpec) && !needsHealthCheckPort(spec) && spec.healthCheckNodePort === oldSpec.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === oldSpec.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy)
    delete spec.externalTrafficPolicy;
}

export function validateService(svc: KObject): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const ports: any[] = spec.ports ?? [];
  const headless = isHeadless(svc);
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  if ((spec.type === 'LoadBalancer' || spec.type === 'NodePort') && headless) {
    errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${spec.type} services`));
  }
  if (spec.type === 'ExternalName') {
    if (spec.clusterIPs?.length || spec.clusterIP) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    const cname = String(spec.externalName ?? '').replace(/\.$/, '');
    if (!cname) errs.push(required('spec.externalName'));
    else for (const m of isDNS1123Subdomain(cname)) errs.push(invalid('spec.externalName', cname, m));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(required(`${pp}.name`));
    else if (p.name) {
      for (const m of isDNS1123Label(p.name)) errs.push(invalid(`${pp}.name`, p.name, m));
      if (names.has(p.name)) errs.push(duplicate(`${pp}.name`, p.name));
      names.add(p.name);
    }
    for (const m of isValidPortNum(p.port)) errs.push(invalid(`${pp}.port`, p.port ?? 0, m));
    if (!p.protocol) errs.push(required(`${pp}.protocol`));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, SUPPORTED_PORT_PROTOCOLS));
    errs.push(...validatePortNumOrName(p.targetPort, `${pp}.targetPort`));
    if (p.appProtocol !== undefined) for (const m of isQualifiedName(p.appProtocol)) errs.push(invalid(`${pp}.appProtocol`, p.appProtocol, m));
  });
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(required('spec.sessionAffinity'));
  else if (!AFFINITIES.includes(spec.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES));
  if (spec.sessionAffinity === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (typeof t !== 'number' || t <= 0 || t > 86400) {
      errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t ?? 0, 'must be greater than 0 and less than 86400'));
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  (spec.clusterIPs ?? []).forEach((ip: string, i: number) => {
    if (ip !== 'None' && ip !== '' && !isValidIP(ip))
      errs.push(invalid(`spec.clusterIPs[${i}]`, ip, 'must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  (spec.externalIPs ?? []).forEach((ip: string, i: number) => {
    if (!isValidIP(ip)) errs.push(invalid(`spec.externalIPs[${i}]`, ip, 'must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  // upstream names this field with a capital L (a historical accident it keeps); values may be space-padded
  const ranges: string[] = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length && spec.type !== 'LoadBalancer') errs.push(forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
  ranges.forEach((r, i) => {
    if (typeof r !== 'string' || !validCIDR(r.trim())) errs.push(invalid(`spec.LoadBalancerSourceRanges[${i}]`, r, CIDR_MSG));
  });
  if (!spec.type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, SERVICE_TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    if (p.nodePort) {
      const k = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(k)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      nodePorts.add(k);
    }
    const k = `${p.protocol}/${p.port}`;
    if (portKeys.has(k)) errs.push(duplicate(`spec.ports[${i}]`, { port: p.port, protocol: p.protocol }));
    portKeys.add(k);
  });
  if (spec.externalTrafficPolicy && !externallyAccessible(spec)) {
    errs.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (spec.externalTrafficPolicy && !['Cluster', 'Local'].includes(spec.externalTrafficPolicy)) {
    errs.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (spec.internalTrafficPolicy !== undefined && spec.type !== 'ExternalName' && !['Cluster', 'Local'].includes(spec.internalTrafficPolicy)) {
    errs.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  return errs;
}

function loadBalancerIPs(svc: KObject): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname).filter(Boolean);
}

export function serviceExternalIP(svc: KObject): string {
  const spec = svc.spec ?? {};
  const ext: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIPs(svc);
      if (ext.length) return [...lb, ...ext].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

export function servicePortsString(ports: any[] | undefined): string {
  return (ports ?? []).map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',');
}

export const services: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'Service',
    resource: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: { status: true, other: ['proxy'] },
  },
  // Service names become DNS names and environment variable prefixes, hence DNS-1035.
  nameValidation: (name) => isDNS1035Label(name),
  defaults: defaultService,
  prepareForCreate(obj) {
    obj.status = { loadBalancer: {} };
    normalizeClusterIPs(obj.spec ?? {});
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
    obj.spec ??= {};
    normalizeClusterIPs(obj.spec);
    keepAllocatedValues(obj.spec, old.spec ?? {});
    dropTypeDependentFields(obj.spec, old.spec ?? {});
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
  },
  validate: (obj) => validateService(obj),
  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    const n = obj.spec ?? {};
    const o = old.spec ?? {};
    const oldIP = o.clusterIPs?.[0] ?? o.clusterIP;
    const newIP = n.clusterIPs?.[0] ?? n.clusterIP;
    if (o.type !== 'ExternalName' && n.type !== 'ExternalName' && oldIP && newIP && oldIP !== newIP) {
      errs.push(invalid('spec.clusterIPs[0]', newIP, 'may not change once set'));
    }
    return errs;
  },
  table: {
    columns: [
      nameColumn(),
      col('Type', 'string', 0, 'type determines how the Service is exposed.'),
      col('Cluster-IP', 'string', 0, 'clusterIP is the IP address of the service and is usually assigned randomly.'),
      col('External-IP', 'string', 0, 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      col('Port(s)', 'string', 0, 'The list of ports that are exposed by this service.'),
      ageColumn(),
      col('Selector', 'string', 1, 'Route service traffic to pods with label keys and values matching this selector.'),
    ],
    row(svc, now) {
      const spec = svc.spec ?? {};
      return [
        svc.metadata.name,
        spec.type ?? '',
        spec.clusterIPs?.[0] || spec.clusterIP || '<none>',
        serviceExternalIP(svc),
        servicePortsString(spec.ports) || '<none>',
        translateTimestampSince(svc.metadata.creationTimestamp, now),
        formatLabels(spec.selector),
      ];
    },
  },
  returnDeletedObject: true,
};
