/**
 * The cluster's DNS as pods see it: the running CoreDNS instances (registered by the coredns program while it
 * serves on its pod IP), the data they answer from (Services, EndpointSlices, Namespaces, Pods through
 * informers), and the path of a query — pod → nameserver IP → (Service VIP → a ready endpoint, as kube-proxy
 * would pick) → the CoreDNS instance on that pod. Nothing there means no answer: the client times out.
 */
import type { Client, Informer } from '../../client/types';
import { R } from '../../client/resources';
import { createInformer } from '../../client/informer';
import type { KObject } from '../../api/types';
import type { PacketFilter } from '../packet-filter';
import type { Upstream } from './config';
import type { ClusterView } from './kubernetes-records';
import type { Question, Reply } from './message';
import { resolveWithSearch, type PodDnsContext } from './stub-resolver';

/** one CoreDNS process listening on a pod IP */
export interface DnsInstance {
  podIP: string;
  port: number;
  /** undefined while the process has no working configuration (it would not be listening) */
  handle(q: Question, client: { ip: string; port: number; proto: 'udp' | 'tcp' }, depth: number): Promise<Reply> | undefined;
}

export interface ClusterDnsInformers {
  services: Informer;
  endpointSlices: Informer;
  namespaces: Informer;
}

const SLICE_INDEX = 'dns-service-name';
const IP_INDEX = 'dns-cluster-ip';
const POD_IP_INDEX = 'dns-pod-ip';

export class ClusterDns {
  private readonly instances = new Map<string, DnsInstance>();
  private pods?: Informer & { start(): void; stop(): void };
  private changed = Math.floor(Date.now() / 1000);
  /** consulted for the pod → CoreDNS pod hop (UDP 53), as a NetworkPolicy dataplane would */
  filter?: PacketFilter;
  readonly view: ClusterView;

  constructor(
    private readonly inf: ClusterDnsInformers,
    private readonly client?: Client,
  ) {
    inf.endpointSlices.addIndex(SLICE_INDEX, (s) => {
      const n = s.metadata.labels?.['kubernetes.io/service-name'];
      return n ? [`${s.metadata.namespace}/${n}`] : [];
    });
    inf.services.addIndex(IP_INDEX, (s) => (s.spec?.clusterIPs ?? [s.spec?.clusterIP]).filter((ip: string | undefined) => ip && ip !== 'None'));
    const bump = () => {
      this.changed = Math.floor(Date.now() / 1000);
    };
    for (const i of [inf.services, inf.endpointSlices, inf.namespaces]) {
      i.onAdd(bump);
      i.onUpdate(bump);
      i.onDelete(bump);
    }
    this.view = {
      service: (ns, name) => inf.services.getByName(ns, name),
      services: () => inf.services.list(),
      namespaceExists: (ns) => !!inf.namespaces.getByName(undefined, ns),
      endpointSlices: (ns, svc) => inf.endpointSlices.byIndex(SLICE_INDEX, `${ns}/${svc}`),
      podWithIP: (ns, ip) =>
        this.podInformer()
          .byIndex(POD_IP_INDEX, ip)
          .some((p) => p.metadata.namespace === ns),
      serial: () => this.changed,
    };
  }

  /** pods are only watched once a Corefile asks for `pods verified` */
  private podInformer(): Informer {
    if (!this.pods) {
      if (!this.client) throw new Error('pods verified needs a client');
      this.pods = createInformer(this.client, R.pods);
      this.pods.addIndex(POD_IP_INDEX, (p) => ((p.status?.podIPs ?? []) as { ip: string }[]).map((x) => x.ip));
      this.pods.start();
    }
    return this.pods;
  }

  /** the coredns program calls this once it serves on its pod IP; the returned function unregisters */
  register(instance: DnsInstance): () => void {
    this.instances.set(instance.podIP, instance);
    return () => {
      if (this.instances.get(instance.podIP) === instance) this.instances.delete(instance.podIP);
    };
  }

  stop(): void {
    this.pods?.stop();
  }

  /** Service VIP → one ready endpoint serving `port`/UDP (random, as kube-proxy's iptables rules pick) */
  private viaService(svc: KObject, port: number): Upstream | undefined {
    const sp = ((svc.spec?.ports ?? []) as any[]).find((p) => p.port === port && (p.protocol ?? 'TCP') === 'UDP');
    if (!sp) return undefined;
    const candidates: Upstream[] = [];
    for (const slice of this.view.endpointSlices(svc.metadata.namespace!, svc.metadata.name!)) {
      const ep = ((slice.ports ?? []) as any[]).find((p) => (p.name ?? '') === (sp.name ?? '') && (p.protocol ?? 'TCP') === 'UDP');
      if (!ep) continue;
      for (const e of (slice.endpoints ?? []) as any[]) {
        if (e.conditions?.ready === false) continue;
        for (const ip of e.addresses ?? []) candidates.push({ ip, port: ep.port });
      }
    }
    return candidates.length ? candidates[Math.floor(Math.random() * candidates.length)] : undefined;
  }

  /**
   * A DNS query from `from` (a pod IP, or a CoreDNS pod forwarding) to `server`: the reply, or undefined when
   * nothing answers (no ready endpoint behind the VIP, nothing serving on that IP, the packet filter drops it).
   */
  async exchange(from: string, server: Upstream, q: Question, depth = 0): Promise<Reply | undefined> {
    let target: Upstream | undefined = server;
    const svc = this.inf.services.byIndex(IP_INDEX, server.ip)[0];
    if (svc) target = this.viaService(svc, server.port);
    if (!target) return undefined;
    if (this.filter && !this.filter.check({ srcIP: from, dstIP: target.ip, dstPort: target.port, protocol: 'UDP' }).allowed) return undefined;
    const inst = this.instances.get(target.ip);
    if (!inst || inst.port !== target.port) return undefined;
    return inst.handle(q, { ip: from, port: 30000 + Math.floor(Math.random() * 30000), proto: 'udp' }, depth);
  }

  /** what a pod's libc resolver returns for `name`: addresses, or [] (NXDOMAIN, no data, timeout) */
  async resolve(name: string, from: PodDnsContext): Promise<string[]> {
    const r = await resolveWithSearch(name, from, (server, q) => this.exchange(from.podIP, server, q));
    return r.addresses;
  }
}
