// Kubernetes' CEL IP and CIDR libraries (k8s.io/apiserver/pkg/cel/library ip.go and cidr.go): ip("10.0.0.1"),
// cidr("10.0.0.0/8"), their predicates and containment, over addresses held as BigInts.
import { isIPv4, isIPv6 } from 'node:net';
import type { Environment } from '@marcbachmann/cel-js';
import { method } from './cel-method';

export class CelIP {
  constructor(
    readonly family: 4 | 6,
    readonly value: bigint,
    readonly text: string,
  ) {}
}
export class CelCIDR {
  constructor(
    readonly ip: CelIP,
    readonly prefix: number,
  ) {}
}

const bits = (f: 4 | 6) => (f === 4 ? 32 : 128);

function v6Value(s: string): bigint {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const part = (x: string | undefined) => (x ? x.split(':') : []);
  let groups = part(head);
  let rest = part(tail);
  // an embedded IPv4 tail counts as two groups
  const last = (tail === undefined ? groups : rest).at(-1);
  if (last?.includes('.')) {
    const v4 = v4Value(last);
    const extra = [(v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    if (tail === undefined) groups = [...groups.slice(0, -1), ...extra];
    else rest = [...rest.slice(0, -1), ...extra];
  }
  const all = tail === undefined ? groups : [...groups, ...Array(8 - groups.length - rest.length).fill('0'), ...rest];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}
function v4Value(s: string): bigint {
  return s.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function parseIP(s: string): CelIP {
  if (isIPv4(s) && !/(^|\.)0\d/.test(s)) return new CelIP(4, v4Value(s), s);
  if (isIPv6(s) && !s.includes('%')) {
    if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(s)) throw new Error(`IPv4-mapped IPv6 address "${s}" is not allowed`);
    return new CelIP(6, v6Value(s), s);
  }
  throw new Error(`IP Address "${s}" parse error during conversion from string: ParseAddr("${s}"): unable to parse IP`);
}

function parseCIDR(s: string): CelCIDR {
  const i = s.lastIndexOf('/');
  const addr = i < 0 ? '' : s.slice(0, i);
  const len = i < 0 ? NaN : Number(s.slice(i + 1));
  let ip: CelIP | undefined;
  try {
    ip = parseIP(addr);
  } catch {
    ip = undefined;
  }
  if (!ip || !/^\d+$/.test(s.slice(i + 1)) || len > bits(ip.family))
    throw new Error(`network address "${s}" parse error during conversion from string: netip.ParsePrefix("${s}"): bad prefix`);
  return new CelCIDR(ip, len);
}

const mask = (f: 4 | 6, prefix: number) => ((1n << BigInt(bits(f))) - 1n) ^ ((1n << BigInt(bits(f) - prefix)) - 1n);

function format(f: 4 | 6, v: bigint): string {
  if (f === 4) return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, k) => ((v >> BigInt((7 - k) * 16)) & 0xffffn).toString(16));
  // RFC 5952: the longest run of zero groups (two or more) becomes "::"
  let best = [-1, 0];
  for (let k = 0; k < 8;) {
    if (groups[k] !== '0') {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && groups[e] === '0') e++;
    if (e - k > best[1] && e - k > 1) best = [k, e - k];
    k = e;
  }
  if (best[0] < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0] + best[1]).join(':')}`;
}

const contains = (c: CelCIDR, ip: CelIP) =>
  ip.family === c.ip.family && (ip.value & mask(c.ip.family, c.prefix)) === (c.ip.value & mask(c.ip.family, c.prefix));
const ok = (f: () => unknown) => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

export function registerNetworkLibrary(env: Environment): Environment {
  const ipPred = (name: string, f: (ip: CelIP) => boolean) => env.registerFunction(method(name, 'net.IP', 'bool', [], f));
  env
    .registerType('net.IP', CelIP)
    .registerType('net.CIDR', CelCIDR)
    .registerFunction('ip(string): net.IP', parseIP)
    .registerFunction('isIP(string): bool', (s: string) => ok(() => parseIP(s)))
    .registerFunction('cidr(string): net.CIDR', parseCIDR)
    .registerFunction('isCIDR(string): bool', (s: string) => ok(() => parseCIDR(s)))
    .registerFunction('string(net.IP): string', (ip: CelIP) => format(ip.family, ip.value))
    .registerFunction('string(net.CIDR): string', (c: CelCIDR) => `${format(c.ip.family, c.ip.value)}/${c.prefix}`)
    .registerFunction(method('family', 'net.IP', 'int', [], (ip: CelIP) => BigInt(ip.family)))
    .registerFunction(method('containsIP', 'net.CIDR', 'bool', ['net.IP'], contains))
    .registerFunction(method('containsIP', 'net.CIDR', 'bool', ['string'], (c: CelCIDR, s: string) => contains(c, parseIP(s))))
    .registerFunction(method('containsCIDR', 'net.CIDR', 'bool', ['net.CIDR'], (c: CelCIDR, o: CelCIDR) => o.prefix >= c.prefix && contains(c, o.ip)))
    .registerFunction(
      method('containsCIDR', 'net.CIDR', 'bool', ['string'], (c: CelCIDR, s: string) => {
        const o = parseCIDR(s);
        return o.prefix >= c.prefix && contains(c, o.ip);
      }),
    )
    .registerFunction(method('ip', 'net.CIDR', 'net.IP', [], (c: CelCIDR) => c.ip))
    .registerFunction(method('prefixLength', 'net.CIDR', 'int', [], (c: CelCIDR) => BigInt(c.prefix)))
    .registerFunction(
      method('masked', 'net.CIDR', 'net.CIDR', [], (c: CelCIDR) => {
        const v = c.ip.value & mask(c.ip.family, c.prefix);
        return new CelCIDR(new CelIP(c.ip.family, v, format(c.ip.family, v)), c.prefix);
      }),
    );
  ipPred('isUnspecified', (ip) => ip.value === 0n);
  ipPred('isLoopback', (ip) => (ip.family === 4 ? ip.value >> 24n === 127n : ip.value === 1n));
  ipPred('isLinkLocalMulticast', (ip) => (ip.family === 4 ? ip.value >> 8n === 0xe00000n : ip.value >> 112n === 0xff02n));
  ipPred('isLinkLocalUnicast', (ip) => (ip.family === 4 ? ip.value >> 16n === 0xa9fen : ip.value >> 118n === 0x3fan));
  ipPred('isGlobalUnicast', (ip) =>
    ip.family === 4
      ? ip.value !== 0n && ip.value >> 24n !== 127n && ip.value >> 28n !== 0xen && ip.value !== 0xffffffffn && ip.value >> 16n !== 0xa9fen
      : ip.value !== 0n && ip.value !== 1n && ip.value >> 120n !== 0xffn && ip.value >> 118n !== 0x3fan,
  );
  return env;
}
