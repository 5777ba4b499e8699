import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';

let tc: TestCluster;

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 2 });
}, 60_000);
afterAll(async () => {
  await tc?.stop();
});

describe('HPA controller', () => {
  it('scales a CPU-bound Deployment up from the metrics API, with upstream conditions and events', async () => {
    // stress --cpu 1 burns a whole core against a 200m request: 500% of the request, far above the 50% target
    await tc.client.create(R.deployments, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'burn', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'burn' } },
        template: {
          metadata: { labels: { app: 'burn' } },
          spec: { containers: [{ name: 'c', image: 'polinux/stress', command: ['stress', '--cpu', '1'], resources: { requests: { cpu: '200m' } } }] },
        },
      },
    });
    await waitFor(async () => (await tc.client.get(R.deployments, 'default', 'burn')).status?.readyReplicas === 1, { what: 'burn ready' });
    await tc.client.create(R.horizontalpodautoscalers, 'default', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'burn', namespace: 'default' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burn' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
    });
    const hpa = (await waitFor(
      async () => {
        const h = await tc.client.get(R.horizontalpodautoscalers, 'default', 'burn');
        return h.status?.desiredReplicas === 3 ? h : undefined;
      },
      { what: 'hpa desiredReplicas 3', timeoutMs: 40_000 },
    ))!;
    const byType = Object.fromEntries(hpa.status.conditions.map((c: any) => [c.type, c]));
    expect(byType.AbleToScale).toMatchObject({ status: 'True' });
    expect(byType.ScalingActive).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect(byType.ScalingLimited).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
    expect(hpa.status.currentMetrics[0].resource.current.averageUtilization).toBeGreaterThan(50);
    await waitFor(async () => (await tc.client.get(R.deployments, 'default', 'burn')).spec.replicas === 3, { what: 'deployment scaled to 3' });
    const ev = await waitFor(async () =>
      (await tc.client.list(R.events, 'default')).items.find((e) => e.reason === 'SuccessfulRescale' && e.involvedObject?.name === 'burn'),
    );
    expect(ev!.message).toBe('New size: 3; reason: cpu resource utilization (percentage of request) above target');
  });
});
