import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { createInformerFactory } from '../../client/informer';
import { startPodGcController } from './podgc-controller';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  await tc?.stop();
});

describe('pod GC', () => {
  it('deletes pods bound to a node that does not exist, and terminated pods above the threshold', async () => {
    await tc.client.create(R.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphan', namespace: 'default' },
      spec: { nodeName: 'ghost-node', containers: [{ name: 'c', image: 'nginx' }] },
    });
    for (const n of ['old', 'new']) {
      await tc.client.create(R.pods, 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: n, namespace: 'default' },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      });
      await tc.client.patch(R.pods, 'default', n, 'merge', { status: { phase: 'Succeeded' } }, { subresource: 'status' });
      // creationTimestamp has one-second resolution: make "old" older for sure
      if (n === 'old')
        await waitFor(async () => {
          const p = await tc.client.get(R.pods, 'default', 'old');
          return Date.now() - Date.parse(p.metadata.creationTimestamp!) >= 1000;
        });
    }
    const informers = createInformerFactory(tc.client);
    const gc = startPodGcController(tc.client, informers, { quarantineMs: 0, threshold: 1, periodMs: 3_600_000 });
    informers.start();
    const seen: KObject[] = [];
    let deleted = false;
    const w = tc.client.watch(R.pods, 'default', {}, (ev) => {
      if (ev.object.metadata.name === 'orphan') {
        seen.push(ev.object);
        if (ev.type === 'DELETED') deleted = true;
      }
    });
    try {
      await waitFor(
        async () => {
          await gc.gc();
          const names = (await tc.client.list(R.pods, 'default')).items.map((p) => p.metadata.name);
          return !names.includes('orphan') && !names.includes('old') && names.includes('new');
        },
        { what: 'pods collected' },
      );
      // the watch delivers asynchronously: wait for the deletion event before looking at what it saw
      await waitFor(() => deleted);
    } finally {
      w.stop();
      gc.stop();
      informers.stop();
    }
    expect(
      seen.some(
        (p) =>
          p.status?.phase === 'Failed' &&
          p.status?.conditions?.some(
            (c: any) => c.type === 'DisruptionTarget' && c.reason === 'DeletionByPodGC' && c.message === 'PodGC: node no longer exists',
          ),
      ),
    ).toBe(true);
  });
});
