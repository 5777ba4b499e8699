// ephemeral-volume-controller: each generic ephemeral volume of a pod gets its claim <pod>-<volume>, owned by the pod
// (so the garbage collector deletes it with the pod). A same-named claim the pod does not own is left alone and the
// kubelet refuses to use it, as upstream.
import type { Pod } from 'kubernetes-types/core/v1';
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import { isStatus } from '../../client/errors';
import type { KObject } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { ephemeralClaimName } from '../../storage/binding';

export function startEphemeralVolumeController(client: Client, informers: InformerFactory): { stop(): void } {
  const pods = informers.informer(R.pods);
  const queue = new WorkQueue(
    async (key) => {
      await pods.synced();
      const pod = pods.get(key);
      if (!pod || pod.metadata.deletionTimestamp) return;
      for (const v of pod.spec?.volumes ?? []) {
        if (!v.ephemeral?.volumeClaimTemplate) continue;
        const t = v.ephemeral.volumeClaimTemplate;
        const claim: KObject = {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: ephemeralClaimName(pod as Pod, v.name),
            namespace: pod.metadata.namespace,
            labels: t.metadata?.labels,
            annotations: t.metadata?.annotations,
            ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid!, controller: true, blockOwnerDeletion: true }],
          },
          spec: t.spec,
        };
        try {
          await client.create(R.persistentvolumeclaims, pod.metadata.namespace, claim);
        } catch (err) {
          if (!isStatus(err, 409)) throw err;
        }
      }
    },
    { workers: 2, name: 'ephemeral-volume' },
  );
  const add = (p: KObject) => {
    if ((p.spec?.volumes ?? []).some((v: any) => v.ephemeral)) queue.add(objectKey(p));
  };
  pods.onAdd(add);
  pods.onUpdate((_a, p) => add(p));
  return { stop: () => queue.stop() };
}
