// Cluster snapshots through the public HTTPS surface with the real kubectl: a snapshot, then the kinds of change a
// lab makes (node taints, labels and cordons, cluster-scoped objects, a CRD and its instances, a namespace with a
// workload, a deleted object, a powered-off node), then a restore that takes every one of them back.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../../../test/harness';

const KUBECTL = kubectlPath();
const WORKER = 'kubelab-worker';

describe.skipIf(!KUBECTL)('cluster snapshots (kubectl create --raw /kubelab/snapshots/…)', () => {
  let tc: TestCluster;
  const k = async (...args: string[]) => {
    const r = await tc.kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const kInput = async (input: string, ...args: string[]) => {
    const r = await tc.kubectl(args, { input });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const node = async (name: string) => JSON.parse(await k('get', 'node', name, '-o', 'json'));

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 3 });
  });
  afterAll(async () => {
    await tc?.stop();
  });

  it('refuses bad names with 400 and unknown snapshots with 404, as Status objects', async () => {
    const bad = await tc.kubectl(['create', '--raw', '/kubelab/snapshots/Bad_Name', '-f', '-'], { input: '{}' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/invalid snapshot name "Bad_Name"/);
    const missing = await tc.kubectl(['get', '--raw', '/kubelab/snapshots/nope']);
    expect(missing.stderr).toMatch(/NotFound|not found/);
  });

  it('restores node-level and cluster-scoped changes, namespaces and deleted objects', async () => {
    await k('create', 'configmap', 'keep-me', '-n', 'default', '--from-literal=a=1');
    await k('create', 'deployment', 'app', '-n', 'default', '--image=nginx', '--replicas=1');
    await waitFor(async () => (await k('get', 'deployment', 'app', '-o', 'jsonpath={.status.readyReplicas}')) === '1', {
      what: 'app ready',
      timeoutMs: 30_000,
    });
    const taken = JSON.parse(await kInput('{"labels":{"lab":"18-scheduling"}}', 'create', '--raw', '/kubelab/snapshots/before-lab', '-f', '-'));
    expect(taken).toMatchObject({ name: 'before-lab', labels: { lab: '18-scheduling' } });
    expect(taken.objects).toBeGreaterThan(50);

    // what a lab (or a student) does to the cluster
    await k('taint', 'node', WORKER, 'dedicated=gpu:NoSchedule');
    await k('label', 'node', WORKER, 'zone=z1');
    await k('cordon', 'kubelab-worker2');
    await kInput('apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: sandboxed}\nhandler: runsc\n', 'apply', '-f', '-');
    await k('create', 'priorityclass', 'urgent', '--value=1000');
    await kInput(
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
`,
      'apply',
      '-f',
      '-',
    );
    await waitFor(async () => (await tc.kubectl(['get', 'widgets', '-A'])).code === 0, { what: 'the widgets resource to be served' });
    await kInput('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: default}\n', 'apply', '-f', '-');
    await k('create', 'namespace', 'lab-x');
    await k('create', 'deployment', 'web', '-n', 'lab-x', '--image=nginx', '--replicas=2');
    await k('delete', 'configmap', 'keep-me', '-n', 'default');
    await k('scale', 'deployment', 'app', '--replicas=3');
    await tc.cluster.nodes.powerOff('kubelab-worker2');
    await waitFor(async () => (await tc.kubectl(['get', 'pods', '-n', 'lab-x', '--no-headers'])).stdout.trim().split('\n').length === 2, {
      what: 'the lab pods',
    });

    // a watcher sees the restore as ordinary events
    const watch = tc.kubectlSpawn(['get', 'namespaces', '--watch-only', '-o', 'name']);
    let watched = '';
    watch.stdout!.on('data', (c) => (watched += c));
    await new Promise((r) => setTimeout(r, 500)); // let the watch establish before the change it must see

    const restored = JSON.parse(await kInput('{}', 'create', '--raw', '/kubelab/snapshots/before-lab/restore', '-f', '-'));
    expect(restored.deleted).toBeGreaterThan(0);
    expect(restored.created).toBeGreaterThanOrEqual(1);
    expect(restored.keys.created).toContain('/registry/configmaps/default/keep-me');
    expect(restored.nodesPowered).toEqual(['kubelab-worker2']);

    const w = await node(WORKER);
    expect(w.spec.taints ?? []).toEqual([]);
    expect(w.metadata.labels.zone).toBeUndefined();
    expect((await node('kubelab-worker2')).spec.unschedulable).toBeUndefined();
    expect((await tc.kubectl(['get', 'runtimeclass', 'sandboxed'])).code).not.toBe(0);
    expect((await tc.kubectl(['get', 'priorityclass', 'urgent'])).code).not.toBe(0);
    expect((await tc.kubectl(['get', 'crd', 'widgets.example.com'])).code).not.toBe(0);
    expect((await tc.kubectl(['get', '--raw', '/apis/example.com/v1/widgets'])).stderr).toMatch(/NotFound|could not find/);
    expect((await tc.kubectl(['get', 'namespace', 'lab-x'])).code).not.toBe(0);
    expect(await k('get', 'configmap', 'keep-me', '-n', 'default', '-o', 'jsonpath={.data.a}')).toBe('1');
    expect(await k('get', 'deployment', 'app', '-o', 'jsonpath={.spec.replicas}')).toBe('1');
    await waitFor(async () => (await k('get', 'pods', '-l', 'app=app', '--no-headers')).trim().split('\n').length === 1, {
      what: 'app back at 1 pod',
      timeoutMs: 30_000,
    });
    // and the ReplicaSet controller has caught up with the restored replica count: until it has, it may still be
    // creating or deleting pods for the count it saw before, which a second restore would undo again
    await waitFor(
      async () =>
        (
          await k(
            'get',
            'replicaset',
            '-l',
            'app=app',
            '-o',
            'jsonpath={range .items[*]}{.spec.replicas}/{.status.replicas}/{.status.observedGeneration}={.metadata.generation} {end}',
          )
        )
          .trim()
          .split(' ')
          .every((r) => /^(\d+)\/\1\/(\d+)=\2$/.test(r)),
      { what: 'the ReplicaSet to observe the restored replica count', timeoutMs: 30_000 },
    );
    await waitFor(async () => /Ready.*True/.test(JSON.stringify((await node('kubelab-worker2')).status.conditions.find((c: any) => c.type === 'Ready'))), {
      what: 'worker2 Ready again',
      timeoutMs: 30_000,
    });
    await waitFor(() => watched.includes('namespace/lab-x'), { what: 'the watch to see lab-x go' });
    watch.kill();

    // restoring again changes nothing; the snapshot is still listed until it is deleted
    const again = JSON.parse(await kInput('{}', 'create', '--raw', '/kubelab/snapshots/before-lab/restore', '-f', '-'));
    expect(again, JSON.stringify(again)).toMatchObject({ created: 0, deleted: 0 });
    expect(JSON.parse(await k('get', '--raw', '/kubelab/snapshots')).items.map((s: any) => s.name)).toEqual(['before-lab']);
    await k('delete', '--raw', '/kubelab/snapshots/before-lab');
    expect(JSON.parse(await k('get', '--raw', '/kubelab/snapshots')).items).toEqual([]);
  });

  it('is for cluster admins only', async () => {
    const r = await tc.kubectl(['get', '--raw', '/kubelab/snapshots', '--as', 'student']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden/i);
  });
});
