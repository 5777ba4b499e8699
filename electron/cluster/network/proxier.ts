// The simulated kube-proxy: one rule table for the cluster (every node's kube-proxy would compute the same one
// from the same informers), updated per Service as its Service or EndpointSlices change, and the translation a
// node's netfilter rules perform on a new connection (DNAT to an endpoint, REJECT, or DROP).
import type { Informer } from '../client/types';
import type { KObject } from '../api/types';
import { cidrContains } from './addresses';
import { computeServiceRules, endpointsFor, usableEndpoints, type Protocol, type RuleEndpoint, type ServicePortRule } from './rules';

export type Translation =
  | { action: 'none' }
  | { action: 'reject'; rule: ServicePortRule }
  /** no local endpoint for a Local policy, or (`firewall`) a client outside loadBalancerSourceRanges */
  | { action: 'drop'; rule: ServicePortRule; firewall?: boolean }
  | { action: 'dnat'; rule: ServicePortRule; endpoint: RuleEndpoint; masquerade: boolean };

export interface Destination {
  ip: string;
  port: number;
  protocol: Protocol;
}
export interface Source {
  ip: string;
  /** the node the connection enters on (the client pod's node, or the node owning the dialled node IP) */
  node?: string;
  /** inside the pod network (a pod or a node) rather than from outside the cluster */
  internal: boolean;
}

export interface ProxierOptions {
  services: Informer;
  slices: Informer;
  /** the node owning a node IP, for NodePorts */
  nodeOfNodeIP(ip: string): string | undefined;
  random?: () => number;
  now?: () => number;
}

const SLICE_INDEX = 'kubelab-proxier-service';
const key = (ip: string, port: number, protocol: string) => `${ip}:${port}/${protocol}`;

