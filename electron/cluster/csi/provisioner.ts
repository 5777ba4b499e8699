// external-provisioner for the simulated driver: claims handed to the driver (volume.kubernetes.io/storage-provisioner)
// get a volume folder on the selected node (WaitForFirstConsumer) or on a node the class's allowedTopologies admit
// (Immediate), filled from a VolumeSnapshot or a source claim when the claim has a data source, and a PV pvc-<uid>
// pre-bound to the claim with the node's topology as its node affinity. Released PVs with reclaim Delete are deleted,
// and the folder goes only once the PV object is gone.
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { Client, InformerFactory } from '../client/types';
import { objectKey } from '../client/types';
import { R } from '../client/resources';
import { isStatus } from '../client/errors';
import type { EventRecorder } from '../client/event-recorder';
import type { KObject } from '../api/types';
import { storageClassOf, storageSize } from '../api/kinds/core/storage-common';
import { WorkQueue } from '../controllers/workqueue';
import { ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, isDelayBinding } from '../storage/binding';
import { SNAPSHOT_R } from '../snapshot/crds';
import { TOPOLOGY_KEY, type HostPathDriver } from './driver';

type PVC = PersistentVolumeClaim & KObject;
type PV = PersistentVolume & KObject;

class ProvisionError extends Error {}

/** does a node satisfy a class's allowedTopologies (terms ORed, expressions ANDed)? */
export function topologyAllows(sc: StorageClass, node: Node): boolean {
  const terms = sc.allowedTopologies ?? [];
  if (!terms.length) return true;
  const labels = node.metadata?.labels ?? {};
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => e.values.includes(labels[e.key])));
}

