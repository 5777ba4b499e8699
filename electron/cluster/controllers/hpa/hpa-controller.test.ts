import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';

let tc: TestCluster;
beforeAll(async () => { tc = await startTestCluster({ nodes: 1 }); }, 60_000);
afterAll(async () => { await tc?.stop(); });

describe('HPA controller', () => {
  it('reports FailedGetResourceMetric while no metrics API is served', async () => {
    await tc.client.create(R.deployments, 'default', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] } } },
    });
    await tc.client.create(R.horizontalpodautoscalers, 'default', {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    });
    const hpa = (await waitFor(async () => { const h = await tc.client.get(R.horizontalpodautoscalers, 'default', 'web'); return h.status?.conditions?.length ? h : undefined; }, { what: 'hpa status' }))!;
    const byType = Object.fromEntries(hpa.status.conditions.map((c: any) => [c.type, c]));
    expect(byType.AbleToScale).toMatchObject({ status: 'True', reason: 'SucceededGetScale' });
    expect(byType.ScalingActive).toMatchObject({
      status: 'False', reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)',
    });
    const ev = await waitFor(async () => (await tc.client.list(R.events, 'default')).items.find((e) => e.reason === 'FailedGetResourceMetric' && e.involvedObject?.name === 'web'));
    expect(ev!.type).toBe('Warning');
  });
});
