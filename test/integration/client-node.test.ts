// The official JavaScript client against the API server over HTTPS: CRUD, patches, informers and 410 relists.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startTestCluster, waitFor, type TestCluster } from '../harness';

let tc: TestCluster;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 1 });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(tc.kubeconfig);
});
afterAll(async () => {
  await tc?.stop();
});

describe('@kubernetes/client-node against KubeLab', () => {
  it('creates, reads, patches and deletes a ConfigMap', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cn-cm', labels: { app: 'x' } }, data: { a: '1' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);

    const read = await core.readNamespacedConfigMap({ name: 'cn-cm', namespace: 'default' });
    expect(read.data).toEqual({ a: '1' });

    const patched = await core.patchNamespacedConfigMap(
      { name: 'cn-cm', namespace: 'default', body: { data: { b: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ a: '1', b: '2' });

    const listed = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'app=x' });
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(['cn-cm']);

    await core.deleteNamespacedConfigMap({ name: 'cn-cm', namespace: 'default' });
    await expect(core.readNamespacedConfigMap({ name: 'cn-cm', namespace: 'default' })).rejects.toMatchObject({ code: 404 });
  });

  it('returns upstream Status bodies for conflicts and invalid objects', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } });
    const err = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } }).catch((e) => e);
    expect(err.code).toBe(409);
    expect(JSON.parse(err.body).message).toBe('configmaps "dup" already exists');
    const bad = await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'bad' }, spec: { containers: [] } } }).catch((e) => e);
    expect(bad.code).toBe(422);
    const st = JSON.parse(bad.body);
    expect(st.reason).toBe('Invalid');
    expect(st.details.causes).toContainEqual({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' });
  });

  it('keeps an informer in sync through list+watch', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'inf' } } });
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/inf/configmaps', () => core.listNamespacedConfigMap({ namespace: 'inf' }));
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata?.name}:${o.data?.v}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'w' }, data: { v: '1' } } });
      await core.replaceNamespacedConfigMap({ name: 'w', namespace: 'inf', body: { metadata: { name: 'w' }, data: { v: '2' } } });
      await core.deleteNamespacedConfigMap({ name: 'w', namespace: 'inf' });
      await waitFor(() => seen.includes('delete:w'), { what: 'informer delete event' });
      expect(seen.filter((s) => s.endsWith(':w') || s.includes(':w:'))).toEqual(['add:w', 'update:w:2', 'delete:w']);
      expect(informer.list().find((o) => o.metadata?.name === 'w')).toBeUndefined();
    } finally {
      await informer.stop();
    }
  });

  it('answers a watch from a compacted resourceVersion with 410 Expired, and a relist recovers', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'old' } } });
    const oldRv = first.metadata!.resourceVersion!;
    for (let i = 0; i < 5; i++)
      await core.patchNamespacedConfigMap(
        { name: 'old', namespace: 'default', body: { data: { i: String(i) } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    tc.cluster.store.compact(tc.cluster.store.revision());
    const watch = new k8s.Watch(kc);
    const result = await new Promise<{ type: string; obj: any }>((resolve, reject) => {
      watch
        .watch(
          '/api/v1/namespaces/default/configmaps',
          { resourceVersion: oldRv },
          (type, obj) => resolve({ type, obj }),
          (err) => (err ? reject(err) : undefined),
        )
        .catch(reject);
    });
    expect(result.type).toBe('ERROR');
    expect(result.obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(result.obj.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    const relist = await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(relist.items.find((c) => c.metadata?.name === 'old')?.data).toEqual({ i: '4' });
  });

  it('serves the Table form kubectl asks for', async () => {
    const res = await fetchJson('/api/v1/namespaces', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(res.kind).toBe('Table');
    expect(res.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Status', 'Age']);
    expect(res.rows.map((r: any) => r.cells[0])).toContain('kube-system');
  });

  it('refuses anonymous requests except health and version', async () => {
    const https = await import('node:https');
    const ca = tc.cluster.pki.ca.certPem;
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: tc.cluster.port, path, ca }, (r) => {
            r.resume();
            resolve(r.statusCode!);
          })
          .on('error', reject);
      });
    expect(await get('/readyz')).toBe(200);
    expect(await get('/livez')).toBe(200);
    expect(await get('/version')).toBe(200);
    expect(await get('/api/v1/namespaces')).toBe(403);
    expect(await get('/api')).toBe(403);
  });
});

async function fetchJson(path: string, headers: Record<string, string>): Promise<any> {
  const https = await import('node:https');
  const { pki, port } = tc.cluster;
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path, ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem, headers }, (r) => {
        let b = '';
        r.on('data', (c) => (b += c));
        r.on('end', () => resolve(JSON.parse(b)));
      })
      .on('error', reject);
  });
}
