// What clients other than kubectl (the Python client, curl, raw HTTP) see: boolean query parameters, the bytes of
// JSON bodies, unconditional updates, namespace checks, deprecation warnings and the per-kind registry settings, as
// kube-apiserver answers them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import { httpGet, httpRequest, httpStream } from './handlers/streaming/testing/ws-client';

let t: TestCluster;
const cms = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data: { k: 'v' } });

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  await waitFor(() => t.client.get(R.namespaces, undefined, 'default').then(() => true), { what: 'default namespace' });
  await t.client.create(R.configmaps, 'default', cm('first'));
});
afterAll(async () => {
  await t?.stop();
});

describe('boolean query parameters', () => {
  it('?watch=True (the Python client) opens a watch stream, like every value but 0 and false', async () => {
    for (const v of ['True', 'true', '1', 'yes', '']) {
      const s = httpStream(t.cluster, `${cms}?watch=${v}&timeoutSeconds=1`);
      await s.until((b) => b.includes('"type":"ADDED"'));
      expect(
        s.body
          .trimEnd()
          .split('\n')
          .every((l) => JSON.parse(l).type === 'ADDED'),
      ).toBe(true);
      s.abort();
    }
    for (const v of ['False', 'false', '0']) {
      const r = await httpGet(t.cluster, `${cms}?watch=${v}`);
      expect(JSON.parse(r.body).kind).toBe('ConfigMapList');
    }
  });

  it('allowWatchBookmarks=True is honoured as true', async () => {
    const s = httpStream(t.cluster, `${cms}?watch=1&sendInitialEvents=True&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=True&timeoutSeconds=2`);
    await s.until((b) => b.includes('"type":"BOOKMARK"'));
    s.abort();
  });
});

describe('JSON bodies byte for byte', () => {
  it('error Status: upstream field order and a trailing newline', async () => {
    const r = await httpGet(t.cluster, `${cms}/missing`);
    expect(r.status).toBe(404);
    expect(r.body).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"missing\\" not found","reason":"NotFound","details":{"name":"missing","kind":"configmaps"},"code":404}\n',
    );
  });

  it('objects start with kind then apiVersion, end with a newline, and escape HTML characters as Go does', async () => {
    await t.client.create(R.configmaps, 'default', { ...cm('html'), data: { k: '<a&b>' } });
    const r = await httpGet(t.cluster, `${cms}/html`);
    expect(r.body.startsWith('{"kind":"ConfigMap","apiVersion":"v1","metadata":')).toBe(true);
    expect(r.body.endsWith('}\n')).toBe(true);
    expect(r.body).toContain('"k":"\\u003ca\\u0026b\\u003e"');
    const list = await httpGet(t.cluster, cms);
    expect(list.body.startsWith('{"kind":"ConfigMapList","apiVersion":"v1","metadata":')).toBe(true);
  });

  it('?pretty=true indents like MarshalIndent (no trailing newline); bad values are false', async () => {
    const r = await httpGet(t.cluster, `${cms}/first?pretty=true`);
    expect(r.body.startsWith('{\n  "kind": "ConfigMap",\n  "apiVersion": "v1",\n  "metadata": {\n    "name": "first",')).toBe(true);
    expect(r.body.endsWith('\n}')).toBe(true);
    expect((await httpGet(t.cluster, `${cms}/first?pretty=maybe`)).body.startsWith('{"kind"')).toBe(true);
  });
});

