/**
 * The kubernetes plugin: the records of the Kubernetes DNS specification (kubernetes/dns
 * docs/specification.md) computed from Services, EndpointSlices, Namespaces and Pods, as CoreDNS's plugin
 * answers them — A for ClusterIP Services, the ready endpoint IPs for headless ones, SRV for named ports,
 * endpoint hostnames, pod A records `a-b-c-d.ns.pod.<zone>`, ExternalName CNAMEs and PTR records.
 */
import { isIP } from 'node:net';
import type { KObject } from '../../api/types';
import type { KubernetesPlugin } from './config';
import { emptyReply, fqdn, inZone, ipFromReverse, type Question, type Reply, type RR, type SoaData } from './message';

/** what the plugin reads; the cluster DNS component backs it with informers */
export interface ClusterView {
  service(ns: string, name: string): KObject | undefined;
  services(): KObject[];
  namespaceExists(ns: string): boolean;
  /** EndpointSlices labelled kubernetes.io/service-name=svc */
  endpointSlices(ns: string, svc: string): KObject[];
  /** whether a pod in ns has this IP (pods verified) */
  podWithIP(ns: string, ip: string): boolean;
  /** changes when the data does (the SOA serial) */
  serial(): number;
}

interface Endpoint {
  ip: string;
  hostname: string;
  ports: { name: string; port: number; protocol: string }[];
}

const dashed = (ip: string) => ip.replace(/[.:]/g, '-');

