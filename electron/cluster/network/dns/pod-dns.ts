/**
 * A pod's /etc/resolv.conf as the kubelet writes it from dnsPolicy and dnsConfig (pkg/kubelet/network/dns):
 * ClusterFirst → the cluster DNS Service, search `<ns>.svc.<domain> svc.<domain> <domain>`, ndots:5;
 * hostNetwork pods with ClusterFirst and `Default` pods → the node's resolv.conf; ClusterFirstWithHostNet →
 * cluster DNS even on the host network; None → only dnsConfig. dnsConfig is merged into the others: its
 * nameservers and searches appended (deduplicated; at most 3 nameservers, 32 search domains), its options
 * overriding same-named ones.
 */
import type { KObject } from '../../api/types';
import { CLUSTER_DNS_IP, CLUSTER_DOMAIN } from './manifests';

export interface PodDnsSettings {
  servers: string[];
  searches: string[];
  options: string[];
}

/** the node's resolv.conf (kind's nodes resolve through the Docker network's gateway) */
export const NODE_RESOLV: PodDnsSettings = { servers: ['172.18.0.1'], searches: [], options: [] };

const dedupe = (xs: string[]) => [...new Set(xs)];

function mergeOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const o of base) byName.set(o.split(':')[0], o);
  for (const o of extra) if (o.name) byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  return [...byName.values()];
}

export function podDnsSettings(pod: KObject, opts: { clusterDNS?: string[]; clusterDomain?: string; node?: PodDnsSettings } = {}): PodDnsSettings {
  const spec = pod.spec ?? {};
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  const ns = pod.metadata.namespace ?? 'default';
  const domain = opts.clusterDomain ?? CLUSTER_DOMAIN;
  const node = opts.node ?? NODE_RESOLV;
  const cfg = spec.dnsConfig ?? {};
  let base: PodDnsSettings;
  if (policy === 'None') base = { servers: [], searches: [], options: [] };
  else if (policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !spec.hostNetwork)) {
    base = { servers: opts.clusterDNS ?? [CLUSTER_DNS_IP], searches: [`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...node.searches], options: ['ndots:5'] };
  } else base = { ...node };
  return {
    servers: dedupe([...base.servers, ...(cfg.nameservers ?? [])]).slice(0, 3),
    searches: dedupe([...base.searches, ...(cfg.searches ?? [])]).slice(0, 32),
    options: mergeOptions(base.options, cfg.options ?? []),
  };
}
