// Upstream's truth-table method (test/e2e/network/netpol, Cyclonus) against a real cluster: namespaces x, y, z with
// pods a, b, c serving TCP 80 and 81; each case writes its policies through the API, then every pod connects to
// every other pod on both ports through the cluster network, and the observed matrix must equal the case's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Duplex } from 'node:stream';
import { startTestCluster, waitFor, type TestCluster } from '../harness';
import { R } from '../../electron/cluster/client/resources';
import type { KObject } from '../../electron/cluster/api/types';
import { ALL_PODS, NAMESPACES, PODS, PORTS, Reachability } from './reachability';
import { CASES, type CaseContext, type Step } from './cases';

/** a dropped connection never answers; an allowed one connects at once in memory, so this only bounds the wait */
const PROBE_TIMEOUT_MS = 400;

let t: TestCluster;
const ips = new Map<string, string>();
const ctx: CaseContext = { ip: (p) => ips.get(p)! };

function agnhostPod(ns: string, name: string): KObject {
  const container = (port: number) => ({
    name: `cont-${port}-tcp`,
    image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
    args: ['serve-hostname', `--port=${port}`],
    ports: [{ name: `serve-${port}-tcp`, containerPort: port, protocol: 'TCP' }],
  });
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { pod: name } }, spec: { containers: [container(80), container(81)] } };
}

async function probe(from: string, to: string, port: number): Promise<'allowed' | 'denied' | string> {
  const src = ips.get(from)!;
  const net = t.cluster.nodes.network;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'denied'>((r) => {
    timer = setTimeout(() => r('denied'), PROBE_TIMEOUT_MS);
  });
  const attempt = net.connect({ podIP: src, namespace: from.split('/')[0] }, ips.get(to)!, port).then(
    (s: Duplex) => {
      s.destroy();
      return 'allowed' as const;
    },
    (e: NodeJS.ErrnoException) => (e.code === 'ETIMEDOUT' ? 'denied' : `error ${e.code}`),
  );
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function observe(): Promise<Reachability> {
  const r = new Reachability();
  const cells = ALL_PODS.flatMap((f) => ALL_PODS.filter((to) => to !== f).flatMap((to) => PORTS.map((port) => ({ f, to, port }))));
  const results = await Promise.all(cells.map(async (c) => ({ ...c, v: await probe(c.f, c.to, c.port) })));
  for (const c of results) {
    if (c.v !== 'allowed' && c.v !== 'denied') throw new Error(`probe ${c.f} -> ${c.to}:${c.port}: ${c.v}`);
    r.set(c.f, c.to, c.v === 'allowed', [c.port]);
  }
  return r;
}

const engine = () => t.cluster.networkPolicy;

async function runStep(step: Step): Promise<void> {
  if ('apply' in step) {
    for (const p of step.apply) {
      const ns = p.metadata!.namespace!,
        name = p.metadata!.name!;
      const existing = await t.client.get(R.networkpolicies, ns, name).catch(() => undefined);
      const saved = existing
        ? await t.client.update(R.networkpolicies, ns, { ...(p as KObject), metadata: { ...existing.metadata } })
        : await t.client.create(R.networkpolicies, ns, p as KObject);
      await waitFor(() => engine().policyResourceVersion(ns, name) === saved.metadata.resourceVersion, { what: `policy ${ns}/${name} enforced` });
    }
  } else if ('delete' in step) {
    for (const id of step.delete) {
      const [ns, name] = id.split('/');
      await t.client.delete(R.networkpolicies, ns, name);
      await waitFor(() => engine().policyResourceVersion(ns, name) === undefined, { what: `policy ${id} gone` });
    }
  } else if ('labelNamespace' in step) {
    await t.client.patch(R.namespaces, undefined, step.labelNamespace, 'merge', { metadata: { labels: step.labels } });
    await waitFor(() => labelsApplied(engine().namespaceLabels(step.labelNamespace), step.labels), { what: `namespace ${step.labelNamespace} relabelled` });
  } else {
    const [ns, name] = step.labelPod.split('/');
    await t.client.patch(R.pods, ns, name, 'merge', { metadata: { labels: step.labels } });
    await waitFor(() => labelsApplied(engine().podLabels(ns, name), step.labels), { what: `pod ${step.labelPod} relabelled` });
  }
}

const labelsApplied = (have: Record<string, string> | undefined, want: Record<string, string | null>) =>
  !!have && Object.entries(want).every(([k, v]) => (v === null ? !(k in have) : have[k] === v));

describe('NetworkPolicy truth tables (x/y/z × a/b/c, TCP 80 and 81)', () => {
  beforeAll(async () => {
    t = await startTestCluster({ nodes: 2 });
    for (const ns of NAMESPACES)
      await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ns } } });
    await Promise.all(NAMESPACES.flatMap((ns) => PODS.map((p) => t.client.create(R.pods, ns, agnhostPod(ns, p)))));
    await waitFor(
      async () => {
        const pods = (await Promise.all(NAMESPACES.map((ns) => t.client.list(R.pods, ns)))).flatMap((l) => l.items);
        const ready = pods.filter((p) => p.status?.phase === 'Running' && p.status?.podIP && engine().podLabels(p.metadata.namespace!, p.metadata.name!));
        for (const p of ready) ips.set(`${p.metadata.namespace}/${p.metadata.name}`, p.status!.podIP);
        return ready.length === ALL_PODS.length;
      },
      { timeoutMs: 90_000, what: 'the 9 model pods running' },
    );
    // the servers listen once their containers run: wait until every pod answers on both ports
    await waitFor(async () => (await observe()).diff(new Reachability()).length === 0, { timeoutMs: 30_000, what: 'all servers answering' });
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('has the cases the issue asks for', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      for (const ns of NAMESPACES) await t.client.deleteCollection(R.networkpolicies, ns);
      await waitFor(() => engine().policyCount() === 0, { what: 'no policies left from the previous case' });
      for (const step of c.steps(ctx)) await runStep(step);
      const want = c.expect(ctx);
      const got = await observe();
      try {
        const diff = want.diff(got);
        expect(diff, `expected\n${want.render(80)}\n\n${want.render(81)}\nobserved\n${got.render(80)}\n\n${got.render(81)}`).toEqual([]);
        for (const f of c.filter ?? []) {
          const v = engine().check({ srcIP: ips.get(f.from)!, dstIP: ips.get(f.to)!, dstPort: f.port, protocol: f.protocol });
          expect(v.allowed, `${f.from} -> ${f.to}:${f.port}/${f.protocol}: ${v.reason}`).toBe(f.allowed);
        }
      } finally {
        for (const step of c.cleanup ?? []) await runStep(step);
      }
    });
  }
});
