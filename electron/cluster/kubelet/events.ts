// core/v1 Events from the kubelet (source component "kubelet", host = node). Writes are queued and never block a
// pod worker; a repeat of the same event within the aggregation window bumps count/lastTimestamp like client-go.
import { eventName } from '../api/event-name';
import type { Client } from '../client/types';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { rfc3339 } from './settings';

const AGGREGATE_WINDOW_MS = 10 * 60_000;
const MAX_TRACKED = 8192;
const CONCURRENCY = 8;

export interface RecordedEvent { pod: KObject; type: 'Normal' | 'Warning'; reason: string; message: string; fieldPath?: string }

export class KubeletEvents {
  private seen = new Map<string, { name: string; namespace: string; count: number; at: number }>();
  private pending: RecordedEvent[] = [];
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  /** tests and the UI can observe what was emitted, in order */
  readonly listeners = new Set<(e: RecordedEvent) => void>();

  constructor(private client: Client, private nodeName: string) {}

  emit(pod: KObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    const e = { pod, type, reason, message, fieldPath };
    for (const l of this.listeners) { try { l(e); } catch { /* observer's problem */ } }
    this.pending.push(e);
    this.pump();
  }

  /** resolves once every queued event has been written (tests, shutdown) */
  flush(): Promise<void> {
    if (!this.active && !this.pending.length) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    while (this.active < CONCURRENCY && this.pending.length) {
      const e = this.pending.shift()!;
      this.active++;
      void this.write(e).catch(() => undefined).finally(() => {
        this.active--;
        this.pump();
        if (!this.active && !this.pending.length) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async write(e: RecordedEvent): Promise<void> {
    const md = e.pod.metadata;
    const namespace = md.namespace ?? 'default';
    const key = `${md.uid}\u0000${e.fieldPath ?? ''}\u0000${e.type}\u0000${e.reason}\u0000${e.message}`;
    const now = Date.now();
    const ts = rfc3339(now);
    const prev = this.seen.get(key);
    if (prev && now - prev.at < AGGREGATE_WINDOW_MS) {
      prev.count++;
      prev.at = now;
      try {
        await this.client.patch(R.events, prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: ts });
        return;
      } catch { /* the event was deleted: write a new one */ }
    }
    const name = eventName(String(md.name), now);
    const involvedObject: Record<string, unknown> = { kind: 'Pod', namespace, name: md.name, uid: md.uid, apiVersion: 'v1', resourceVersion: md.resourceVersion };
    if (e.fieldPath) involvedObject.fieldPath = e.fieldPath;
    await this.client.create(R.events, namespace, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject, reason: e.reason, message: e.message, type: e.type,
      source: { component: 'kubelet', host: this.nodeName },
      firstTimestamp: ts, lastTimestamp: ts, count: 1,
      reportingComponent: 'kubelet', reportingInstance: this.nodeName,
    });
    if (this.seen.size >= MAX_TRACKED) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, { name, namespace, count: 1, at: now });
  }
}
