import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';

let tc: TestCluster;
let kubelet: FakeKubelet;
let workers: string[] = [];
let controlPlane = '';
const ns = 'ds-test';

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 3 });
  kubelet = await startFakeKubelet(tc.client);
  await tc.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const nodes = (await tc.client.list(R.nodes)).items;
  workers = nodes
    .filter((n) => !('node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {})))
    .map((n) => n.metadata.name!)
    .sort();
  controlPlane = nodes.find((n) => 'node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {}))!.metadata.name!;
}, 60_000);
afterAll(async () => {
  kubelet?.stop();
  await tc?.stop();
});

function ds(name: string, spec: Record<string, unknown> = {}, image = 'busybox'): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image, command: ['sleep', '3600'] }], ...spec } },
    },
  };
}
const getDs = (name: string) => tc.client.get(R.daemonsets, ns, name);
const podsOf = async (app: string) => (await tc.client.list(R.pods, ns, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
const nodesOf = async (app: string) => (await podsOf(app)).map((p) => p.spec.nodeName).sort();

describe('DaemonSet controller', () => {
  it('runs one pod per worker (the tainted control plane is skipped) and reports status', async () => {
    expect(workers.length).toBe(2);
    await tc.client.create(R.daemonsets, ns, ds('agent'));
    await waitFor(async () => (await getDs('agent')).status?.numberReady === workers.length, { what: 'numberReady == workers' });
    expect(await nodesOf('agent')).toEqual(workers);
    const st = (await getDs('agent')).status;
    expect(st).toMatchObject({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 2,
      numberAvailable: 2,
      updatedNumberScheduled: 2,
      numberMisscheduled: 0,
      observedGeneration: 1,
    });
    const [p] = await podsOf('agent');
    expect(p.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(p.metadata.ownerReferences![0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true, blockOwnerDeletion: true });
    expect(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] },
    ]);
    const tolKeys = p.spec.tolerations.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`);
    expect(tolKeys).toEqual(
      expect.arrayContaining([
        'node.kubernetes.io/not-ready:NoExecute',
        'node.kubernetes.io/unreachable:NoExecute',
        'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/memory-pressure:NoSchedule',
        'node.kubernetes.io/pid-pressure:NoSchedule',
        'node.kubernetes.io/unschedulable:NoSchedule',
      ]),
    );
    expect(tolKeys).not.toContain('node.kubernetes.io/network-unavailable:NoSchedule');
    expect(p.metadata.labels!['controller-revision-hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(p.metadata.labels!['pod-template-generation']).toBe('1');
    const revs = (await tc.client.list(R.controllerrevisions, ns)).items.filter((r) => r.metadata.ownerReferences?.[0]?.name === 'agent');
    expect(revs).toHaveLength(1);
    expect(revs[0].metadata.name).toBe(`agent-${p.metadata.labels!['controller-revision-hash']}`);
  });

  it('a control-plane toleration adds a pod there too', async () => {
    await tc.client.create(
      R.daemonsets,
      ns,
      ds('everywhere', { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }),
    );
    await waitFor(async () => (await getDs('everywhere')).status?.numberReady === 3, { what: '3 ready' });
    expect(await nodesOf('everywhere')).toEqual([controlPlane, ...workers].sort());
  });

  it('follows node labels: a node that stops matching the nodeSelector loses its pod', async () => {
    const [w1, w2] = workers;
    await tc.client.patch(R.nodes, undefined, w1, 'merge', { metadata: { labels: { disk: 'ssd' } } });
    await tc.client.create(R.daemonsets, ns, ds('ssd', { nodeSelector: { disk: 'ssd' } }));
    await waitFor(async () => (await getDs('ssd')).status?.numberReady === 1, { what: 'one on ssd node' });
    expect(await nodesOf('ssd')).toEqual([w1]);
    await tc.client.patch(R.nodes, undefined, w2, 'merge', { metadata: { labels: { disk: 'ssd' } } });
    await waitFor(async () => (await nodesOf('ssd')).length === 2, { what: 'second node added' });
    await tc.client.patch(R.nodes, undefined, w1, 'merge', { metadata: { labels: { disk: null } } });
    await waitFor(async () => JSON.stringify(await nodesOf('ssd')) === JSON.stringify([w2]), { what: 'pod removed from w1' });
    await waitFor(async () => (await getDs('ssd')).status?.desiredNumberScheduled === 1, { what: 'desired 1' });
  });

  it('rolling update replaces pods node by node and records a second revision', async () => {
    const before = (await podsOf('agent')).map((p) => p.metadata.uid);
    await tc.client.patch(R.daemonsets, ns, 'agent', 'merge', {
      spec: { template: { spec: { containers: [{ name: 'a', image: 'busybox:1.36', command: ['sleep', '3600'] }] } } },
    });
    await waitFor(
      async () => {
        const s = await getDs('agent');
        return s.status.observedGeneration === 2 && s.status.updatedNumberScheduled === 2 && s.status.numberReady === 2;
      },
      { what: 'updated' },
    );
    const pods = await podsOf('agent');
    expect(pods.every((p) => p.spec.containers[0].image === 'busybox:1.36' && !before.includes(p.metadata.uid))).toBe(true);
    const revs = (await tc.client.list(R.controllerrevisions, ns)).items.filter((r) => r.metadata.ownerReferences?.[0]?.name === 'agent');
    expect(revs.map((r) => r.revision).sort()).toEqual([1, 2]);
  });
});
