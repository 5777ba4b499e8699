import { describe, expect, it } from 'vitest';
import { SortedKeys } from './sorted-keys';

describe('SortedKeys', () => {
  const build = () => {
    const s = new SortedKeys();
    s.load(['/b/2', '/a/1', '/b/1', '/c', '/b/3', '/ba']);
    return s;
  };

  it('ranges a prefix in key order with count independent of startKey/limit', () => {
    expect(build().range('/b/')).toEqual({ keys: ['/b/1', '/b/2', '/b/3'], more: false, count: 3 });
    expect(build().range('/b/', '/b/2', 1)).toEqual({ keys: ['/b/2'], more: true, count: 3 });
    expect(build().range('/b/', '/b/25')).toEqual({ keys: ['/b/3'], more: false, count: 3 });
    expect(build().range('/b/', '/z')).toEqual({ keys: [], more: false, count: 3 });
    expect(build().range('/b/', '/a')).toEqual({ keys: ['/b/1', '/b/2', '/b/3'], more: false, count: 3 });
    expect(build().range('').count).toBe(6);
    expect(build().range('/x')).toEqual({ keys: [], more: false, count: 0 });
  });

  it('keeps order across inserts and removes', () => {
    const s = build();
    s.insert('/b/0');
    s.insert('/b/0');
    s.remove('/b/2');
    s.remove('/nope');
    expect(s.range('/b/').keys).toEqual(['/b/0', '/b/1', '/b/3']);
    expect(s.size).toBe(6);
  });
});
