// Typed decoding of patched objects: only the fields a patch touches are decoded again, and what it touches is
// still checked as strictly as a whole object.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import { StatusError } from '../api/errors';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  await tc?.stop();
});

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'nginx' }] },
});
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as StatusError;
  }
  throw new Error('expected the request to fail');
};

describe('patch field validation', () => {
  it('rejects an unknown field in a status patch under Strict and keeps the spec untouched otherwise', async () => {
    await tc.client.create(R.pods, 'default', pod('st'));
    const err = await failure(
      tc.client.patch(R.pods, 'default', 'st', 'json', [{ op: 'replace', path: '/status', value: { phase: 'Pending', bogus: 1 } }], {
        subresource: 'status',
        fieldValidation: 'Strict',
      } as never),
    );
    // as upstream's patch handler: 422 Invalid on the path "patch", whose value is the patched document
    expect(err.code).toBe(422);
    expect(err.message).toContain('": strict decoding error: unknown field "status.bogus"');
    const ok = await tc.client.patch(R.pods, 'default', 'st', 'json', [{ op: 'replace', path: '/status', value: { phase: 'Pending', bogus: 1 } }], {
      subresource: 'status',
    });
    // the default (Warn) prunes the unknown field; the spec the patch did not touch is as stored
    expect(ok.status.phase).toBe('Pending');
    expect(ok.status).not.toHaveProperty('bogus');
    expect(ok.spec.containers[0].image).toBe('nginx');
    expect(ok.spec.containers[0].terminationMessagePath).toBe('/dev/termination-log');
  });

  it('decodes every field a merge patch names, and type errors there answer 422 like upstream', async () => {
    await tc.client.create(R.pods, 'default', pod('mp'));
    const unknown = await failure(
      tc.client.patch(R.pods, 'default', 'mp', 'merge', { metadata: { labels: { a: 'b' } }, spec: { bogusField: true } }, {
        fieldValidation: 'Strict',
      } as never),
    );
    expect(unknown.code).toBe(422);
    expect(unknown.message).toContain('unknown field "spec.bogusField"');
    const typed = await failure(tc.client.patch(R.pods, 'default', 'mp', 'merge', { metadata: { labels: { a: 5 } } }));
    expect(typed.code).toBe(422);
    expect(typed.message).toContain('json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  });
});
