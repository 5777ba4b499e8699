// Every active namespace gets a "default" ServiceAccount, recreated if deleted (upstream's serviceaccounts controller).
import type { Client, InformerFactory } from '../../client/types';
import { R } from '../../client/resources';
import { StatusError } from '../../api/errors';
import { WorkQueue } from '../workqueue';

export function startServiceAccountController(client: Client, informers: InformerFactory): { stop(): void } {
  const nsInf = informers.informer(R.namespaces);
  const saInf = informers.informer(R.serviceaccounts);
  const queue = new WorkQueue(
    async (ns) => {
      const n = nsInf.getByName(undefined, ns);
      if (!n || n.metadata.deletionTimestamp || n.status?.phase === 'Terminating') return;
      if (saInf.getByName(ns, 'default')) return;
      try {
        await client.create(R.serviceaccounts, ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
      } catch (err) {
        if (err instanceof StatusError && (err.code === 409 || err.code === 403 || err.code === 404)) return;
        throw err;
      }
    },
    { workers: 2, name: 'serviceaccount' },
  );
  nsInf.onAdd((o) => queue.add(o.metadata.name!));
  nsInf.onUpdate((_a, o) => queue.add(o.metadata.name!));
  saInf.onDelete((o) => {
    if (o.metadata.name === 'default') queue.add(o.metadata.namespace!);
  });
  return { stop: () => queue.stop() };
}
