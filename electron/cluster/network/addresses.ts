// The cluster's address plan, kind's defaults: pods from 10.244.0.0/16 (a /24 per node), Services from
// 10.96.0.0/16, nodes on the "kind" bridge 172.18.0.0/16, LoadBalancer addresses from the top of that bridge
// (the range kind's docs give MetalLB), and the cluster DNS at the tenth Service address as kubeadm reserves it.
export const CLUSTER_CIDR = '10.244.0.0/16';
export const SERVICE_CIDR = '10.96.0.0/16';
export const DNS_SERVICE_IP = '10.96.0.10';
export const NODE_NETWORK = '172.18.0.0/16';
/** the node bridge's gateway: where traffic from the student's machine enters (kind's docker bridge) */
export const HOST_GATEWAY_IP = '172.18.0.1';
export const LB_POOL = { first: '172.18.255.200', last: '172.18.255.250' };
export const NODEPORT_RANGE = { min: 30000, max: 32767 };
/** the pod network's MTU (kindnet's default on a 1500-byte docker bridge) */
export const POD_MTU = 1500;

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0) >>> 0;
}
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export interface Cidr {
  base: number;
  bits: number;
  size: number;
}
export function parseCidr(cidr: string): Cidr {
  const [ip, b] = cidr.split('/');
  const bits = Number(b);
  const size = 2 ** (32 - bits);
  return { base: Math.floor(ipToInt(ip) / size) * size, bits, size };
}
export function cidrContains(cidr: string | Cidr, ip: string): boolean {
  const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const n = ipToInt(ip);
  return n >= c.base && n < c.base + c.size;
}
