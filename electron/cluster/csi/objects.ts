// The storage objects a cluster starts with: the driver's CSIDriver, the default StorageClass "standard" it serves
// (WaitForFirstConsumer, expandable, Delete), and a default VolumeSnapshotClass for it. Created when missing, like the
// addon manager's EnsureExists objects: an administrator's edits (or a deleted default annotation) stay.
import type { Client } from '../client/types';
import { R } from '../client/resources';
import { isStatus } from '../client/errors';
import type { GVR, KObject } from '../api/types';
import { DEFAULT_CLASS_ANNOTATION } from '../api/kinds/storage';
import { SNAPSHOT_R, installSnapshotCrds } from '../snapshot/crds';
import { DEFAULT_SNAPSHOT_CLASS_ANNOTATION } from '../snapshot/snapshot-controller';
import { DRIVER_NAME } from './driver';

export const DEFAULT_STORAGE_CLASS = 'standard';
export const DEFAULT_SNAPSHOT_CLASS = 'csi-hostpath-snapclass';

async function ensure(client: Client, r: GVR, obj: KObject): Promise<void> {
  try {
    await client.create(r, undefined, obj);
  } catch (err) {
    if (!isStatus(err, 409)) throw err;
  }
}

export async function ensureStorageObjects(client: Client): Promise<void> {
  await installSnapshotCrds(client);
  await ensure(client, R.csidrivers, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'CSIDriver',
    metadata: { name: DRIVER_NAME },
    spec: { attachRequired: true, podInfoOnMount: true, fsGroupPolicy: 'File', volumeLifecycleModes: ['Persistent'], storageCapacity: false },
  });
  await ensure(client, R.storageclasses, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: DRIVER_NAME,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  });
  await ensure(client, SNAPSHOT_R.volumesnapshotclasses, {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotClass',
    metadata: { name: DEFAULT_SNAPSHOT_CLASS, annotations: { [DEFAULT_SNAPSHOT_CLASS_ANNOTATION]: 'true' } },
    driver: DRIVER_NAME,
    deletionPolicy: 'Delete',
  });
}
