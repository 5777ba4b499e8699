// ClusterIP and NodePort allocation for Services, done by the API server on create like upstream's REST storage.
import type { KObject } from '../../api/types';
import { errInvalid, invalid, type FieldError } from '../../api/errors';
import type { Registry, RegistryHooks } from '../registry';
import type { ResourceEntry } from '../catalog';

/** kind's service subnet (kubeadm's own default is a /12; kind narrows it to 10.96.0.0/16) */
export const SERVICE_CIDR = '10.96.0.0/16';
const BASE = ipToInt('10.96.0.0');
const SIZE = 1 << 16;
/** upstream: min(max(16, size/16), 256) addresses at the start of the range are kept for explicit clusterIPs */
const STATIC_BAND = 256;
const NODEPORT_MIN = 30000, NODEPORT_MAX = 32767;

function ipToInt(ip: string): number { return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0); }
function intToIp(n: number): string { return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.'); }

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
      if (ip && ip !== 'None') { const n = ipToInt(ip); if (add) usedIps.add(n); else usedIps.delete(n); }
    }
    for (const p of s.spec?.ports ?? []) if (p.nodePort) { if (add) usedPorts.add(p.nodePort); else usedPorts.delete(p.nodePort); }
  };
  const allocIp = (): string => {
    // like upstream's allocator, dynamic IPs come from above the static band (the first 256 addresses), which keeps
    // well-known addresses such as 10.96.0.1 (kubernetes) and 10.96.0.10 (kube-dns) free for explicit requests
    for (let tries = 0; tries < SIZE; tries++) {
      const n = BASE + STATIC_BAND + Math.floor(Math.random() * (SIZE - STATIC_BAND - 1));
      if (!usedIps.has(n)) { usedIps.add(n); return intToIp(n); }
    }
    throw new Error('range is full');
  };
  const allocPort = (): number => {
    for (let tries = 0; tries < 10000; tries++) {
      const p = NODEPORT_MIN + Math.floor(Math.random() * (NODEPORT_MAX - NODEPORT_MIN + 1));
      if (!usedPorts.has(p)) { usedPorts.add(p); return p; }
    }
    throw new Error('range is full');
  };
  const assign = (s: KObject, old?: KObject) => {
    const spec = (s.spec ??= {});
    const errs: FieldError[] = [];
    const type = spec.type ?? 'ClusterIP';
    if (type === 'ExternalName') { delete spec.clusterIP; delete spec.clusterIPs; return; }
    if (old && old.spec?.clusterIP && (spec.clusterIP === undefined || spec.clusterIP === '')) { spec.clusterIP = old.spec.clusterIP; spec.clusterIPs = old.spec.clusterIPs; }
    if (spec.clusterIP === undefined || spec.clusterIP === '') {
      spec.clusterIP = allocIp();
    } else if (spec.clusterIP !== 'None' && !old) {
      const n = ipToInt(spec.clusterIP);
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(spec.clusterIP) || n < BASE || n >= BASE + SIZE) {
        errs.push(invalid('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`));
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
      (spec.ports ?? []).forEach((p: any, i: number) => {
        const prev = old?.spec?.ports?.find((q: any) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
        if (!p.nodePort && prev?.nodePort) p.nodePort = prev.nodePort;
        if (!p.nodePort) p.nodePort = allocPort();
        else if (!prev || prev.nodePort !== p.nodePort) {
          if (p.nodePort < NODEPORT_MIN || p.nodePort > NODEPORT_MAX) errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${NODEPORT_MIN}-${NODEPORT_MAX}`));
          else if (usedPorts.has(p.nodePort)) errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
          else usedPorts.add(p.nodePort);
        }
      });
      if (type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
    }
    if (errs.length) throw errInvalid('', 'Service', s.metadata.name ?? '', errs);
  };
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
