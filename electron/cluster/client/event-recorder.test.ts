import { describe, expect, it } from 'vitest';
import { EventRecorder } from './event-recorder';
import type { Client } from './types';
import type { KObject } from '../api/types';

/** an events-only API: create/patch by name, with a switch to hold writes back and count them in flight */
function eventStore() {
  const events = new Map<string, KObject>();
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: Promise<void> = Promise.resolve();
  const track = async <T>(fn: () => T): Promise<T> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await gate;
      return fn();
    } finally {
      inFlight--;
    }
  };
  const client = {
    user: 'test',
    create: (_r: unknown, ns: string, obj: KObject) =>
      track(() => {
        events.set(`${ns}/${obj.metadata.name}`, structuredClone(obj));
        return obj;
      }),
    patch: (_r: unknown, ns: string, name: string, _t: string, patch: Record<string, unknown>) =>
      track(() => {
        const ev = events.get(`${ns}/${name}`);
        if (!ev) throw Object.assign(new Error(`events "${name}" not found`), { code: 404 });
        Object.assign(ev, patch);
        return ev;
      }),
  } as unknown as Client;
  return {
    client,
    events,
    list: () => [...events.values()],
    maxInFlight: () => maxInFlight,
    hold(): () => void {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return open;
    },
  };
}

const pod = (name: string, extra: Partial<KObject['metadata']> = {}): KObject => ({
  metadata: { name, namespace: 'team', uid: `uid-${name}`, resourceVersion: '7', ...extra },
});

describe('EventRecorder', () => {
  it('writes a core/v1 Event with source, reporting fields and an involvedObject built from the object', async () => {
    const s = eventStore();
    const rec = new EventRecorder(s.client, { component: 'kubelet', host: 'node-a', involvedKind: { apiVersion: 'v1', kind: 'Pod' } });
    rec.event(pod('web'), 'Normal', 'Pulled', 'Container image "nginx" already present on machine', { fieldPath: 'spec.containers{web}' });
    await rec.flush();
    const [ev] = s.list();
    expect(ev).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'team' },
      involvedObject: {
        kind: 'Pod',
        apiVersion: 'v1',
        namespace: 'team',
        name: 'web',
        uid: 'uid-web',
        resourceVersion: '7',
        fieldPath: 'spec.containers{web}',
      },
      reason: 'Pulled',
      type: 'Normal',
      count: 1,
      source: { component: 'kubelet', host: 'node-a' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-a',
    });
    expect(ev.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
    expect(ev.firstTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(ev).not.toHaveProperty('action');
  });

  it('records action and related, takes kind from the object over the fallback, and files cluster-scoped objects in default', async () => {
    const s = eventStore();
    const rec = new EventRecorder(s.client, {
      component: 'default-scheduler',
      reportingInstance: 'default-scheduler-kubelab',
      involvedKind: { apiVersion: 'v1', kind: 'Pod' },
    });
    rec.event(pod('victim'), 'Normal', 'Preempted', 'Preempted by pod x on node n1', { action: 'Preempting', related: pod('high') });
    rec.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'uid-n1' } }, 'Normal', 'NodeNotReady', 'Node n1 status is now: NodeNotReady');
    await rec.flush();
    const byReason = Object.fromEntries(s.list().map((e) => [e.reason, e]));
    expect(byReason.Preempted).toMatchObject({
      action: 'Preempting',
      related: { kind: 'Pod', apiVersion: 'v1', namespace: 'team', name: 'high', uid: 'uid-high' },
      source: { component: 'default-scheduler' },
      reportingInstance: 'default-scheduler-kubelab',
    });
    expect(byReason.Preempted.related).not.toHaveProperty('resourceVersion');
    expect(byReason.NodeNotReady.metadata.namespace).toBe('default');
    expect(byReason.NodeNotReady.involvedObject).toEqual({ kind: 'Node', apiVersion: 'v1', name: 'n1', uid: 'uid-n1' });
    // without a host there is nothing to report as the instance
    const plain = new EventRecorder(s.client, { component: 'job-controller' });
    plain.event(pod('j'), 'Normal', 'Completed', 'Job completed');
    await plain.flush();
    expect(s.list().find((e) => e.reason === 'Completed')).toMatchObject({ source: { component: 'job-controller' }, reportingInstance: '' });
  });

  it('aggregates repeats into one Event with count and lastTimestamp, even when written concurrently', async () => {
    const s = eventStore();
    let clock = Date.parse('2025-03-01T10:00:00Z');
    const rec = new EventRecorder(s.client, { component: 'kubelet', now: () => new Date(clock), concurrency: 8 });
    const open = s.hold();
    for (let i = 0; i < 3; i++) {
      rec.event(pod('crash'), 'Warning', 'BackOff', 'Back-off restarting failed container');
      clock += 1000;
    }
    rec.event(pod('crash'), 'Warning', 'BackOff', 'Back-off restarting failed container', { fieldPath: 'spec.containers{c}' });
    open();
    await rec.flush();
    const backoffs = s.list().filter((e) => e.reason === 'BackOff');
    expect(backoffs).toHaveLength(2);
    const plain = backoffs.find((e) => !e.involvedObject.fieldPath)!;
    expect(plain).toMatchObject({ count: 3, firstTimestamp: '2025-03-01T10:00:00Z', lastTimestamp: '2025-03-01T10:00:02Z' });
  });

  it('starts a new Event after the aggregation window or when the aggregated one is gone', async () => {
    const s = eventStore();
    let clock = Date.parse('2025-03-01T10:00:00Z');
    const rec = new EventRecorder(s.client, { component: 'replicaset-controller', now: () => new Date(clock) });
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'team', uid: 'u' } };
    rec.event(rs, 'Warning', 'FailedCreate', 'quota');
    clock += 11 * 60_000;
    rec.event(rs, 'Warning', 'FailedCreate', 'quota');
    await rec.flush();
    expect(s.list().map((e) => e.count)).toEqual([1, 1]);
    s.events.clear();
    rec.event(rs, 'Warning', 'FailedCreate', 'quota');
    await rec.flush();
    expect(s.list()).toHaveLength(1);
    expect(s.list()[0].count).toBe(1);
  });

  it('never makes the caller wait, writes at most `concurrency` at once, and flush waits for all of them', async () => {
    const s = eventStore();
    const rec = new EventRecorder(s.client, { component: 'kubelet', concurrency: 3 });
    const open = s.hold();
    for (let i = 0; i < 10; i++) rec.event(pod(`p${i}`), 'Normal', 'Started', 'Started container c');
    expect(s.list()).toHaveLength(0);
    let flushed = false;
    const f = rec.flush().then(() => {
      flushed = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    open();
    await f;
    expect(s.list()).toHaveLength(10);
    expect(s.maxInFlight()).toBe(3);
    await rec.flush();
  });
});
