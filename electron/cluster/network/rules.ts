// kube-proxy's view of one Service: what each Service port translates to, computed from the Service and its
// EndpointSlices as upstream's proxier does (ready endpoints, else serving-and-terminating ones; traffic policies;
// session affinity). Pure, so the data path, the iptables/ipvs views and the bench share one computation.
import type { KObject } from '../api/types';
import { ipToInt } from './addresses';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface RuleEndpoint {
  ip: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface ServicePortRule {
  /** namespace/name */
  service: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: Protocol;
  /** undefined for headless Services: no VIP, no rules */
  clusterIP?: string;
  port: number;
  nodePort?: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  /** spec.loadBalancerSourceRanges: the only clients the load balancer's addresses accept (empty: everyone) */
  sourceRanges: string[];
  /** every endpoint the slices list for this port (the views print them all) */
  endpoints: RuleEndpoint[];
  /** ClientIP affinity timeout in seconds, when sessionAffinity is ClientIP */
  affinitySeconds?: number;
  internalLocal: boolean;
  externalLocal: boolean;
}

/** "ns/name:port" as kube-proxy names a Service port in its comments */
export function servicePortName(r: Pick<ServicePortRule, 'service' | 'portName'>): string {
  return r.portName ? `${r.service}:${r.portName}` : r.service;
}

/**
 * The endpoints traffic may go to, as upstream's CategorizeEndpoints: ready ones; when none is ready, the serving
 * ones that are terminating (graceful termination keeps connections working while a rollout drains).
 */
export function usableEndpoints(r: ServicePortRule): RuleEndpoint[] {
  const ready = r.endpoints.filter((e) => e.ready);
  return ready.length ? ready : r.endpoints.filter((e) => e.serving && e.terminating);
}

/** the endpoints for traffic entering on `node`; Local policies keep it on that node */
export function endpointsFor(r: ServicePortRule, local: boolean, node: string | undefined): RuleEndpoint[] {
  const usable = usableEndpoints(r);
  return local ? usable.filter((e) => e.nodeName === node) : usable;
}

export function computeServiceRules(svc: KObject, slices: KObject[]): ServicePortRule[] {
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') return [];
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name!;
  const clusterIP = spec.clusterIP && spec.clusterIP !== 'None' ? (spec.clusterIP as string) : undefined;
  const lbIPs = type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip).filter(Boolean) : [];
  return (spec.ports ?? []).map((p: any) => {
    const protocol = (p.protocol ?? 'TCP') as Protocol;
    const portName = p.name ?? '';
    const endpoints: RuleEndpoint[] = [];
    const seen = new Set<string>();
    for (const slice of slices) {
      const sp = (slice.ports ?? []).find((q: any) => (q.name ?? '') === portName && (q.protocol ?? 'TCP') === protocol);
      if (!sp || sp.port === undefined) continue;
      for (const ep of slice.endpoints ?? []) {
        const c = ep.conditions ?? {};
        const ready = c.ready !== false;
        for (const ip of ep.addresses ?? []) {
          const k = `${ip}:${sp.port}`;
          if (seen.has(k)) continue;
          seen.add(k);
          endpoints.push({ ip, port: sp.port, nodeName: ep.nodeName, ready, serving: c.serving ?? ready, terminating: c.terminating === true });
        }
      }
    }
    endpoints.sort((a, b) => ipToInt(a.ip) - ipToInt(b.ip) || a.port - b.port);
    return {
      service: `${ns}/${name}`,
      namespace: ns,
      name,
      portName,
      protocol,
      clusterIP,
      port: p.port,
      nodePort: type === 'NodePort' || type === 'LoadBalancer' ? p.nodePort || undefined : undefined,
      externalIPs: spec.externalIPs ?? [],
      loadBalancerIPs: lbIPs,
      sourceRanges: type === 'LoadBalancer' ? ((spec.loadBalancerSourceRanges ?? []) as string[]).map((c) => c.trim()) : [],
      endpoints,
      affinitySeconds: spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined,
      internalLocal: spec.internalTrafficPolicy === 'Local',
      externalLocal: spec.externalTrafficPolicy === 'Local',
    };
  });
}

/** every Service's rules from full lists (the bench, and views computed without a running proxier) */
export function computeAllRules(services: KObject[], slices: KObject[]): ServicePortRule[] {
  const byService = new Map<string, KObject[]>();
  for (const s of slices) {
    const svc = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const k = `${s.metadata.namespace}/${svc}`;
    const list = byService.get(k);
    if (list) list.push(s);
    else byService.set(k, [s]);
  }
  const out: ServicePortRule[] = [];
  for (const svc of services) out.push(...computeServiceRules(svc, byService.get(`${svc.metadata.namespace}/${svc.metadata.name}`) ?? []));
  return out;
}
