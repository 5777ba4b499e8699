import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';

let tc: TestCluster;
let kubelet: FakeKubelet;
const ns = 'deploy-test';
const HASH = /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/;

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 2 });
  kubelet = await startFakeKubelet(tc.client);
  await tc.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
}, 60_000);
afterAll(async () => {
  kubelet?.stop();
  await tc?.stop();
});

function deployment(name: string, replicas: number, image: string, strategy?: unknown): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      ...(strategy ? { strategy } : {}),
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image }] } },
    },
  };
}
const getD = (name: string) => tc.client.get(R.deployments, ns, name);
const rsOf = async (name: string) => (await tc.client.list(R.replicasets, ns, { labelSelector: `app=${name}` })).items;
const rolledOut = (name: string) => async () => {
  const d = await getD(name);
  const st = d.status ?? {};
  return (
    st.observedGeneration === d.metadata.generation &&
    st.updatedReplicas === d.spec.replicas &&
    st.replicas === d.spec.replicas &&
    st.availableReplicas === d.spec.replicas
  );
};

/** watches the pods of an app and records, after every change, how many are live and how many of those ready */
async function podCounter(app: string) {
  const pods = new Map<string, KObject>();
  const samples: { live: number; ready: number; images: Set<string>; names: string[] }[] = [];
  const list = await tc.client.list(R.pods, ns, { labelSelector: `app=${app}` });
  for (const p of list.items) pods.set(p.metadata.name!, p);
  const h = tc.client.watch(R.pods, ns, { labelSelector: `app=${app}`, resourceVersion: list.metadata.resourceVersion }, (ev) => {
    if (ev.type === 'DELETED') pods.delete(ev.object.metadata.name!);
    else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') pods.set(ev.object.metadata.name!, ev.object);
    else return;
    const live = [...pods.values()].filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter((p) => p.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'));
    samples.push({
      live: live.length,
      ready: ready.length,
      images: new Set([...pods.values()].map((p) => p.spec.containers[0].image)),
      names: [...pods.values()].map((p) => `${p.metadata.name}:${p.spec.containers[0].image}:${p.metadata.deletionTimestamp ? 'T' : ''}`),
    });
  });
  return { samples, stop: () => h.stop() };
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet <deploy>-<pod-template-hash> with revision annotations and rolls out', async () => {
    const d = await tc.client.create(R.deployments, ns, deployment('web', 3, 'nginx:1.25'));
    await waitFor(rolledOut('web'), { what: 'web rolled out' });
    const [rs] = await rsOf('web');
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(hash).toMatch(HASH);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.template.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(rs.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    const cur = await getD('web');
    expect(cur.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
    await waitFor(
      async () => (await getD('web')).status?.conditions?.find((c: { type: string }) => c.type === 'Progressing')?.reason === 'NewReplicaSetAvailable',
      { what: 'NewReplicaSetAvailable' },
    );
    const conds = (await getD('web')).status.conditions;
    expect(conds.find((c: { type: string }) => c.type === 'Progressing')).toMatchObject({
      status: 'True',
      message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
    });
    expect(conds.find((c: { type: string }) => c.type === 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    await waitFor(
      async () =>
        (await tc.client.list(R.events, ns)).items.some(
          (e) => e.involvedObject.name === 'web' && e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set ${rs.metadata.name} from 0 to 3`,
        ),
      { what: 'scaling event' },
    );
    for (const p of (await tc.client.list(R.pods, ns, { labelSelector: 'app=web' })).items) expect(p.metadata.labels!['pod-template-hash']).toBe(hash);
  });

  it('rolls out a template change within maxSurge/maxUnavailable and keeps history', async () => {
    await tc.client.create(
      R.deployments,
      ns,
      deployment('roll', 4, 'nginx:1.25', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }),
    );
    await waitFor(rolledOut('roll'), { what: 'roll rolled out' });
    const counter = await podCounter('roll');
    await tc.client.patch(R.deployments, ns, 'roll', 'merge', {
      metadata: { annotations: { 'kubernetes.io/change-cause': 'image 1.26' } },
      spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } },
    });
    await waitFor(async () => (await rolledOut('roll')()) && (await rsOf('roll')).length === 2, { what: 'second rollout' });
    await waitFor(
      async () => (await tc.client.list(R.pods, ns, { labelSelector: 'app=roll' })).items.every((p) => p.spec.containers[0].image === 'nginx:1.26'),
      { what: 'old pods gone' },
    );
    counter.stop();
    if (process.env.DBG) for (const x of counter.samples) console.log(x.live, x.ready, x.names.join(' '));
    expect(Math.max(...counter.samples.map((s) => s.live))).toBeLessThanOrEqual(5);
    expect(Math.min(...counter.samples.map((s) => s.ready))).toBeGreaterThanOrEqual(3);
    expect(counter.samples.some((s) => s.images.size === 2)).toBe(true);
    const rss = await rsOf('roll');
    const newRs = rss.find((r) => r.spec.replicas === 4)!;
    const oldRs = rss.find((r) => r.spec.replicas === 0)!;
    expect(newRs.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(newRs.metadata.annotations!['kubernetes.io/change-cause']).toBe('image 1.26');
    expect(oldRs.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
    expect((await getD('roll')).metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('kubectl rollout status / history / undo: undo reuses the old ReplicaSet as revision 3', async (t) => {
    if (!kubectlPath()) {
      console.log('skipping: kubectl not found (set KUBECTL)');
      t.skip();
      return;
    }
    let r = await tc.kubectl(['-n', ns, 'rollout', 'status', 'deploy/roll', '--timeout=30s']);
    expect(r.stdout).toContain('deployment "roll" successfully rolled out');
    r = await tc.kubectl(['-n', ns, 'rollout', 'history', 'deploy/roll']);
    expect(r.stdout).toMatch(/REVISION\s+CHANGE-CAUSE/);
    expect(r.stdout).toMatch(/\n2\s+image 1\.26/);
    const firstRs = (await rsOf('roll')).find((x) => x.metadata.annotations!['deployment.kubernetes.io/revision'] === '1')!;
    r = await tc.kubectl(['-n', ns, 'rollout', 'undo', 'deploy/roll']);
    expect(r.code, r.stderr).toBe(0);
    r = await tc.kubectl(['-n', ns, 'rollout', 'status', 'deploy/roll', '--timeout=60s']);
    expect(r.stdout).toContain('successfully rolled out');
    await waitFor(async () => (await getD('roll')).metadata.annotations!['deployment.kubernetes.io/revision'] === '3', { what: 'revision 3' });
    const d = await getD('roll');
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.25');
    const rss = await rsOf('roll');
    expect(rss).toHaveLength(2);
    const reused = rss.find((x) => x.metadata.uid === firstRs.metadata.uid)!;
    expect(reused.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    expect(reused.metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(reused.spec.replicas).toBe(4);
  });

  it('pause stops rollouts (DeploymentPaused) and resume continues them', async () => {
    await tc.client.create(R.deployments, ns, deployment('paus', 2, 'nginx:1.25'));
    await waitFor(rolledOut('paus'), { what: 'paus rolled out' });
    await tc.client.patch(R.deployments, ns, 'paus', 'merge', { spec: { paused: true } });
    await waitFor(
      async () =>
        (await getD('paus')).status?.conditions?.some(
          (c: { reason: string; status: string; message: string }) =>
            c.reason === 'DeploymentPaused' && c.status === 'Unknown' && c.message === 'Deployment is paused',
        ),
      { what: 'paused condition' },
    );
    await tc.client.patch(R.deployments, ns, 'paus', 'merge', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } } });
    await waitFor(
      async () => {
        const d = await getD('paus');
        return d.status?.observedGeneration === d.metadata.generation;
      },
      { what: 'observed' },
    );
    expect(await rsOf('paus')).toHaveLength(1);
    await tc.client.patch(R.deployments, ns, 'paus', 'merge', { spec: { paused: false } });
    await waitFor(async () => (await rolledOut('paus')()) && (await rsOf('paus')).length === 2, { what: 'resumed rollout' });
  });

  it('Recreate removes every old pod before creating new ones', async () => {
    await tc.client.create(R.deployments, ns, deployment('rec', 3, 'nginx:1.25', { type: 'Recreate' }));
    await waitFor(rolledOut('rec'), { what: 'rec rolled out' });
    const counter = await podCounter('rec');
    await tc.client.patch(R.deployments, ns, 'rec', 'merge', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } } });
    await waitFor(async () => (await rolledOut('rec')()) && (await rsOf('rec')).length === 2, { what: 'recreated' });
    counter.stop();
    expect(counter.samples.filter((s) => s.images.size > 1).map((s) => s.names)).toEqual([]);
    expect(counter.samples.some((s) => s.live === 0)).toBe(true);
  });

  it('scales proportionally without a new revision', async () => {
    await tc.client.patch(R.deployments, ns, 'web', 'merge', { spec: { replicas: 5 } });
    await waitFor(async () => (await getD('web')).status?.availableReplicas === 5, { what: 'web at 5' });
    const rss = await rsOf('web');
    expect(rss).toHaveLength(1);
    expect(rss[0].metadata.annotations!['deployment.kubernetes.io/desired-replicas']).toBe('5');
    expect((await getD('web')).metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
  });

  it('creates 1000 replicas quickly', async () => {
    kubelet.hold = (p) => p.metadata.labels?.app === 'big';
    const start = Date.now();
    await tc.client.create(R.deployments, ns, deployment('big', 1000, 'nginx'));
    await waitFor(async () => (await tc.client.list(R.pods, ns, { labelSelector: 'app=big' })).items.length === 1000, {
      what: '1000 pods',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const ms = Date.now() - start;
    console.log(`1000 pods created in ${ms} ms`);
    expect(ms).toBeLessThan(45_000);
    await tc.client.delete(R.deployments, ns, 'big');
  }, 90_000);
});
