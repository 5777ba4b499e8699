// The cluster's pod network as the simulator sees it (SimNetwork): listeners on pod and node IPs, and a connect()
// that walks a connection's path as a real node would: the client's resolver, kube-proxy's translation on the
// node it enters (Service VIP, NodePort, external/LoadBalancer address), hostPort DNAT (the portmap plugin), the
// packet filter on the real pod-to-pod hop, then whatever listens at the destination — a simulated listener, or a
// pod on the Docker runtime, reached over real TCP (external-pods.ts).
import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import type { Informer } from '../client/types';
import type { KObject } from '../api/types';
import type { PodSandboxConfig } from '../runtime/interface';
import { NetError, type DnsExchange, type ResolveFrom, type SimNetwork } from '../runtime/sim/network';
import { duplexPair } from '../runtime/sim/net/duplex-pair';
import { allowAllFilter, type FilterVerdict, type PacketFilter } from './packet-filter';
import { Proxier, type Source, type Translation } from './proxier';
import { CniRecords } from './cni';
import { cidrContains, HOST_GATEWAY_IP } from './addresses';
import { loggingFilter, PolicyLog } from './policy/policy-log';
import { dialExternalPod, type ExternalPods } from './external-pods';

export type Resolver = (name: string, from: ResolveFrom) => string[] | undefined | Promise<string[] | undefined>;

export interface ClusterNetworkOptions {
  services: Informer;
  slices: Informer;
  nodes: Informer;
  /** cluster DNS (injected by the cluster; the DNS component provides it) */
  resolve?: Resolver;
  /** DNS messages from pods' resolver tools (nslookup, dig) to the cluster DNS */
  dnsExchange?: DnsExchange;
  log?: (line: string) => void;
  /** host-local IPAM's files on the nodes (ADD writes, DEL removes) */
  files?: { reserve(node: string, ip: string, id: string): void; release(node: string, ip: string): void };
  /** how long a dropped SYN keeps the client waiting before ETIMEDOUT (Linux gives up after ~127 s) */
  dropTimeoutMs?: number;
  random?: () => number;
  /** pods outside the simulator (the Docker runtime's): a connection to one is delivered over real TCP */
  externalPods?: ExternalPods;
}

/** one hop of a traced connection, for the connection tester */
export interface PathStep {
  step: 'resolve' | 'service' | 'hostPort' | 'filter' | 'deliver';
  detail: string;
}

export interface ConnectResult {
  ok: boolean;
  code?: 'ECONNREFUSED' | 'ETIMEDOUT' | 'ENOTFOUND';
  path: PathStep[];
  verdict?: FilterVerdict;
  /** the packet as it leaves kube-proxy's and the portmap plugin's translation (the real pod-to-pod hop) */
  srcIP: string;
  dstIP: string;
  dstPort: number;
}

type Handler = (sock: Duplex, from: { ip: string }) => void;

export class ClusterNetwork implements SimNetwork {
  readonly proxier: Proxier;
  readonly cni: CniRecords;
  private readonly listeners = new Map<string, Handler>();
  private filter: PacketFilter = allowAllFilter;
  /** each node's /var/log/kubelab-cni/policy.log */
  readonly policyLog = new PolicyLog();
  private readonly log: (line: string) => void;
  readonly dnsExchange?: DnsExchange;

  constructor(private readonly o: ClusterNetworkOptions) {
    this.log = o.log ?? (() => undefined);
    this.dnsExchange = o.dnsExchange;
    this.cni = new CniRecords(this.log, o.files);
    this.proxier = new Proxier({ services: o.services, slices: o.slices, nodeOfNodeIP: (ip) => this.nodeOfNodeIP(ip), random: o.random });
  }

  /** where NetworkPolicy plugs in; the data path asks it about every pod-to-pod hop after Service translation */
  setPacketFilter(f: PacketFilter | undefined): void {
    this.filter = f ? loggingFilter(f, this.policyLog, (ip) => this.nodeOf(ip)) : allowAllFilter;
  }

