// core/v1 Events about workload objects, written in the background (like client-go's broadcaster) so a burst of
// "Created pod" events never slows a sync down. A repeat of the same event bumps count/lastTimestamp.
import { eventName } from '../../api/event-name';
import type { Client } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';

interface Seen { name: string; namespace: string; count: number; at: number }
const MAX_TRACKED = 4096;
const AGGREGATE_WINDOW_MS = 10 * 60_000;
const MAX_PENDING = 10_000;

export class WorkloadEventRecorder {
  private readonly seen = new Map<string, Seen>();
  private pending: (() => Promise<void>)[] = [];
  private draining = false;

  constructor(private readonly client: Client, private readonly component: string, private readonly kind: { apiVersion: string; kind: string }) {}

  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.pending.length >= MAX_PENDING) return;
    const involved = {
      kind: obj.kind ?? this.kind.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid,
      apiVersion: obj.apiVersion ?? this.kind.apiVersion, resourceVersion: obj.metadata.resourceVersion,
    };
    const at = new Date();
    this.pending.push(() => this.write(involved, type, reason, message, at));
    if (!this.draining) void this.drain();
  }

  /** resolves once every queued event has been written (tests and shutdown) */
  async flush(): Promise<void> {
    while (this.draining || this.pending.length) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length) {
        const job = this.pending.shift()!;
        await job().catch(() => undefined);
      }
    } finally {
      this.draining = false;
    }
  }

  private async write(involved: Record<string, unknown>, type: string, reason: string, message: string, at: Date): Promise<void> {
    const namespace = (involved.namespace as string | undefined) ?? 'default';
    const key = `${involved.uid}\u0000${type}\u0000${reason}\u0000${message}`;
    const ts = at.toISOString().replace(/\.\d+Z$/, 'Z');
    const prev = this.seen.get(key);
    if (prev && at.getTime() - prev.at < AGGREGATE_WINDOW_MS) {
      prev.count++;
      prev.at = at.getTime();
      try {
        await this.client.patch(R.events, prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: ts });
        return;
      } catch {
        // the aggregated Event was removed: write a fresh one
      }
    }
    const name = eventName(String(involved.name), at);
    await this.client.create(R.events, namespace, {
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace },
      involvedObject: involved, reason, message, type,
      source: { component: this.component }, firstTimestamp: ts, lastTimestamp: ts, count: 1,
      reportingComponent: this.component, reportingInstance: `${this.component}-kubelab`,
    });
    if (this.seen.size >= MAX_TRACKED) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, { name, namespace, count: 1, at: at.getTime() });
  }
}
