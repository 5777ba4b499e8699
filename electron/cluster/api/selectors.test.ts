// Label selectors as objects carry them (metav1.LabelSelector): one matcher and one printer for every component.
import { describe, expect, it } from 'vitest';
import { formatLabelSelector, formatLabels, labelSelectorIsEmpty, labelSelectorMatches, selectorString } from './selectors';

describe('metav1.LabelSelector', () => {
  it('prints requirements sorted by key with sorted values, as labels.Selector.String()', () => {
    const sel = {
      matchLabels: { tier: 'web', app: 'shop' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    };
    expect(selectorString(sel)).toBe('app=shop,!canary,env in (dev,prod),tier=web');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector(null)).toBe('<none>');
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
    expect(formatLabels({})).toBe('<none>');
  });

  it('matches everything when empty, nothing when absent or when an operator is unknown', () => {
    expect(labelSelectorMatches({}, { a: '1' })).toBe(true);
    expect(labelSelectorIsEmpty({})).toBe(true);
    expect(labelSelectorMatches(undefined, { a: '1' })).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['0'] }] }, { a: '1' })).toBe(false);
    const sel = {
      matchLabels: { app: 'shop' },
      matchExpressions: [
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'tier', operator: 'Exists' },
      ],
    };
    expect(labelSelectorMatches(sel, { app: 'shop', tier: 'web' })).toBe(true);
    expect(labelSelectorMatches(sel, { app: 'shop', tier: 'web', env: 'dev' })).toBe(false);
    expect(labelSelectorMatches(sel, { app: 'shop' })).toBe(false);
  });
});