export function startProvisioner(client: Client, informers: InformerFactory, driver: HostPathDriver, recorder: EventRecorder): { stop(): void } {
  const claims = informers.informer<PVC>(R.persistentvolumeclaims);
  const volumes = informers.informer<PV>(R.persistentvolumes);
  const classes = informers.informer<StorageClass & KObject>(R.storageclasses);
  const nodes = informers.informer<Node & KObject>(R.nodes);
  const csinodes = informers.informer(R.csinodes);
  const synced = () => Promise.all([claims.synced(), volumes.synced(), classes.synced(), nodes.synced(), csinodes.synced()]);
  const claimEvent = (pvc: PVC, type: 'Normal' | 'Warning', reason: string, msg: string) =>
    recorder.event({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: pvc.metadata }, type, reason, msg);

  function chooseNode(pvc: PVC, sc: StorageClass): string {
    const selected = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
    const registered = (n: string) => (csinodes.getByName(undefined, n)?.spec?.drivers ?? []).some((d: any) => d.name === driver.name);
    if (selected) {
      const node = nodes.getByName(undefined, selected);
      if (!node || !registered(selected)) throw new ProvisionError(`node "${selected}" does not run the ${driver.name} driver`);
      if (!topologyAllows(sc, node)) throw new ProvisionError(`node "${selected}" is not in the allowed topologies of StorageClass "${sc.metadata?.name}"`);
      return selected;
    }
    const fit = nodes
      .list()
      .filter((n) => registered(n.metadata.name!) && topologyAllows(sc, n))
      .map((n) => n.metadata.name!);
    if (!fit.length) throw new ProvisionError('no node satisfies the allowed topologies of the StorageClass');
    // spread Immediate volumes: the node holding the fewest of this driver's volumes
    const held = (n: string) =>
      volumes.list().filter((v) => v.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.[0] === n).length;
    return fit.sort((a, b) => held(a) - held(b) || a.localeCompare(b))[0];
  }

  /** the content source: a ready snapshot's handle, or a bound claim's volume handle (size rules as upstream) */
  async function contentSource(pvc: PVC, sc: StorageClass): Promise<{ snapshot?: string; volume?: string } | undefined> {
    const ds = pvc.spec?.dataSourceRef ?? pvc.spec?.dataSource;
    if (!ds) return undefined;
    const ns = (ds as { namespace?: string }).namespace ?? pvc.metadata.namespace;
    const requested = storageSize(pvc.spec?.resources?.requests?.storage);
    if (ds.kind === 'VolumeSnapshot' && ds.apiGroup === 'snapshot.storage.k8s.io') {
      let vs: KObject;
      try {
        vs = await client.get(SNAPSHOT_R.volumesnapshots, ns, ds.name);
      } catch (err) {
        if (isStatus(err, 404))
          throw new ProvisionError(
            `error getting handle for DataSource Type VolumeSnapshot by Name ${ds.name}: error getting snapshot ${ds.name} from api server: volumesnapshots.snapshot.storage.k8s.io "${ds.name}" not found`,
          );
        throw err;
      }
      if (vs.metadata.deletionTimestamp)
        throw new ProvisionError(`error getting handle for DataSource Type VolumeSnapshot by Name ${ds.name}: snapshot ${ds.name} is currently being deleted`);
      if (!vs.status?.readyToUse || !vs.status?.boundVolumeSnapshotContentName)
        throw new ProvisionError(`error getting handle for DataSource Type VolumeSnapshot by Name ${ds.name}: snapshot ${ds.name} is not Ready`);
      const content = await client.get(SNAPSHOT_R.volumesnapshotcontents, undefined, vs.status.boundVolumeSnapshotContentName);
      if (content.spec?.driver !== driver.name)
        throw new ProvisionError(
          `error getting handle for DataSource Type VolumeSnapshot by Name ${ds.name}: snapshot ${ds.name} was taken by driver ${content.spec?.driver}, not ${driver.name}`,
        );
      const restore = storageSize(vs.status.restoreSize);
      if (restore > requested)
        throw new ProvisionError(
          `error getting handle for DataSource Type VolumeSnapshot by Name ${ds.name}: requested volume size ${requested / 1_000_000_000n} is less than the size ${restore / 1_000_000_000n} for the source snapshot ${ds.name}`,
        );
      return { snapshot: content.status?.snapshotHandle };
    }
    if (ds.kind === 'PersistentVolumeClaim' && !ds.apiGroup) {
      const src = claims.getByName(ns, ds.name);
      if (!src) throw new ProvisionError(`error getting handle for DataSource Type PersistentVolumeClaim by Name ${ds.name}: claim ${ds.name} not found`);
      if (src.status?.phase !== 'Bound' || !src.spec?.volumeName)
        throw new ProvisionError(`error getting handle for DataSource Type PersistentVolumeClaim by Name ${ds.name}: the PVC ${ds.name} not yet bound to a PV`);
      if (storageClassOf(src) !== sc.metadata?.name)
        throw new ProvisionError(
          `error getting handle for DataSource Type PersistentVolumeClaim by Name ${ds.name}: the source PVC and destination PVCs must be in the same storage class for cloning`,
        );
      const srcSize = storageSize(src.status?.capacity?.storage);
      if (srcSize > requested)
        throw new ProvisionError(
          `error getting handle for DataSource Type PersistentVolumeClaim by Name ${ds.name}: requested volume size ${requested / 1_000_000_000n} is less than the size ${srcSize / 1_000_000_000n} for the source PVC ${ds.name}`,
        );
      const pv = volumes.getByName(undefined, src.spec.volumeName);
      if (pv?.spec?.csi?.driver !== driver.name)
        throw new ProvisionError(
          `error getting handle for DataSource Type PersistentVolumeClaim by Name ${ds.name}: source volume is not provided by ${driver.name}`,
        );
      return { volume: pv.spec.csi.volumeHandle };
    }
    // another populator's kind: upstream leaves the claim to it
    return undefined;
  }

  async function provision(key: string): Promise<void> {
    await synced();
    const pvc = claims.get(key);
    if (!pvc || pvc.spec?.volumeName || pvc.metadata.deletionTimestamp) return;
    if (pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== driver.name) return;
    const sc = classes.getByName(undefined, storageClassOf(pvc));
    if (!sc || sc.provisioner !== driver.name) return;
    if (isDelayBinding(sc) && !pvc.metadata.annotations?.[ANN_SELECTED_NODE]) return;
    const pvName = `pvc-${pvc.metadata.uid}`;
    if (volumes.getByName(undefined, pvName)) return;
    claimEvent(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${key}"`);
    try {
      const node = chooseNode(pvc, sc);
      const source = await contentSource(pvc, sc);
      // the claim's uid is the volume handle: a retry after a crash finds the same folder instead of a second one
      await driver.createVolume(node, pvc.metadata.uid!, source);
      const pv: KObject = {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: {
          name: pvName,
          annotations: {
            [ANN_PROVISIONED_BY]: driver.name,
            'volume.kubernetes.io/provisioner-deletion-secret-name': '',
            'volume.kubernetes.io/provisioner-deletion-secret-namespace': '',
          },
        },
        spec: {
          accessModes: pvc.spec?.accessModes,
          capacity: { storage: pvc.spec?.resources?.requests?.storage },
          claimRef: {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            name: pvc.metadata.name,
            namespace: pvc.metadata.namespace,
            uid: pvc.metadata.uid,
            resourceVersion: pvc.metadata.resourceVersion,
          },
          csi: {
            driver: driver.name,
            volumeHandle: pvc.metadata.uid,
            fsType: 'ext4',
            volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': `kubelab-${driver.name}` },
          },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: TOPOLOGY_KEY, operator: 'In', values: [node] }] }] } },
          persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
          storageClassName: sc.metadata?.name,
          volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
          ...(sc.mountOptions ? { mountOptions: sc.mountOptions } : {}),
        },
      };
      try {
        await client.create(R.persistentvolumes, undefined, pv);
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
      }
      claimEvent(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
    } catch (err) {
      claimEvent(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name}": ${(err as Error).message}`);
      throw err;
    }
  }

  async function reclaim(name: string): Promise<void> {
    await volumes.synced();
    const pv = volumes.getByName(undefined, name);
    if (!pv || pv.metadata.deletionTimestamp || pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    if (pv.metadata.annotations?.[ANN_PROVISIONED_BY] !== driver.name) return;
    try {
      await client.delete(R.persistentvolumes, undefined, name, { preconditions: { uid: pv.metadata.uid } });
    } catch (err) {
      if (!isStatus(err, 404, 409)) throw err;
    }
  }

  const claimQueue = new WorkQueue(provision, { workers: 4, name: 'csi-provisioner' });
  const volumeQueue = new WorkQueue(reclaim, { workers: 2, name: 'csi-provisioner-deleter' });
  const addClaim = (c: PVC) => {
    if (!c.spec?.volumeName && c.metadata.annotations?.[ANN_STORAGE_PROVISIONER] === driver.name) claimQueue.add(objectKey(c));
  };
  claims.onAdd(addClaim);
  claims.onUpdate((_a, c) => addClaim(c));
  const addVolume = (v: PV) => {
    if (v.status?.phase === 'Released') volumeQueue.add(v.metadata.name!);
  };
  volumes.onAdd(addVolume);
  volumes.onUpdate((_a, v) => addVolume(v));
  // the folder of a deleted volume goes after its PV object (Delete policy only: a Retain volume's data is the admin's)
  volumes.onDelete((v) => {
    if (v.spec?.csi?.driver !== driver.name) return;
    const failed = (err: unknown) =>
      recorder.event({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: v.metadata }, 'Warning', 'VolumeFailedDelete', (err as Error).message);
    // a Retain volume's data is the administrator's: its folder stays, marked so the start-up sweep keeps it
    if (v.spec?.persistentVolumeReclaimPolicy !== 'Delete') driver.retainVolume(v.spec.csi.volumeHandle).catch(failed);
    else driver.deleteVolume(v.spec.csi.volumeHandle).catch(failed);
  });
  return {
    stop: () => {
      claimQueue.stop();
      volumeQueue.stop();
    },
  };
}
