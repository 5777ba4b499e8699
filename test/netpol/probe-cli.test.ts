// `kubelab netpol probe` against a real cluster: real connections from each pod, printed as Cyclonus does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../harness';
import { R } from '../../electron/cluster/client/resources';
import { runNetpol } from '../../electron/cli/netpol';

let t: TestCluster;
const NS = 'probe';
beforeAll(async () => {
  t = await startTestCluster({ nodes: 2 });
  await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (const name of ['a', 'b', 'c']) {
    await t.client.create(R.pods, NS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: name } },
      spec: { containers: [{ name: 'c', image: 'busybox', command: ['httpd', '-f', '-p', '80'] }] },
    });
  }
  await waitFor(async () => (await t.client.list(R.pods, NS)).items.filter((p) => p.status?.phase === 'Running' && p.status.podIP).length === 3, {
    timeoutMs: 60_000,
    what: 'three pods running',
  });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

describe('kubelab netpol probe', () => {
  it('prints the matrix of real connections: rows from, columns to', async () => {
    await t.client.create(R.networkpolicies, NS, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'a-from-b' },
      spec: { podSelector: { matchLabels: { app: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b' } } }] }] },
    });
    await waitFor(() => t.cluster.networkPolicy.policyResourceVersion(NS, 'a-from-b') !== undefined, { what: 'the policy enforced' });
    let text = '';
    expect(await runNetpol(['probe', '-n', NS, '--kubeconfig', t.kubeconfig], (s) => (text += s))).toBe(0);
    expect(text.split('\n').map((l) => l.replace(/ +/g, ' ').trim())).toEqual([
      '80/TCP probe/a probe/b probe/c',
      'probe/a . . .',
      'probe/b . . .',
      'probe/c X . .',
      '',
    ]);
  });

  it('rejects a bad port before touching the cluster', async () => {
    expect(await runNetpol(['probe', '--port', 'http', '--kubeconfig', t.kubeconfig], () => undefined)).toBe(1);
  });
});
