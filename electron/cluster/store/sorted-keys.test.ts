import { describe, expect, it } from 'vitest';
import { SortedKeys } from './sorted-keys';

describe('SortedKeys', () => {
  const build = () => {
    const s = new SortedKeys();
    s.load(['/b/2', '/a/1', '/b/1', '/c', '/b/3', '/ba']);
    return s;
  };

  it('ranges a prefix in key order with count independent of startKey/limit and what remains after the page', () => {
    expect(build().range('/b/')).toEqual({ keys: ['/b/1', '/b/2', '/b/3'], more: false, count: 3, remaining: 0 });
    expect(build().range('/b/', '', 1)).toEqual({ keys: ['/b/1'], more: true, count: 3, remaining: 2 });
    expect(build().range('/b/', '/b/2', 1)).toEqual({ keys: ['/b/2'], more: true, count: 3, remaining: 1 });
    expect(build().range('/b/', '/b/25')).toEqual({ keys: ['/b/3'], more: false, count: 3, remaining: 0 });
    expect(build().range('/b/', '/z')).toEqual({ keys: [], more: false, count: 3, remaining: 0 });
    expect(build().range('/b/', '/a')).toEqual({ keys: ['/b/1', '/b/2', '/b/3'], more: false, count: 3, remaining: 0 });
    expect(build().range('').count).toBe(6);
    expect(build().range('/x')).toEqual({ keys: [], more: false, count: 0, remaining: 0 });
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

describe('SortedKeys across many blocks', () => {
  it('matches a sorted array through random inserts, removes and ranges', () => {
    const s = new SortedKeys();
    const ref = new Set<string>();
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const key = () => `/registry/${['pods', 'configmaps', 'secrets'][rnd(3)]}/ns${rnd(4)}/k${rnd(5000)}`;
    s.load(Array.from({ length: 700 }, key).filter((k) => !ref.has(k) && ref.add(k)));
    for (let i = 0; i < 6000; i++) {
      const k = key();
      if (rnd(3) === 0) {
        s.remove(k);
        ref.delete(k);
      } else {
        s.insert(k);
        ref.add(k);
      }
    }
    const sorted = [...ref].sort();
    expect(s.size).toBe(sorted.length);
    for (const prefix of ['', '/registry/pods/', '/registry/configmaps/ns1/', '/registry/secrets/ns3/k4', '/x']) {
      const under = sorted.filter((k) => k.startsWith(prefix));
      expect(s.range(prefix)).toEqual({ keys: under, more: false, count: under.length, remaining: 0 });
      const start = under[Math.floor(under.length / 3)] ?? '';
      const from = under.filter((k) => k >= start);
      expect(s.range(prefix, start, 50)).toEqual({
        keys: from.slice(0, 50),
        more: from.length > 50,
        count: under.length,
        remaining: Math.max(0, from.length - 50),
      });
    }
  });
});