describe('writes', () => {
  it('an update with resourceVersion "0" is unconditional', async () => {
    await t.client.create(R.configmaps, 'default', cm('rv0'));
    await t.client.patch(R.configmaps, 'default', 'rv0', 'merge', { data: { k: 'changed' } });
    const r = await httpRequest(t.cluster, 'PUT', `${cms}/rv0`, { ...cm('rv0', { resourceVersion: '0' }), data: { k: 'put' } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).data).toEqual({ k: 'put' });
    const stale = await httpRequest(t.cluster, 'PUT', `${cms}/rv0`, { ...cm('rv0', { resourceVersion: '1' }) });
    expect(stale.status).toBe(409);
  });

  it('refuses an object whose namespace differs from the URL (POST, PUT and PATCH)', async () => {
    const msg = 'the namespace of the provided object does not match the namespace sent on the request';
    const post = await httpRequest(t.cluster, 'POST', cms, cm('other-ns', { namespace: 'kube-system' }));
    expect(post.status).toBe(400);
    expect(JSON.parse(post.body)).toMatchObject({ reason: 'BadRequest', message: msg });
    const put = await httpRequest(t.cluster, 'PUT', `${cms}/first`, cm('first', { namespace: 'kube-system' }));
    expect(put.status).toBe(400);
    const patch = await httpRequest(
      t.cluster,
      'PATCH',
      `${cms}/first`,
      { metadata: { namespace: 'kube-system' } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(patch.status).toBe(400);
    expect(JSON.parse(patch.body).message).toBe(msg);
    expect((await httpRequest(t.cluster, 'POST', cms, cm('same-ns', { namespace: 'default' }))).status).toBe(201);
  });
});

describe('deprecated APIs', () => {
  it('every request on v1 Endpoints carries the 1.33 deprecation warning, errors included', async () => {
    const warning = '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"';
    expect((await httpGet(t.cluster, '/api/v1/namespaces/default/endpoints')).headers.warning).toBe(warning);
    expect((await httpGet(t.cluster, '/api/v1/namespaces/default/endpoints/missing')).headers.warning).toBe(warning);
    expect((await httpGet(t.cluster, cms)).headers.warning).toBeUndefined();
  });
});

describe('quantities', () => {
  it('every Quantity field is stored and answered in canonical form, whatever the kind', async () => {
    const pod = await httpRequest(t.cluster, 'POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'q' },
      spec: {
        schedulerName: 'nobody',
        containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '0.5', memory: '1024Mi' }, limits: { cpu: 1.5, memory: '2048Mi' } } }],
      },
    });
    expect(pod.status).toBe(201);
    expect(JSON.parse(pod.body).spec.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1500m', memory: '2Gi' } });
    const rq = await httpRequest(t.cluster, 'POST', '/api/v1/namespaces/default/resourcequotas', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q' },
      spec: { hard: { 'requests.cpu': '0.25', pods: '10' } },
    });
    expect(JSON.parse(rq.body).spec.hard).toEqual({ 'requests.cpu': '250m', pods: '10' });
    const deploy = await httpRequest(t.cluster, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'q' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { a: 'q' } },
        template: { metadata: { labels: { a: 'q' } }, spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '0.1' } } }] } },
      },
    });
    expect(JSON.parse(deploy.body).spec.template.spec.containers[0].resources.requests.cpu).toBe('100m');
    const patched = await httpRequest(
      t.cluster,
      'PATCH',
      '/api/v1/namespaces/default/resourcequotas/q',
      { spec: { hard: { 'requests.memory': '0.5Gi' } } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(JSON.parse(patched.body).spec.hard['requests.memory']).toBe('512Mi');
  });
});

describe('patches the typed object cannot hold', () => {
  it('strategic merge: 422 on the path "patch" with the patch map and the converter message', async () => {
    const r = await httpRequest(
      t.cluster,
      'PATCH',
      `${cms}/first`,
      { metadata: { labels: 'invalid' } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(r.status).toBe(422);
    expect(JSON.parse(r.body)).toMatchObject({
      reason: 'Invalid',
      message: ' "" is invalid: patch: Invalid value: "map[metadata:map[labels:invalid]]": cannot restore map from string',
      details: {
        causes: [
          { reason: 'FieldValueInvalid', message: 'Invalid value: "map[metadata:map[labels:invalid]]": cannot restore map from string', field: 'patch' },
        ],
      },
    });
    const num = await httpRequest(t.cluster, 'PATCH', `${cms}/first`, { data: { k: 5 } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(JSON.parse(num.body).message).toBe(' "" is invalid: patch: Invalid value: "map[data:map[k:5]]": cannot convert int64 to string');
  });

  it('merge patch: 422 with the patched document and the JSON decoder message', async () => {
    const r = await httpRequest(t.cluster, 'PATCH', `${cms}/first`, { metadata: { labels: 'invalid' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(r.status).toBe(422);
    const msg = JSON.parse(r.body).message as string;
    expect(
      msg.startsWith(
        ' "" is invalid: patch: Invalid value: "{\\"apiVersion\\":\\"v1\\",\\"data\\":{\\"k\\":\\"v\\"},\\"kind\\":\\"ConfigMap\\",\\"metadata\\":{',
      ),
    ).toBe(true);
    expect(msg.endsWith('": json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string')).toBe(true);
  });
});

// the per-kind registry settings of KindStrategy: which DELETE answers with the object, which PUT creates, which
// kinds count metadata.generation, and the deletion flows of namespaces (spec.finalizers) and pods (grace period)
describe('returnDeletedObject', () => {
  it('a ConfigMap DELETE answers with the object, a Role DELETE with a Success Status', async () => {
    await t.client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone' } });
    const cm = await httpRequest(t.cluster, 'DELETE', '/api/v1/namespaces/default/configmaps/gone');
    expect(cm.status).toBe(200);
    expect(JSON.parse(cm.body)).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'gone' } });
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'gone' }, rules: [] };
    expect((await httpRequest(t.cluster, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', role)).status).toBe(201);
    const r = await httpRequest(t.cluster, 'DELETE', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/gone');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'gone', group: 'rbac.authorization.k8s.io', kind: 'roles' },
    });
  });
});

describe('allowCreateOnUpdate', () => {
  it('PUT creates a missing Lease (201) but answers 404 for a missing ConfigMap', async () => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'put-made' }, spec: { holderIdentity: 'me' } };
    const l = await httpRequest(t.cluster, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/default/leases/put-made', lease);
    expect(l.status).toBe(201);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'put-missing' } };
    const c = await httpRequest(t.cluster, 'PUT', '/api/v1/namespaces/default/configmaps/put-missing', cm);
    expect(c.status).toBe(404);
  });
});

