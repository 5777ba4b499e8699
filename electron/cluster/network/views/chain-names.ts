// kube-proxy's chain names: a prefix and the first 16 characters of the base32 SHA-256 of the Service port name
// and protocol (plus the endpoint for KUBE-SEP), so a student can match names across nodes and restarts.
import { createHash } from 'node:crypto';
import { servicePortName, type ServicePortRule, type RuleEndpoint } from '../rules';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(buf: Buffer): string {
  let out = '',
    bits = 0,
    value = 0;
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

// the same names are asked for on every view and every node: remember them (bounded, names are cheap to redo)
const memo = new Map<string, string>();
function hash(s: string): string {
  let h = memo.get(s);
  if (h === undefined) {
    h = base32(createHash('sha256').update(s).digest()).slice(0, 16);
    if (memo.size > 50_000) memo.clear();
    memo.set(s, h);
  }
  return h;
}

const portKey = (r: ServicePortRule) => servicePortName(r) + r.protocol.toLowerCase();
export const svcChain = (r: ServicePortRule) => `KUBE-SVC-${hash(portKey(r))}`;
export const svlChain = (r: ServicePortRule) => `KUBE-SVL-${hash(portKey(r))}`;
export const extChain = (r: ServicePortRule) => `KUBE-EXT-${hash(portKey(r))}`;
export const fwChain = (r: ServicePortRule) => `KUBE-FW-${hash(portKey(r))}`;
export const sepChain = (r: ServicePortRule, e: RuleEndpoint) => `KUBE-SEP-${hash(portKey(r) + `${e.ip}:${e.port}`)}`;
