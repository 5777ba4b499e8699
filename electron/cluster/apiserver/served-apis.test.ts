// APIs kubectl and client libraries expect from a v1.33 API server beyond the workload kinds: local APIServices and
// the deprecated componentstatuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import { httpGet, httpRequest, rawExecReads } from './handlers/streaming/testing/ws-client';

let t: TestCluster;

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  await waitFor(() => t.client.get(R.namespaces, undefined, 'default').then(() => true), { what: 'default namespace' });
});
afterAll(async () => {
  await t?.stop();
});

describe('apiregistration.k8s.io/v1 APIService', () => {
  it('lists one Local, Available APIService per served group-version', async () => {
    const l = JSON.parse((await httpGet(t.cluster, '/apis/apiregistration.k8s.io/v1/apiservices')).body);
    const names = l.items.map((o: { metadata: { name: string } }) => o.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['v1.', 'v1.apps', 'v2.autoscaling', 'v1.apiregistration.k8s.io', 'v1.rbac.authorization.k8s.io']));
    const core = JSON.parse((await httpGet(t.cluster, '/apis/apiregistration.k8s.io/v1/apiservices/v1.')).body);
    expect(core.spec).toEqual({ group: '', version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 });
    expect(core.status.conditions[0]).toMatchObject({ type: 'Available', status: 'True', reason: 'Local', message: 'Local APIServices are always available' });
  });

  it('registers custom resource groups as their CRDs appear', async () => {
    await t.client.create(R.customresourcedefinitions, undefined, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.lab.example.com' },
      spec: {
        group: 'lab.example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    const o = await waitFor(
      async () => {
        const r = await httpGet(t.cluster, '/apis/apiregistration.k8s.io/v1/apiservices/v1.lab.example.com');
        return r.status === 200 ? JSON.parse(r.body) : undefined;
      },
      { what: 'APIService v1.lab.example.com' },
    );
    expect(o.spec).toMatchObject({ group: 'lab.example.com', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 100 });
  });

  it.skipIf(!kubectlPath())('kubectl get apiservices shows NAME SERVICE AVAILABLE AGE', async () => {
    const r = await t.kubectl(['get', 'apiservices', 'v1.apps']);
    expect(r.stdout).toMatch(/^NAME\s+SERVICE\s+AVAILABLE\s+AGE\nv1\.apps\s+Local\s+True\s+\S+\n$/);
  });
});

describe('componentstatuses', () => {
  it('lists the control plane parts as Healthy, with the deprecation warning', async () => {
    const r = await httpGet(t.cluster, '/api/v1/componentstatuses');
    expect(r.headers.warning).toBe('299 - "v1 ComponentStatus is deprecated in v1.19+"');
    const l = JSON.parse(r.body);
    expect(l.kind).toBe('ComponentStatusList');
    expect(l.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['scheduler', 'controller-manager', 'etcd-0']);
    expect(l.items[0].conditions).toEqual([{ type: 'Healthy', status: 'True', message: 'ok' }]);
    expect((await httpGet(t.cluster, '/api/v1/componentstatuses/nope')).status).toBe(404);
  });

  it.skipIf(!kubectlPath())('kubectl get cs prints STATUS MESSAGE ERROR and the warning', async () => {
    const r = await t.kubectl(['get', 'cs']);
    expect(r.stderr).toBe('Warning: v1 ComponentStatus is deprecated in v1.19+\n');
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+MESSAGE\s+ERROR$/);
    expect(r.stdout).toMatch(/\netcd-0\s+Healthy\s+ok/);
  });
});

