// core/v1 Events about any object, aggregated like client-go's recorder: a repeat bumps count/lastTimestamp.
// Shared by the kube-controller-manager controllers in this tree (job, cronjob, nodelifecycle, hpa, …).
import { eventName } from '../../api/event-name';
import type { Client } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';

interface Seen { name: string; namespace: string; count: number; at: number }

const MAX_TRACKED = 4096;
// after this long a repeat starts a new Event object, as upstream's correlator window does
const AGGREGATE_WINDOW_MS = 10 * 60_000;

export type EventType = 'Normal' | 'Warning';

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly client: Client, private readonly component: string, private readonly now: () => Date = () => new Date()) {}

  /** fire-and-forget, as client-go's recorder never blocks a sync on event delivery */
  event(obj: KObject, type: EventType, reason: string, message: string): void {
    void this.emit(obj, type, reason, message).catch(() => undefined);
  }

  async emit(obj: KObject, type: EventType, reason: string, message: string): Promise<void> {
    const md = obj.metadata;
    // events about cluster-scoped objects (nodes) live in "default", as upstream records them
    const namespace = md.namespace || 'default';
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
        // the event expired or was deleted: create a fresh one below
      }
    }
    const name = eventName(String(md.name), now);
    const ev: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: obj.kind, namespace: md.namespace, name: md.name, uid: md.uid, apiVersion: obj.apiVersion, resourceVersion: md.resourceVersion,
      },
      reason, message, type,
      source: { component: this.component },
      firstTimestamp: ts, lastTimestamp: ts, count: 1,
      reportingComponent: this.component,
      reportingInstance: '',
    };
    await this.client.create(R.events, namespace, ev);
    if (this.seen.size >= MAX_TRACKED) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, { name, namespace, count: 1, at: now.getTime() });
  }
}

/** RFC 3339 with second precision, as metav1.Time serialises */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function isStatus(err: unknown, ...codes: number[]): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' && codes.includes(code);
}
