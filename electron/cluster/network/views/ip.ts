// `ip route` and `ip addr` on a node: the default route to the bridge gateway, the other nodes' pod CIDRs via their
// node IPs (what a routing CNI installs), the local pod CIDR on cni0, and a veth per pod sandbox.
import type { KObject } from '../../api/types';
import { HOST_GATEWAY_IP, POD_MTU } from '../addresses';
import type { Attachment } from '../cni';

export interface NodeAddress {
  name: string;
  ip: string;
  podCIDR?: string;
}

export function nodeAddresses(nodes: KObject[]): NodeAddress[] {
  return nodes
    .map((n) => ({
      name: n.metadata.name!,
      podCIDR: n.spec?.podCIDR,
      ip: (n.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address ?? '',
    }))
    .filter((n) => n.ip);
}

export function nodeIpRoute(self: NodeAddress, all: NodeAddress[]): string {
  const lines = [`default via ${HOST_GATEWAY_IP} dev eth0 `];
  const routes = all.filter((n) => n.podCIDR).sort((a, b) => a.podCIDR!.localeCompare(b.podCIDR!, undefined, { numeric: true }));
  for (const n of routes) {
    if (n.name === self.name) lines.push(`${n.podCIDR} dev cni0 proto kernel scope link src ${gatewayOf(n.podCIDR!)} `);
    else lines.push(`${n.podCIDR} via ${n.ip} dev eth0 `);
  }
  lines.push(`172.18.0.0/16 dev eth0 proto kernel scope link src ${self.ip} `);
  return lines.join('\n') + '\n';
}

const gatewayOf = (cidr: string) => cidr.replace(/\.0\/\d+$/, '.1');
const mac = (seed: string) => {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return ['02', '42', ...[24, 16, 8, 0].map((s) => ((h >>> s) & 255).toString(16).padStart(2, '0'))].join(':');
};

export function nodeIpAddr(self: NodeAddress, pods: Attachment[], ipvsAddresses: string[] = []): string {
  const out = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
    `2: eth0@if${10 + Number(self.ip.split('.')[3])}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default `,
    `    link/ether ${mac(self.name)} brd ff:ff:ff:ff:ff:ff link-netnsid 0`,
    `    inet ${self.ip}/16 brd 172.18.255.255 scope global eth0`,
    '       valid_lft forever preferred_lft forever',
  ];
  let idx = 3;
  if (self.podCIDR) {
    out.push(
      `${idx++}: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${POD_MTU} qdisc noqueue state UP group default qlen 1000`,
      `    link/ether ${mac(`${self.name}/cni0`)} brd ff:ff:ff:ff:ff:ff`,
      `    inet ${gatewayOf(self.podCIDR)}/24 brd ${self.podCIDR.replace(/\.0\/\d+$/, '.255')} scope global cni0`,
      '       valid_lft forever preferred_lft forever',
    );
  }
  for (const p of pods.filter((a) => !a.hostNetwork)) {
    const veth = `veth${p.sandboxId
      .replace(/[^0-9a-f]/g, '')
      .slice(0, 8)
      .padEnd(8, '0')}`;
    out.push(
      `${idx++}: ${veth}@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${POD_MTU} qdisc noqueue master cni0 state UP group default `,
      `    link/ether ${mac(p.sandboxId)} brd ff:ff:ff:ff:ff:ff link-netns cni-${p.sandboxId.slice(0, 8)}`,
    );
  }
  if (ipvsAddresses.length) {
    out.push(
      `${idx++}: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default `,
      `    link/ether ${mac(`${self.name}/ipvs`)} brd ff:ff:ff:ff:ff:ff`,
    );
    for (const ip of ipvsAddresses) out.push(`    inet ${ip}/32 scope global kube-ipvs0`, '       valid_lft forever preferred_lft forever');
  }
  return out.join('\n') + '\n';
}
