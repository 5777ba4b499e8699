// core/v1 Events, recorded the way client-go's recorder does it for every component here (kubelet, scheduler,
// controllers). Writes go through a background queue so a sync never waits on event delivery; a repeat of the same
// event within the aggregation window bumps count/lastTimestamp of the Event already written (EventCorrelator).
import { eventName } from '../api/event-name';
import { rfc3339 } from '../api/time';
import type { Client } from './types';
import { R } from './resources';
import { bestEffort, componentLog } from '../best-effort';
import { isStatus } from './errors';

const log = componentLog('event-recorder');

export type EventType = 'Normal' | 'Warning';

/** What an Event can be about: any object, including kubernetes-types shapes whose metadata is optional. */
export interface EventSubject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface EventRecorderOptions {
  /** source.component and reportingComponent: "kubelet", "default-scheduler", "deployment-controller", … */
  component: string;
  /** source.host: the node a kubelet runs on */
  host?: string;
  /** reportingInstance; client-go's core/v1 recorder takes it from source.host, so that is the default */
  reportingInstance?: string;
  /** involvedObject kind/apiVersion for objects that arrive without TypeMeta */
  involvedKind?: { apiVersion: string; kind: string };
  /** clock for timestamps and the aggregation window */
  now?: () => Date;
  /** Event writes in flight at once (repeats of one event are still written in order) */
  concurrency?: number;
}

export interface EventDetails {
  /** involvedObject.fieldPath, e.g. "spec.containers{web}": part of what makes two events the same */
  fieldPath?: string;
  /** what was done or failed, e.g. "Binding" */
  action?: string;
  /** a second object the event concerns, e.g. the preemptor of an evicted pod */
  related?: EventSubject;
}

// after this long a repeat starts a new Event object, as the upstream correlator's window does
const AGGREGATE_WINDOW_MS = 10 * 60_000;
// bounded memory: the oldest aggregation entries are forgotten first, and a flood beyond the queue is dropped
// (client-go's broadcaster also drops events when its queue is full)
const MAX_TRACKED = 8192;
const MAX_PENDING = 10_000;

interface Aggregate {
  name: string;
  namespace: string;
  count: number;
  at: number;
}
interface PendingWrite {
  key: string;
  write: () => Promise<void>;
}
type Ref = Record<string, string>;

export class EventRecorder {
  private readonly seen = new Map<string, Aggregate>();
  private readonly pending: PendingWrite[] = [];
  /** keys of the writes in flight: one per key keeps a repeat from racing its first occurrence */
  private readonly writing = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  private readonly now: () => Date;
  private readonly concurrency: number;

  constructor(
    private readonly client: Client,
    private readonly opts: EventRecorderOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
  }

  /** queues the event and returns at once */
  event(obj: EventSubject, type: EventType, reason: string, message: string, details: EventDetails = {}): void {
    if (this.pending.length >= MAX_PENDING) return;
    const at = this.now();
    const md = obj.metadata ?? {};
    // events about cluster-scoped objects (nodes) live in "default", as upstream records them
    const namespace = md.namespace || 'default';
    const involved = this.reference(obj, { resourceVersion: md.resourceVersion, fieldPath: details.fieldPath });
    const related = details.related?.metadata ? this.reference(details.related, {}) : undefined;
    const key = [md.uid ?? `${namespace}/${md.name}`, details.fieldPath ?? '', type, reason, message].join('\u0000');
    const ev = { involvedObject: involved, reason, message, type, action: details.action, related };
    this.pending.push({ key, write: () => this.write(key, namespace, ev, at) });
    this.pump();
  }

  /** resolves once every queued event has been written (tests, shutdown) */
  flush(): Promise<void> {
    if (!this.writing.size && !this.pending.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private reference(obj: EventSubject, extra: { resourceVersion?: string; fieldPath?: string }): Ref {
    const md = obj.metadata ?? {};
    const ref: Record<string, string | undefined> = {
      kind: obj.kind ?? this.opts.involvedKind?.kind,
      namespace: md.namespace,
      name: md.name,
      uid: md.uid,
      apiVersion: obj.apiVersion ?? this.opts.involvedKind?.apiVersion,
      ...extra,
    };
    for (const k of Object.keys(ref)) if (ref[k] === undefined) delete ref[k];
    return ref as Ref;
  }

  private pump(): void {
    for (let i = 0; i < this.pending.length && this.writing.size < this.concurrency;) {
      const job = this.pending[i];
      if (this.writing.has(job.key)) {
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      this.writing.add(job.key);
      // an Event for an object in a namespace that is gone or terminating is refused: the normal end of its story
      void bestEffort(job.write(), `${this.opts.component}: writing an Event`, log, { expected: (err) => isStatus(err, 403, 404) }).finally(() => {
        this.writing.delete(job.key);
        this.pump();
        if (!this.writing.size && !this.pending.length) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async write(
    key: string,
    namespace: string,
    e: { involvedObject: Ref; reason: string; message: string; type: EventType; action?: string; related?: Ref },
    at: Date,
  ): Promise<void> {
    const ts = rfc3339(at);
    const prev = this.seen.get(key);
    if (prev && at.getTime() - prev.at < AGGREGATE_WINDOW_MS) {
      prev.count++;
      prev.at = at.getTime();
      try {
        await this.client.patch(R.events, prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: ts });
        return;
      } catch {
        // the aggregated Event expired or was deleted: write a fresh one
      }
    }
    const name = eventName(String(e.involvedObject.name), at);
    const { component, host } = this.opts;
    await this.client.create(R.events, namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: e.involvedObject,
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: host === undefined ? { component } : { component, host },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      ...(e.action === undefined ? {} : { action: e.action }),
      ...(e.related ? { related: e.related } : {}),
      reportingComponent: component,
      reportingInstance: this.opts.reportingInstance ?? host ?? '',
    });
    this.seen.delete(key);
    if (this.seen.size >= MAX_TRACKED) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, { name, namespace, count: 1, at: at.getTime() });
  }
}
