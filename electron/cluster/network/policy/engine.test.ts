// The corners the x/y/z truth tables do not reach: node and hostNetwork traffic, addresses outside the cluster,
// the verdict's reasoning, and that cached verdicts follow every kind of change.
import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import type { NetworkPolicy, NetworkPolicySpec } from 'kubernetes-types/networking/v1';
import { PolicyEngine } from './engine';

const pod = (
  ns: string,
  name: string,
  ip: string,
  hostIP: string,
  extra: { labels?: Record<string, string>; hostNetwork?: boolean; phase?: string } = {},
): Pod => ({
  metadata: { namespace: ns, name, labels: extra.labels ?? { app: name } },
  spec: { hostNetwork: extra.hostNetwork, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { phase: extra.phase ?? 'Running', podIP: ip, hostIP },
});
const policy = (ns: string, name: string, spec: NetworkPolicySpec): NetworkPolicy => ({ metadata: { namespace: ns, name, resourceVersion: '1' }, spec });
const tcp = (srcIP: string, dstIP: string, dstPort = 80) => ({ srcIP, dstIP, dstPort, protocol: 'TCP' as const });

function engine(): PolicyEngine {
  const e = new PolicyEngine();
  e.setNamespace('web', { 'kubernetes.io/metadata.name': 'web' });
  e.setNamespace('ops', { 'kubernetes.io/metadata.name': 'ops' });
  e.setPod(pod('web', 'api', '10.244.1.5', '172.18.0.3'));
  e.setPod(pod('web', 'db', '10.244.2.7', '172.18.0.4'));
  e.setPod(pod('ops', 'agent', '172.18.0.3', '172.18.0.3', { hostNetwork: true }));
  e.setPolicy(policy('web', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
  return e;
}

describe('PolicyEngine', () => {
  it('lets a node reach its own pods (probes) but polices another node as an outside address', () => {
    const e = engine();
    expect(e.check(tcp('172.18.0.3', '10.244.1.5')).allowed).toBe(true);
    expect(e.explain(tcp('172.18.0.3', '10.244.1.5')).ingress.note).toContain("pod's own node");
    expect(e.check(tcp('172.18.0.4', '10.244.1.5')).allowed).toBe(false);
    e.setPolicy(policy('web', 'nodes', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '172.18.0.0/16' } }] }] }));
    expect(e.check(tcp('172.18.0.4', '10.244.1.5')).allowed).toBe(true);
  });

  it('does not police a hostNetwork pod: it has the node address, so only ipBlock rules see it', () => {
    const e = engine();
    expect(e.listPods().map((p) => p.name)).toEqual(['api', 'db']);
    // to a hostNetwork pod: not a policed endpoint (its egress side here is web/db's, which deny-all isolates)
    expect(e.explain(tcp('10.244.2.7', '172.18.0.3')).ingress.isolated).toBe(false);
    expect(e.check(tcp('10.244.2.7', '172.18.0.3')).allowed).toBe(false);
    e.deletePolicy(policy('web', 'deny', { podSelector: {} }));
    expect(e.check(tcp('10.244.2.7', '172.18.0.3')).allowed).toBe(true);
  });

  it('applies ipBlock except to addresses outside the cluster on egress', () => {
    const e = engine();
    e.setPolicy(
      policy('web', 'out', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.9.0/24'] } }], ports: [{ port: 443 }] }],
      }),
    );
    expect(e.check(tcp('10.244.1.5', '192.168.1.1', 443)).allowed).toBe(true);
    expect(e.check(tcp('10.244.1.5', '192.168.9.1', 443)).allowed).toBe(false);
    expect(e.check(tcp('10.244.1.5', '192.168.1.1', 80)).allowed).toBe(false);
    // a named port cannot match an address that is no pod
    e.setPolicy(policy('web', 'named', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] }));
    expect(e.check(tcp('10.244.1.5', '192.168.9.1', 8080)).allowed).toBe(false);
    // to a pod it names that pod's container port (web/db's ingress is still denied by web/deny)
    expect(e.explain(tcp('10.244.1.5', '10.244.2.7', 8080)).egress.allowedBy).toEqual({ policy: 'web/named', rule: 0 });
    expect(e.explain(tcp('10.244.1.5', '10.244.2.7', 8081)).egress.allowed).toBe(false);
  });

  it('names the deciding policies in its reason', () => {
    const e = engine();
    expect(e.check(tcp('10.244.1.5', '10.244.2.7')).reason).toBe(
      'denied: web/api is isolated for egress by web/deny; no rule admits web/db on 80/TCP; web/db is isolated for ingress by web/deny; no rule admits web/api on 80/TCP',
    );
    e.setPolicy(
      policy('web', 'api-to-db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }] }),
    );
    e.setPolicy(policy('web', 'api-out', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{}] }));
    const v = e.check(tcp('10.244.1.5', '10.244.2.7'));
    expect(v.allowed).toBe(true);
    expect(v.reason).toBe('allowed: egress of web/api allowed by web/api-out (egress rule 1); ingress of web/db allowed by web/api-to-db (ingress rule 1)');
  });

  it('recomputes cached verdicts after pod relabels, namespace relabels, pod deletion and IP reuse', () => {
    const e = engine();
    e.setPolicy(
      policy('web', 'from-ops', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { role: 'scraper' } } }] }],
      }),
    );
    e.setPod(pod('ops', 'prom', '10.244.1.9', '172.18.0.3', { labels: { role: 'scraper' } }));
    const scrape = tcp('10.244.1.9', '10.244.2.7');
    expect(e.check(scrape).allowed).toBe(false);
    e.setNamespace('ops', { team: 'ops' });
    expect(e.check(scrape).allowed).toBe(true);
    e.setPod(pod('ops', 'prom', '10.244.1.9', '172.18.0.3', { labels: { role: 'other' } }));
    expect(e.check(scrape).allowed).toBe(false);
    e.setPod(pod('ops', 'prom', '10.244.1.9', '172.18.0.3', { labels: { role: 'scraper' }, phase: 'Succeeded' }));
    // a finished pod gave its IP back: the address is nobody's, so only ipBlock rules could admit it
    expect(e.explain(scrape).from).toBeUndefined();
    e.setPod(pod('ops', 'prom2', '10.244.1.9', '172.18.0.3', { labels: { role: 'scraper' } }));
    expect(e.check(scrape).allowed).toBe(true);
    e.deletePod(pod('ops', 'prom2', '10.244.1.9', '172.18.0.3'));
    expect(e.check(scrape).allowed).toBe(false);
  });
});