  /** the filter as the data path runs it (verdicts logged per node): other hops, such as DNS over UDP, share it */
  get packetFilter(): PacketFilter {
    return this.filter;
  }

  attach(sandboxId: string, config: PodSandboxConfig): void {
    this.cni.add(sandboxId, config);
  }
  detach(sandboxId: string): void {
    this.cni.del(sandboxId);
  }

  listen(ip: string, port: number, proto: 'tcp' | 'udp', onConnection: Handler): () => void {
    const k = `${proto}/${ip}:${port}`;
    if (this.listeners.has(k)) throw new NetError('EADDRINUSE', `listen ${ip}:${port}: address already in use`);
    this.listeners.set(k, onConnection);
    return () => {
      if (this.listeners.get(k) === onConnection) this.listeners.delete(k);
    };
  }

  async resolve(name: string, from: ResolveFrom): Promise<string[]> {
    if (isIP(name)) return [name];
    return (await this.o.resolve?.(name, from)) ?? [];
  }

  async connect(from: { podIP: string; namespace: string }, host: string, port: number): Promise<Duplex> {
    let ip = host;
    if (!isIP(host)) {
      const ips = await this.resolve(host, { namespace: from.namespace, searches: [] });
      if (!ips.length) throw new NetError('ENOTFOUND', `bad address '${host}'`);
      ip = ips[0];
    }
    return this.dial({ ip: from.podIP, node: this.nodeOf(from.podIP), internal: true }, ip, port);
  }

  /** a connection from the student's machine (the loopback NodePort listeners): it enters through the node bridge */
  connectFromHost(nodeIP: string, port: number): Promise<Duplex> {
    return this.dial({ ip: HOST_GATEWAY_IP, node: this.nodeOfNodeIP(nodeIP), internal: false }, nodeIP, port);
  }

  /** the path a connection would take, without opening it (connection tester, lab `connect` checks) */
  trace(src: Source, ip: string, port: number): ConnectResult {
    const r = this.route(src, ip, port);
    const ok = r.kind === 'deliver' || r.kind === 'external';
    return {
      ok,
      code: ok ? undefined : r.kind === 'refuse' ? 'ECONNREFUSED' : 'ETIMEDOUT',
      path: r.path,
      verdict: r.verdict,
      srcIP: r.srcIP,
      dstIP: r.dstIP,
      dstPort: r.dstPort,
    };
  }

  /**
   * Every connection into the pod network ends here (pods' connect, the host's NodePorts, the API server's proxy):
   * the route decides, then the connection is delivered in-process or, for a Docker pod, dialled over real TCP.
   */
  private async dial(src: Source, ip: string, port: number): Promise<Duplex> {
    const r = this.route(src, ip, port);
    if (r.kind === 'refuse') throw new NetError('ECONNREFUSED', `connect ${ip}:${port}: connection refused`);
    if (r.kind === 'external') return dialExternalPod(r.dstIP, r.dstPort, { log: this.log, timeoutMs: this.dropTimeoutMs });
    if (r.kind !== 'deliver') return this.blackhole(ip, port);
    const [client, server] = duplexPair();
    r.handler(server, { ip: r.srcIP });
    return client;
  }

