import { describe, expect, it } from 'vitest';
import { patchedFields } from './patch-scope';

describe('patchedFields', () => {
  it('names the first segment of each changing JSON patch operation', () => {
    const f = patchedFields('application/json-patch+json', [
      { op: 'test', path: '/metadata/uid', value: 'x' },
      { op: 'replace', path: '/status', value: {} },
      { op: 'move', from: '/spec/a', path: '/metadata/annotations/a~1b' },
    ]);
    expect([...f!].sort()).toEqual(['metadata', 'spec', 'status']);
  });
  it('gives up on root operations and malformed patches', () => {
    expect(patchedFields('application/json-patch+json', [{ op: 'replace', path: '', value: {} }])).toBeUndefined();
    expect(patchedFields('application/json-patch+json', { op: 'add' })).toBeUndefined();
  });
  it('names the keys of merge patches and gives up on root directives', () => {
    expect([...patchedFields('application/merge-patch+json', { spec: { replicas: 2 } })!]).toEqual(['spec']);
    expect(patchedFields('application/strategic-merge-patch+json', { $patch: 'replace', spec: {} })).toBeUndefined();
  });
});
