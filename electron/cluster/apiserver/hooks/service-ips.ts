// ClusterIP and NodePort allocation for Services, done by the API server on create like upstream's REST storage.
import type { KObject } from '../../api/types';
import { errInvalid, invalid, type FieldError } from '../../api/errors';
import type { Registry, RegistryHooks } from '../registry';
import type { ResourceEntry } from '../catalog';
import { cidrContains, intToIp, ipToInt, NODEPORT_RANGE, parseCidr, SERVICE_CIDR } from '../../network/addresses';

export { SERVICE_CIDR };
const RANGE = parseCidr(SERVICE_CIDR);
// the network and broadcast addresses are never handed out
const FIRST = RANGE.base + 1,
  LAST = RANGE.base + RANGE.size - 2;
// upstream (KEP-3070) keeps a lower band for static addresses such as kube-dns's 10.96.0.10: dynamic allocation
// takes it only when the upper band is full
const STATIC_BAND = Math.min(Math.max(16, Math.floor(RANGE.size / 16)), 256);
const NODEPORT_MIN = NODEPORT_RANGE.min,
  NODEPORT_MAX = NODEPORT_RANGE.max;

export function serviceIpHooks(registry: Registry, entry: () => ResourceEntry | undefined): RegistryHooks {
  const usedIps = new Set<number>();
  const usedPorts = new Set<number>();
  let loaded = false;
  const load = () => {
    if (loaded) return;
    loaded = true;
    const e = entry();
    if (!e) return;
    for (const s of registry.list(e, undefined, {}).items) track(s, true);
  };
  const track = (s: KObject, add: boolean) => {
    for (const ip of s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])) {
      if (ip && ip !== 'None') {
        const n = ipToInt(ip);
        if (add) usedIps.add(n);
        else usedIps.delete(n);
      }
    }
    for (const p of portsOf(s)) {
      if (add) usedPorts.add(p);
      else usedPorts.delete(p);
    }
  };
  const allocIp = (): string => {
    const pick = (lo: number, hi: number) => {
      const span = hi - lo + 1;
      const start = Math.floor(Math.random() * span);
      for (let i = 0; i < span; i++) {
        const n = lo + ((start + i) % span);
        if (!usedIps.has(n)) return n;
      }
      return undefined;
    };
    const n = pick(RANGE.base + STATIC_BAND, LAST) ?? pick(FIRST, RANGE.base + STATIC_BAND - 1);
    if (n === undefined) throw new Error(`range is full`);
    usedIps.add(n);
    return intToIp(n);
  };
  const allocPort = (): number => {
    for (let tries = 0; tries < 10000; tries++) {
      const p = NODEPORT_MIN + Math.floor(Math.random() * (NODEPORT_MAX - NODEPORT_MIN + 1));
      if (!usedPorts.has(p)) {
        usedPorts.add(p);
        return p;
      }
    }
    throw new Error('range is full');
  };
  const assign = (s: KObject, old?: KObject) => {
    const spec = (s.spec ??= {});
    const errs: FieldError[] = [];
    const type = spec.type ?? 'ClusterIP';
    if (type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
      return;
    }
    if (old && old.spec?.clusterIP && (spec.clusterIP === undefined || spec.clusterIP === '')) {
      spec.clusterIP = old.spec.clusterIP;
      spec.clusterIPs = old.spec.clusterIPs;
    }
    if (spec.clusterIP === undefined || spec.clusterIP === '') {
      spec.clusterIP = allocIp();
    } else if (spec.clusterIP !== 'None' && !old) {
      const n = ipToInt(spec.clusterIP);
      // outside every service CIDR upstream's allocator lists the CIDRs, each followed by a space
      const outside = !/^\d+\.\d+\.\d+\.\d+$/.test(spec.clusterIP) || !cidrContains(RANGE, spec.clusterIP);
      if (outside || n < FIRST || n > LAST) {
        errs.push(
          invalid(
            'spec.clusterIPs',
            [spec.clusterIP],
            `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}${outside ? ' ' : ''}`,
          ),
        );
      } else if (usedIps.has(n)) {
        errs.push(invalid('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`));
      } else usedIps.add(n);
    }
    spec.clusterIPs = [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
    spec.sessionAffinity ??= 'None';
    if (type === 'NodePort' || type === 'LoadBalancer') {
      spec.externalTrafficPolicy ??= 'Cluster';
      // a LoadBalancer may opt out of node ports (allocateLoadBalancerNodePorts: false); ports it names are still checked
      const allocate = type === 'NodePort' || spec.allocateLoadBalancerNodePorts !== false;
      (spec.ports ?? []).forEach((p: any, i: number) => {
        const prev = old?.spec?.ports?.find((q: any) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
        if (!p.nodePort && prev?.nodePort && allocate) p.nodePort = prev.nodePort;
        if (!p.nodePort) {
          if (allocate) p.nodePort = allocPort();
        } else if (!prev || prev.nodePort !== p.nodePort) {
          if (p.nodePort < NODEPORT_MIN || p.nodePort > NODEPORT_MAX)
            errs.push(
              invalid(
                `spec.ports[${i}].nodePort`,
                p.nodePort,
                `provided port is not in the valid range. The range of valid ports is ${NODEPORT_MIN}-${NODEPORT_MAX}`,
              ),
            );
          else if (usedPorts.has(p.nodePort)) errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
          else usedPorts.add(p.nodePort);
        }
      });
      if (type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
      // load balancers ask each node whether it has a local endpoint on this port (kube-proxy's health check server)
      if (type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') {
        if (!spec.healthCheckNodePort && old?.spec?.healthCheckNodePort) spec.healthCheckNodePort = old.spec.healthCheckNodePort;
        if (!spec.healthCheckNodePort) spec.healthCheckNodePort = allocPort();
        else if (spec.healthCheckNodePort !== old?.spec?.healthCheckNodePort) {
          if (usedPorts.has(spec.healthCheckNodePort))
            errs.push(invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, 'provided port is already allocated'));
          else usedPorts.add(spec.healthCheckNodePort);
        }
      }
    }
    if (errs.length) throw errInvalid('', 'Service', s.metadata.name ?? '', errs);
    // ports the old object held and the new one no longer does go back to the pool
    if (old) {
      const keep = new Set(portsOf(s));
      for (const port of portsOf(old)) if (!keep.has(port)) usedPorts.delete(port);
    }
  };
  const portsOf = (s: KObject): number[] => [
    ...(s.spec?.ports ?? []).map((p: any) => p.nodePort).filter(Boolean),
    ...(s.spec?.healthCheckNodePort ? [s.spec.healthCheckNodePort] : []),
  ];
  return {
    beforeCreate(e, obj, ctx) {
      if (e.resource !== 'services' || e.group !== '') return;
      load();
      // a create that will fail with AlreadyExists must not allocate (or be refused for) addresses
      if (obj.metadata.name && registry.getStored(e, obj.metadata.namespace, obj.metadata.name)) return;
      assign(obj);
      if (ctx.dryRun) track(obj, false);
    },
    beforeUpdate(e, obj, old) {
      if (e.resource !== 'services' || e.group !== '') return;
      load();
      assign(obj, old);
    },
    afterDelete(e, obj) {
      if (e.resource !== 'services' || e.group !== '') return;
      track(obj, false);
    },
  };
}
