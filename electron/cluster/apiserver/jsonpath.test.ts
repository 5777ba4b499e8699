// CRD printer columns' JSONPath: the filter form CRDs use for conditions shows the first match, as upstream's
// table convertor does (the whole list was printed before filters were understood).
import { describe, expect, it } from 'vitest';
import { evalJsonPath } from './jsonpath';

const obj = {
  spec: { replicas: 3 },
  status: {
    conditions: [
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', count: 1 },
      { type: 'Ready', status: 'False', reason: 'ReconcileError', count: 5 },
    ],
  },
};

describe('printer column JSONPath', () => {
  it('selects list items by a field', () => {
    expect(evalJsonPath(obj, '.status.conditions[?(@.type=="Ready")].reason')).toBe('ReconcileError');
    expect(evalJsonPath(obj, ".status.conditions[?(@.type=='Progressing')].status")).toBe('True');
    expect(evalJsonPath(obj, '.status.conditions[?(@.count > 2)].type')).toBe('Ready');
    expect(evalJsonPath(obj, '.status.conditions[?(@.reason)].type')).toBe('Progressing');
  });
  it('finds nothing when no item matches or the filter is not understood', () => {
    expect(evalJsonPath(obj, '.status.conditions[?(@.type=="Available")].reason')).toBeUndefined();
    expect(evalJsonPath(obj, '.status.conditions[?(nonsense)].reason')).toBeUndefined();
  });
});
