// The evaluator behind the matrix view and the draft preview, held against the truth tables' hand-written
// expectations (every case, both ports) and against the data path's engine (the same cases, then random
// clusters), without a cluster: the two share no code, so agreeing is evidence for both.
import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';
import { evaluateReachability, type EvalModel, type EvalPod } from '../../electron/cluster/network/policy/evaluator';
import { PolicyEngine } from '../../electron/cluster/network/policy/engine';
import { ALL_PODS, NAMESPACES, PODS, PORTS } from './reachability';
import { CASES, type Step } from './cases';

const ipOf = (pod: string) => `10.244.${NAMESPACES.indexOf(pod.split('/')[0])}.${PODS.indexOf(pod.split('/')[1]) + 10}`;

function podObject(ns: string, name: string, labels: Record<string, string>, ip: string, ports: { name: string; port: number }[]): Pod {
  return {
    metadata: { namespace: ns, name, labels },
    spec: { containers: [{ name: 'c', ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })) }] },
    status: { phase: 'Running', podIP: ip, hostIP: '172.18.0.2' },
  };
}

/** the x/y/z model after a case's steps, as both the evaluator and the engine take it */
class Model {
  policies = new Map<string, NetworkPolicy>();
  podLabels = new Map(ALL_PODS.map((p) => [p, { pod: p.split('/')[1] } as Record<string, string>]));
  nsLabels = new Map(NAMESPACES.map((n) => [n, { ns: n, 'kubernetes.io/metadata.name': n } as Record<string, string>]));

  run(step: Step) {
    const relabel = (have: Record<string, string>, want: Record<string, string | null>) => {
      for (const [k, v] of Object.entries(want))
        if (v === null) delete have[k];
        else have[k] = v;
    };
    if ('apply' in step) for (const p of step.apply) this.policies.set(`${p.metadata!.namespace}/${p.metadata!.name}`, p);
    else if ('delete' in step) for (const id of step.delete) this.policies.delete(id);
    else if ('labelNamespace' in step) relabel(this.nsLabels.get(step.labelNamespace)!, step.labels);
    else relabel(this.podLabels.get(step.labelPod)!, step.labels);
  }

  pods(): EvalPod[] {
    return ALL_PODS.map((p) => ({
      namespace: p.split('/')[0],
      name: p.split('/')[1],
      labels: this.podLabels.get(p)!,
      ips: [ipOf(p)],
      namedPorts: new Map([80, 81].map((port) => [`serve-${port}-tcp`, [{ port, protocol: 'TCP' }]])),
    }));
  }

  evaluator(): EvalModel {
    return { pods: this.pods(), namespaceLabels: this.nsLabels, policies: [...this.policies.values()] };
  }

  engine(): PolicyEngine {
    const e = new PolicyEngine();
    for (const [n, l] of this.nsLabels) e.setNamespace(n, l);
    for (const p of this.pods())
      e.setPod(
        podObject(
          p.namespace,
          p.name,
          p.labels,
          p.ips[0],
          [...p.namedPorts].map(([name, l]) => ({ name, port: l[0].port })),
        ),
      );
    for (const p of this.policies.values()) e.setPolicy(p);
    return e;
  }
}

describe('evaluator against the truth tables', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const m = new Model();
      const ctx = { ip: ipOf };
      for (const step of c.steps(ctx)) m.run(step);
      const want = c.expect(ctx);
      const engine = m.engine();
      for (const port of PORTS) {
        const got = evaluateReachability(m.evaluator(), port);
        const wrong: string[] = [];
        ALL_PODS.forEach((f, i) =>
          ALL_PODS.forEach((t, j) => {
            if (f === t) return;
            if (!!got[i][j] !== want.get(f, t, port)) wrong.push(`evaluator ${f} -> ${t}:${port} ${got[i][j] ? 'allowed' : 'denied'}`);
            const v = engine.check({ srcIP: ipOf(f), dstIP: ipOf(t), dstPort: port, protocol: 'TCP' });
            if (v.allowed !== !!got[i][j]) wrong.push(`engine disagrees on ${f} -> ${t}:${port}: ${v.reason}`);
          }),
        );
        expect(wrong, want.render(port)).toEqual([]);
      }
    });
  }
});

