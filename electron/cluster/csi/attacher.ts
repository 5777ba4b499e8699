// external-attacher for the simulated driver: a VolumeAttachment for this driver is attached (status.attached: true)
// when its volume's folder is on that node, and detached (finalizer removed) when it is deleted.
import type { Client, InformerFactory } from '../client/types';
import { R } from '../client/resources';
import { isStatus } from '../client/errors';
import { rfc3339 } from '../api/time';
import type { KObject } from '../api/types';
import { WorkQueue } from '../controllers/workqueue';
import type { HostPathDriver } from './driver';

export const attacherFinalizer = (driver: string) => `external-attacher/${driver.replace(/[^a-zA-Z0-9-]/g, '-')}`;

export function startAttacher(client: Client, informers: InformerFactory, driver: HostPathDriver): { stop(): void } {
  const attachments = informers.informer(R.volumeattachments);
  const volumes = informers.informer(R.persistentvolumes);
  const finalizer = attacherFinalizer(driver.name);
  const queue = new WorkQueue(
    async (name) => {
      await Promise.all([attachments.synced(), volumes.synced()]);
      const va = attachments.getByName(undefined, name);
      if (!va || va.spec?.attacher !== driver.name) return;
      const finalizers: string[] = va.metadata.finalizers ?? [];
      if (va.metadata.deletionTimestamp) {
        if (!finalizers.includes(finalizer)) return;
        await patchFinalizers(
          va,
          finalizers.filter((f) => f !== finalizer),
        );
        return;
      }
      if (va.status?.attached) return;
      if (!finalizers.includes(finalizer)) {
        await patchFinalizers(va, [...finalizers, finalizer]);
        return;
      }
      const pv = volumes.getByName(undefined, va.spec.source?.persistentVolumeName);
      let problem: string | undefined;
      if (!pv) problem = `persistentvolume "${va.spec.source?.persistentVolumeName}" not found`;
      else {
        try {
          if (driver.findVolume(pv.spec?.csi?.volumeHandle)?.node !== va.spec.nodeName)
            problem = `rpc error: code = NotFound desc = volume ${pv.spec?.csi?.volumeHandle} is not on node ${va.spec.nodeName}`;
        } catch (err) {
          problem = `rpc error: code = InvalidArgument desc = ${(err as Error).message}`;
        }
      }
      const status = problem ? { attached: false, attachError: { time: rfc3339(), message: problem } } : { attached: true, attachError: null };
      await client.patch(R.volumeattachments, undefined, name, 'merge', { status }, { subresource: 'status' });
      if (problem) throw new Error(problem);
    },
    { workers: 2, name: 'csi-attacher' },
  );

  async function patchFinalizers(va: KObject, list: string[]): Promise<void> {
    try {
      await client.patch(R.volumeattachments, undefined, va.metadata.name!, 'json', [
        { op: 'test', path: '/metadata/resourceVersion', value: va.metadata.resourceVersion },
        { op: va.metadata.finalizers ? 'replace' : 'add', path: '/metadata/finalizers', value: list },
      ]);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }
  attachments.onAdd((va) => queue.add(va.metadata.name!));
  attachments.onUpdate((_a, va) => queue.add(va.metadata.name!));
  return { stop: () => queue.stop() };
}
