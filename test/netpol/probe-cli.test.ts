// `kubelab netpol probe` against a real cluster: real connections from each pod, printed as Cyclonus does; then
// the verdicts those connections left in the CNI's policy log, read through `kubelab node shell`.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../harness';
import { R } from '../../electron/cluster/client/resources';
import { runNetpol } from '../../electron/cli/netpol';
import { runNode } from '../../electron/cli/node';

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

describe('the CNI policy log in the node shell', () => {
  /** `kubelab node shell NODE -- cmd...`, its stdout */
  async function nodeShell(node: string, ...cmd: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      const code = await runNode(['shell', node, '--kubeconfig', t.kubeconfig, '--', ...cmd]);
      return { code, out };
    } finally {
      spy.mockRestore();
    }
  }

  it("shows the probe's verdicts for probe/a on probe/a's node: allow from b, deny from c, with the policy", async () => {
    const pods = (await t.client.list(R.pods, NS)).items;
    const at = (name: string) => pods.find((p) => p.metadata.name === name)!;
    const a = at('a');
    const log = await nodeShell(a.spec!.nodeName!, 'cat', '/var/log/kubelab-cni/policy.log');
    expect(log.code).toBe(0);
    const lines = log.out.split('\n');
    const line = (from: string) =>
      lines.find((l) => l.includes(`src=${at(from).status!.podIP}(probe/${from}) dst=${a.status!.podIP}(probe/a) proto=TCP dport=80`));
    expect(line('b')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z ALLOW ingress .* policy=probe\/a-from-b rule 1$/);
    expect(line('c')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z DENY ingress .* policy=probe\/a-from-b \(isolated, no rule admits\)$/);
    // the directory lists the file, as any log folder on a node would
    expect((await nodeShell(a.spec!.nodeName!, 'ls', '/var/log/kubelab-cni')).out.trim()).toBe('policy.log');
  });
});