describe('evaluator against the engine on random clusters', () => {
  // a small deterministic generator: failures replay with the seed printed in the test name
  const rng = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed / 0x7fffffff);
  const label = (r: () => number) => ({ app: ['a', 'b', 'c'][Math.floor(r() * 3)], ...(r() < 0.5 ? { tier: ['web', 'db'][Math.floor(r() * 2)] } : {}) });
  const selector = (r: () => number) =>
    r() < 0.3
      ? {}
      : r() < 0.6
        ? { matchLabels: { app: ['a', 'b', 'c'][Math.floor(r() * 3)] } }
        : { matchExpressions: [{ key: 'tier', operator: r() < 0.5 ? 'Exists' : 'NotIn', values: r() < 0.5 ? undefined : ['db'] }] };
  const peer = (r: () => number, ips: string[]): NetworkPolicyPeer => {
    const k = r();
    if (k < 0.25) return { podSelector: selector(r) };
    if (k < 0.45) return { namespaceSelector: { matchLabels: { team: r() < 0.5 ? 'red' : 'blue' } } };
    if (k < 0.7) return { namespaceSelector: {}, podSelector: selector(r) };
    const ip = ips[Math.floor(r() * ips.length)];
    return r() < 0.5 ? { ipBlock: { cidr: '10.0.0.0/8', except: [`${ip}/32`] } } : { ipBlock: { cidr: `${ip}/32` } };
  };
  const ports = (r: () => number): NetworkPolicyPort[] | undefined => {
    const k = r();
    if (k < 0.4) return undefined;
    if (k < 0.6) return [{ port: 80 }];
    if (k < 0.8) return [{ port: 'http' }];
    return [
      { port: 79, endPort: 8080 },
      { port: 81, protocol: 'UDP' },
    ];
  };
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`seed ${seed}`, () => {
      const r = rng(seed);
      const nss = ['n1', 'n2', 'n3'];
      const pods: Pod[] = Array.from({ length: 14 }, (_, i) =>
        podObject(nss[i % 3], `p${i}`, label(r), `10.1.${i % 3}.${i + 2}`, r() < 0.5 ? [{ name: 'http', port: 80 }] : [{ name: 'http', port: 8080 }]),
      );
      const ips = pods.map((p) => p.status!.podIP!);
      const policies: NetworkPolicy[] = Array.from({ length: 6 }, (_, i) => {
        const types = [['Ingress'], ['Egress'], ['Ingress', 'Egress'], undefined][Math.floor(r() * 4)];
        const rules = (n: number) => Array.from({ length: n }, () => ({ peers: r() < 0.2 ? undefined : [peer(r, ips), peer(r, ips)], ports: ports(r) }));
        return {
          metadata: { namespace: nss[i % 3], name: `np${i}` },
          spec: {
            podSelector: selector(r),
            policyTypes: types,
            ingress: rules(Math.floor(r() * 3)).map((x) => ({ from: x.peers, ports: x.ports })),
            egress: rules(Math.floor(r() * 3)).map((x) => ({ to: x.peers, ports: x.ports })),
          },
        };
      });
      const e = new PolicyEngine();
      const nsLabels = new Map(nss.map((n, i) => [n, { team: i % 2 ? 'red' : 'blue' }]));
      for (const [n, l] of nsLabels) e.setNamespace(n, l);
      for (const p of pods) e.setPod(p);
      for (const p of policies) e.setPolicy(p);
      const model = e.model();
      for (const port of [80, 81, 8080]) {
        const got = evaluateReachability({ ...model, namespaceLabels: nsLabels }, port);
        const wrong: string[] = [];
        model.pods.forEach((f, i) =>
          model.pods.forEach((t, j) => {
            if (i === j) return;
            const v = e.check({ srcIP: f.ips[0], dstIP: t.ips[0], dstPort: port, protocol: 'TCP' });
            if (v.allowed !== !!got[i][j]) wrong.push(`${f.name} -> ${t.name}:${port} evaluator ${got[i][j]}, engine: ${v.reason}`);
          }),
        );
        expect(wrong, JSON.stringify(policies)).toEqual([]);
      }
    });
  }
});
