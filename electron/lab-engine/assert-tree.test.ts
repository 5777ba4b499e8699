import { describe, it, expect } from 'vitest';
import { matchTree, describeMismatch } from './assert-tree';

const deploy = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
  spec: {
    replicas: 3,
    template: {
      spec: {
        containers: [
          { name: 'sidecar', image: 'busybox' },
          { name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
        ],
      },
    },
  },
  status: { readyReplicas: 2 },
};

describe('assertion trees (chainsaw semantics)', () => {
  it('matches maps as subsets', () => {
    expect(matchTree({ metadata: { labels: { app: 'web' } }, spec: { replicas: 3 } }, deploy)).toEqual([]);
  });
  it('reports the path, the expected and the actual value', () => {
    const m = matchTree({ status: { readyReplicas: 3 } }, deploy);
    expect(m).toHaveLength(1);
    expect(describeMismatch(m[0])).toBe('status.readyReplicas is 2, expected 3');
  });
  it('reports missing fields, including missing parents', () => {
    const m = matchTree({ status: { conditions: [{ type: 'Available' }] }, metadata: { annotations: { a: 'b' } } }, deploy);
    expect(m.map((x) => x.reason)).toEqual(['missing', 'missing']);
    expect(m[1].path).toBe('metadata.annotations.a');
  });
  it('compares arrays element by element and by length', () => {
    expect(matchTree({ spec: { template: { spec: { containers: [{ name: 'web' }] } } } }, deploy)[0].reason).toBe('length');
    expect(matchTree({ spec: { template: { spec: { containers: [{ name: 'web' }, { name: 'sidecar' }] } } } }, deploy)).toHaveLength(2);
    expect(matchTree({ spec: { template: { spec: { containers: [{ name: 'sidecar' }, { name: 'web' }] } } } }, deploy)).toEqual([]);
  });
  it('evaluates JMESPath projection keys against the current node', () => {
    expect(matchTree({ spec: { template: { spec: { '(length(containers))': 2 } } } }, deploy)).toEqual([]);
    expect(matchTree({ '(spec.replicas > status.readyReplicas)': true }, deploy)).toEqual([]);
    const bad = matchTree({ spec: { '(replicas == `5`)': true } }, deploy);
    expect(bad[0].path).toBe('spec.(replicas == `5`)');
  });
  it('iterates with ~ so each element of a filtered list must match (order does not matter)', () => {
    const tree = { spec: { template: { spec: { "~.(containers[?name == 'web'])": { image: 'nginx:1.25' } } } } };
    expect(matchTree(tree, deploy)).toEqual([]);
    const wrong = { spec: { template: { spec: { "~.(containers[?name == 'web'])": { image: 'nginx:1.27' } } } } };
    expect(matchTree(wrong, deploy)[0].path).toBe("spec.template.spec.(containers[?name == 'web'])[0].image");
    expect(matchTree({ spec: { template: { spec: { '~containers': { name: '?*' } } } } }, deploy)).toEqual([]);
    expect(matchTree({ spec: { template: { spec: { '~containers': { image: 'nginx*' } } } } }, deploy)).toHaveLength(1);
  });
  it('supports wildcards in string leaves and loose number/string comparison for quantities', () => {
    expect(matchTree({ metadata: { name: 'w*' } }, deploy)).toEqual([]);
    expect(matchTree({ capacity: { 'nvidia.com/gpu': 2 } }, { capacity: { 'nvidia.com/gpu': '2' } })).toEqual([]);
  });
  it('null matches an absent field only', () => {
    expect(matchTree({ spec: { paused: null } }, deploy)).toEqual([]);
    expect(matchTree({ spec: { replicas: null } }, deploy)).toHaveLength(1);
  });
  it('reports a broken expression instead of throwing', () => {
    expect(matchTree({ '(length(spec)': 1 }, deploy)[0].reason).toBe('expression');
  });
});
