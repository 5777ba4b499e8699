import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { FakeCluster, waitFor } from './fake-cluster';
import { createScheduler, type Scheduler } from './scheduler';
import { controlPlaneTaint, makeNode, makePod } from './test-fixtures';

const k = (o: object) => o as unknown as KObject;
let sched: Scheduler | undefined;
afterEach(() => sched?.stop());

async function startWith(fc: FakeCluster, queue = {}) {
  const errors: Error[] = [];
  sched = createScheduler({ client: fc.client(), informers: fc.factory(), onError: (e) => errors.push(e), queue });
  await sched.start();
  return errors;
}

const nodeOf = (fc: FakeCluster, name: string) => fc.get('pods', 'default', name)?.spec?.nodeName as string | undefined;
const scheduledCond = (fc: FakeCluster, name: string) =>
  (fc.get('pods', 'default', name)?.status?.conditions ?? []).find((c: { type: string }) => c.type === 'PodScheduled');

describe('running scheduler', () => {
  it('binds a pending pod and records a Scheduled event', async () => {
    const fc = new FakeCluster();
    fc.upsert('nodes', k(makeNode('w1', { labels: { disk: 'ssd' } })));
    fc.upsert('nodes', k(makeNode('w2')));
    const errors = await startWith(fc);
    fc.upsert('pods', k(makePod('pinned', { spec: { nodeSelector: { disk: 'ssd' } } })));
    await waitFor(() => nodeOf(fc, 'pinned'), 3000, 'binding');
    expect(nodeOf(fc, 'pinned')).toBe('w1');
    const bind = fc.calls.find((c) => c.opts && (c.opts as { subresource?: string }).subresource === 'binding');
    expect(bind?.body).toMatchObject({ kind: 'Binding', metadata: { name: 'pinned', namespace: 'default' }, target: { kind: 'Node', name: 'w1' } });
    const ev = await waitFor(() => fc.events.find((e) => e.reason === 'Scheduled'), 3000, 'Scheduled event');
    expect(ev).toMatchObject({
      type: 'Normal',
      message: 'Successfully assigned default/pinned to w1',
      source: { component: 'default-scheduler' },
      involvedObject: { kind: 'Pod', name: 'pinned' },
    });
    expect(errors).toEqual([]);
  });

  it('reports an unschedulable pod and retries it as soon as a node is uncordoned, well before backoff would', async () => {
    const fc = new FakeCluster();
    fc.upsert('nodes', k(makeNode('cp', { taints: [controlPlaneTaint] })));
    fc.upsert('nodes', k(makeNode('w1', { unschedulable: true })));
    fc.upsert('nodes', k(makeNode('w2', { taints: [{ key: 'lab', value: 'blocked', effect: 'NoSchedule' }] })));
    // backoff far beyond the test's timeouts: only the node event can bring the pod back in time
    await startWith(fc, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 });
    fc.upsert('pods', k(makePod('nowhere')));
    const cond = await waitFor(() => scheduledCond(fc, 'nowhere'), 3000, 'PodScheduled condition');
    expect(cond).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message:
        '0/3 nodes are available: 1 node(s) had untolerated taint {lab: blocked}, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    });
    const failed = await waitFor(() => fc.events.find((e) => e.reason === 'FailedScheduling'), 3000, 'FailedScheduling');
    expect(failed).toMatchObject({ type: 'Warning', count: 1, reportingComponent: 'default-scheduler', message: cond.message });

    // a heartbeat-only update arrives first (it moves nothing, see queue.test.ts); then the uncordon
    const w1 = fc.get('nodes', undefined, 'w1')!;
    fc.upsert('nodes', { ...w1, status: { ...w1.status, conditions: [{ type: 'Ready', status: 'True' }] } });
    fc.upsert('nodes', { ...fc.get('nodes', undefined, 'w1')!, spec: { unschedulable: false } });
    await waitFor(() => nodeOf(fc, 'nowhere'), 2000, 'binding after uncordon');
    expect(nodeOf(fc, 'nowhere')).toBe('w1');
  });

  it('aggregates repeated identical FailedScheduling events into one with a count', async () => {
    const fc = new FakeCluster();
    fc.upsert('nodes', k(makeNode('w1', { cpu: '1' })));
    await startWith(fc, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 });
    fc.upsert('pods', k(makePod('big', { cpu: '2' })));
    await waitFor(() => fc.events.find((e) => e.reason === 'FailedScheduling'), 3000, 'first event');
    // nothing in the cluster changes: force a retry through the public requeue hook
    sched!.requeue({ label: 'test' });
    await waitFor(() => fc.events.find((e) => e.reason === 'FailedScheduling' && e.count === 2), 3000, 'count 2');
    expect(fc.events.filter((e) => e.reason === 'FailedScheduling')).toHaveLength(1);
  });

  it('does not overcommit a node while a burst of bindings is in flight', async () => {
    const fc = new FakeCluster();
    fc.upsert('nodes', k(makeNode('n1', { cpu: '1' })));
    fc.upsert('nodes', k(makeNode('n2', { cpu: '1' })));
    fc.bindDelayMs = 50;
    await startWith(fc, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 });
    for (let i = 0; i < 30; i++) fc.upsert('pods', k(makePod(`p${i}`, { cpu: '100m' })));
    await waitFor(
      () => fc.events.filter((e) => e.reason === 'Scheduled').length === 20 && fc.events.filter((e) => e.reason === 'FailedScheduling').length === 10,
      5000,
      '20 bound + 10 failed',
    );
    const placed = Array.from({ length: 30 }, (_, i) => nodeOf(fc, `p${i}`));
    expect(placed.filter((n) => n === 'n1')).toHaveLength(10);
    expect(placed.filter((n) => n === 'n2')).toHaveLength(10);
    expect(placed.filter((n) => !n)).toHaveLength(10);
  });

  it('preempts a lower-priority pod, nominates the node and binds the preemptor once the victim is gone', async () => {
    const fc = new FakeCluster();
    fc.upsert('nodes', k(makeNode('n1', { cpu: '2' })));
    fc.upsert('pods', k(makePod('low', { cpu: '1500m', priority: 0, nodeName: 'n1' })));
    await startWith(fc, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 });
    fc.upsert('pods', k(makePod('high', { cpu: '1', priority: 1000 })));
    await waitFor(() => fc.calls.find((c) => c.verb === 'delete' && c.name === 'low'), 3000, 'victim deletion');
    await waitFor(() => fc.get('pods', 'default', 'high')?.status?.nominatedNodeName === 'n1', 3000, 'nominatedNodeName');
    const preempted = await waitFor(() => fc.events.find((e) => e.reason === 'Preempted'), 3000, 'Preempted event');
    const highUid = fc.get('pods', 'default', 'high')!.metadata.uid;
    expect(preempted).toMatchObject({ type: 'Normal', involvedObject: { name: 'low' }, message: `Preempted by pod ${highUid} on node n1` });
    expect(scheduledCond(fc, 'high')?.message).toBe('0/1 nodes are available: 1 Insufficient cpu.');
    // the kubelet finishes the victim's termination
    fc.remove('pods', 'default', 'low');
    await waitFor(() => nodeOf(fc, 'high'), 2000, 'preemptor binding');
    expect(nodeOf(fc, 'high')).toBe('n1');
  });

  it('leaves pods for other schedulers and gated pods alone', async () => {
    const fc = new FakeCluster();
    fc.upsert('nodes', k(makeNode('n1')));
    await startWith(fc);
    fc.upsert('pods', k(makePod('other', { spec: { schedulerName: 'my-scheduler' } })));
    fc.upsert('pods', k(makePod('gated', { spec: { schedulingGates: [{ name: 'wait' }] } })));
    fc.upsert('pods', k(makePod('mine')));
    await waitFor(() => nodeOf(fc, 'mine'), 3000, 'binding');
    await waitFor(() => scheduledCond(fc, 'gated'), 3000, 'gated condition');
    expect(scheduledCond(fc, 'gated')).toMatchObject({ reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' });
    expect(nodeOf(fc, 'other')).toBeUndefined();
    fc.upsert('pods', { ...fc.get('pods', 'default', 'gated')!, spec: { ...fc.get('pods', 'default', 'gated')!.spec, schedulingGates: [] } });
    await waitFor(() => nodeOf(fc, 'gated'), 3000, 'binding after ungating');
  });
});
