// The pods bound to this node, as the kubelet's API pod source sees them: an informer filtered by
// spec.nodeName=<node>, delivering upserts and deletions per pod uid (a pod deleted and recreated under the same
// name is a removal and a new pod, not an update).
import type { Client } from '../client/types';
import { createInformer } from '../client/informer';
import { R } from '../client/resources';
import type { KObject } from '../api/types';

export interface PodSourceHandlers {
  upsert(pod: KObject, old: KObject | undefined): void;
  remove(pod: KObject): void;
}

export class PodSource {
  private readonly informer;

  constructor(client: Client, nodeName: string, h: PodSourceHandlers) {
    this.informer = createInformer<KObject>(client, R.pods, undefined, { fieldSelector: `spec.nodeName=${nodeName}` });
    this.informer.onAdd((p) => h.upsert(p, undefined));
    this.informer.onUpdate((old, p) => {
      if (old.metadata.uid === p.metadata.uid) {
        h.upsert(p, old);
        return;
      }
      h.remove(old);
      h.upsert(p, undefined);
    });
    this.informer.onDelete((p) => h.remove(p));
  }

  start(): void {
    this.informer.start();
  }
  stop(): void {
    this.informer.stop();
  }
  synced(): Promise<void> {
    return this.informer.synced();
  }
  list(): KObject[] {
    return this.informer.list();
  }
  byName(namespace: string, name: string): KObject | undefined {
    return this.informer.getByName(namespace, name);
  }
}
