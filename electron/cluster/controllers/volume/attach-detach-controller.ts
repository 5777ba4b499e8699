// attachdetach-controller: for every node, the CSI volumes its running pods use get a VolumeAttachment (the external
// attacher then attaches and sets status.attached); volumes no pod on the node uses any more are detached by
// deleting their VolumeAttachment. Drivers whose CSIDriver says attachRequired: false are skipped, as upstream.
import { createHash } from 'node:crypto';
import type { Pod } from 'kubernetes-types/core/v1';
import type { Client, InformerFactory } from '../../client/types';
import { R } from '../../client/resources';
import { isStatus } from '../../client/errors';
import { EventRecorder } from '../../client/event-recorder';
import type { KObject } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { podClaimNames, podIsActive } from '../../storage/binding';

const POD_NODE_INDEX = 'attachdetach:nodeName';

/** upstream's VolumeAttachment name: csi-<sha256(volumeHandle + driver + node)> */
export function volumeAttachmentName(volumeHandle: string, driver: string, node: string): string {
  return (
    'csi-' +
    createHash('sha256')
      .update(volumeHandle + driver + node)
      .digest('hex')
  );
}

export function startAttachDetachController(client: Client, informers: InformerFactory): { stop(): void } {
  const pods = informers.informer(R.pods);
  const claims = informers.informer(R.persistentvolumeclaims);
  const volumes = informers.informer(R.persistentvolumes);
  const drivers = informers.informer(R.csidrivers);
  const attachments = informers.informer(R.volumeattachments);
  pods.addIndex(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  const recorder = new EventRecorder(client, { component: 'attachdetach-controller' });

  /** PV name → the pods on the node that use it */
  function desired(node: string): Map<string, KObject[]> {
    const out = new Map<string, KObject[]>();
    for (const pod of pods.byIndex(POD_NODE_INDEX, node)) {
      if (!podIsActive(pod as Pod)) continue;
      for (const claimName of podClaimNames(pod as Pod)) {
        const pvName = claims.getByName(pod.metadata.namespace, claimName)?.spec?.volumeName;
        const pv = pvName ? volumes.getByName(undefined, pvName) : undefined;
        const driver = pv?.spec?.csi?.driver;
        if (!driver || drivers.getByName(undefined, driver)?.spec?.attachRequired === false) continue;
        out.set(pvName!, [...(out.get(pvName!) ?? []), pod]);
      }
    }
    return out;
  }

  const queue = new WorkQueue(
    async (node) => {
      await Promise.all([pods.synced(), claims.synced(), volumes.synced(), drivers.synced(), attachments.synced()]);
      const want = desired(node);
      const have = attachments.list().filter((va) => va.spec?.nodeName === node && va.spec?.source?.persistentVolumeName);
      for (const [pvName, users] of want) {
        const pv = volumes.getByName(undefined, pvName)!;
        const name = volumeAttachmentName(pv.spec!.csi.volumeHandle, pv.spec!.csi.driver, node);
        const va = have.find((a) => a.metadata.name === name);
        if (va?.status?.attached && !announced.has(name)) {
          announced.add(name);
          for (const pod of users)
            recorder.event(
              { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata },
              'Normal',
              'SuccessfulAttachVolume',
              `AttachVolume.Attach succeeded for volume "${pvName}" `,
            );
        }
        if (va) continue;
        try {
          await client.create(R.volumeattachments, undefined, {
            apiVersion: 'storage.k8s.io/v1',
            kind: 'VolumeAttachment',
            metadata: { name },
            spec: { attacher: pv.spec!.csi.driver, nodeName: node, source: { persistentVolumeName: pvName } },
          });
        } catch (err) {
          if (!isStatus(err, 409)) throw err;
        }
      }
      for (const va of have) {
        if (want.has(va.spec.source.persistentVolumeName) || va.metadata.deletionTimestamp) continue;
        announced.delete(va.metadata.name!);
        try {
          await client.delete(R.volumeattachments, undefined, va.metadata.name!);
        } catch (err) {
          if (!isStatus(err, 404)) throw err;
        }
      }
    },
    { workers: 2, name: 'attachdetach' },
  );
  const announced = new Set<string>();

  const nodeOf = (p: KObject) => {
    if (p.spec?.nodeName) queue.add(p.spec.nodeName);
  };
  pods.onAdd(nodeOf);
  pods.onUpdate((_a, p) => nodeOf(p));
  pods.onDelete(nodeOf);
  // a claim binding or an attachment changing affects the nodes of the pods using it
  const claimChanged = (c: KObject) => {
    for (const p of pods.list(c.metadata.namespace)) if (p.spec?.nodeName && podClaimNames(p as Pod).includes(c.metadata.name!)) queue.add(p.spec.nodeName);
  };
  claims.onUpdate((_a, c) => claimChanged(c));
  const vaChanged = (va: KObject) => {
    if (va.spec?.nodeName) queue.add(va.spec.nodeName);
  };
  attachments.onAdd(vaChanged);
  attachments.onUpdate((_a, va) => vaChanged(va));
  attachments.onDelete(vaChanged);
  return { stop: () => queue.stop() };
}
