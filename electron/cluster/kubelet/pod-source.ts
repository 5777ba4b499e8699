// The pods bound to this node: list + watch with fieldSelector spec.nodeName=<node>, relisting when the watch ends
// (like the kubelet's API pod source). Delivers upserts and deletions keyed by uid.
import type { Client, WatchHandle } from '../client/types';
import { R } from '../client/resources';
import type { KObject } from '../api/types';

export interface PodSourceHandlers {
  upsert(pod: KObject, old: KObject | undefined): void;
  remove(pod: KObject): void;
}

export class PodSource {
  private pods = new Map<string, KObject>();
  private handle?: WatchHandle;
  private stopped = true;
  private retry?: NodeJS.Timeout;
  private syncedOnce = false;
  private waiters: (() => void)[] = [];

  constructor(private client: Client, private nodeName: string, private h: PodSourceHandlers) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.listAndWatch();
  }

  stop(): void {
    this.stopped = true;
    this.handle?.stop();
    this.handle = undefined;
    if (this.retry) clearTimeout(this.retry);
  }

  synced(): Promise<void> { return this.syncedOnce ? Promise.resolve() : new Promise((r) => this.waiters.push(r)); }
  list(): KObject[] { return [...this.pods.values()]; }
  byUid(uid: string): KObject | undefined { return this.pods.get(uid); }
  byName(namespace: string, name: string): KObject | undefined {
    for (const p of this.pods.values()) if (p.metadata.name === name && p.metadata.namespace === namespace) return p;
    return undefined;
  }

  private async listAndWatch(): Promise<void> {
    if (this.stopped) return;
    const fieldSelector = `spec.nodeName=${this.nodeName}`;
    let rv = '';
    try {
      const l = await this.client.list(R.pods, undefined, { fieldSelector });
      rv = l.metadata.resourceVersion ?? '';
      const seen = new Set<string>();
      for (const p of l.items) { seen.add(p.metadata.uid!); this.apply(p); }
      for (const [uid, p] of [...this.pods]) if (!seen.has(uid)) { this.pods.delete(uid); this.h.remove(p); }
    } catch {
      if (!this.stopped) { this.retry = setTimeout(() => void this.listAndWatch(), 1000); this.retry.unref(); }
      return;
    }
    if (!this.syncedOnce) { this.syncedOnce = true; for (const w of this.waiters.splice(0)) w(); }
    if (this.stopped) return;
    this.handle = this.client.watch(R.pods, undefined, { fieldSelector, resourceVersion: rv, allowWatchBookmarks: true }, (ev) => {
      if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') return;
      if (ev.type === 'DELETED') {
        const uid = ev.object.metadata.uid!;
        if (this.pods.delete(uid)) this.h.remove(ev.object);
      } else this.apply(ev.object);
    }, () => {
      if (!this.stopped) { this.retry = setTimeout(() => void this.listAndWatch(), 100); this.retry.unref(); }
    });
  }

  private apply(p: KObject): void {
    const uid = p.metadata.uid!;
    const old = this.pods.get(uid);
    if (old && old.metadata.resourceVersion === p.metadata.resourceVersion) return;
    this.pods.set(uid, p);
    this.h.upsert(p, old);
  }
}
