// Defects the API fuzzer (test/fuzz) found, each kept as a case of its own.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, type TestCluster } from '../harness';
import type { ApiResponse } from '../../electron/cluster/apiserver/request';
import { R } from '../../electron/cluster/client/resources';

describe('API fuzzer regressions (issue #22)', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    await tc.client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' }, data: { a: 'b' } });
  });
  afterAll(async () => {
    await tc?.stop();
  });

  const send = (method: string, path: string, contentType: string, body: string | Buffer): Promise<ApiResponse> =>
    tc.cluster.api.handle({
      method,
      path,
      query: new URLSearchParams(),
      headers: { 'content-type': contentType },
      body: Buffer.from(body),
      user: { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    });
  const res = (r: ApiResponse) => r as { status: number; body: any };
  const CM = '/api/v1/namespaces/default/configmaps/target';

  it('a merge patch body of null changes nothing; a string, number or list is 400 (was 500)', async () => {
    const rv = (await tc.client.get(R.configmaps, 'default', 'target')).metadata.resourceVersion;
    for (const ct of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
      const n = res(await send('PATCH', CM, ct, 'null'));
      expect(n.status).toBe(200);
      expect(n.body.metadata.resourceVersion).toBe(rv);
      for (const [body, kind] of [
        ['"xxxx"', 'string'],
        ['5', 'number'],
        ['[1]', 'array'],
      ]) {
        const r = res(await send('PATCH', CM, ct, body));
        expect(r.status, `${ct} ${body}`).toBe(400);
        expect(r.body.message).toBe(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
      }
    }
  });

  it('a JSON patch that replaces the whole object with a scalar is 400 (was 500)', async () => {
    const r = res(await send('PATCH', CM, 'application/json-patch+json', '[{"op":"replace","path":"","value":null}]'));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });

  it('a merge patch that nulls or retypes metadata is 400 (was 500 "Cannot set properties of undefined")', async () => {
    const gone = res(await send('PATCH', CM, 'application/merge-patch+json', '{"metadata":null}'));
    expect(gone.status).toBe(400);
    expect(gone.body.message).toBe('the name of the object () does not match the name on the URL (target)');
    const str = res(await send('PATCH', CM, 'application/merge-patch+json', '{"metadata":"aaaa"}'));
    expect(str.status).toBe(400);
    expect(str.body.message).toBe('json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta');
  });

  it("a server-side apply whose metadata is not a map is 400 in structured-merge-diff's words (a string was stored with 200)", async () => {
    const apply = (body: unknown) =>
      tc.cluster.api
        .handle({
          method: 'PATCH',
          path: CM,
          query: new URLSearchParams({ fieldManager: 'fuzz' }),
          headers: { 'content-type': 'application/apply-patch+yaml' },
          body: Buffer.from(JSON.stringify(body)),
          user: { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
        })
        .then(res);
    const rv = (await tc.client.get(R.configmaps, 'default', 'target')).metadata.resourceVersion;
    for (const [md, printed] of [
      ['x', 'x'],
      [5, '5'],
      [1.5, '1.5'],
      [true, 'true'],
      [['a', 'b'], '[a b]'],
    ] as const) {
      const r = await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: md, data: { a: 'c' } });
      expect([r.status, r.body.reason, r.body.message]).toEqual([
        400,
        'BadRequest',
        `failed to create typed patch object (/; /v1, Kind=ConfigMap): .metadata: expected map, got &{${printed}}`,
      ]);
    }
    const deploy = await tc.cluster.api
      .handle({
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/default/deployments/d',
        query: new URLSearchParams({ fieldManager: 'fuzz' }),
        headers: { 'content-type': 'application/apply-patch+yaml' },
        body: Buffer.from('apiVersion: apps/v1\nkind: Deployment\nmetadata: oops\n'),
        user: { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      })
      .then(res);
    expect(deploy.body.message).toBe('failed to create typed patch object (/; apps/v1, Kind=Deployment): .metadata: expected map, got &{oops}');
    expect((await tc.client.get(R.configmaps, 'default', 'target')).metadata.resourceVersion).toBe(rv);
    // null is an empty map to structured-merge-diff: the apply goes through
    const nulled = await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: null, data: { a: 'b' } });
    expect([nulled.status, nulled.body.metadata?.name]).toEqual([200, 'target']);
  });

  it('a YAML anchor that contains itself is 400 (was 500 "Converting circular structure to JSON")', async () => {
    const r = res(await send('POST', '/api/v1/namespaces/default/configmaps', 'application/yaml', 'a: &a [*a]\n'));
    expect(r.status).toBe(400);
    expect(r.body.message).toBe("error converting YAML to JSON: yaml: anchor 'a' value contains itself");
  });

  it('a merge patch nested 3,000 levels deep is answered in well under a second (it blocked the loop for seconds)', async () => {
    let v: unknown = 'leaf';
    for (let i = 0; i < 3000; i++) v = { n: v };
    const t0 = Date.now();
    const r = res(await send('PATCH', CM, 'application/merge-patch+json', JSON.stringify({ metadata: { annotations: { a: 'b' } }, x: v })));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.status).toBeLessThan(500);
  });
});
