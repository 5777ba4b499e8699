// The Kubernetes CEL library functions policies use, evaluated as the API server evaluates policy expressions.
import { describe, expect, it } from 'vitest';
import { compileCel } from './cel';

const run = (expr: string, ctx: Record<string, unknown> = {}) => compileCel(expr)(ctx);

describe('Kubernetes CEL libraries', () => {
  it('compares quantities by value whatever their suffix', () => {
    expect(run("quantity('1Gi').isGreaterThan(quantity('1G'))")).toBe(true);
    expect(run("quantity('500m').isLessThan(quantity('1'))")).toBe(true);
    expect(run("quantity('1k').compareTo(quantity('1000'))")).toBe(0n);
    expect(run("quantity('2Ki').asInteger()")).toBe(2048n);
    expect(run("quantity('1.5').isInteger()")).toBe(false);
    expect(run("quantity('100Mi').add(quantity('100Mi')).isGreaterThan(quantity('200M'))")).toBe(true);
    expect(run("isQuantity('10Mi') && !isQuantity('10 apples')")).toBe(true);
    expect(() => run("quantity('lots')")).toThrow(/invalid quantity/);
  });

  it('checks URLs, finds regex matches and helps with lists', () => {
    expect(run("isURL('https://example.com/a?b=c') && isURL('/absolute/path') && !isURL('example.com') && !isURL('not a url')")).toBe(true);
    expect(run("'image: nginx:1.27'.find('[0-9]+[.][0-9]+')")).toBe('1.27');
    expect(run("'a1b22c333'.findAll('[0-9]+')")).toEqual(['1', '22', '333']);
    expect(run("'a1b22c333'.findAll('[0-9]+', 2)")).toEqual(['1', '22']);
    expect(run("'abc'.find('[0-9]')")).toBe('');
    expect(run('[1, 2, 3].isSorted() && ![3, 1].isSorted()')).toBe(true);
    expect(run('[1, 2, 3].sum()')).toBe(6n);
    expect(run('[4, 2, 9].min() == 2 && [4, 2, 9].max() == 9')).toBe(true);
    expect(run("['a', 'b', 'a'].indexOf('a') == 0 && ['a', 'b', 'a'].lastIndexOf('a') == 2 && ['a'].indexOf('z') == -1")).toBe(true);
  });

  it('reads the request variables as dyn', () => {
    expect(run('object.spec.containers.map(c, c.image).all(i, i.find(":[^:]+$") != "")', { object: { spec: { containers: [{ image: 'nginx:1' }] } } })).toBe(
      true,
    );
  });
});
