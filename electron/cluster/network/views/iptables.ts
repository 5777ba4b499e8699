// `iptables-save` on a node as kube-proxy's iptables mode leaves it: the filter table's REJECT/DROP rules for
// Services without (local) endpoints, and the nat table's KUBE-SERVICES → KUBE-SVC/KUBE-EXT → KUBE-SEP chains with
// the probability splits that spread new connections evenly.
import { CLUSTER_CIDR } from '../addresses';
import { endpointsFor, servicePortName, usableEndpoints, type ServicePortRule } from '../rules';
import { extChain, fwChain, sepChain, svcChain, svlChain } from './chain-names';

export interface IptablesInput {
  rules: ServicePortRule[];
  node: string;
  now?: Date;
}

const q = (s: string) => `"${s}"`;

/** the probability as the kernel stores it (a fraction of 2^31) and iptables prints it back */
export function statisticProbability(n: number): string {
  const requested = Number((1 / n).toFixed(10));
  return (Math.round(requested * 0x80000000) / 0x80000000).toFixed(11);
}

class Table {
  private readonly chains = new Map<string, string[]>();
  constructor(private readonly builtin: string[]) {
    for (const c of builtin) this.chains.set(c, []);
  }
  chain(name: string): string[] {
    let c = this.chains.get(name);
    if (!c) this.chains.set(name, (c = []));
    return c;
  }
  add(chain: string, rule: string): void {
    this.chain(chain).push(`-A ${chain} ${rule}`);
  }
  render(name: string): string {
    const user = [...this.chains.keys()].filter((c) => !this.builtin.includes(c)).sort();
    const order = [...this.builtin, ...user];
    const head = order.map((c) => (this.builtin.includes(c) ? `:${c} ACCEPT [0:0]` : `:${c} - [0:0]`));
    return [`*${name}`, ...head, ...order.flatMap((c) => this.chains.get(c)!), 'COMMIT'].join('\n');
  }
}

