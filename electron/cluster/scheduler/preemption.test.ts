import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from './test-fixtures';
import { scheduleOne } from './schedule-one';
import type { PodDisruptionBudget } from './types';

describe('preemption', () => {
  it('evicts the lower-priority pod, nominates its node and leaves the higher-priority one alone', () => {
    const low = makePod('low', { cpu: '3', priority: 10 });
    const mid = makePod('mid', { cpu: '3', priority: 500 });
    const pod = makePod('urgent', { cpu: '2', priority: 1000 });
    const r = scheduleOne(pod, {
      nodes: [makeNode('n1'), makeNode('n2')],
      podsByNode: new Map([
        ['n1', [mid]],
        ['n2', [low]],
      ]),
    });
    expect(r).toMatchObject({ unschedulable: true, nominatedNodeName: 'n2', message: '0/2 nodes are available: 2 Insufficient cpu.' });
    if (!('unschedulable' in r)) throw new Error('expected unschedulable');
    expect(r.preemption?.nodeName).toBe('n2');
    expect(r.preemption?.victims.map((v) => v.metadata?.name)).toEqual(['low']);
  });

  it('evicts only the least important pods needed, reprieving the most important first', () => {
    const small = [1, 2, 3].map((i) => makePod(`s${i}`, { cpu: '1', priority: i }));
    const pod = makePod('p', { cpu: '2', priority: 100 });
    const r = scheduleOne(pod, { nodes: [makeNode('n', { cpu: '3' })], podsByNode: new Map([['n', small]]) });
    if (!('unschedulable' in r)) throw new Error('expected unschedulable');
    // 2 of 3 cpu must be freed: s3 (most important) is reprieved, s2 and s1 go
    expect(r.preemption?.victims.map((v) => v.metadata?.name)).toEqual(['s2', 's1']);
  });

  it('prefers a node whose victims are not protected by a PodDisruptionBudget', () => {
    const guarded = makePod('guarded', { cpu: '3', priority: 1, labels: { app: 'db' } });
    const free = makePod('free', { cpu: '3', priority: 5, labels: { app: 'batch' } });
    const pdb: PodDisruptionBudget = {
      metadata: { name: 'db', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'db' } } },
      status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
    };
    const r = scheduleOne(makePod('p', { cpu: '2', priority: 100 }), {
      nodes: [makeNode('n1'), makeNode('n2')],
      podsByNode: new Map([
        ['n1', [guarded]],
        ['n2', [free]],
      ]),
      pdbs: [pdb],
    });
    if (!('unschedulable' in r)) throw new Error('expected unschedulable');
    expect(r.preemption).toMatchObject({ nodeName: 'n2', numPDBViolations: 0 });
  });

  it('does not preempt equal-priority pods', () => {
    const r = scheduleOne(makePod('p', { cpu: '2' }), { nodes: [makeNode('n1')], podsByNode: new Map([['n1', [makePod('o', { cpu: '3' })]]]) });
    expect(r).toMatchObject({
      unschedulable: true,
      nominatedNodeName: null,
      message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    });
  });
});
