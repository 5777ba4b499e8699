// The per-node policy log: which node writes a verdict, what a line says, and the size bound (rotation).
import { describe, expect, it } from 'vitest';
import { PolicyEngine } from './engine';
import { loggingFilter, PolicyLog } from './policy-log';

const pod = (ns: string, name: string, ip: string, labels: Record<string, string>) => ({
  metadata: { namespace: ns, name, labels },
  spec: { containers: [{ name: 'c' }] },
  status: { phase: 'Running', podIP: ip },
});
const at = () => new Date('2026-01-02T03:04:05.000Z');

function setup(maxBytes?: number) {
  const e = new PolicyEngine();
  e.setNamespace('shop', { 'kubernetes.io/metadata.name': 'shop' });
  e.setPod(pod('shop', 'web', '10.244.0.5', { app: 'web' }));
  e.setPod(pod('shop', 'db', '10.244.1.7', { app: 'db' }));
  e.setPod(pod('shop', 'other', '10.244.0.9', { app: 'other' }));
  e.setPolicy({
    metadata: { namespace: 'shop', name: 'db-from-web' },
    spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] },
  });
  const log = new PolicyLog(maxBytes, at);
  const nodeOf = (ip: string) => (ip.startsWith('10.244.0.') ? 'node-a' : ip.startsWith('10.244.1.') ? 'node-b' : undefined);
  return { e, log, filter: loggingFilter(e, log, nodeOf) };
}

describe('policy log', () => {
  it('logs an isolated direction on the node that enforced it, naming the deciding policy', () => {
    const { log, filter } = setup();
    expect(filter.check({ srcIP: '10.244.0.5', dstIP: '10.244.1.7', dstPort: 5432, protocol: 'TCP' }).allowed).toBe(true);
    expect(filter.check({ srcIP: '10.244.0.9', dstIP: '10.244.1.7', dstPort: 5432, protocol: 'TCP' }).allowed).toBe(false);
    // not isolated in either direction: nothing to log
    expect(filter.check({ srcIP: '10.244.1.7', dstIP: '10.244.0.5', dstPort: 80, protocol: 'TCP' }).allowed).toBe(true);
    expect(log.files('node-b')['policy.log'].split('\n')).toEqual([
      '2026-01-02T03:04:05.000Z ALLOW ingress src=10.244.0.5(shop/web) dst=10.244.1.7(shop/db) proto=TCP dport=5432 policy=shop/db-from-web rule 1',
      '2026-01-02T03:04:05.000Z DENY ingress src=10.244.0.9(shop/other) dst=10.244.1.7(shop/db) proto=TCP dport=5432 policy=shop/db-from-web (isolated, no rule admits)',
      '',
    ]);
    expect(log.files('node-a')).toEqual({ 'policy.log': '' });
  });

  it('logs a denied egress on the source node only (the packet never leaves it)', () => {
    const { e, log, filter } = setup();
    e.setPolicy({ metadata: { namespace: 'shop', name: 'web-no-egress' }, spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] } });
    expect(filter.check({ srcIP: '10.244.0.5', dstIP: '10.244.1.7', dstPort: 5432, protocol: 'TCP' }).allowed).toBe(false);
    expect(log.files('node-a')['policy.log']).toContain(
      'DENY egress src=10.244.0.5(shop/web) dst=10.244.1.7(shop/db) proto=TCP dport=5432 policy=shop/web-no-egress',
    );
    expect(log.files('node-b')['policy.log']).toBe('');
  });

  it('rotates into policy.log.1 past its size, keeping one old file', () => {
    const { log, filter } = setup(400);
    for (let i = 0; i < 12; i++) filter.check({ srcIP: '10.244.0.9', dstIP: '10.244.1.7', dstPort: 1000 + i, protocol: 'TCP' });
    const f = log.files('node-b');
    expect(f['policy.log'].length).toBeLessThanOrEqual(400);
    expect(f['policy.log.1'].length).toBeLessThanOrEqual(400);
    // the newest line is in the current file, the one before the cut in the rotated one, older ones are gone
    expect(f['policy.log']).toContain('dport=1011 ');
    const lines = (t: string) => t.trim().split('\n').length;
    expect(lines(f['policy.log']) + lines(f['policy.log.1'])).toBeLessThan(12);
    expect(f['policy.log.1']).not.toContain('dport=1000 ');
  });
});
