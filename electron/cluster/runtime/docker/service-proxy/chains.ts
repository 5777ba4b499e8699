// The host's NAT rules for one cluster's Docker bridge, as iptables-restore input: one chain of KubeLab's own,
// hooked from PREROUTING only for packets entering from the cluster's bridge, DNATs each Service port (ClusterIP,
// protocol, port) to the proxy's listener on the bridge gateway — legacy kube-proxy's userspace mode, per cluster.
// Pure text in, text out, so what is written can be read (and tested) without touching a host.

/** a Service port the proxy serves and where its listener is */
export interface ProxiedPort {
  /** "namespace/name:port" as kube-proxy comments it */
  service: string;
  clusterIP: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  proxyPort: number;
}

/** legacy iptables allows 28 characters: KUBELAB- + 10 hex of the cluster id + -SERVICES */
export function servicesChain(cluster: string): string {
  return `KUBELAB-${cluster.slice(0, 10)}-SERVICES`;
}

/** the PREROUTING rules (as iptables-save prints them, `-A PREROUTING ...`) that jump to the chain */
export function hooksIn(save: string, chain: string): string[] {
  return natSection(save).filter((l) => l.startsWith('-A PREROUTING ') && l.endsWith(` -j ${chain}`));
}

export function chainExists(save: string, chain: string): boolean {
  return natSection(save).some((l) => l.startsWith(`:${chain} `));
}

function natSection(save: string): string[] {
  const lines = save.split('\n');
  const start = lines.indexOf('*nat');
  if (start < 0) return [];
  const end = lines.indexOf('COMMIT', start);
  return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.trim());
}

/**
 * The chain's full content (declaring it flushes it, so the write is atomic and idempotent) and the one hook for
 * `bridge`; `hooks` (what hooksIn found in the host's table) left by an earlier run on another bridge — the network
 * was re-created — are deleted.
 */
export function syncPayload(o: { chain: string; bridge: string; gateway: string; ports: ProxiedPort[]; hooks: string[] }): string {
  const hook = hookRule(o.chain, o.bridge);
  const existing = o.hooks;
  const lines = ['*nat', `:${o.chain} - [0:0]`];
  for (const p of [...o.ports].sort(byVip)) {
    const proto = p.protocol.toLowerCase();
    lines.push(
      `-A ${o.chain} -d ${p.clusterIP}/32 -p ${proto} -m ${proto} --dport ${p.port} -m comment --comment "${p.service} cluster IP" -j DNAT --to-destination ${o.gateway}:${p.proxyPort}`,
    );
  }
  for (const h of existing) if (h !== hook) lines.push(h.replace(/^-A /, '-D '));
  if (!existing.includes(hook)) lines.push(`-I PREROUTING 1 -i ${o.bridge} -j ${o.chain}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** everything of the chain goes: its hooks, its rules, the chain itself; nothing else is named */
export function removePayload(chain: string, currentSave: string): string | undefined {
  if (!chainExists(currentSave, chain)) return undefined;
  const lines = ['*nat', ...hooksIn(currentSave, chain).map((h) => h.replace(/^-A /, '-D ')), `-F ${chain}`, `-X ${chain}`, 'COMMIT', ''];
  return lines.join('\n');
}

function byVip(a: ProxiedPort, b: ProxiedPort): number {
  return a.clusterIP.localeCompare(b.clusterIP) || a.port - b.port || a.protocol.localeCompare(b.protocol);
}

/** the hook syncPayload leaves in PREROUTING, as iptables-save prints it */
export function hookRule(chain: string, bridge: string): string {
  return `-A PREROUTING -i ${bridge} -j ${chain}`;
}