  private route(
    src: Source,
    ip: string,
    port: number,
  ): { srcIP: string; dstIP: string; dstPort: number } & (
    | { kind: 'deliver'; handler: Handler; path: PathStep[]; verdict?: FilterVerdict }
    | { kind: 'refuse' | 'drop' | 'external'; path: PathStep[]; verdict?: FilterVerdict }
  ) {
    const path: PathStep[] = [];
    let dstIP = ip,
      dstPort = port,
      srcIP = src.ip;
    const t: Translation = this.proxier.translate({ ip, port, protocol: 'TCP' }, src);
    if (t.action === 'reject') {
      path.push({ step: 'service', detail: `${t.rule.service} has no endpoints: REJECT` });
      return { kind: 'refuse', path, srcIP, dstIP, dstPort };
    }
    if (t.action === 'drop') {
      const why = t.firewall ? `loadBalancerSourceRanges (${t.rule.sourceRanges.join(', ')}) do not include ${src.ip}` : 'has no local endpoints';
      path.push({ step: 'service', detail: `${t.rule.service} ${why}: DROP` });
      return { kind: 'drop', path, srcIP, dstIP, dstPort };
    }
    if (t.action === 'dnat') {
      dstIP = t.endpoint.ip;
      dstPort = t.endpoint.port;
      const entry = this.proxier.ruleFor({ ip, port, protocol: 'TCP' })?.node ?? src.node;
      if (t.masquerade) srcIP = (entry && this.nodeIPOf(entry)) ?? srcIP;
      path.push({
        step: 'service',
        detail: `${t.rule.service} ${ip}:${port} -> ${dstIP}:${dstPort}${t.endpoint.nodeName ? ` on ${t.endpoint.nodeName}` : ''}`,
      });
    } else {
      const node = this.nodeOfNodeIP(ip);
      const hp = node && this.cni.hostPort(node, port, 'TCP', ip);
      if (hp) {
        dstIP = hp.ip;
        dstPort = hp.port;
        path.push({ step: 'hostPort', detail: `${ip}:${port} -> ${dstIP}:${dstPort}` });
      }
    }
    const verdict = this.filter.check({ srcIP, dstIP, dstPort, protocol: 'TCP' });
    if (!verdict.allowed) {
      path.push({ step: 'filter', detail: verdict.reason ?? 'denied by the packet filter' });
      return { kind: 'drop', path, verdict, srcIP, dstIP, dstPort };
    }
    const handler = this.listeners.get(`tcp/${dstIP}:${dstPort}`) ?? (this.isLocalIP(dstIP) ? this.listeners.get(`tcp/0.0.0.0:${dstPort}`) : undefined);
    if (!handler && this.o.externalPods?.has(dstIP)) {
      path.push({ step: 'deliver', detail: `${dstIP}:${dstPort} (a Docker container: real TCP from the host)` });
      return { kind: 'external', path, verdict, srcIP, dstIP, dstPort };
    }
    if (!handler) {
      path.push({ step: 'deliver', detail: `nothing listens on ${dstIP}:${dstPort}: RST` });
      return { kind: 'refuse', path, verdict, srcIP, dstIP, dstPort };
    }
    path.push({ step: 'deliver', detail: `${dstIP}:${dstPort}` });
    return { kind: 'deliver', handler, path, verdict, srcIP, dstIP, dstPort };
  }

  /** a SYN that gets no answer: the client's own timeout usually fires first */
  private blackhole(ip: string, port: number): Promise<Duplex> {
    return new Promise((_resolve, reject) => {
      const t = setTimeout(() => reject(new NetError('ETIMEDOUT', `connect ${ip}:${port}: connection timed out`)), this.dropTimeoutMs);
      t.unref?.();
    });
  }

  private get dropTimeoutMs(): number {
    return this.o.dropTimeoutMs ?? 127_000;
  }

  private isLocalIP(ip: string): boolean {
    return !!this.nodeOf(ip);
  }

  nodeOfNodeIP(ip: string): string | undefined {
    for (const n of this.o.nodes.list()) if (internalIP(n) === ip) return n.metadata.name;
    return undefined;
  }

  nodeIPOf(node: string): string | undefined {
    const n = this.o.nodes.getByName(undefined, node);
    return n && internalIP(n);
  }

  podCIDROf(node: string): string | undefined {
    return this.o.nodes.getByName(undefined, node)?.spec?.podCIDR;
  }

  /** the node an address lives on: a node IP, or a pod IP inside a node's pod CIDR */
  nodeOf(ip: string): string | undefined {
    for (const n of this.o.nodes.list()) {
      if (internalIP(n) === ip) return n.metadata.name;
      const cidr = n.spec?.podCIDR;
      if (cidr && cidrContains(cidr, ip)) return n.metadata.name;
    }
    return undefined;
  }
}

export function internalIP(node: KObject): string | undefined {
  return (node.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address;
}
