// Publishes the cluster CA as ConfigMap kube-root-ca.crt in every namespace (upstream's root-ca-cert-publisher),
// restoring it when it is deleted or edited.
import type { Client, InformerFactory } from '../../client/types';
import { R } from '../../client/resources';
import { StatusError } from '../../api/errors';
import { WorkQueue } from '../workqueue';

const NAME = 'kube-root-ca.crt';

export function startRootCaPublisher(client: Client, informers: InformerFactory, caPem: string): { stop(): void } {
  const nsInf = informers.informer(R.namespaces);
  const cmInf = informers.informer(R.configmaps);
  const queue = new WorkQueue(
    async (ns) => {
      const n = nsInf.getByName(undefined, ns);
      if (!n || n.metadata.deletionTimestamp) return;
      const cm = cmInf.getByName(ns, NAME);
      const want = { 'ca.crt': caPem };
      try {
        if (!cm) {
          await client.create(R.configmaps, ns, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {
              name: NAME,
              namespace: ns,
              annotations: {
                'kubernetes.io/description':
                  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
              },
            },
            data: want,
          });
        } else if (cm.data?.['ca.crt'] !== caPem) {
          await client.update(R.configmaps, ns, { ...cm, data: want });
        }
      } catch (err) {
        if (err instanceof StatusError && (err.code === 409 || err.code === 403 || err.code === 404)) return;
        throw err;
      }
    },
    { workers: 2, name: 'root-ca' },
  );
  nsInf.onAdd((o) => queue.add(o.metadata.name!));
  cmInf.onUpdate((_a, o) => {
    if (o.metadata.name === NAME) queue.add(o.metadata.namespace!);
  });
  cmInf.onDelete((o) => {
    if (o.metadata.name === NAME) queue.add(o.metadata.namespace!);
  });
  return { stop: () => queue.stop() };
}
