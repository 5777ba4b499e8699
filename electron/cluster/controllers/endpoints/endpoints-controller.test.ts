import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';

const NODE = 'fake-ep-node';
let tc: TestCluster;
let kubelet: FakeKubelet;

const pod = (name: string, app: string, ready: boolean): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app, ready: String(ready) } },
  spec: { nodeName: NODE, containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
});
const service = (name: string, app: string, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', labels: { tier: 'web' } },
  spec: { selector: { app }, ports: [{ name: 'web', port: 80, targetPort: 'http' }], ...extra },
});
const slicesOf = async (svc: string) => (await tc.client.list(R.endpointslices, 'default', { labelSelector: `kubernetes.io/service-name=${svc}` })).items;

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 1 });
  kubelet = await startFakeKubelet(tc.client, { nodeName: NODE, decide: (p) => ({ unready: p.metadata.labels?.ready === 'false' }) });
  for (const [n, app, r] of [
    ['web-a', 'web', true],
    ['web-b', 'web', false],
    ['pub-a', 'pub', false],
  ] as const)
    await tc.client.create(R.pods, 'default', pod(n, app, r));
  await waitFor(async () => (await tc.client.list(R.pods, 'default')).items.every((p) => p.status?.podIP), { what: 'pod IPs' });
}, 60_000);
afterAll(async () => {
  kubelet?.stop();
  await tc?.stop();
});

describe('Endpoints and EndpointSlices', () => {
  it('lists ready pods as addresses and unready ones as notReadyAddresses, resolving named target ports', async () => {
    await tc.client.create(R.services, 'default', service('web', 'web'));
    const ep = (await waitFor(
      async () => {
        const e = await tc.client.get(R.endpoints, 'default', 'web').catch(() => undefined);
        return e?.subsets?.[0]?.addresses?.length === 1 && e.subsets[0].notReadyAddresses?.length === 1 ? e : undefined;
      },
      { what: 'endpoints' },
    ))!;
    const [a, b] = await Promise.all(['web-a', 'web-b'].map((n) => tc.client.get(R.pods, 'default', n)));
    expect(ep.subsets[0].addresses[0]).toEqual({
      ip: a.status.podIP,
      nodeName: NODE,
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-a', uid: a.metadata.uid },
    });
    expect(ep.subsets[0].notReadyAddresses[0].ip).toBe(b.status.podIP);
    expect(ep.subsets[0].ports).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    expect(ep.metadata.labels).toEqual({ tier: 'web' });
    expect(ep.metadata.annotations!['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);

    const slices = await waitFor(
      async () => {
        const s = await slicesOf('web');
        return s.length === 1 && s[0].endpoints?.length === 2 ? s : undefined;
      },
      { what: 'slice' },
    );
    const s = slices![0];
    expect(s.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(s.metadata.labels).toMatchObject({
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      tier: 'web',
    });
    expect(s.metadata.ownerReferences![0]).toMatchObject({ kind: 'Service', name: 'web', controller: true });
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    const byName = Object.fromEntries(s.endpoints.map((e: any) => [e.targetRef.name, e]));
    expect(byName['web-a'].conditions).toEqual({ ready: true, serving: true, terminating: false });
    expect(byName['web-b'].conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(byName['web-a']).toMatchObject({ addresses: [a.status.podIP], nodeName: NODE });

    // the unready pod becomes ready → both addresses ready
    await tc.client.patch(R.pods, 'default', 'web-b', 'merge', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
    await waitFor(async () => (await tc.client.get(R.endpoints, 'default', 'web')).subsets?.[0]?.addresses?.length === 2, { what: 'both ready' });
    await waitFor(async () => (await slicesOf('web'))[0]?.endpoints?.every((e: any) => e.conditions.ready));
  });

  it('publishes not-ready pods as ready with publishNotReadyAddresses, and marks headless services', async () => {
    await tc.client.create(R.services, 'default', service('pub', 'pub', { clusterIP: 'None', publishNotReadyAddresses: true }));
    const ep = (await waitFor(async () => {
      const e = await tc.client.get(R.endpoints, 'default', 'pub').catch(() => undefined);
      return e?.subsets?.[0]?.addresses?.length === 1 ? e : undefined;
    }))!;
    expect(ep.subsets[0].notReadyAddresses).toBeUndefined();
    expect(ep.metadata.labels).toEqual({ tier: 'web', 'service.kubernetes.io/headless': '' });
    const s = (await waitFor(async () => {
      const x = await slicesOf('pub');
      return x[0]?.endpoints?.length ? x[0] : undefined;
    }))!;
    expect(s.endpoints[0].conditions).toEqual({ ready: true, serving: true, terminating: false });
  });

  it('keeps an empty placeholder slice and no subsets for a service without pods', async () => {
    await tc.client.create(R.services, 'default', service('none', 'nothing'));
    const ep = (await waitFor(() => tc.client.get(R.endpoints, 'default', 'none').catch(() => undefined)))!;
    expect(ep.subsets).toBeUndefined();
    const s = (await waitFor(async () => (await slicesOf('none'))[0]))!;
    expect(s.endpoints ?? []).toEqual([]);
  });

  it("writes back a managed slice or Endpoints someone else changed (a user's edit, a restored snapshot)", async () => {
    const [slice] = await slicesOf('web');
    const ready = slice.endpoints.find((e: { conditions: { ready: boolean } }) => e.conditions.ready);
    expect(ready).toBeTruthy();
    // what a restore of a snapshot taken before the pod was ready writes: the same slice, every endpoint not ready
    await tc.client.update(R.endpointslices, 'default', {
      ...slice,
      endpoints: slice.endpoints.map((e: { conditions: object }) => ({ ...e, conditions: { ready: false, serving: false, terminating: false } })),
    });
    await waitFor(
      async () => ((await slicesOf('web'))[0]?.endpoints ?? []).some((e: { addresses: string[]; conditions: { ready: boolean } }) => e.conditions.ready),
      { what: 'the ready endpoint written back' },
    );
    await tc.client.delete(R.endpoints, 'default', 'web');
    await waitFor(async () => ((await tc.client.get(R.endpoints, 'default', 'web').catch(() => undefined))?.subsets?.length ?? 0) > 0, {
      what: 'the Endpoints recreated',
    });
  });

  it('leaves the kubernetes service alone', async () => {
    expect(
      await slicesOf('kubernetes').then((s) =>
        s.filter((x) => x.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io'),
      ),
    ).toEqual([]);
  });
});
