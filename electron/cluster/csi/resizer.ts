// external-resizer for the simulated driver: a bound claim asking for more than it has gets its volume expanded on
// the "controller" side (PV capacity), then waits in FileSystemResizePending for the kubelet to finish on the node
// (see node-plugin.ts), as a CSI volume with node expansion does upstream.
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { Client, InformerFactory } from '../client/types';
import { objectKey } from '../client/types';
import { R } from '../client/resources';
import type { EventRecorder } from '../client/event-recorder';
import { rfc3339 } from '../api/time';
import type { KObject } from '../api/types';
import { storageSize } from '../api/kinds/core/storage-common';
import { WorkQueue } from '../controllers/workqueue';
import type { HostPathDriver } from './driver';

type PVC = PersistentVolumeClaim & KObject;

export const RESIZE_PENDING_MESSAGE = 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.';

/** the claim wants more than it has (and more than the controller side already expanded to) */
export function needsControllerResize(pvc: PVC): boolean {
  if (pvc.status?.phase !== 'Bound') return false;
  const want = storageSize(pvc.spec?.resources?.requests?.storage);
  return want > storageSize(pvc.status?.capacity?.storage) && want > storageSize(pvc.status?.allocatedResources?.storage);
}

export function startResizer(client: Client, informers: InformerFactory, driver: HostPathDriver, recorder: EventRecorder): { stop(): void } {
  const claims = informers.informer<PVC>(R.persistentvolumeclaims);
  const volumes = informers.informer(R.persistentvolumes);
  const queue = new WorkQueue(
    async (key) => {
      await Promise.all([claims.synced(), volumes.synced()]);
      const pvc = claims.get(key);
      if (!pvc || !needsControllerResize(pvc)) return;
      const pv = volumes.getByName(undefined, pvc.spec!.volumeName!);
      if (pv?.spec?.csi?.driver !== driver.name) return;
      const want = pvc.spec!.resources!.requests!.storage;
      const ref = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: pvc.metadata };
      recorder.event(ref, 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata.name}`);
      const now = rfc3339();
      await client.patch(
        R.persistentvolumeclaims,
        pvc.metadata.namespace,
        pvc.metadata.name!,
        'merge',
        {
          status: {
            conditions: [{ type: 'Resizing', status: 'True', lastProbeTime: null, lastTransitionTime: now }],
            allocatedResources: { storage: want },
            allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' },
          },
        },
        { subresource: 'status' },
      );
      // a folder has no fixed size: ControllerExpandVolume is the new capacity on the PV
      await client.patch(R.persistentvolumes, undefined, pv.metadata.name!, 'merge', { spec: { capacity: { storage: want } } });
      await client.patch(
        R.persistentvolumeclaims,
        pvc.metadata.namespace,
        pvc.metadata.name!,
        'merge',
        {
          status: {
            conditions: [{ type: 'FileSystemResizePending', status: 'True', lastProbeTime: null, lastTransitionTime: now, message: RESIZE_PENDING_MESSAGE }],
            allocatedResourceStatuses: { storage: 'NodeResizePending' },
          },
        },
        { subresource: 'status' },
      );
      recorder.event(ref, 'Normal', 'FileSystemResizeRequired', 'Require file system resize of volume on node');
    },
    { workers: 2, name: 'csi-resizer' },
  );
  const add = (c: PVC) => {
    if (needsControllerResize(c)) queue.add(objectKey(c));
  };
  claims.onAdd(add);
  claims.onUpdate((_a, c) => add(c));
  return { stop: () => queue.stop() };
}
