import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';
import { computePdbCounts, scaledValue } from './pdb-status';

const NODE = 'fake-pdb-node';
let tc: TestCluster;
let kubelet: FakeKubelet;

const ready = (name: string, ok = true): KObject => ({ metadata: { name }, status: { conditions: [{ type: 'Ready', status: ok ? 'True' : 'False' }] } });

describe('PDB arithmetic', () => {
  it('rounds percentages up', () => {
    expect(scaledValue('50%', 5)).toBe(3);
    expect(scaledValue(2, 5)).toBe(2);
  });
  it('computes minAvailable / maxUnavailable numbers', () => {
    const pods = [ready('a'), ready('b'), ready('c', false)];
    expect(computePdbCounts({ metadata: {}, spec: { minAvailable: 1 } }, pods, () => 3)).toEqual({
      expectedPods: 3,
      desiredHealthy: 1,
      currentHealthy: 2,
      disruptionsAllowed: 1,
    });
    expect(computePdbCounts({ metadata: {}, spec: { maxUnavailable: 1 } }, pods, () => 4)).toEqual({
      expectedPods: 4,
      desiredHealthy: 3,
      currentHealthy: 2,
      disruptionsAllowed: 0,
    });
    expect(computePdbCounts({ metadata: {}, spec: { minAvailable: '50%' } }, pods, () => 3)).toEqual({
      expectedPods: 3,
      desiredHealthy: 2,
      currentHealthy: 2,
      disruptionsAllowed: 0,
    });
    expect(computePdbCounts({ metadata: {}, spec: { maxUnavailable: 0 } }, [], () => 0).disruptionsAllowed).toBe(0);
  });
});

describe('disruption controller', () => {
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    kubelet = await startFakeKubelet(tc.client, { nodeName: NODE, decide: (p) => ({ unready: p.metadata.labels?.ready === 'false' }) });
  }, 60_000);
  afterAll(async () => {
    kubelet?.stop();
    await tc?.stop();
  });

  it('keeps PDB status in line with ready pods', async () => {
    for (const [n, r] of [
      ['p1', true],
      ['p2', true],
      ['p3', false],
    ] as const) {
      await tc.client.create(R.pods, 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: n, namespace: 'default', labels: { app: 'db', ready: String(r) } },
        spec: { nodeName: NODE, containers: [{ name: 'c', image: 'nginx' }] },
      });
    }
    await tc.client.create(R.poddisruptionbudgets, 'default', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db', namespace: 'default' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } },
    });
    const pdb = (await waitFor(
      async () => {
        const p = await tc.client.get(R.poddisruptionbudgets, 'default', 'db');
        return p.status?.currentHealthy === 2 ? p : undefined;
      },
      { what: 'pdb status' },
    ))!;
    expect(pdb.status).toMatchObject({
      expectedPods: 3,
      desiredHealthy: 1,
      currentHealthy: 2,
      disruptionsAllowed: 1,
      observedGeneration: pdb.metadata.generation,
    });
    expect(pdb.status.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' })]);

    await tc.client.patch(R.poddisruptionbudgets, 'default', 'db', 'merge', { spec: { minAvailable: 2 } });
    const tight = (await waitFor(async () => {
      const p = await tc.client.get(R.poddisruptionbudgets, 'default', 'db');
      return p.status?.desiredHealthy === 2 ? p : undefined;
    }))!;
    expect(tight.status).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 2 });
    expect(tight.status.conditions[0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });

    await tc.client.patch(R.pods, 'default', 'p3', 'merge', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
    await waitFor(async () => (await tc.client.get(R.poddisruptionbudgets, 'default', 'db')).status?.disruptionsAllowed === 1, { what: 'p3 ready' });
  });
});
