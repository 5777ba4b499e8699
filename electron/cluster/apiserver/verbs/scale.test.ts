// The scale subresource over HTTPS: a PATCH on …/scale (what `kubectl scale` sends) is recorded in managedFields
// as an update of the scale subresource, as upstream records it; the entry said nothing of scale before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import { httpRequest } from '../handlers/streaming/testing/ws-client';

let t: TestCluster;
beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  await t.client.create(R.deployments, 'default', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('scale subresource', () => {
  it('a PATCH on /scale is recorded as the scale subresource in managedFields', async () => {
    const r = await httpRequest(
      t.cluster,
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web/scale?fieldManager=kubectl-scale',
      { spec: { replicas: 3 } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(r.status).toBe(200);
    const d = await t.client.get(R.deployments, 'default', 'web');
    expect(d.spec.replicas).toBe(3);
    const entry = d.metadata.managedFields!.find((m) => m.manager === 'kubectl-scale');
    expect(entry).toMatchObject({ operation: 'Update', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
  });
});
