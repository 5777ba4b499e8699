import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';
import { desiredTaints, evictionDelaySeconds } from './taints';

const NODE = 'fake-lifecycle-node';
let tc: TestCluster;
let kubelet: FakeKubelet;

const pod = (name: string, tolerations?: unknown[]): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: NODE, containers: [{ name: 'c', image: 'nginx' }], ...(tolerations ? { tolerations } : {}) },
});
const getNode = () => tc.client.get(R.nodes, undefined, NODE);
const exists = async (name: string) => (await tc.client.list(R.pods, 'default')).items.some((p) => p.metadata.name === name && !p.metadata.deletionTimestamp);

beforeAll(async () => {
  process.env.KUBELAB_NODE_GRACE_MS = '1500';
  tc = await startTestCluster({ nodes: 1 });
  kubelet = await startFakeKubelet(tc.client, { nodeName: NODE, leaseRenewMs: 200 });
}, 60_000);
afterAll(async () => {
  kubelet?.stop();
  await tc?.stop();
});

describe('taint helpers', () => {
  it('derives taints from conditions and cordon', () => {
    const node: KObject = {
      metadata: { name: 'n' },
      spec: { unschedulable: true, taints: [{ key: 'custom', effect: 'NoSchedule' }] },
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    };
    expect(desiredTaints(node, 'T')).toEqual([
      { key: 'custom', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: 'T' },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    ]);
  });
  it('computes the eviction delay from tolerations', () => {
    const taint = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }];
    expect(evictionDelaySeconds([], taint)).toBe(0);
    expect(evictionDelaySeconds([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], taint)).toBe(300);
    expect(evictionDelaySeconds([{ operator: 'Exists' }], taint)).toBe(Infinity);
    expect(evictionDelaySeconds([{ key: 'other', operator: 'Exists' }], taint)).toBe(0);
  });
});

describe('node lifecycle and taint eviction', () => {
  it('mirrors spec.unschedulable as the unschedulable taint', async () => {
    await tc.client.patch(R.nodes, undefined, NODE, 'merge', { spec: { unschedulable: true } });
    await waitFor(async () => (await getNode()).spec.taints?.some((t: any) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'));
    await tc.client.patch(R.nodes, undefined, NODE, 'merge', { spec: { unschedulable: false } });
    await waitFor(async () => !(await getNode()).spec.taints?.some((t: any) => t.key === 'node.kubernetes.io/unschedulable'));
  });

  it('evicts pods that do not tolerate a NoExecute taint, marking them DisruptionTarget', async () => {
    await tc.client.create(R.pods, 'default', pod('victim'));
    await tc.client.create(R.pods, 'default', pod('tolerant', [{ key: 'example.com/drain', operator: 'Exists', effect: 'NoExecute' }]));
    await waitFor(async () => (await tc.client.get(R.pods, 'default', 'victim')).status?.phase === 'Running');
    const w: KObject[] = [];
    const h = tc.client.watch(R.pods, 'default', {}, (ev) => {
      if (ev.object.metadata.name === 'victim') w.push(ev.object);
    });
    const n = await getNode();
    await tc.client.update(R.nodes, undefined, {
      ...n,
      spec: { ...n.spec, taints: [...(n.spec.taints ?? []), { key: 'example.com/drain', effect: 'NoExecute' }] },
    });
    await waitFor(async () => !(await exists('victim')), { what: 'victim evicted' });
    // watch events arrive asynchronously: wait for the marked version rather than assert on what came so far
    await waitFor(
      () =>
        w.some((p) =>
          p.status?.conditions?.some(
            (c: any) =>
              c.type === 'DisruptionTarget' && c.reason === 'DeletionByTaintManager' && c.message === 'Taint manager: deleting due to NoExecute taint',
          ),
        ),
      { what: 'DisruptionTarget' },
    );
    h.stop();
    const ev = (await tc.client.list(R.events, 'default')).items.find((e) => e.reason === 'TaintManagerEviction' && e.involvedObject?.name === 'victim');
    expect(ev?.message).toBe('Marking for deletion Pod default/victim');
    expect(await exists('tolerant')).toBe(true);
    const cur = await getNode();
    await tc.client.update(R.nodes, undefined, {
      ...cur,
      spec: { ...cur.spec, taints: (cur.spec.taints ?? []).filter((t: any) => t.key !== 'example.com/drain') },
    });
  }, 20_000);

  it('marks a node whose lease expires Unknown + unreachable, evicts after tolerationSeconds, and recovers', async () => {
    await tc.client.create(
      R.pods,
      'default',
      pod('short', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }]),
    );
    await tc.client.create(R.pods, 'default', pod('forever', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]));
    await waitFor(async () => (await tc.client.get(R.pods, 'default', 'short')).status?.phase === 'Running');
    kubelet.stopHeartbeat();
    const node = (await waitFor(
      async () => {
        const x = await getNode();
        return x.spec.taints?.some((t: any) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? x : undefined;
      },
      { timeoutMs: 10_000, what: 'unreachable taint' },
    ))!;
    const ready = node.status.conditions.find((c: any) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure'])
      expect(node.status.conditions.find((c: any) => c.type === type).status).toBe('Unknown');
    const noExec = node.spec.taints.find((t: any) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute');
    expect(noExec.timeAdded).toMatch(/Z$/);
    expect(node.spec.taints).toContainEqual({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' });
    // pods on the node are no longer Ready
    await waitFor(async () => (await tc.client.get(R.pods, 'default', 'forever')).status.conditions.find((c: any) => c.type === 'Ready').status === 'False');
    // tolerationSeconds 1 → evicted about a second after the taint; the unbounded toleration keeps its pod
    await waitFor(async () => !(await exists('short')), { timeoutMs: 8_000, what: 'short evicted' });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(noExec.timeAdded) + 1000);
    expect(await exists('forever')).toBe(true);

    await kubelet.startHeartbeat();
    await waitFor(
      async () => {
        const x = await getNode();
        return !x.spec.taints?.some((t: any) => t.key.startsWith('node.kubernetes.io/'));
      },
      { timeoutMs: 10_000, what: 'taints removed' },
    );
  }, 30_000);
});
