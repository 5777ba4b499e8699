import { describe, expect, it } from 'vitest';
import { nodeUpdateEvent } from './cluster-events';
import { SchedulingQueue } from './queue';
import { makeNode, makePod } from './test-fixtures';

function clockedQueue() {
  let t = 1000;
  const q = new SchedulingQueue({ now: () => t });
  return {
    q,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by arrival', () => {
    const { q, advance } = clockedQueue();
    q.add(makePod('old-low'));
    advance(1);
    q.add(makePod('high', { priority: 100 }));
    advance(1);
    q.add(makePod('new-low'));
    expect([q.pop(), q.pop(), q.pop()].map((p) => p?.pod.metadata?.name)).toEqual(['high', 'old-low', 'new-low']);
  });

  it('backs off 1s doubling up to 10s', () => {
    const { q } = clockedQueue();
    q.add(makePod('p'));
    const qp = q.pop()!;
    const seen: number[] = [];
    for (let i = 1; i <= 6; i++) {
      qp.attempts = i;
      seen.push(q.backoffDuration(qp));
    }
    expect(seen).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('moves an unschedulable pod back only on an event that concerns the plugin that rejected it', () => {
    const { q, advance } = clockedQueue();
    q.add(makePod('p'));
    const qp = q.pop()!;
    q.failed(qp, new Set(['NodeUnschedulable']));
    expect(q.pop()).toBeUndefined();
    expect(q.moveOnEvent({ label: 'x', plugins: new Set(['NodeResourcesFit']) })).toBe(0);
    expect(q.whereIs(qp.key)).toBe('unschedulable');
    advance(2000);
    expect(q.moveOnEvent({ label: 'uncordon', plugins: new Set(['NodeUnschedulable']) })).toBe(1);
    expect(q.pop()?.key).toBe(qp.key);
  });

  it('retries a plugin-rejected pod still in backoff when nothing else waits, but honours backoff after errors', () => {
    const { q, advance } = clockedQueue();
    q.add(makePod('p'));
    let qp = q.pop()!;
    q.failed(qp, new Set(['TaintToleration']));
    q.moveOnEvent({ label: 'taint removed', plugins: new Set(['TaintToleration']) });
    expect(q.whereIs(qp.key)).toBe('backoff');
    qp = q.pop()!;
    expect(qp.pod.metadata?.name).toBe('p');
    q.failed(qp, new Set(), { error: true });
    expect(q.pop()).toBeUndefined();
    advance(q.backoffDuration(qp));
    expect(q.pop()?.pod.metadata?.name).toBe('p');
  });

  it('retries pods left unschedulable for 5 minutes', () => {
    const { q, advance } = clockedQueue();
    q.add(makePod('p'));
    q.failed(q.pop()!, new Set(['NodeAffinity']));
    advance(5 * 60_000);
    q.flushUnschedulableLeftover();
    expect(q.pop()?.pod.metadata?.name).toBe('p');
  });
});

describe('node update events', () => {
  it('ignore heartbeats and name the plugins a real change concerns', () => {
    const n = makeNode('n');
    expect(nodeUpdateEvent(n, { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True' }] } })).toBeNull();
    expect([...nodeUpdateEvent({ ...n, spec: { unschedulable: true } }, n)!.plugins!]).toContain('NodeUnschedulable');
    expect([...nodeUpdateEvent(n, { ...n, metadata: { ...n.metadata, labels: { disk: 'ssd' } } })!.plugins!]).toContain('NodeAffinity');
  });
});
