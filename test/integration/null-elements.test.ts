// Issue #22: a null inside a list of objects ("containers": [null], "ports": [null], "env": [null]) reached
// defaulting as null and answered 500 "Cannot read properties of null". Upstream decodes it as the zero object,
// so validation answers 422 naming the field — on POST, PUT, every patch type and server-side apply.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, type TestCluster } from '../harness';
import { R } from '../../electron/cluster/client/resources';
import { StatusError } from '../../electron/cluster/api/errors';
import type { KObject } from '../../electron/cluster/api/types';
import type { PatchType } from '../../electron/cluster/client/types';

const pod = (name: string, container: unknown): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [container] },
  }) as KObject;

async function failure(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('the request succeeded');
}

describe('null list elements decode as zero objects (issue #22)', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
  });
  afterAll(async () => {
    await tc?.stop();
  });

  it('POST: containers [null] → 422 naming the fields', async () => {
    const e = await failure(tc.client.create(R.pods, 'default', pod('n1', null)));
    expect(e.code).toBe(422);
    expect(e.message).toContain('spec.containers[0].name: Required value');
    expect(e.message).toContain('spec.containers[0].image: Required value');
  });

  it('POST: ports [null] and env [null] → 422, never 500', async () => {
    const e1 = await failure(tc.client.create(R.pods, 'default', pod('n2', { name: 'c', image: 'busybox', ports: [null] })));
    expect(e1.code).toBe(422);
    expect(e1.message).toContain('spec.containers[0].ports[0].containerPort');
    const e2 = await failure(tc.client.create(R.pods, 'default', pod('n3', { name: 'c', image: 'busybox', env: [null] })));
    expect(e2.code).toBe(422);
    expect(e2.message).toContain('spec.containers[0].env[0].name: Required value');
    const d = await failure(
      tc.client.create(R.deployments, 'default', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [null] } } },
      } as KObject),
    );
    expect(d.code).toBe(422);
    expect(d.message).toContain('spec.template.spec.containers[0].name: Required value');
  });

  it('PUT, merge / strategic / JSON patch and apply with a null element → 4xx, the object unchanged', async () => {
    const base = await tc.client.create(R.pods, 'default', pod('target', { name: 'c', image: 'busybox', command: ['sleep', '3600'] }));
    const put = await failure(tc.client.update(R.pods, 'default', { ...base, spec: { ...base.spec, containers: [null] } } as KObject));
    expect(put.code).toBeLessThan(500);
    expect(put.code).toBeGreaterThanOrEqual(400);
    const patches: [PatchType, unknown][] = [
      ['merge', { spec: { containers: [null] } }],
      ['strategic', { spec: { containers: [null] } }],
      ['json', [{ op: 'add', path: '/spec/containers/0/env', value: [null] }]],
      ['apply', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'target' }, spec: { containers: [null] } }],
    ];
    for (const [type, body] of patches) {
      const e = await failure(tc.client.patch(R.pods, 'default', 'target', type, body, type === 'apply' ? { fieldManager: 'fuzz', force: true } : undefined));
      expect(e.code, `${type} patch: ${e.message}`).toBeGreaterThanOrEqual(400);
      expect(e.code, `${type} patch: ${e.message}`).toBeLessThan(500);
    }
    const after = await tc.client.get(R.pods, 'default', 'target');
    expect(after.spec?.containers).toEqual(base.spec?.containers);
  });
});
