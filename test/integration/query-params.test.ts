// Issue #22 item 2: malformed query parameters are 400, never 500 or silently ignored; a read at a
// resourceVersion the store has not reached waits briefly, then answers 504 as upstream's watch cache does.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, type TestCluster } from '../harness';
import type { ApiResponse } from '../../electron/cluster/apiserver/request';
import { R } from '../../electron/cluster/client/resources';

describe('query parameters (issue #22)', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
  });
  afterAll(async () => {
    await tc?.stop();
  });

  const get = (path: string, query: string): Promise<ApiResponse> =>
    tc.cluster.api.handle({
      method: 'GET',
      path,
      query: new URLSearchParams(query),
      headers: {},
      user: { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    });
  const status = (r: ApiResponse) => (r as { status: number }).status;
  const body = (r: ApiResponse) => (r as { body: any }).body;
  const CMS = '/api/v1/namespaces/default/configmaps';

  it('unparsable integers are 400 with strconv wording', async () => {
    for (const [q, msg] of [
      ['limit=abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
      ['limit=1.5', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
      ['limit=99999999999999999999', 'strconv.ParseInt: parsing "99999999999999999999": value out of range'],
      ['watch=1&timeoutSeconds=x', 'strconv.ParseInt: parsing "x": invalid syntax'],
    ]) {
      const r = await get(CMS, q);
      expect(status(r), q).toBe(400);
      expect(body(r)).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: msg });
    }
  });

  it('an invalid resourceVersion is 400 on get, list and watch', async () => {
    for (const [path, q] of [
      [CMS, 'resourceVersion=abc'],
      [`${CMS}/kube-root-ca.crt`, 'resourceVersion=-1'],
      [CMS, 'watch=1&resourceVersion=cool'],
    ]) {
      const r = await get(path, q);
      expect(status(r), `${path}?${q}`).toBe(400);
      expect(body(r).message).toMatch(/^resourceVersion: Invalid value: ".*": strconv\.ParseUint: parsing ".*": invalid syntax$/);
    }
  });

  it('a resourceVersion ahead of the store waits, then answers 504 Too large resource version', async () => {
    const t0 = Date.now();
    const r = await get(CMS, 'resourceVersion=99999999');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2500);
    expect(status(r)).toBe(504);
    expect(body(r)).toMatchObject({
      reason: 'Timeout',
      code: 504,
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
    });
    expect(body(r).message).toMatch(/^Too large resource version: 99999999, current: \d+$/);
    expect(status(await get(`${CMS}/kube-root-ca.crt`, 'resourceVersion=99999999'))).toBe(504);
  });

  it('a read at the next resourceVersion is answered once a write reaches it', async () => {
    const next = tc.cluster.store.revision() + 1;
    const pending = get(CMS, `resourceVersion=${next}`);
    await tc.client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rv-next' } });
    const r = await pending;
    expect(status(r)).toBe(200);
    expect(body(r).items.some((c: any) => c.metadata.name === 'rv-next')).toBe(true);
  });

  it('malformed selectors are 400', async () => {
    for (const q of ['fieldSelector=metadata.name', 'fieldSelector=nosuch.field%3Dx', 'labelSelector=a%20in%20(']) {
      const r = await get(CMS, q);
      expect(status(r), q).toBe(400);
      expect(body(r).reason).toBe('BadRequest');
    }
  });
});
