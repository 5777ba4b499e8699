// Events (core/v1): legacy validation, the field selectors `kubectl get events --field-selector` uses, and the table.
import { type FieldError, invalid, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { isDNS1123Subdomain, isQualifiedName } from '../../validation/names';
import { translateTimestampSince } from './age';
import { col, nameColumn } from './format';

function validateEvent(ev: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  if (!ev.eventTime) {
    // Old-style events: the event lives in its object's namespace ("default" tolerated for cluster objects).
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    if (!ev.reportingComponent) errs.push(required('reportingComponent'));
    else for (const m of isQualifiedName(ev.reportingComponent)) errs.push(invalid('reportingComponent', ev.reportingComponent, m));
    if (!ev.reportingInstance) errs.push(required('reportingInstance'));
    else if (ev.reportingInstance.length > 128) errs.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!ev.action) errs.push(required('action'));
    else if (ev.action.length > 128) errs.push(invalid('action', '', 'can have at most 128 characters'));
    if (!ev.reason) errs.push(required('reason'));
    else if (ev.reason.length > 128) errs.push(invalid('reason', '', 'can have at most 128 characters'));
    if ((ev.message ?? '').length > 1024) errs.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, m));
  return errs;
}

export function eventSource(ev: KObject): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const host = ev.source?.host || ev.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

export const events: KindStrategy = {
  info: { group: '', version: 'v1', kind: 'Event', resource: 'events', singular: 'event', namespaced: true, shortNames: ['ev'] },
  validate: (obj) => validateEvent(obj),
  table: {
    columns: [
      col('Last Seen', 'string', 0, 'The time at which the most recent occurrence of this event was recorded.'),
      col('Type', 'string', 0, 'Type of this event (Normal, Warning), new types could be added in the future'),
      col(
        'Reason',
        'string',
        0,
        "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      ),
      col('Object', 'string', 0, 'The object that this event is about.'),
      col(
        'Subobject',
        'string',
        1,
        'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
      ),
      col('Source', 'string', 1, 'The component reporting this event. Should be a short machine understandable string.'),
      col('Message', 'string', 0, 'A human-readable description of the status of this operation.'),
      col('First Seen', 'string', 1, 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
      col('Count', 'string', 1, 'The number of times this event has occurred.'),
      { ...nameColumn(), priority: 1 },
    ],
    row(ev, now) {
      let first = translateTimestampSince(ev.firstTimestamp, now);
      if (!ev.firstTimestamp) first = translateTimestampSince(ev.eventTime, now);
      let last = ev.lastTimestamp ? translateTimestampSince(ev.lastTimestamp, now) : first;
      let count: number = ev.count ?? 0;
      if (ev.series) {
        last = translateTimestampSince(ev.series.lastObservedTime, now);
        count = ev.series.count ?? 0;
      } else if (count === 0) {
        count = 1;
      }
      const io = ev.involvedObject ?? {};
      const kind = String(io.kind ?? '').toLowerCase();
      const target = io.name ? `${kind}/${io.name}` : kind;
      return [
        last,
        ev.type ?? '',
        ev.reason ?? '',
        target,
        io.fieldPath ?? '',
        eventSource(ev),
        String(ev.message ?? '').trim(),
        first,
        count,
        ev.metadata.name,
      ];
    },
  },
  fieldSelectors: {
    'involvedObject.kind': (o) => o.involvedObject?.kind ?? '',
    'involvedObject.namespace': (o) => o.involvedObject?.namespace ?? '',
    'involvedObject.name': (o) => o.involvedObject?.name ?? '',
    'involvedObject.uid': (o) => o.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => o.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath ?? '',
    reason: (o) => o.reason ?? '',
    reportingComponent: (o) => o.reportingComponent ?? '',
    source: (o) => o.source?.component || o.reportingComponent || '',
    type: (o) => o.type ?? '',
  },
  allowCreateOnUpdate: true,
};