export class Proxier {
  private readonly byService = new Map<string, ServicePortRule[]>();
  private readonly vips = new Map<string, ServicePortRule>();
  private readonly nodePorts = new Map<string, ServicePortRule>();
  private readonly externals = new Map<string, ServicePortRule>();
  private readonly affinity = new Map<string, { ep: RuleEndpoint; expires: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly random: () => number;
  private readonly now: () => number;
  /** duration of the last per-Service rule update, ms (bench, metrics) */
  lastSyncMs = 0;
  /** when the rule table last changed (Date.now()) */
  lastSyncAt = 0;

  constructor(private readonly o: ProxierOptions) {
    this.random = o.random ?? Math.random;
    this.now = o.now ?? Date.now;
    o.slices.addIndex(SLICE_INDEX, (s) => {
      const svc = s.metadata.labels?.['kubernetes.io/service-name'];
      return svc ? [`${s.metadata.namespace}/${svc}`] : [];
    });
    const fromService = (s: KObject) => this.sync(`${s.metadata.namespace}/${s.metadata.name}`);
    const fromSlice = (s: KObject) => {
      const k = s.metadata.labels?.['kubernetes.io/service-name'];
      if (k) this.sync(`${s.metadata.namespace}/${k}`);
    };
    o.services.onAdd(fromService);
    o.services.onUpdate((_o, n) => fromService(n));
    o.services.onDelete(fromService);
    o.slices.onAdd(fromSlice);
    o.slices.onUpdate((old, n) => {
      fromSlice(old);
      fromSlice(n);
    });
    o.slices.onDelete(fromSlice);
    for (const s of o.services.list()) fromService(s);
  }

  /** recomputes one Service's rules, as kube-proxy's change tracker does for a changed Service or slice */
  sync(serviceKey: string): void {
    const start = performance.now();
    for (const r of this.byService.get(serviceKey) ?? []) this.unindex(r);
    const [ns, name] = serviceKey.split('/');
    const svc = this.o.services.getByName(ns, name);
    const rules = svc ? computeServiceRules(svc, this.o.slices.byIndex(SLICE_INDEX, serviceKey)) : [];
    if (rules.length) this.byService.set(serviceKey, rules);
    else this.byService.delete(serviceKey);
    for (const r of rules) this.index(r);
    this.lastSyncMs = performance.now() - start;
    this.lastSyncAt = Date.now();
    for (const fn of this.listeners) fn();
  }

  onSync(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  rules(): ServicePortRule[] {
    return [...this.byService.values()].flat();
  }

  private index(r: ServicePortRule): void {
    if (r.clusterIP) this.vips.set(key(r.clusterIP, r.port, r.protocol), r);
    if (r.nodePort) this.nodePorts.set(`${r.nodePort}/${r.protocol}`, r);
    for (const ip of [...r.externalIPs, ...r.loadBalancerIPs]) this.externals.set(key(ip, r.port, r.protocol), r);
  }

  private unindex(r: ServicePortRule): void {
    const drop = (m: Map<string, ServicePortRule>, k: string) => {
      if (m.get(k) === r) m.delete(k);
    };
    if (r.clusterIP) drop(this.vips, key(r.clusterIP, r.port, r.protocol));
    if (r.nodePort) drop(this.nodePorts, `${r.nodePort}/${r.protocol}`);
    for (const ip of [...r.externalIPs, ...r.loadBalancerIPs]) drop(this.externals, key(ip, r.port, r.protocol));
  }

  /** a Service VIP, NodePort, external or LoadBalancer address this destination hits, if any */
  ruleFor(dst: Destination): { rule: ServicePortRule; external: boolean; node?: string } | undefined {
    const vip = this.vips.get(key(dst.ip, dst.port, dst.protocol));
    if (vip) return { rule: vip, external: false };
    const ext = this.externals.get(key(dst.ip, dst.port, dst.protocol));
    if (ext) return { rule: ext, external: true };
    const node = this.o.nodeOfNodeIP(dst.ip);
    const np = node ? this.nodePorts.get(`${dst.port}/${dst.protocol}`) : undefined;
    return np && { rule: np, external: true, node };
  }

  /** what the netfilter rules of the node the connection enters on do with its first packet */
  translate(dst: Destination, src: Source): Translation {
    const hit = this.ruleFor(dst);
    if (!hit) return { action: 'none' };
    const { rule } = hit;
    // KUBE-PROXY-FIREWALL runs before the NAT rules: a load balancer address accepts only the listed sources
    if (hit.external && rule.sourceRanges.length && rule.loadBalancerIPs.includes(dst.ip) && !rule.sourceRanges.some((c) => cidrContains(c, src.ip)))
      return { action: 'drop', rule, firewall: true };
    if (!usableEndpoints(rule).length) return { action: 'reject', rule };
    // traffic from inside the cluster to an external address is short-circuited to the cluster-wide endpoints
    // (upstream's "pod traffic for external destinations" rule); from outside, externalTrafficPolicy applies
    const local = hit.external ? rule.externalLocal && !src.internal : rule.internalLocal;
    const entryNode = hit.node ?? src.node;
    const candidates = endpointsFor(rule, local, entryNode);
    if (!candidates.length) return { action: 'drop', rule };
    const endpoint = this.pick(rule, candidates, src.ip);
    // Cluster policy on external traffic masquerades to the entry node (the reply must come back through it)
    return { action: 'dnat', rule, endpoint, masquerade: hit.external && !local };
  }

  private pick(rule: ServicePortRule, candidates: RuleEndpoint[], clientIP: string): RuleEndpoint {
    if (rule.affinitySeconds === undefined) return candidates[Math.floor(this.random() * candidates.length)];
    const k = `${rule.service}:${rule.portName}/${rule.protocol}|${clientIP}`;
    const now = this.now();
    const prev = this.affinity.get(k);
    const still = prev && prev.expires > now && candidates.find((e) => e.ip === prev.ep.ip && e.port === prev.ep.port);
    const ep = still || candidates[Math.floor(this.random() * candidates.length)];
    // the recent module refreshes its timestamp on every matching packet
    this.affinity.set(k, { ep, expires: now + rule.affinitySeconds * 1000 });
    if (this.affinity.size > 10_000) for (const [ak, v] of this.affinity) if (v.expires <= now) this.affinity.delete(ak);
    return ep;
  }
}
