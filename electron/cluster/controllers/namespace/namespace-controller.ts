// Namespace lifecycle: when a namespace is being deleted, delete everything in it, then release its
// "kubernetes" finalizer so the API server can remove it (upstream's namespace controller).
import type { Client, InformerFactory } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject, GVR } from '../../api/types';
import { StatusError } from '../../api/errors';
import { WorkQueue } from '../workqueue';
import { bestEffort, componentLog } from '../../best-effort';
import { isNotFound } from '../../client/errors';

const log = componentLog('namespace-controller');

export interface NamespacedResources {
  /** every namespaced, stored resource (preferred versions), refreshed as CRDs come and go */
  list(): GVR[];
}

export function startNamespaceController(client: Client, informers: InformerFactory, resources: NamespacedResources): { stop(): void } {
  const nsInformer = informers.informer(R.namespaces);
  const queue = new WorkQueue(
    async (name) => {
      const ns = nsInformer.getByName(undefined, name);
      if (!ns || !ns.metadata.deletionTimestamp) return;
      const remaining = await deleteContents(client, name, resources.list());
      if (remaining > 0) {
        queue.addAfter(name, 500);
        return;
      }
      const fresh = await bestEffort(client.get(R.namespaces, undefined, name), `reading namespace ${name}`, log, { expected: isNotFound });
      if (!fresh || !fresh.spec?.finalizers?.length) return;
      await client.update(R.namespaces, undefined, { ...fresh, spec: { ...fresh.spec, finalizers: [] } } as KObject, { subresource: 'finalize' });
    },
    { workers: 2, name: 'namespace' },
  );
  nsInformer.onAdd((o) => {
    if (o.metadata.deletionTimestamp) queue.add(o.metadata.name!);
  });
  nsInformer.onUpdate((_a, o) => {
    if (o.metadata.deletionTimestamp) queue.add(o.metadata.name!);
  });
  return { stop: () => queue.stop() };
}

/** deletes all objects of every namespaced resource; returns how many were still present */
async function deleteContents(client: Client, ns: string, gvrs: GVR[]): Promise<number> {
  let remaining = 0;
  for (const r of gvrs) {
    let items: KObject[];
    try {
      items = (await client.list(r, ns)).items;
    } catch (err) {
      if (err instanceof StatusError && (err.code === 404 || err.code === 405)) continue;
      throw err;
    }
    if (!items.length) continue;
    remaining += items.length;
    for (const o of items) {
      if (o.metadata.deletionTimestamp && r.resource !== 'pods') continue;
      await client
        .delete(r, ns, o.metadata.name!, { propagationPolicy: 'Background', ...(r.resource === 'pods' && o.metadata.deletionTimestamp ? {} : {}) })
        .catch((err) => {
          if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
        });
    }
  }
  return remaining;
}
