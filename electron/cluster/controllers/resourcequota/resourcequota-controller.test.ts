import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import { computeUsage, podMatchesScopes } from './usage';
import type { KObject } from '../../api/types';

const pod = (name: string, res: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'quota' },
  spec: { containers: [{ name: 'c', image: 'nginx', resources: res }], ...extra },
});

describe('quota usage', () => {
  const none = {
    services: [],
    configmaps: [],
    secrets: [],
    persistentvolumeclaims: [],
    replicationcontrollers: [],
    resourcequotas: [],
    count: () => undefined,
  };
  it('sums requests and limits with upstream formatting and skips terminated pods', () => {
    const pods = [
      pod('a', { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }),
      pod('b', { requests: { cpu: '250m', memory: '64Mi', 'nvidia.com/gpu': '1' }, limits: { cpu: '1', memory: '128Mi', 'nvidia.com/gpu': '1' } }),
      { ...pod('done', { requests: { cpu: '4' } }), status: { phase: 'Succeeded' } },
    ];
    const q = {
      metadata: {},
      spec: {
        hard: {
          pods: '10',
          'requests.cpu': '2',
          'requests.memory': '1Gi',
          'limits.cpu': '4',
          'limits.memory': '2Gi',
          'requests.nvidia.com/gpu': '2',
          configmaps: '5',
        },
      },
    };
    expect(computeUsage(q, { pods, ...none })).toEqual({
      pods: '2',
      'requests.cpu': '500m',
      'requests.memory': '128Mi',
      'limits.cpu': '1500m',
      'limits.memory': '256Mi',
      'requests.nvidia.com/gpu': '1',
      configmaps: '0',
    });
  });
  it('applies scopes', () => {
    expect(podMatchesScopes(pod('x'), ['BestEffort'])).toBe(true);
    expect(podMatchesScopes(pod('x', { requests: { cpu: '1' } }), ['BestEffort'])).toBe(false);
    expect(podMatchesScopes(pod('x', {}, { activeDeadlineSeconds: 5 }), ['Terminating'])).toBe(true);
    expect(
      podMatchesScopes(pod('x', {}, { priorityClassName: 'high' }), [], {
        matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }],
      }),
    ).toBe(true);
  });
});

describe('resource quota controller', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('keeps status.hard and status.used current', async () => {
    await tc.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quota' } });
    await tc.client.create(R.resourcequotas, 'quota', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q', namespace: 'quota' },
      spec: { hard: { pods: '5', 'requests.cpu': '2', 'requests.memory': '1Gi', configmaps: '10', 'count/deployments.apps': '3', secrets: '10' } },
    });
    const first = (await waitFor(async () => {
      const q = await tc.client.get(R.resourcequotas, 'quota', 'q');
      return q.status?.used ? q : undefined;
    }))!;
    expect(first.status.hard).toEqual(first.spec.hard);
    expect(first.status.used).toMatchObject({ pods: '0', 'requests.cpu': '0', 'requests.memory': '0', 'count/deployments.apps': '0' });
    await tc.client.create(R.pods, 'quota', pod('p1', { requests: { cpu: '500m', memory: '256Mi' } }));
    await tc.client.create(R.pods, 'quota', pod('p2', { requests: { cpu: '250m', memory: '256Mi' } }));
    await tc.client.create(R.configmaps, 'quota', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'quota' } });
    const q = (await waitFor(
      async () => {
        const x = await tc.client.get(R.resourcequotas, 'quota', 'q');
        return x.status?.used?.pods === '2' && x.status.used['requests.cpu'] === '750m' ? x : undefined;
      },
      { what: 'usage' },
    ))!;
    expect(q.status.used).toMatchObject({ pods: '2', 'requests.cpu': '750m', 'requests.memory': '512Mi' });
    // kube-root-ca.crt is published into every namespace, so at least the student's configmap is counted
    await waitFor(async () => Number((await tc.client.get(R.resourcequotas, 'quota', 'q')).status.used.configmaps) >= 1);
    await tc.client.delete(R.pods, 'quota', 'p1');
    await waitFor(async () => (await tc.client.get(R.resourcequotas, 'quota', 'q')).status.used.pods === '1', { what: 'after delete' });
  });
});
