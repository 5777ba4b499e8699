import { describe, expect, it } from 'vitest';
import type { KObject } from '../../types';
import { coreEventToEventsV1, eventsV1Table, eventsV1ToCoreEvent } from './index';

describe('events.k8s.io/v1 view of core events', () => {
  const core: KObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'ns' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'ns' },
    reason: 'Scheduled',
    message: 'Successfully assigned ns/web to node-1',
    source: { component: 'default-scheduler' },
    firstTimestamp: '2025-01-01T00:00:00Z',
    lastTimestamp: '2025-01-01T00:01:00Z',
    count: 2,
    type: 'Normal',
    eventTime: null,
    reportingComponent: 'default-scheduler',
    reportingInstance: '',
  };
  it('round-trips through the events.k8s.io form', () => {
    const v1 = coreEventToEventsV1(core);
    expect(v1).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      regarding: core.involvedObject,
      note: core.message,
      deprecatedCount: 2,
      reportingController: 'default-scheduler',
    });
    expect(eventsV1ToCoreEvent(v1)).toEqual(core);
  });
  it('prints LAST SEEN TYPE REASON OBJECT MESSAGE from either form', () => {
    const now = new Date('2025-01-01T00:06:00Z');
    const row = eventsV1Table.row(coreEventToEventsV1(core), now);
    expect([row[0], row[1], row[2], row[3], row[6]]).toEqual(['5m', 'Normal', 'Scheduled', 'pod/web', 'Successfully assigned ns/web to node-1']);
    expect(eventsV1Table.row(core, now)[0]).toBe('5m');
  });
});
