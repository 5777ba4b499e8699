import { describe, expect, it } from 'vitest';
import { JsonPatchError, jsonPatch, jsonPatchStatusError } from './index';

const doc = () => ({ metadata: { labels: { app: 'web' } }, spec: { replicas: 1, list: ['a', 'b'] } });

function failure(ops: unknown): JsonPatchError {
  try {
    jsonPatch(doc(), ops);
  } catch (e) {
    if (e instanceof JsonPatchError) return e;
    throw e;
  }
  throw new Error('expected failure');
}

describe('jsonPatch', () => {
  it('applies add, remove, replace, move, copy and test', () => {
    const out: any = jsonPatch(doc(), [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
      { op: 'add', path: '/spec/list/-', value: 'c' },
      { op: 'add', path: '/spec/list/0', value: 'z' },
      { op: 'remove', path: '/spec/list/1' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' },
      { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/moved' },
      { op: 'add', path: '/metadata/labels/a~1b', value: 'slash' },
    ]);
    expect(out.spec).toEqual({ replicas: 3, list: ['z', 'b', 'c'] });
    expect(out.metadata.labels).toEqual({ app: 'web', copy: 'web', moved: 'fe', 'a/b': 'slash' });
  });

  it('fails with the json-patch library texts', () => {
    expect(failure([{ op: 'remove', path: '/metadata/annotations/x' }]).message).toBe(
      'remove operation does not apply: doc is missing path: "/metadata/annotations/x": missing value',
    );
    expect(failure([{ op: 'remove', path: '/metadata/labels/x' }]).message).toBe(
      "error in remove for path: '/metadata/labels/x': unable to remove nonexistent key: x: missing value",
    );
    expect(failure([{ op: 'replace', path: '/spec/foo', value: 1 }]).message).toBe(
      'replace operation does not apply: doc is missing key: /spec/foo: missing value',
    );
    expect(failure([{ op: 'test', path: '/spec/replicas', value: 2 }]).message).toBe('testing value /spec/replicas failed: test failed');
    expect(failure([{ op: 'add', path: '/a/b/c', value: 1 }]).message).toBe('add operation does not apply: doc is missing path: "/a/b/c": missing value');
  });

  it('maps failures to the Status upstream returns', () => {
    const st = jsonPatchStatusError(failure([{ op: 'test', path: '/spec/replicas', value: 2 }]));
    expect(st.code).toBe(422);
    expect(st.status.reason).toBe('Invalid');
    expect(st.status.message).toBe('the server rejected our request due to an error in our request');
    expect(st.status.details?.causes?.[0]).toEqual({ reason: 'UnexpectedServerResponse', message: 'testing value /spec/replicas failed: test failed' });
    const bad = failure({ op: 'add' });
    expect(bad.kind).toBe('decode');
    expect(jsonPatchStatusError(bad).code).toBe(400);
  });

  it('does not touch the input', () => {
    const d = doc();
    jsonPatch(d, [{ op: 'replace', path: '/spec/replicas', value: 9 }]);
    expect(d.spec.replicas).toBe(1);
  });
});
