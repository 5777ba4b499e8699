// CIDR membership for ipBlock peers, compiled to integers once per policy: the data path tests an address against
// every ipBlock of the policies selecting a pod on each new connection (node:net's BlockList allocates per test).
import { isIP } from 'node:net';

type Addr = { family: 4; n: number } | { family: 6; n: bigint };

export function parseIP(ip: string): Addr | undefined {
  const kind = isIP(ip);
  if (kind === 4) {
    const o = ip.split('.');
    return { family: 4, n: ((+o[0] << 24) | (+o[1] << 16) | (+o[2] << 8) | +o[3]) >>> 0 };
  }
  if (kind === 6) return { family: 6, n: ipv6ToBigInt(ip) };
  return undefined;
}

function ipv6ToBigInt(ip: string): bigint {
  let s = ip;
  // an embedded dotted quad (::ffff:1.2.3.4) becomes two hex groups
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = parseIP(dotted[1]) as { n: number };
    s = s.slice(0, -dotted[1].length) + `${(v4.n >>> 16).toString(16)}:${(v4.n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

export type CidrMatcher = (ip: Addr) => boolean;

/** a matcher for one CIDR; a malformed one (validation rejects them on write) matches nothing */
export function cidrMatcher(cidr: string): CidrMatcher {
  const [addr, bitsText] = cidr.split('/');
  const base = parseIP(addr);
  const bits = Number(bitsText);
  if (!base || !Number.isInteger(bits) || bits < 0) return () => false;
  if (base.family === 4) {
    if (bits > 32) return () => false;
    const shift = 32 - bits;
    return (ip) => ip.family === 4 && (bits === 0 || (ip.n ^ base.n) >>> shift === 0);
  }
  if (bits > 128) return () => false;
  const shift = BigInt(128 - bits);
  return (ip) => ip.family === 6 && (ip.n ^ base.n) >> shift === 0n;
}

/** true when `inner` lies inside `outer` and is smaller (an ipBlock's except entries must be) */
export function isStrictSubset(inner: string, outer: string): boolean {
  const [addr, bits] = inner.split('/');
  const ip = parseIP(addr);
  return !!ip && Number(bits) > Number(outer.split('/')[1]) && cidrMatcher(outer)(ip);
}
