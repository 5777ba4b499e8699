import { describe, expect, it } from 'vitest';
import { formatKeyValue, formatStoreEvent } from './format';

const kv = { key: '/registry/configmaps/default/x', value: '{"a":1}', createRevision: 5, modRevision: 7, version: 2 };

describe('formatKeyValue', () => {
  it('prints the key and its revisions on one line', () => {
    expect(formatKeyValue(kv)).toBe('/registry/configmaps/default/x  create_revision=5 mod_revision=7 version=2');
  });
  it('adds the value on the next line when asked', () => {
    expect(formatKeyValue(kv, { withValue: true }).split('\n')).toEqual([formatKeyValue(kv), '{"a":1}']);
  });
  it('prefixes watch events with their type and revision', () => {
    expect(formatStoreEvent({ type: 'delete', kv, revision: 7 })).toBe(`DELETE 7  ${formatKeyValue(kv)}`);
  });
});
