import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';
import { timeLeft } from './ttl-after-finished-controller';

let tc: TestCluster;
let kubelet: FakeKubelet;
beforeAll(async () => {
  tc = await startTestCluster({ nodes: 1 });
  kubelet = await startFakeKubelet(tc.client, { nodeName: 'fake-ttl-node', decide: () => ({ exitCode: 0, runMs: 20 }) });
}, 60_000);
afterAll(async () => {
  kubelet?.stop();
  await tc?.stop();
});

describe('TTL after finished', () => {
  it('computes the expiry from the finish condition', () => {
    const job = {
      metadata: {},
      spec: { ttlSecondsAfterFinished: 10 },
      status: { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
    };
    expect(timeLeft(job, Date.parse('2025-01-01T00:00:04Z'))).toBe(6000);
    expect(timeLeft({ ...job, status: {} }, 0)).toBeUndefined();
  });
  it('deletes a finished Job once its TTL passes', async () => {
    await tc.client.create(R.jobs, 'default', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'short', namespace: 'default' },
      spec: {
        ttlSecondsAfterFinished: 0,
        template: { spec: { restartPolicy: 'Never', nodeName: 'fake-ttl-node', containers: [{ name: 'c', image: 'busybox' }] } },
      },
    });
    await waitFor(async () => !(await tc.client.list(R.jobs, 'default')).items.some((j) => j.metadata.name === 'short'), { what: 'job deleted' });
    expect((await tc.client.list(R.jobs, 'default')).items).toEqual([]);
  });
});