function endpointsOf(view: ClusterView, k: KubernetesPlugin, ns: string, svc: string): Endpoint[] {
  const out: Endpoint[] = [];
  const seen = new Set<string>();
  for (const slice of view.endpointSlices(ns, svc)) {
    if (slice.addressType && slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const ports = ((slice.ports ?? []) as any[]).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' }));
    for (const ep of (slice.endpoints ?? []) as any[]) {
      // CoreDNS serves the endpoints that are ready (publishNotReadyAddresses makes the controller mark all ready)
      if (ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses ?? []) {
        if (seen.has(ip)) continue;
        seen.add(ip);
        const hostname = ep.hostname || (k.endpointPodNames && ep.targetRef?.kind === 'Pod' ? ep.targetRef.name : dashed(ip));
        out.push({ ip, hostname, ports });
      }
    }
  }
  return out;
}

function soa(zone: string, k: KubernetesPlugin, view: ClusterView): RR {
  const data: SoaData = {
    mname: `ns.dns.${zone}`,
    rname: `hostmaster.${zone}`,
    serial: view.serial(),
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: k.ttl,
  };
  return { name: zone, type: 'SOA', ttl: k.ttl, data };
}

const addrType = (ip: string) => (isIP(ip) === 6 ? 'AAAA' : 'A');

/**
 * Answers `q` for `zone` (one of the plugin's zones). `fallthrough` when the plugin passes the query on
 * (NXDOMAIN in a fallthrough zone).
 */
export function kubernetesAnswer(k: KubernetesPlugin, zone: string, q: Question, view: ClusterView): Reply | 'fallthrough' {
  const name = q.name;
  const ok = (answer: RR[], additional: RR[] = []): Reply => {
    const r = emptyReply(q, 'NOERROR', true);
    r.answer = answer;
    r.additional = additional;
    if (!answer.length) r.authority = [soa(zone, k, view)];
    return r;
  };
  const nx = (): Reply | 'fallthrough' => {
    if (k.fallthrough?.some((z) => inZone(name, z))) return 'fallthrough';
    const r = emptyReply(q, 'NXDOMAIN', true);
    r.authority = [soa(zone, k, view)];
    return r;
  };
  const rr = (n: string, type: RR['type'], data: RR['data']): RR => ({ name: n, type, ttl: k.ttl, data });

  if (q.type === 'PTR') {
    const ip = ipFromReverse(name);
    if (!ip) return nx();
    for (const s of view.services()) {
      const ns = s.metadata.namespace!;
      if (k.namespaces && !k.namespaces.includes(ns)) continue;
      const target = `${s.metadata.name}.${ns}.svc.${zoneForPtr(k)}`;
      if ((s.spec?.clusterIPs ?? [s.spec?.clusterIP]).includes(ip)) return ok([rr(name, 'PTR', target)]);
      if (s.spec?.clusterIP === 'None') {
        const ep = endpointsOf(view, k, ns, s.metadata.name!).find((e) => e.ip === ip);
        if (ep) return ok([rr(name, 'PTR', `${ep.hostname}.${target}`)]);
      }
    }
    return nx();
  }

  if (name === zone) {
    if (q.type === 'SOA') return ok([soa(zone, k, view)]);
    if (q.type === 'NS') return ok([rr(zone, 'NS', `ns.dns.${zone}`)]);
    return ok([]);
  }
  const labels = name.slice(0, -zone.length - 1).split('.');
  const last = labels.at(-1);
  if (labels.join('.') === 'dns-version') return q.type === 'TXT' ? ok([rr(name, 'TXT', '1.1.0')]) : ok([]);
  if (labels.join('.') === 'ns.dns') {
    const dns = view.service('kube-system', 'kube-dns');
    const ip = dns?.spec?.clusterIP;
    return ip && q.type === 'A' ? ok([rr(name, 'A', ip)]) : ok([]);
  }

  if (last === 'pod') {
    if (labels.length === 1) return ok([]);
    if (labels.length === 2) return view.namespaceExists(labels[0]) ? ok([]) : nx();
    if (labels.length !== 3 || k.pods === 'disabled') return nx();
    const [host, ns] = labels;
    if (k.namespaces && !k.namespaces.includes(ns)) return nx();
    const ip = host.includes('-') && host.split('-').length === 4 ? host.replace(/-/g, '.') : '';
    if (isIP(ip) !== 4) return nx();
    if (k.pods === 'verified' && !view.podWithIP(ns, ip)) return nx();
    return q.type === 'A' ? ok([rr(name, 'A', ip)]) : ok([]);
  }

  if (last !== 'svc') return nx();
  if (labels.length === 1) return ok([]);
  const ns = labels.at(-2)!;
  if (k.namespaces && !k.namespaces.includes(ns)) return nx();
  if (labels.length === 2) return view.namespaceExists(ns) ? ok([]) : nx();
  const svcName = labels.at(-3)!;
  const svc = view.service(ns, svcName);
  if (!svc) return nx();
  const svcFqdn = `${svcName}.${ns}.svc.${zone}`;
  const spec = svc.spec ?? {};
  const headless = spec.clusterIP === 'None';
  const external = spec.type === 'ExternalName';
  const eps = external ? [] : endpointsOf(view, k, ns, svcName);
  if (headless && !eps.length && !k.noEndpoints) return nx();
  if (!headless && !external && k.ignoreEmptyService && !eps.length) return nx();

  if (labels.length === 3) {
    if (external) return ok([rr(name, 'CNAME', fqdn(spec.externalName ?? ''))]);
    if (q.type === 'SRV') return srv(spec.ports ?? [], undefined, undefined);
    if (q.type !== 'A' && q.type !== 'AAAA' && q.type !== 'ANY') return ok([]);
    const ips = headless ? eps.map((e) => e.ip) : (spec.clusterIPs ?? [spec.clusterIP]).filter(Boolean);
    return ok(ips.filter((ip: string) => q.type === 'ANY' || addrType(ip) === q.type).map((ip: string) => rr(name, addrType(ip), ip)));
  }
  if (labels.length === 4) {
    // an endpoint's own name: <hostname>.<svc>.<ns>.svc.<zone>
    const ep = eps.find((e) => e.hostname === labels[0]);
    if (!ep) return nx();
    return q.type === addrType(ep.ip) || q.type === 'ANY' ? ok([rr(name, addrType(ep.ip), ep.ip)]) : ok([]);
  }
  if (labels.length === 5 && labels[0].startsWith('_') && labels[1].startsWith('_')) {
    const port = labels[0].slice(1);
    const proto = labels[1].slice(1).toUpperCase();
    return srv(spec.ports ?? [], port, proto);
  }
  return nx();

  function srv(ports: any[], portName: string | undefined, proto: string | undefined): Reply | 'fallthrough' {
    const match = (p: { name?: string; protocol?: string }) =>
      (portName === undefined || (p.name ?? '') === portName) && (proto === undefined || (p.protocol ?? 'TCP') === proto);
    if (external) return ok([rr(name, 'CNAME', fqdn(spec.externalName ?? ''))]);
    if (!headless) {
      const hits = ports.filter(match);
      if (!hits.length) return nx();
      const weight = Math.floor(100 / hits.length);
      const ip = spec.clusterIP as string;
      return q.type === 'SRV'
        ? ok(
            hits.map((p) => rr(name, 'SRV', { priority: 0, weight, port: p.port, target: svcFqdn })),
            [rr(svcFqdn, addrType(ip), ip)],
          )
        : ok([]);
    }
    const records: { port: number; ep: Endpoint }[] = [];
    for (const ep of eps) for (const p of ep.ports) if (match(p)) records.push({ port: p.port, ep });
    if (!records.length) return nx();
    if (q.type !== 'SRV') return ok([]);
    const weight = Math.floor(100 / records.length);
    const targets = records.map((r) => `${r.ep.hostname}.${svcFqdn}`);
    return ok(
      records.map((r, i) => rr(name, 'SRV', { priority: 0, weight, port: r.port, target: targets[i] })),
      records.map((r, i) => rr(targets[i], addrType(r.ep.ip), r.ep.ip)),
    );
  }

  function zoneForPtr(kp: KubernetesPlugin): string {
    return kp.zones.find((z) => !z.endsWith('.arpa.')) ?? 'cluster.local.';
  }
}
