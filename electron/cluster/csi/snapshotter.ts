// csi-snapshotter sidecar for the simulated driver: a VolumeSnapshotContent of this driver with a volume source gets
// its point-in-time copy (CreateSnapshot) and status (snapshotHandle, creationTime in ns, restoreSize in bytes,
// readyToUse); a pre-provisioned one (snapshotHandle source) is checked to exist; deleting a content whose policy
// is Delete deletes the copy before the snapshot controller's finalizer lets the object go.
import * as fs from 'node:fs';
import type { Client, InformerFactory } from '../client/types';
import { isStatus } from '../client/errors';
import { rfc3339 } from '../api/time';
import type { KObject } from '../api/types';
import { storageSize } from '../api/kinds/core/storage-common';
import { R } from '../client/resources';
import { WorkQueue } from '../controllers/workqueue';
import { SNAPSHOT_R } from '../snapshot/crds';
import type { HostPathDriver } from './driver';

export const ANN_DELETION_DONE = 'snapshot.storage.kubernetes.io/deletion-done';

export function startSnapshotter(client: Client, informers: InformerFactory, driver: HostPathDriver): { stop(): void } {
  const contents = informers.informer(SNAPSHOT_R.volumesnapshotcontents);
  const volumes = informers.informer(R.persistentvolumes);
  const setStatus = (c: KObject, status: Record<string, unknown>) =>
    client.patch(SNAPSHOT_R.volumesnapshotcontents, undefined, c.metadata.name!, 'merge', { status }, { subresource: 'status' });

  const queue = new WorkQueue(
    async (name) => {
      await Promise.all([contents.synced(), volumes.synced()]);
      const c = contents.getByName(undefined, name);
      if (!c || c.spec?.driver !== driver.name) return;
      const handle: string | undefined = c.status?.snapshotHandle ?? c.spec?.source?.snapshotHandle;
      if (c.metadata.deletionTimestamp) {
        if (c.metadata.annotations?.[ANN_DELETION_DONE]) return;
        if (c.spec.deletionPolicy === 'Delete' && handle) await driver.deleteSnapshot(handle);
        // tells the snapshot controller the physical snapshot is gone (upstream clears status.snapshotHandle)
        try {
          await client.patch(SNAPSHOT_R.volumesnapshotcontents, undefined, name, 'merge', { metadata: { annotations: { [ANN_DELETION_DONE]: 'yes' } } });
        } catch (err) {
          if (!isStatus(err, 404)) throw err;
        }
        return;
      }
      if (c.status?.readyToUse) return;
      if (c.spec?.source?.volumeHandle) {
        const snapshotHandle = `snapshot-${c.metadata.uid}`;
        try {
          const { creationTime } = await driver.createSnapshot(c.spec.source.volumeHandle, snapshotHandle);
          // the driver reports the source volume's size as the snapshot's size, so a restore needs at least that much
          const pv = volumes.list().find((v) => v.spec?.csi?.driver === driver.name && v.spec.csi.volumeHandle === c.spec.source.volumeHandle);
          const bytes = pv ? Number(storageSize(pv.spec.capacity?.storage) / 1_000_000_000n) : 0;
          await setStatus(c, { snapshotHandle, creationTime: creationTime.getTime() * 1_000_000, readyToUse: true, restoreSize: bytes, error: null });
        } catch (err) {
          await setStatus(c, {
            readyToUse: false,
            error: {
              time: rfc3339(),
              message: `Failed to check and update snapshot content: failed to take snapshot of the volume ${c.spec.source.volumeHandle}: "rpc error: code = NotFound desc = ${(err as Error).message}"`,
            },
          });
          throw err;
        }
        return;
      }
      if (c.spec?.source?.snapshotHandle) {
        const found = driver.findSnapshot(c.spec.source.snapshotHandle);
        if (!found) {
          await setStatus(c, {
            readyToUse: false,
            error: { time: rfc3339(), message: `Failed to check and update snapshot content: snapshot ${c.spec.source.snapshotHandle} not found` },
          });
          return;
        }
        const st = await fs.promises.stat(found.path);
        await setStatus(c, {
          snapshotHandle: c.spec.source.snapshotHandle,
          creationTime: Math.floor(st.mtimeMs) * 1_000_000,
          readyToUse: true,
          restoreSize: c.status?.restoreSize ?? 0,
          error: null,
        });
      }
    },
    { workers: 2, name: 'csi-snapshotter' },
  );
  contents.onAdd((c) => queue.add(c.metadata.name!));
  contents.onUpdate((_a, c) => queue.add(c.metadata.name!));
  return { stop: () => queue.stop() };
}
