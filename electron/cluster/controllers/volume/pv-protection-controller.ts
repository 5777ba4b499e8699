// pv-protection: a volume being deleted keeps kubernetes.io/pv-protection while it is Bound to a claim.
import type { Client, InformerFactory } from '../../client/types';
import { R } from '../../client/resources';
import { isStatus } from '../../client/errors';
import type { KObject } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { updateCopy } from './update-object';
import { PV_PROTECTION_FINALIZER } from '../../storage/binding';

export function startPvProtectionController(client: Client, informers: InformerFactory): { stop(): void } {
  const volumes = informers.informer(R.persistentvolumes);
  const queue = new WorkQueue(
    async (name) => {
      await volumes.synced();
      const pv = volumes.getByName(undefined, name);
      if (!pv?.metadata.deletionTimestamp || !pv.metadata.finalizers?.includes(PV_PROTECTION_FINALIZER)) return;
      if (pv.status?.phase === 'Bound') return;
      try {
        await updateCopy(
          client,
          R.persistentvolumes,
          pv,
          (o) => (o.metadata.finalizers = o.metadata.finalizers!.filter((f: string) => f !== PV_PROTECTION_FINALIZER)),
        );
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
    },
    { workers: 1, name: 'pv-protection' },
  );
  const add = (v: KObject) => {
    if (v.metadata.deletionTimestamp) queue.add(v.metadata.name!);
  };
  volumes.onAdd(add);
  volumes.onUpdate((_a, v) => add(v));
  return { stop: () => queue.stop() };
}