export function iptablesSave(input: IptablesInput): string {
  const now = input.now ?? new Date();
  const filter = new Table(['INPUT', 'FORWARD', 'OUTPUT']);
  const nat = new Table(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);
  for (const c of [
    'KUBE-EXTERNAL-SERVICES',
    'KUBE-FIREWALL',
    'KUBE-FORWARD',
    'KUBE-KUBELET-CANARY',
    'KUBE-NODEPORTS',
    'KUBE-PROXY-CANARY',
    'KUBE-PROXY-FIREWALL',
    'KUBE-SERVICES',
  ])
    filter.chain(c);
  filter.add('INPUT', '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL');
  filter.add('INPUT', '-m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS');
  filter.add('INPUT', '-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES');
  filter.add('INPUT', '-j KUBE-FIREWALL');
  filter.add('FORWARD', '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL');
  filter.add('FORWARD', '-m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD');
  filter.add('FORWARD', '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  filter.add('FORWARD', '-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES');
  filter.add('OUTPUT', '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL');
  filter.add('OUTPUT', '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  filter.add('OUTPUT', '-j KUBE-FIREWALL');
  filter.add(
    'KUBE-FIREWALL',
    '! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
  );
  filter.add('KUBE-FORWARD', '-m conntrack --ctstate INVALID -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP');
  filter.add('KUBE-FORWARD', '-m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT');
  filter.add('KUBE-FORWARD', '-m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');

  for (const c of ['KUBE-KUBELET-CANARY', 'KUBE-MARK-MASQ', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-PROXY-CANARY', 'KUBE-SERVICES']) nat.chain(c);
  nat.add('PREROUTING', '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  nat.add('OUTPUT', '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  nat.add('POSTROUTING', '-m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING');
  nat.add('KUBE-MARK-MASQ', '-j MARK --set-xmark 0x4000/0x4000');
  nat.add('KUBE-POSTROUTING', '-m mark ! --mark 0x4000/0x4000 -j RETURN');
  nat.add('KUBE-POSTROUTING', '-j MARK --set-xmark 0x4000/0x0');
  nat.add('KUBE-POSTROUTING', '-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');

  const sorted = [...input.rules].filter((r) => r.clusterIP).sort((a, b) => servicePortName(a).localeCompare(servicePortName(b)) || a.port - b.port);
  for (const r of sorted) {
    const name = servicePortName(r);
    const proto = r.protocol.toLowerCase();
    const match = (ip: string, _port: number) => `-d ${ip}/32 -p ${proto}`;
    const dport = (port: number) => `-m ${proto} --dport ${port}`;
    const usable = usableEndpoints(r);
    // loadBalancerSourceRanges: the filter table's firewall lets the listed sources through to the NAT rules
    if (r.sourceRanges.length && r.loadBalancerIPs.length) {
      const fw = fwChain(r);
      const refused = q(`${name} traffic not accepted by ${fw}`);
      for (const ip of r.loadBalancerIPs) filter.add('KUBE-PROXY-FIREWALL', `${match(ip, r.port)} -m comment --comment ${refused} ${dport(r.port)} -j ${fw}`);
      for (const src of r.sourceRanges) filter.add(fw, `-s ${src} -m comment --comment ${q(`${name} loadbalancer IP`)} -j RETURN`);
      filter.add(fw, `-m comment --comment ${refused} -j DROP`);
    }
    const externalDsts: [string, string][] = [
      ...r.externalIPs.map((ip) => [ip, 'external IP'] as [string, string]),
      ...r.loadBalancerIPs.map((ip) => [ip, 'loadbalancer IP'] as [string, string]),
    ];
    if (!usable.length) {
      filter.add(
        'KUBE-SERVICES',
        `${match(r.clusterIP!, r.port)} -m comment --comment ${q(`${name} has no endpoints`)} ${dport(r.port)} -j REJECT --reject-with icmp-port-unreachable`,
      );
      for (const [ip] of externalDsts)
        filter.add(
          'KUBE-EXTERNAL-SERVICES',
          `${match(ip, r.port)} -m comment --comment ${q(`${name} has no endpoints`)} ${dport(r.port)} -j REJECT --reject-with icmp-port-unreachable`,
        );
      if (r.nodePort)
        filter.add(
          'KUBE-EXTERNAL-SERVICES',
          `-p ${proto} -m comment --comment ${q(`${name} has no endpoints`)} -m addrtype --dst-type LOCAL ${dport(r.nodePort)} -j REJECT --reject-with icmp-port-unreachable`,
        );
      continue;
    }
    const svc = svcChain(r);
    const internal = r.internalLocal ? svlChain(r) : svc;
    if (!r.internalLocal || endpointsFor(r, true, input.node).length)
      nat.add('KUBE-SERVICES', `${match(r.clusterIP!, r.port)} -m comment --comment ${q(`${name} cluster IP`)} ${dport(r.port)} -j ${internal}`);
    const hasExternal = !!r.nodePort || externalDsts.length > 0;
    const ext = extChain(r);
    for (const [ip, what] of externalDsts)
      nat.add('KUBE-SERVICES', `${match(ip, r.port)} -m comment --comment ${q(`${name} ${what}`)} ${dport(r.port)} -j ${ext}`);
    if (r.nodePort) nat.add('KUBE-NODEPORTS', `-p ${proto} -m comment --comment ${q(name)} ${dport(r.nodePort)} -j ${ext}`);
    if (hasExternal) {
      if (r.externalLocal) {
        nat.add(ext, `-s ${CLUSTER_CIDR} -m comment --comment ${q(`pod traffic for ${name} external destinations`)} -j ${svc}`);
        nat.add(ext, `-m comment --comment ${q(`masquerade LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
        nat.add(ext, `-m comment --comment ${q(`route LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${svc}`);
        if (endpointsFor(r, true, input.node).length) nat.add(ext, `-j ${svlChain(r)}`);
      } else {
        nat.add(ext, `-m comment --comment ${q(`masquerade traffic for ${name} external destinations`)} -j KUBE-MARK-MASQ`);
        nat.add(ext, `-j ${svc}`);
      }
    }
    // the cluster-wide chain, plus the node-local one when a Local policy needs it
    const chains: [string, typeof usable][] = [];
    if (!r.internalLocal || (hasExternal && !r.externalLocal)) chains.push([svc, usable]);
    if (r.internalLocal || (hasExternal && r.externalLocal)) chains.push([svlChain(r), endpointsFor(r, true, input.node)]);
    if (r.externalLocal && hasExternal && !chains.some(([c]) => c === svc)) chains.push([svc, usable]);
    for (const [chain, eps] of chains) {
      if (chain === svc)
        nat.add(
          chain,
          `! -s ${CLUSTER_CIDR} ${match(r.clusterIP!, r.port)} -m comment --comment ${q(`${name} cluster IP`)} ${dport(r.port)} -j KUBE-MARK-MASQ`,
        );
      if (!eps.length) {
        // no endpoint on this node: the filter table drops what the Local policy keeps here (kube-proxy ≥ 1.28)
        const why = q(`${name} has no local endpoints`);
        if (r.internalLocal) filter.add('KUBE-SERVICES', `${match(r.clusterIP!, r.port)} -m comment --comment ${why} ${dport(r.port)} -j DROP`);
        if (r.externalLocal && r.nodePort)
          filter.add('KUBE-EXTERNAL-SERVICES', `-p ${proto} -m comment --comment ${why} -m addrtype --dst-type LOCAL ${dport(r.nodePort)} -j DROP`);
        if (r.externalLocal)
          for (const [ip] of externalDsts) filter.add('KUBE-EXTERNAL-SERVICES', `${match(ip, r.port)} -m comment --comment ${why} ${dport(r.port)} -j DROP`);
        continue;
      }
      if (r.affinitySeconds !== undefined) {
        for (const e of eps)
          nat.add(
            chain,
            `-m comment --comment ${q(`${name} -> ${e.ip}:${e.port}`)} -m recent --name ${sepChain(r, e)} --mask 255.255.255.255 --rsource --rcheck --seconds ${r.affinitySeconds} --reap -j ${sepChain(r, e)}`,
          );
      }
      eps.forEach((e, i) => {
        const left = eps.length - i;
        const stat = left > 1 ? ` -m statistic --mode random --probability ${statisticProbability(left)}` : '';
        nat.add(chain, `-m comment --comment ${q(`${name} -> ${e.ip}:${e.port}`)}${stat} -j ${sepChain(r, e)}`);
      });
    }
    for (const e of usable) {
      const sep = sepChain(r, e);
      nat.add(sep, `-s ${e.ip}/32 -m comment --comment ${q(name)} -j KUBE-MARK-MASQ`);
      const recent = r.affinitySeconds !== undefined ? ` -m recent --set --name ${sep} --mask 255.255.255.255 --rsource` : '';
      nat.add(sep, `-p ${proto} -m comment --comment ${q(name)}${recent} -m ${proto} -j DNAT --to-destination ${e.ip}:${e.port}`);
    }
  }
  nat.add(
    'KUBE-SERVICES',
    '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );
  const stamp = now
    .toUTCString()
    .replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, (_m, d, day, mon, y, t) => `${d} ${mon} ${String(Number(day)).padStart(2, ' ')} ${t} ${y}`);
  const table = (name: string, t: Table) => `# Generated by iptables-save v1.8.9 (nf_tables) on ${stamp}\n${t.render(name)}\n# Completed on ${stamp}\n`;
  return table('filter', filter) + table('nat', nat);
}
