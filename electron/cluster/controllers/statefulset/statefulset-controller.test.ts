import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';

let tc: TestCluster;
let kubelet: FakeKubelet;
const ns = 'sts-test';

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 2 });
  kubelet = await startFakeKubelet(tc.client);
  await tc.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
}, 60_000);
afterAll(async () => {
  kubelet?.stop();
  await tc?.stop();
});

function sts(name: string, replicas: number, extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      serviceName: name,
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
      ...extra,
    },
  };
}
const getSts = (name: string) => tc.client.get(R.statefulsets, ns, name);
const pod = (name: string) => tc.client.get(R.pods, ns, name);
const ready = (p: KObject) => p.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');

describe('StatefulSet controller', () => {
  it('creates ordinal pods one at a time, each after the previous is Ready, with stable identity', async () => {
    // web-1 must not exist while web-0 is held un-ready
    kubelet.hold = (p) => p.metadata.name === 'web-0';
    await tc.client.create(
      R.statefulsets,
      ns,
      sts('web', 3, {
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }),
    );
    await waitFor(() => pod('web-0'), { what: 'web-0' });
    await waitFor(async () => (await getSts('web')).status?.replicas === 1, { what: 'status 1' });
    await expect(pod('web-1')).rejects.toThrow();
    kubelet.hold = () => false;
    await kubelet.resync();
    await waitFor(async () => (await getSts('web')).status?.readyReplicas === 3, { what: '3 ready' });

    const p0 = await pod('web-0'),
      p1 = await pod('web-1'),
      p2 = await pod('web-2');
    expect(Date.parse(p0.metadata.creationTimestamp!)).toBeLessThanOrEqual(Date.parse(p1.metadata.creationTimestamp!));
    expect(Date.parse(p1.metadata.creationTimestamp!)).toBeLessThanOrEqual(Date.parse(p2.metadata.creationTimestamp!));
    const st = (await getSts('web')).status;
    expect(p1.spec.hostname).toBe('web-1');
    expect(p1.spec.subdomain).toBe('web');
    expect(p1.metadata.labels).toMatchObject({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
      'controller-revision-hash': st.updateRevision,
    });
    expect(p1.spec.volumes.find((v: { name: string }) => v.name === 'www')).toEqual({ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } });
    const pvc = await tc.client.get(R.persistentvolumeclaims, ns, 'www-web-1');
    expect(pvc.metadata.labels).toMatchObject({ app: 'web' });
    expect(st).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(st.currentRevision).toBe(st.updateRevision);
    expect(st.updateRevision).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const rev = await tc.client.get(R.controllerrevisions, ns, st.updateRevision);
    expect(rev.revision).toBe(1);
    expect(rev.metadata.ownerReferences![0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
    const events = (await tc.client.list(R.events, ns)).items.map((e) => e.message);
    await waitFor(async () => (await tc.client.list(R.events, ns)).items.some((e) => e.message === 'create Pod web-0 in StatefulSet web successful'), {
      what: 'event',
    });
    void events;
  });

  it('recreates a deleted pod with the same name and hostname', async () => {
    const old = await pod('web-1');
    await tc.client.delete(R.pods, ns, 'web-1');
    await waitFor(
      async () => {
        const p = await pod('web-1');
        return p.metadata.uid !== old.metadata.uid && ready(p);
      },
      { what: 'web-1 back' },
    );
    expect((await pod('web-1')).spec.hostname).toBe('web-1');
  });

  it('scales down from the highest ordinal', async () => {
    await tc.client.patch(R.statefulsets, ns, 'web', 'merge', { spec: { replicas: 2 } });
    await waitFor(async () => (await tc.client.list(R.pods, ns, { labelSelector: 'app=web' })).items.length === 2, { what: '2 pods' });
    await expect(pod('web-2')).rejects.toThrow();
    await pod('web-1');
  });

  it('partitioned rolling update only replaces ordinals >= partition, highest first', async () => {
    await tc.client.patch(R.statefulsets, ns, 'web', 'merge', { spec: { replicas: 3 } });
    await waitFor(async () => (await getSts('web')).status?.readyReplicas === 3, { what: 'back to 3' });
    const before = (await getSts('web')).status;
    await tc.client.patch(R.statefulsets, ns, 'web', 'merge', {
      spec: {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
        template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } },
      },
    });
    // wait for a status computed after the template change (observedGeneration and a new update revision), not a stale one
    await waitFor(
      async () => {
        const o = await getSts('web');
        const s = o.status;
        return s.observedGeneration === o.metadata.generation && s.updateRevision !== before.updateRevision && s.updatedReplicas === 2 && s.readyReplicas === 3;
      },
      { what: 'partitioned update' },
    );
    const st = (await getSts('web')).status;
    expect(st.updateRevision).not.toBe(before.updateRevision);
    expect(st.currentRevision).toBe(before.currentRevision);
    expect((await pod('web-0')).spec.containers[0].image).toBe('nginx:1.25');
    expect((await pod('web-1')).spec.containers[0].image).toBe('nginx:1.26');
    expect((await pod('web-2')).spec.containers[0].image).toBe('nginx:1.26');
    expect((await pod('web-2')).metadata.creationTimestamp! <= (await pod('web-1')).metadata.creationTimestamp!).toBe(true);
    expect((await tc.client.get(R.controllerrevisions, ns, st.updateRevision)).revision).toBe(2);
    if (kubectlPath()) {
      const r = await tc.kubectl(['-n', ns, 'rollout', 'status', 'sts/web', '--timeout=20s']);
      expect(r.stdout).toContain('partitioned roll out complete: 2 new pods have been updated...');
    } else console.log('skipping kubectl rollout status: kubectl not found (set KUBECTL)');
    // lifting the partition completes the update and the update revision becomes current
    await tc.client.patch(R.statefulsets, ns, 'web', 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await waitFor(
      async () => {
        const s = (await getSts('web')).status;
        return s.currentRevision === s.updateRevision && s.updatedReplicas === 3 && s.readyReplicas === 3;
      },
      { what: 'complete' },
    );
    expect((await pod('web-0')).spec.containers[0].image).toBe('nginx:1.26');
  });

  it('Parallel creates all pods without waiting', async () => {
    kubelet.hold = (p) => p.metadata.labels?.app === 'par';
    await tc.client.create(R.statefulsets, ns, sts('par', 3, { podManagementPolicy: 'Parallel' }));
    await waitFor(async () => (await tc.client.list(R.pods, ns, { labelSelector: 'app=par' })).items.length === 3, { what: '3 parallel pods' });
    kubelet.hold = () => false;
  });

  it('OnDelete only replaces pods that are deleted', async () => {
    await tc.client.create(R.statefulsets, ns, sts('od', 2, { updateStrategy: { type: 'OnDelete' } }));
    await waitFor(async () => (await getSts('od')).status?.readyReplicas === 2, { what: 'od ready' });
    await tc.client.patch(R.statefulsets, ns, 'od', 'merge', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } } });
    await waitFor(
      async () => {
        const s = await getSts('od');
        return s.status.observedGeneration === s.metadata.generation && s.status.updateRevision !== s.status.currentRevision;
      },
      { what: 'observed' },
    );
    expect((await pod('od-1')).spec.containers[0].image).toBe('nginx:1.25');
    await tc.client.delete(R.pods, ns, 'od-1');
    await waitFor(
      async () => {
        const p = await pod('od-1');
        return p.spec.containers[0].image === 'nginx:1.26' && ready(p);
      },
      { what: 'od-1 updated' },
    );
    expect((await pod('od-0')).spec.containers[0].image).toBe('nginx:1.25');
  });
});
