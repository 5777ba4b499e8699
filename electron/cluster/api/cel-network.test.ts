// The IP and CIDR CEL libraries against what Kubernetes' own library answers for the same expressions.
import { describe, expect, it } from 'vitest';
import { compileCel } from './cel';

const ev = (e: string, ctx: Record<string, unknown> = {}) => compileCel(e)(ctx);

describe('CEL ip() and cidr()', () => {
  it('parses, classifies and prints addresses', () => {
    expect(ev("isIP('10.1.2.3') && !isIP('10.1.2') && !isIP('010.1.2.3') && isIP('fe80::1')")).toBe(true);
    expect(ev("ip('10.1.2.3').family() == 4 && ip('2001:db8::1').family() == 6")).toBe(true);
    expect(ev("ip('127.0.0.1').isLoopback() && ip('::1').isLoopback() && ip('0.0.0.0').isUnspecified()")).toBe(true);
    expect(ev("ip('169.254.1.1').isLinkLocalUnicast() && ip('8.8.8.8').isGlobalUnicast() && !ip('127.0.0.1').isGlobalUnicast()")).toBe(true);
    expect(ev("string(ip('2001:0db8:0:0:0:0:0:1'))")).toBe('2001:db8::1');
    expect(() => ev("ip('::ffff:1.2.3.4')")).toThrow(/IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed/);
  });

  it('answers containment, prefix length and masking', () => {
    expect(ev("cidr('10.0.0.0/8').containsIP(ip('10.20.30.40')) && !cidr('10.0.0.0/8').containsIP('11.0.0.1')")).toBe(true);
    expect(ev("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR(cidr('10.0.0.0/8'))")).toBe(true);
    expect(ev("cidr('192.168.1.77/24').prefixLength()")).toBe(24n);
    expect(ev("string(cidr('192.168.1.77/24').masked())")).toBe('192.168.1.0/24');
    expect(ev("string(cidr('192.168.1.77/24').ip())")).toBe('192.168.1.77');
    expect(ev("isCIDR('10.0.0.0/33') || isCIDR('10.0.0.0')")).toBe(false);
    expect(ev("object.spec.clusterIPs.all(i, cidr('10.96.0.0/12').containsIP(i))", { object: { spec: { clusterIPs: ['10.96.0.10'] } } })).toBe(true);
  });
});
