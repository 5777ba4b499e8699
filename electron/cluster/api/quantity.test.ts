import { describe, expect, it } from 'vitest';
import { QUANTITY_REGEX_MESSAGE, canonicalQuantity, formatMilli, isQuantity, parseQuantity, quantityMilli, quantityValue } from './quantity';

describe('canonicalQuantity', () => {
  it.each([
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['2000Mi', '2000Mi'],
    ['128974848', '128974848'],
    ['123Mi', '123Mi'],
    ['100m', '100m'],
    ['1.5', '1500m'],
    ['0.5Gi', '512Mi'],
    ['1536Mi', '1536Mi'],
    ['1024', '1024'],
    ['1000', '1k'],
    ['1500k', '1500k'],
    ['0', '0'],
    ['0Mi', '0'],
    ['512Ki', '512Ki'],
    ['1023Ki', '1023Ki'],
    ['100.035Ki', '102435840m'],
    ['3.001n', '4n'],
    ['-0.5', '-500m'],
    ['.5', '500m'],
    ['1.', '1'],
  ])('%s -> %s', (input, want) => {
    expect(canonicalQuantity(input)).toBe(want);
  });

  // Upstream keeps the exponent notation a client chose (apimachinery's quantity tests).
  it.each([
    ['1e3', '1e3'],
    ['129e6', '129e6'],
    ['1E6', '1e6'],
    ['1.2e3', '1200'],
    ['0.5e-1', '50e-3'],
  ])('exponent %s -> %s', (input, want) => {
    expect(canonicalQuantity(input)).toBe(want);
  });

  it('accepts JSON numbers', () => {
    expect(canonicalQuantity(2)).toBe('2');
    expect(canonicalQuantity(0.25)).toBe('250m');
  });

  it('small binary values print in decimal form', () => {
    expect(canonicalQuantity('0.5Ki')).toBe('512');
  });
});

describe('parseQuantity', () => {
  it.each(['', 'abc', '1.1.M', '0.1mi', '1i', ' 1', '1 ', '-3.01e-', '1Gb'])('rejects %j with upstream message', (bad) => {
    expect(() => parseQuantity(bad)).toThrow(QUANTITY_REGEX_MESSAGE);
    expect(isQuantity(bad)).toBe(false);
  });

  it('gives milli and whole values rounded up', () => {
    expect(parseQuantity('250m').milli).toBe(250n);
    expect(quantityMilli('1.5')).toBe(1500);
    expect(quantityMilli('1n')).toBe(1);
    expect(quantityValue('64Mi')).toBe(64 * 1024 * 1024);
    expect(quantityValue('100m')).toBe(1);
    expect(quantityValue('1k')).toBe(1000);
  });

  it('formatMilli prints canonical milli amounts', () => {
    expect(formatMilli(500)).toBe('500m');
    expect(formatMilli(2000)).toBe('2');
    expect(formatMilli(0)).toBe('0');
  });
});
