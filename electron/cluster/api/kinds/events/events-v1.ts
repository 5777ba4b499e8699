// events.k8s.io/v1 Event is a second view of the core v1 Events (same storage, prefix "events"). The lead wires it as
// `alsoServed` on the core Event strategy with these conversions and this table.
import type { FieldError } from '../../errors';
import { invalid, required } from '../../errors';
import type { KindInfo, TableSpec } from '../../kind';
import type { KObject } from '../../types';
import { translateTimestampSince } from '../core/age';
import { col } from '../strategy-helpers';

export const eventsV1Info: KindInfo = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  resource: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  storagePrefix: 'events',
};

function setIf(target: Record<string, unknown>, key: string, v: unknown): void {
  if (v !== undefined && v !== null && v !== '') target[key] = v;
}

/** core/v1 Event (stored) -> events.k8s.io/v1 Event (served). */
export function coreEventToEventsV1(obj: KObject): KObject {
  const out: KObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { ...obj.metadata } };
  out.eventTime = obj.eventTime ?? null;
  setIf(out, 'series', obj.series);
  setIf(out, 'reportingController', obj.reportingComponent);
  setIf(out, 'reportingInstance', obj.reportingInstance);
  setIf(out, 'action', obj.action);
  setIf(out, 'reason', obj.reason);
  setIf(out, 'regarding', obj.involvedObject);
  setIf(out, 'related', obj.related);
  setIf(out, 'note', obj.message);
  setIf(out, 'type', obj.type);
  if (obj.source && (obj.source.component || obj.source.host)) out.deprecatedSource = obj.source;
  setIf(out, 'deprecatedFirstTimestamp', obj.firstTimestamp);
  setIf(out, 'deprecatedLastTimestamp', obj.lastTimestamp);
  if (obj.count) out.deprecatedCount = obj.count;
  return out;
}

/** events.k8s.io/v1 Event (served) -> core/v1 Event (stored). */
export function eventsV1ToCoreEvent(obj: KObject): KObject {
  const out: KObject = { apiVersion: 'v1', kind: 'Event', metadata: { ...obj.metadata } };
  out.involvedObject = obj.regarding ?? {};
  setIf(out, 'related', obj.related);
  setIf(out, 'reason', obj.reason);
  setIf(out, 'message', obj.note);
  out.source = obj.deprecatedSource ?? {};
  out.firstTimestamp = obj.deprecatedFirstTimestamp ?? null;
  out.lastTimestamp = obj.deprecatedLastTimestamp ?? null;
  setIf(out, 'count', obj.deprecatedCount);
  setIf(out, 'type', obj.type);
  out.eventTime = obj.eventTime ?? null;
  setIf(out, 'series', obj.series);
  setIf(out, 'action', obj.action);
  out.reportingComponent = obj.reportingController ?? '';
  out.reportingInstance = obj.reportingInstance ?? '';
  return out;
}

/** Checks the events.k8s.io/v1 API adds for new-style events (run on the served form, before conversion). */
export function validateEventsV1(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!obj.eventTime) errs.push(required('eventTime', ''));
  if (!obj.reportingController) errs.push(required('reportingController', ''));
  if (!obj.reportingInstance) errs.push(required('reportingInstance', ''));
  if (!obj.action) errs.push(required('action', ''));
  if (!obj.reason) errs.push(required('reason', ''));
  if (obj.type !== 'Normal' && obj.type !== 'Warning') errs.push(invalid('type', obj.type ?? '', `has invalid value: ${obj.type ?? ''}`));
  if (typeof obj.note === 'string' && obj.note.length > 1024) {
    errs.push({ type: 'FieldValueTooLong', field: 'note', omitValue: true, detail: 'may not be more than 1024 bytes' });
  }
  return errs;
}

/** The same columns as core Events (upstream prints both through the internal Event). Rows accept either form. */
export const eventsV1Table: TableSpec = {
  columns: [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'string', 'The object that this event is about.'),
    col(
      'Subobject',
      'string',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
      1,
    ),
    col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    { name: 'Name', type: 'string', format: 'name', priority: 1, description: 'Name must be unique within a namespace.' },
  ],
  row(o, now) {
    const e = o.apiVersion === 'events.k8s.io/v1' ? eventsV1ToCoreEvent(o) : o;
    const first = e.firstTimestamp ? translateTimestampSince(e.firstTimestamp, now) : translateTimestampSince(e.eventTime, now);
    let last = e.lastTimestamp ? translateTimestampSince(e.lastTimestamp, now) : first;
    let count = e.count ?? 0;
    if (e.series) {
      last = translateTimestampSince(e.series.lastObservedTime, now);
      count = e.series.count ?? 0;
    } else if (!count) count = 1;
    const io = e.involvedObject ?? {};
    const target = io.name ? `${String(io.kind ?? '').toLowerCase()}/${io.name}` : String(io.kind ?? '').toLowerCase();
    const component = e.source?.component || e.reportingComponent || '';
    const host = e.source?.host || e.reportingInstance || '';
    const source = host ? `${component}, ${host}` : component;
    return [last, e.type ?? '', e.reason ?? '', target, io.fieldPath ?? '', source, String(e.message ?? '').trim(), first, count, e.metadata.name];
  },
};
