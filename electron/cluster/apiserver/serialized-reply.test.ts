// Reads over HTTPS answer from the shared parses (they are only serialized); in-process callers get private copies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { httpGet } from './handlers/streaming/testing/ws-client';

let t: TestCluster;
const path = '/api/v1/namespaces/default/configmaps';

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  await waitFor(() => t.client.get(R.namespaces, undefined, 'default').then(() => true), { what: 'default namespace' });
  for (const n of ['a', 'b']) {
    await t.client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, labels: { app: 'x' } }, data: { k: n } });
  }
});
afterAll(async () => {
  await t?.stop();
});

describe('answers that are only serialized', () => {
  it('get and list over HTTPS carry resourceVersion, apiVersion and kind like the in-process answers', async () => {
    const viaHttp = JSON.parse((await httpGet(t.cluster, `${path}/a`)).body) as KObject;
    expect(viaHttp).toEqual(await t.client.get(R.configmaps, 'default', 'a'));
    expect(viaHttp).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: expect.stringMatching(/^\d+$/) } });
    const list = JSON.parse((await httpGet(t.cluster, `${path}?labelSelector=app%3Dx`)).body);
    const inProcess = await t.client.list(R.configmaps, 'default', { labelSelector: 'app=x' });
    expect(list.items.map((o: KObject) => [o.metadata.name, o.metadata.resourceVersion, o.data])).toEqual(
      inProcess.items.map((o) => [o.metadata.name, o.metadata.resourceVersion, o.data]),
    );
  });

  it('pages report how many items follow them', async () => {
    const names = (await t.client.list(R.configmaps, 'default')).items.map((o) => o.metadata.name);
    const seen: string[] = [];
    let cont = '';
    for (;;) {
      const page = JSON.parse((await httpGet(t.cluster, `${path}?limit=1${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).body);
      seen.push(...page.items.map((o: KObject) => o.metadata.name));
      if (!page.metadata.continue) {
        expect(page.metadata.remainingItemCount).toBeUndefined();
        break;
      }
      expect(page.metadata.remainingItemCount).toBe(names.length - seen.length);
      cont = page.metadata.continue;
    }
    expect(seen).toEqual(names);
  });

  it('an in-process caller may change what it got without changing what others read', async () => {
    const got = await t.client.get(R.configmaps, 'default', 'b');
    got.data!.k = 'changed';
    got.metadata.labels!.app = 'changed';
    const listed = await t.client.list(R.configmaps, 'default');
    for (const o of listed.items) o.data = { k: 'changed too' };
    expect(JSON.parse((await httpGet(t.cluster, `${path}/b`)).body)).toMatchObject({ data: { k: 'b' }, metadata: { labels: { app: 'x' } } });
    const list = JSON.parse((await httpGet(t.cluster, path)).body);
    expect(
      list.items
        .map((o: KObject) => o.data?.k)
        .filter(Boolean)
        .sort(),
    ).toEqual(['a', 'b']);
    expect((await t.client.get(R.configmaps, 'default', 'b')).data).toEqual({ k: 'b' });
  });
});
