import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';

let tc: TestCluster;
let kubelet: FakeKubelet;
const ns = 'rs-test';

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 2 });
  kubelet = await startFakeKubelet(tc.client);
  await tc.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
}, 60_000);
afterAll(async () => {
  kubelet?.stop();
  await tc?.stop();
});

const rsObj = (name: string, replicas: number, labels: Record<string, string>): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});
const podsWith = async (sel: string) => (await tc.client.list(R.pods, ns, { labelSelector: sel })).items.filter((p) => !p.metadata.deletionTimestamp);
const getRs = (name: string) => tc.client.get(R.replicasets, ns, name);

describe('ReplicaSet controller', () => {
  it('creates owned pods named <rs>-xxxxx and reports ready/available replicas', async () => {
    const rs = await tc.client.create(R.replicasets, ns, rsObj('fe', 3, { app: 'fe' }));
    await waitFor(async () => (await getRs('fe')).status?.availableReplicas === 3, { what: 'fe available 3' });
    const pods = await podsWith('app=fe');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^fe-[a-z0-9]{5}$/);
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'fe', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    const st = (await getRs('fe')).status;
    expect(st).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    const events = (await tc.client.list(R.events, ns)).items.filter((e) => e.involvedObject?.name === 'fe');
    await waitFor(
      async () => (await tc.client.list(R.events, ns)).items.filter((e) => e.reason === 'SuccessfulCreate' && e.involvedObject?.name === 'fe').length === 3,
      { what: 'create events' },
    );
    void events;
    const ev = (await tc.client.list(R.events, ns)).items.find((e) => e.reason === 'SuccessfulCreate' && e.involvedObject?.name === 'fe')!;
    expect(ev.message).toMatch(/^Created pod: fe-[a-z0-9]{5}$/);
    expect(ev.involvedObject.kind).toBe('ReplicaSet');
  });

  it('scales down, deleting not-ready pods first, and scales back up', async () => {
    kubelet.hold = (p) => p.metadata.labels?.app === 'fe' && p.metadata.labels?.slow === 'yes';
    // the real kubelets run these pods too, so the slow pod is made un-ready by a failing readiness probe, not only by the fake kubelet
    await tc.client.patch(R.replicasets, ns, 'fe', 'merge', {
      spec: {
        replicas: 4,
        template: {
          metadata: { labels: { app: 'fe', slow: 'yes' } },
          spec: { containers: [{ name: 'c', image: 'nginx', readinessProbe: { exec: { command: ['sh', '-c', 'exit 1'] }, periodSeconds: 1 } }] },
        },
      },
    });
    await waitFor(async () => (await podsWith('app=fe')).length === 4, { what: '4 pods' });
    const slow = await podsWith('app=fe,slow=yes');
    expect(slow).toHaveLength(1);
    await tc.client.patch(R.replicasets, ns, 'fe', 'merge', { spec: { replicas: 3 } });
    await waitFor(async () => (await podsWith('app=fe')).length === 3, { what: 'back to 3' });
    // the un-ready pod went first
    expect(await podsWith('app=fe,slow=yes')).toHaveLength(0);
    await tc.client.patch(R.replicasets, ns, 'fe', 'merge', { spec: { replicas: 0 } });
    await waitFor(async () => (await podsWith('app=fe')).length === 0, { what: 'none' });
    await waitFor(async () => (await getRs('fe')).status?.replicas === 0, { what: 'status 0' });
    kubelet.hold = () => false;
  });

  it('adopts matching orphans, releases pods whose labels stop matching and replaces them', async () => {
    await tc.client.create(R.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphan', labels: { app: 'be' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    const rs = await tc.client.create(R.replicasets, ns, rsObj('be', 2, { app: 'be' }));
    await waitFor(async () => (await getRs('be')).status?.replicas === 2, { what: 'be 2' });
    const orphan = await tc.client.get(R.pods, ns, 'orphan');
    expect(orphan.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: 'be', uid: rs.metadata.uid, controller: true });
    expect(await podsWith('app=be')).toHaveLength(2);
    // relabel: released, and a replacement is created
    await tc.client.patch(R.pods, ns, 'orphan', 'merge', { metadata: { labels: { app: 'other' } } });
    await waitFor(async () => !(await tc.client.get(R.pods, ns, 'orphan')).metadata.ownerReferences?.length, { what: 'released' });
    await waitFor(async () => (await podsWith('app=be')).length === 2, { what: 'replacement' });
  });

  it('replaces a deleted pod (self-healing)', async () => {
    const [victim] = await podsWith('app=be');
    await tc.client.delete(R.pods, ns, victim.metadata.name!);
    await waitFor(
      async () => {
        const p = await podsWith('app=be');
        return p.length === 2 && !p.some((x) => x.metadata.name === victim.metadata.name);
      },
      { what: 'replaced' },
    );
  });
});
