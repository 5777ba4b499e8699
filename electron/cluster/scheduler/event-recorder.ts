// core/v1 Events for pods, aggregated like client-go's recorder: a repeat of the same event bumps count/lastTimestamp.
import { eventName } from '../api/event-name';
import type { Client } from '../client/types';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import type { Pod } from './types';

interface Seen { name: string; namespace: string; count: number; at: number }

const MAX_TRACKED = 4096;
// after this long a repeat starts a new Event object, as the upstream correlator's window does
const AGGREGATE_WINDOW_MS = 10 * 60_000;

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly client: Client, private readonly component: string, private readonly now: () => Date = () => new Date()) {}

  async emit(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, action: string, related?: Pod): Promise<void> {
    const md = pod.metadata ?? {};
    const namespace = md.namespace ?? 'default';
    const key = `${md.uid ?? `${namespace}/${md.name}`}\u0000${type}\u0000${reason}\u0000${message}`;
    const now = this.now();
    const ts = now.toISOString().replace(/\.\d+Z$/, 'Z');
    const prev = this.seen.get(key);
    if (prev && now.getTime() - prev.at < AGGREGATE_WINDOW_MS) {
      prev.count++;
      prev.at = now.getTime();
      try {
        await this.client.patch(R.events, prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: ts });
        return;
      } catch {
        // the event was garbage-collected: fall through and create a fresh one
      }
    }
    const name = eventName(String(md.name), now);
    const ev: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { kind: 'Pod', namespace, name: md.name, uid: md.uid, apiVersion: 'v1', resourceVersion: md.resourceVersion },
      reason,
      message,
      type,
      source: { component: this.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      action,
      reportingComponent: this.component,
      reportingInstance: `${this.component}-kubelab`,
    };
    if (related?.metadata) ev.related = { kind: 'Pod', namespace: related.metadata.namespace, name: related.metadata.name, uid: related.metadata.uid, apiVersion: 'v1' };
    await this.client.create(R.events, namespace, ev);
    if (this.seen.size >= MAX_TRACKED) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, { name, namespace, count: 1, at: now.getTime() });
  }
}
