// 1000 pods over 10 nodes should all be Ready within seconds. Opt-in (KUBELAB_PERF=1): it needs the whole machine.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';

const enabled = process.env.KUBELAB_PERF === '1';
let tc: TestCluster;

beforeAll(async () => {
  if (enabled) tc = await startTestCluster({ nodes: 10 });
}, 60_000);
afterAll(async () => {
  await tc?.stop();
});

it.skipIf(!enabled)(
  'brings 1000 pods on 10 nodes to Ready',
  async () => {
    const nodes = tc.cluster.nodes.names();
    const t0 = Date.now();
    const N = 1000;
    for (let i = 0; i < N; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, N - i) }, (_, j) =>
          tc.client.create(R.pods, 'default', {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `p${i + j}`, labels: { perf: 'x' } },
            spec: { nodeName: nodes[(i + j) % nodes.length], containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
          }),
        ),
      );
    }
    const created = Date.now() - t0;
    await waitFor(
      async () => {
        const l = await tc.client.list(R.pods, 'default', { labelSelector: 'perf=x' });
        return l.items.filter((p) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length === N;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'all Ready' },
    );
    const total = Date.now() - t0;
    console.log(`created ${N} pods in ${created} ms; all Ready after ${total} ms`);
    expect(total).toBeLessThan(30_000);
  },
  120_000,
);