describe('pods/ephemeralcontainers', () => {
  const pod = '/api/v1/namespaces/default/pods/dbg';
  const debugger0 = { name: 'debugger', image: 'busybox', targetContainerName: 'app', stdin: true, tty: true };

  it('adds ephemeral containers by PATCH (kubectl debug) and refuses removing or changing them', async () => {
    await t.client.create(R.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'dbg' },
      spec: { schedulerName: 'nobody', containers: [{ name: 'app', image: 'busybox' }] },
    });
    const get = await httpGet(t.cluster, `${pod}/ephemeralcontainers`);
    expect(JSON.parse(get.body).kind).toBe('Pod');
    const added = await httpRequest(
      t.cluster,
      'PATCH',
      `${pod}/ephemeralcontainers`,
      { spec: { ephemeralContainers: [debugger0] } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(added.status).toBe(200);
    expect(JSON.parse(added.body).spec.ephemeralContainers).toEqual([
      expect.objectContaining({ ...debugger0, terminationMessagePolicy: 'File', imagePullPolicy: expect.any(String) }),
    ]);
    const cur = JSON.parse((await httpGet(t.cluster, pod)).body);
    const removed = await httpRequest(t.cluster, 'PUT', `${pod}/ephemeralcontainers`, { ...cur, spec: { ...cur.spec, ephemeralContainers: [] } });
    expect(removed.status).toBe(422);
    expect(JSON.parse(removed.body).message).toBe(
      'Pod "dbg" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n',
    );
    const badTarget = await httpRequest(
      t.cluster,
      'PATCH',
      `${pod}/ephemeralcontainers`,
      { spec: { ephemeralContainers: [{ name: 'd2', image: 'busybox', targetContainerName: 'nope' }] } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(badTarget.status).toBe(422);
    expect(JSON.parse(badTarget.body).message).toContain('spec.ephemeralContainers[1].targetContainerName: Not found: "nope"');
  });

  it('the main resource cannot change them', async () => {
    const r = await httpRequest(
      t.cluster,
      'PATCH',
      pod,
      { spec: { ephemeralContainers: [{ name: 'sneaky', image: 'busybox' }] } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(r.status).toBe(422);
  });

  it.skipIf(!kubectlPath())('kubectl debug adds a debug container targeting a container', async () => {
    await t.client.create(R.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'dbg2' },
      spec: { schedulerName: 'nobody', containers: [{ name: 'c', image: 'busybox' }] },
    });
    const r = await t.kubectl(['debug', 'dbg2', '--image=busybox', '--target=c', '--container=dbg', '--profile=general']);
    expect(r.code).toBe(0);
    const p = await t.client.get(R.pods, 'default', 'dbg2');
    expect(p.spec.ephemeralContainers).toEqual([expect.objectContaining({ name: 'dbg', image: 'busybox', targetContainerName: 'c' })]);
  });
});

describe('ephemeral containers on a node', () => {
  it('the kubelet starts an added ephemeral container once and reports its status', async () => {
    await t.client.create(R.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'run-dbg' },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    });
    await waitFor(async () => (await t.client.get(R.pods, 'default', 'run-dbg')).status?.phase === 'Running', { what: 'pod running', timeoutMs: 30_000 });
    const r = await httpRequest(
      t.cluster,
      'PATCH',
      '/api/v1/namespaces/default/pods/run-dbg/ephemeralcontainers',
      { spec: { ephemeralContainers: [{ name: 'dbg', image: 'busybox', command: ['sh', '-c', 'echo debugging; sleep 3600'], targetContainerName: 'app' }] } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(r.status).toBe(200);
    const st = await waitFor(
      async () =>
        (await t.client.get(R.pods, 'default', 'run-dbg')).status?.ephemeralContainerStatuses?.[0]?.state?.running
          ? (await t.client.get(R.pods, 'default', 'run-dbg')).status.ephemeralContainerStatuses[0]
          : undefined,
      { what: 'ephemeral container running', timeoutMs: 30_000 },
    );
    expect(st).toMatchObject({ name: 'dbg', restartCount: 0 });
    const logs = await waitFor(
      async () => {
        const l = await httpGet(t.cluster, '/api/v1/namespaces/default/pods/run-dbg/log?container=dbg');
        return l.body.includes('debugging') ? l.body : undefined;
      },
      { what: 'ephemeral container logs' },
    );
    expect(logs).toBe('debugging\n');
  });
});

describe('exec against the container simulator', () => {
  it('ends a shell session with the status and close in their own records, and the server keeps running', async () => {
    // the last output comes from inside a simulated shell, whose async context blocks timers: closing from there crashed
    const reads = await rawExecReads(
      t.cluster,
      '/api/v1/namespaces/default/pods/run-dbg/exec?container=app&command=sh&command=-c&command=echo%20out%3B%20exit%203&stdout=true&stderr=true',
    );
    const all = reads.flat();
    expect(all.filter((f) => f.channel === 3)).toHaveLength(1);
    expect(reads.find((r) => r.some((f) => f.channel === 3))).toEqual([{ opcode: 2, channel: 3 }]);
    expect(reads.at(-1)).toEqual([{ opcode: 8 }]);
    if (kubectlPath()) {
      const r = await t.kubectl(['exec', '-i', 'run-dbg', '-c', 'app', '--', 'sh'], { input: 'cd /tmp\necho alive > f\npwd\ncat f\nexit\n' });
      expect(r.stdout).toBe('/tmp\nalive\n');
      expect(r.code).toBe(0);
    }
    expect((await httpGet(t.cluster, '/readyz')).status).toBe(200);
  });
});
