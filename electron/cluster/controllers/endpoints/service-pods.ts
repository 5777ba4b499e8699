// Enqueues a Service whenever it, or a pod its selector matches (before or after the change), changes.
import type { Informer } from '../../client/types';
import { objectKey } from '../../client/types';
import type { KObject } from '../../api/types';

export function matchesSelectorMap(sel: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel || !Object.keys(sel).length) return false;
  return Object.entries(sel).every(([k, v]) => labels?.[k] === v);
}

export function watchServicePods(services: Informer, pods: Informer, enqueue: (key: string) => void): void {
  services.onAdd((s) => enqueue(objectKey(s)));
  services.onUpdate((_a, s) => enqueue(objectKey(s)));
  services.onDelete((s) => enqueue(objectKey(s)));
  const podChanged = (...versions: KObject[]) => {
    const ns = versions[0].metadata.namespace;
    for (const s of services.list(ns)) {
      if (versions.some((p) => matchesSelectorMap(s.spec?.selector, p.metadata.labels))) enqueue(objectKey(s));
    }
  };
  pods.onAdd((p) => podChanged(p));
  pods.onUpdate((a, b) => podChanged(a, b));
  pods.onDelete((p) => podChanged(p));
}

/**
 * Enqueues the Service an object the controller derives from it belongs to (its EndpointSlices, its Endpoints)
 * whenever someone else changes or deletes that object — a user's edit, a cluster snapshot restored — so the
 * controller writes it back, as upstream's controllers do. The controller's own writes come back here too and
 * find nothing to change.
 */
export function watchServiceOwned(objects: Informer, serviceOf: (o: KObject) => string | undefined, enqueue: (key: string) => void): void {
  const changed = (o: KObject) => {
    const name = serviceOf(o);
    if (name) enqueue(`${o.metadata.namespace}/${name}`);
  };
  objects.onUpdate((_a, b) => changed(b));
  objects.onDelete((o) => changed(o));
}
