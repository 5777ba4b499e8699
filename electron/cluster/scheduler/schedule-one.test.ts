import { describe, expect, it } from 'vitest';
import { controlPlaneTaint, makeNode, makePod } from './test-fixtures';
import { buildSnapshot } from './snapshot';
import { scheduleOne, type ScheduleResult } from './schedule-one';
import type { Pod } from './types';

const nodeOf = (r: ScheduleResult) => ('node' in r ? r.node : `unschedulable: ${r.message}`);
const messageOf = (r: ScheduleResult) => ('unschedulable' in r ? r.message : `scheduled on ${r.node}`);

const threeNodes = () => [
  makeNode('cp', { labels: { 'node-role.kubernetes.io/control-plane': '' }, taints: [controlPlaneTaint] }),
  makeNode('w1'),
  makeNode('w2'),
];

describe('scheduleOne summary messages', () => {
  it('explains a pod too big for any node (scenario 22)', () => {
    const r = scheduleOne(makePod('huge', { cpu: '500' }), { nodes: threeNodes(), podsByNode: new Map() });
    expect(messageOf(r)).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it('explains cordon + taint and then schedules on the uncordoned node', () => {
    const nodes = threeNodes();
    nodes[1].spec!.unschedulable = true;
    nodes[2].spec!.taints = [{ key: 'lab', value: 'blocked', effect: 'NoSchedule' }];
    const pod = makePod('nowhere');
    expect(messageOf(scheduleOne(pod, { nodes, podsByNode: new Map() }))).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {lab: blocked}, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable. ' +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    nodes[1].spec!.unschedulable = false;
    expect(nodeOf(scheduleOne(pod, { nodes, podsByNode: new Map() }))).toBe('w1');
  });

  it('reports insufficient extended resources by name', () => {
    const nodes = [makeNode('g1', { extra: { 'nvidia.com/gpu': '1' } }), makeNode('plain')];
    const pod = makePod('train', { spec: { containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '2' } } }] } });
    expect(messageOf(scheduleOne(pod, { nodes, podsByNode: new Map() }))).toBe(
      '0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
    const one = makePod('infer', { requests: { 'nvidia.com/gpu': '1' } });
    expect(nodeOf(scheduleOne(one, { nodes, podsByNode: new Map() }))).toBe('g1');
  });

  it('says preemption is not eligible for preemptionPolicy Never', () => {
    const pod = makePod('np', { cpu: '500', priority: 100, spec: { preemptionPolicy: 'Never' } });
    expect(messageOf(scheduleOne(pod, { nodes: [makeNode('w1')], podsByNode: new Map() }))).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });

  it('says so when there are no nodes', () => {
    expect(scheduleOne(makePod('p'), { nodes: [], podsByNode: new Map() })).toMatchObject({
      unschedulable: true,
      error: true,
      message: 'no nodes available to schedule pods',
    });
  });
});

describe('scheduleOne placement', () => {
  it('spreads across zones with maxSkew 1 (2/2) and then rejects a pod that would break the skew', () => {
    const nodes = [
      makeNode('a1', { labels: { zone: 'a' } }),
      makeNode('a2', { labels: { zone: 'a' } }),
      makeNode('b1', { labels: { zone: 'b' } }),
      makeNode('b2', { labels: { zone: 'b' } }),
    ];
    const snap = buildSnapshot({ nodes, podsByNode: new Map() });
    const spread = (name: string, extra: Partial<NonNullable<Pod['spec']>> = {}) =>
      makePod(name, {
        labels: { app: 's' },
        spec: {
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 's' } } }],
          ...extra,
        },
      });
    const zones: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = spread(`s${i}`);
      const r = scheduleOne(p, snap);
      expect('node' in r).toBe(true);
      snap.addPod(p, nodeOf(r));
      zones.push(nodeOf(r)[0]);
    }
    expect(zones.filter((z) => z === 'a').length).toBe(2);
    expect(zones.filter((z) => z === 'b').length).toBe(2);
    // pinned to zone a while still counting zone b (nodeAffinityPolicy Ignore): 3 vs 2 is fine, 4 vs 2 is not
    const pinned = (n: string) => {
      const p = spread(n, { nodeSelector: { zone: 'a' } });
      p.spec!.topologySpreadConstraints![0].nodeAffinityPolicy = 'Ignore';
      return p;
    };
    const fifth = pinned('s4');
    const fifthNode = nodeOf(scheduleOne(fifth, snap));
    expect(fifthNode[0]).toBe('a');
    snap.addPod(fifth, fifthNode);
    const r = scheduleOne(pinned('s5'), snap);
    expect(messageOf(r)).toBe(
      "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't match pod topology spread constraints. " +
        'preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  it('with the default nodeAffinityPolicy Honor, only domains the pod may land in count', () => {
    const nodes = [makeNode('a1', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } })];
    const c = { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 's' } } };
    const existing = [1, 2, 3].map((i) => makePod(`e${i}`, { labels: { app: 's' } }));
    const pod = makePod('p', { labels: { app: 's' }, spec: { nodeSelector: { zone: 'a' }, topologySpreadConstraints: [c] } });
    expect(nodeOf(scheduleOne(pod, { nodes, podsByNode: new Map([['a1', existing]]) }))).toBe('a1');
  });

  it('keeps replicas with hostname anti-affinity on different nodes', () => {
    const snap = buildSnapshot({ nodes: [makeNode('n1'), makeNode('n2'), makeNode('n3')], podsByNode: new Map() });
    const replica = (name: string) =>
      makePod(name, {
        labels: { app: 'web' },
        spec: {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }],
            },
          },
        },
      });
    const used = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const p = replica(`web-${i}`);
      const node = nodeOf(scheduleOne(p, snap));
      expect(used.has(node)).toBe(false);
      used.add(node);
      snap.addPod(p, node);
    }
    expect(messageOf(scheduleOne(replica('web-3'), snap))).toBe(
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
  });

  it('prefers the least loaded node and honours preferred node affinity', () => {
    const busy = makePod('busy', { cpu: '3', memory: '6Gi' });
    const snap = buildSnapshot({ nodes: [makeNode('n1'), makeNode('n2', { labels: { tier: 'gold' } })], podsByNode: new Map([['n1', [busy]]]) });
    expect(nodeOf(scheduleOne(makePod('p', { cpu: '100m' }), snap))).toBe('n2');
    const snap2 = buildSnapshot({ nodes: [makeNode('n1'), makeNode('n2', { labels: { tier: 'gold' } })], podsByNode: new Map([['n2', [busy]]]) });
    const prefersGold = makePod('g', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, preference: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold'] }] } },
            ],
          },
        },
      },
    });
    expect(nodeOf(scheduleOne(prefersGold, snap2))).toBe('n2');
  });

  it('avoids PreferNoSchedule taints when another node is equally good', () => {
    const snap = buildSnapshot({
      nodes: [makeNode('soft', { taints: [{ key: 'x', value: 'y', effect: 'PreferNoSchedule' }] }), makeNode('clean')],
      podsByNode: new Map(),
    });
    for (let i = 0; i < 5; i++) expect(nodeOf(scheduleOne(makePod(`p${i}`), snap))).toBe('clean');
  });

  it('breaks ties randomly', () => {
    const snap = buildSnapshot({ nodes: [makeNode('n1'), makeNode('n2')], podsByNode: new Map() });
    expect(nodeOf(scheduleOne(makePod('a'), snap, undefined, { random: () => 0 }))).toBe('n2');
    expect(nodeOf(scheduleOne(makePod('b'), snap, undefined, { random: () => 0.99 }))).toBe('n1');
  });
});
