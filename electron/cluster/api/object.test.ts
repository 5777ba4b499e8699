// Copies and comparisons of API objects follow JSON: what would not survive serialization does not count.
import { describe, expect, it } from 'vitest';
import { clone, deepEqual, deepFreeze } from './object';

describe('api/object', () => {
  it('treats a member holding undefined as absent', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: [1, { c: 2 }] }, { a: [1, { c: 3 }] })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
  });

  it('copies like a JSON round trip without sharing anything', () => {
    const src = { a: { b: [1, undefined, 'x'] }, t: new Date(0), n: NaN, u: undefined };
    const c = clone(src);
    expect(c).toEqual(JSON.parse(JSON.stringify(src)));
    expect(c.a).not.toBe(src.a);
    expect(clone(undefined)).toBeUndefined();
  });

  it('freezes nested values', () => {
    const o = deepFreeze({ a: { b: [1] } });
    expect(Object.isFrozen(o.a.b)).toBe(true);
  });
});