describe('tracksGeneration', () => {
  it('a Node has no generation; a ValidatingAdmissionPolicy (default prepare hooks) starts at 1 and counts spec changes', async () => {
    const node = JSON.parse((await httpGet(t.cluster, '/api/v1/nodes')).body).items[0];
    expect(node.metadata.generation).toBeUndefined();
    const base = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies';
    const vap = (expression: string) => ({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'gen' },
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
        validations: [{ expression }],
      },
    });
    const created = await httpRequest(t.cluster, 'POST', base, vap('true'));
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body).metadata.generation).toBe(1);
    const updated = await httpRequest(t.cluster, 'PUT', `${base}/gen`, vap('1 == 1'));
    expect(updated.status).toBe(200);
    expect(JSON.parse(updated.body).metadata.generation).toBe(2);
  });
});

describe('deletion flows', () => {
  it('a namespace with spec.finalizers turns Terminating and goes once the namespace controller finalizes it', async () => {
    await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    const r = await httpRequest(t.cluster, 'DELETE', '/api/v1/namespaces/doomed');
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' }, spec: { finalizers: ['kubernetes'] } });
    expect(body.metadata.deletionTimestamp).toBeTruthy();
    await waitFor(async () => (await httpGet(t.cluster, '/api/v1/namespaces/doomed')).status === 404, { what: 'namespace removed', timeoutMs: 30_000 });
  });

  it('an unscheduled pod goes at once; gracePeriodSeconds on a scheduled one keeps it with deletionGracePeriodSeconds', async () => {
    const pod = (name: string, nodeName?: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { nodeName, schedulerName: 'none', containers: [{ name: 'c', image: 'busybox' }] },
    });
    // a namespace of its own: the quota tests above constrain pods in default
    await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'grace' } });
    await t.client.create(R.pods, 'grace', pod('unscheduled'));
    const gone = await httpRequest(t.cluster, 'DELETE', '/api/v1/namespaces/grace/pods/unscheduled?gracePeriodSeconds=30');
    expect(JSON.parse(gone.body).metadata.deletionTimestamp).toBeUndefined();
    expect((await httpGet(t.cluster, '/api/v1/namespaces/grace/pods/unscheduled')).status).toBe(404);
    const node = JSON.parse((await httpGet(t.cluster, '/api/v1/nodes')).body).items[0].metadata.name;
    await t.client.create(R.pods, 'grace', pod('graceful', node));
    const pending = JSON.parse((await httpRequest(t.cluster, 'DELETE', '/api/v1/namespaces/grace/pods/graceful?gracePeriodSeconds=45')).body);
    expect(pending.metadata.deletionGracePeriodSeconds).toBe(45);
    expect(pending.metadata.deletionTimestamp).toBeTruthy();
    const now = await httpRequest(t.cluster, 'DELETE', '/api/v1/namespaces/grace/pods/graceful?gracePeriodSeconds=0');
    expect(now.status).toBe(200);
    await waitFor(async () => (await httpGet(t.cluster, '/api/v1/namespaces/grace/pods/graceful')).status === 404, { what: 'pod removed' });
  });
});

describe('scale subresource', () => {
  it("status.selector is the selector's canonical string: requirements sorted by key, values sorted", async () => {
    const labels = { tier: 'web', app: 'shop', env: 'prod' };
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'scaled' },
      spec: {
        replicas: 0,
        selector: {
          matchLabels: { tier: 'web', app: 'shop' },
          matchExpressions: [
            { key: 'env', operator: 'In', values: ['prod', 'dev'] },
            { key: 'canary', operator: 'DoesNotExist' },
          ],
        },
        template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    };
    expect((await httpRequest(t.cluster, 'POST', '/apis/apps/v1/namespaces/default/deployments', d)).status).toBe(201);
    const s = JSON.parse((await httpGet(t.cluster, '/apis/apps/v1/namespaces/default/deployments/scaled/scale')).body);
    expect(s.status.selector).toBe('app=shop,!canary,env in (dev,prod),tier=web');
  });
});
