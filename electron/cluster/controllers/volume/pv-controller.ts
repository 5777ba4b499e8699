// The PersistentVolume controller (upstream's persistentvolume-binder-controller): binds claims to volumes
// (pre-bound first, then the smallest fit), hands claims it cannot bind to the external provisioner of their class,
// keeps the phases (Pending/Available/Bound/Released/Failed/Lost) and applies the reclaim policy when a claim goes.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import { isStatus } from '../../client/errors';
import { EventRecorder } from '../../client/event-recorder';
import type { KObject } from '../../api/types';
import { storageClassOf } from '../../api/kinds/core/storage-common';
import { WorkQueue } from '../workqueue';
import { dropNulls, updateCopy } from './update-object';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  findMatchingVolume,
  isDelayBinding,
  preBoundTo,
} from '../../storage/binding';

const RESYNC_MS = 15_000;

type PVC = PersistentVolumeClaim & KObject;
type PV = PersistentVolume & KObject;

export function startPersistentVolumeController(client: Client, informers: InformerFactory): { stop(): void } {
  const claims = informers.informer<PVC>(R.persistentvolumeclaims);
  const volumes = informers.informer<PV>(R.persistentvolumes);
  const classes = informers.informer<StorageClass & KObject>(R.storageclasses);
  const recorder = new EventRecorder(client, { component: 'persistentvolume-controller' });
  const synced = () => Promise.all([claims.synced(), volumes.synced(), classes.synced()]);

  const claimEvent = (pvc: PVC, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.event({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: pvc.metadata }, type, reason, message);
  const volumeEvent = (pv: PV, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.event({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: pv.metadata }, type, reason, message);

  async function setClaimStatus(pvc: PVC, phase: string, pv?: PV): Promise<void> {
    const status = pv
      ? { phase, capacity: pv.spec?.capacity, accessModes: pv.spec?.accessModes }
      : { phase, ...(phase === 'Pending' ? { capacity: null, accessModes: null } : {}) };
    if (pvc.status?.phase === phase && (!pv || pvc.status?.capacity?.storage)) return;
    await updateCopy(client, R.persistentvolumeclaims, pvc, (c) => (c.status = dropNulls({ ...c.status, ...status })), 'status');
  }

  async function setVolumePhase(pv: PV, phase: string, reason?: string, message?: string): Promise<void> {
    if (pv.status?.phase === phase && (reason === undefined || pv.status?.message === message)) return;
    await updateCopy(
      client,
      R.persistentvolumes,
      pv,
      (v) => (v.status = dropNulls({ ...v.status, phase, reason: reason ?? null, message: message ?? null })),
      'status',
    );
  }

  /** volume side first (claimRef), then the claim (volumeName), then both statuses, as upstream's bind() */
  async function bind(pvc: PVC, pv: PV): Promise<void> {
    let vol = pv;
    const ref = pv.spec?.claimRef;
    if (!ref || ref.uid !== pvc.metadata.uid || ref.name !== pvc.metadata.name) {
      const ann: Record<string, string> = ref ? {} : { [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      vol = await updateCopy(client, R.persistentvolumes, pv, (v) => {
        v.metadata.annotations = { ...v.metadata.annotations, ...ann };
        v.spec = {
          ...v.spec,
          claimRef: {
            kind: 'PersistentVolumeClaim',
            apiVersion: 'v1',
            namespace: pvc.metadata.namespace,
            name: pvc.metadata.name,
            uid: pvc.metadata.uid,
            resourceVersion: pvc.metadata.resourceVersion,
          },
        };
      });
    }
    await setVolumePhase(vol, 'Bound');
    let claim = pvc;
    if (pvc.spec?.volumeName !== pv.metadata.name || pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== 'yes') {
      const ann: Record<string, string> = { [ANN_BIND_COMPLETED]: 'yes' };
      if (pvc.spec?.volumeName !== pv.metadata.name) ann[ANN_BOUND_BY_CONTROLLER] = 'yes';
      claim = await updateCopy(client, R.persistentvolumeclaims, pvc, (c) => {
        c.metadata.annotations = { ...c.metadata.annotations, ...ann };
        c.spec = { ...c.spec, volumeName: pv.metadata.name };
      });
    }
    await setClaimStatus(claim, 'Bound', vol);
  }

  async function syncUnboundClaim(pvc: PVC): Promise<void> {
    const className = storageClassOf(pvc);
    const sc = className ? classes.getByName(undefined, className) : undefined;
    const delayed = isDelayBinding(sc);
    const selectedNode = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
    // a WaitForFirstConsumer claim binds only what the scheduler chose for it (pre-bound or provisioned)
    // volumes this controller is binding to other claims right now are not candidates (upstream's assume cache):
    // without it, claims synced in parallel all pick the same smallest volume and all but one retry
    const candidates = volumes
      .list()
      .filter((v) => (!delayed || preBoundTo(v, pvc)) && (assumed.get(v.metadata.name!) ?? pvc.metadata.uid) === pvc.metadata.uid);
    const pv = pvc.spec?.dataSource || pvc.spec?.dataSourceRef ? candidates.find((v) => preBoundTo(v, pvc)) : findMatchingVolume(pvc, candidates);
    if (pv) {
      assumed.set(pv.metadata.name!, pvc.metadata.uid!);
      try {
        return await bind(pvc, pv);
      } catch (err) {
        assumed.delete(pv.metadata.name!);
        throw err;
      }
    }
    await setClaimStatus(pvc, 'Pending');
    if (!className) {
      claimEvent(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    if (!sc) {
      claimEvent(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    if (delayed && !selectedNode) {
      claimEvent(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    const provisioner = sc.provisioner;
    if (pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== provisioner) {
      await updateCopy(client, R.persistentvolumeclaims, pvc, (c) => {
        c.metadata.annotations = { ...c.metadata.annotations, [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner };
      });
    }
    claimEvent(
      pvc,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  async function syncClaim(key: string): Promise<void> {
    await synced();
    const pvc = claims.get(key);
    if (!pvc) return;
    if (!pvc.spec?.volumeName) return syncUnboundClaim(pvc);
    const pv = volumes.getByName(undefined, pvc.spec.volumeName);
    if (!pv) {
      if (pvc.status?.phase === 'Bound' || pvc.status?.phase === 'Lost') {
        // the informer may lag a create: ask the API server before declaring the data lost
        try {
          await client.get(R.persistentvolumes, undefined, pvc.spec.volumeName);
          return;
        } catch (err) {
          if (!isStatus(err, 404)) throw err;
        }
        if (pvc.status?.phase !== 'Lost')
          claimEvent(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
        await setClaimStatus(pvc, 'Lost');
      } else await setClaimStatus(pvc, 'Pending');
      return;
    }
    const ref = pv.spec?.claimRef;
    if (!ref || preBoundTo(pv, pvc)) return bind(pvc, pv);
    if (pvc.status?.phase === 'Bound') {
      claimEvent(pvc, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
      await setClaimStatus(pvc, 'Lost');
    } else {
      claimEvent(pvc, 'Warning', 'FailedBinding', 'volume "' + pv.metadata.name + '" already bound to a different claim.');
      await setClaimStatus(pvc, 'Pending');
    }
  }

  async function syncVolume(name: string): Promise<void> {
    await synced();
    const pv = volumes.getByName(undefined, name);
    if (!pv || (pv.metadata.deletionTimestamp && pv.status?.phase !== 'Bound')) return;
    const ref = pv.spec?.claimRef;
    if (!ref) return setVolumePhase(pv, 'Available');
    if (!ref.uid) {
      // pre-bound by an administrator: available to that claim only
      await setVolumePhase(pv, 'Available');
      const c = claims.getByName(ref.namespace, ref.name!);
      if (c) claimQueue.add(objectKey(c));
      return;
    }
    let claim = claims.getByName(ref.namespace, ref.name!);
    if (!claim || claim.metadata.uid !== ref.uid) {
      // confirm with the API server: a claim missing from a lagging cache must not release (and maybe delete) its data
      try {
        claim = await client.get<PVC>(R.persistentvolumeclaims, ref.namespace, ref.name!);
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
        claim = undefined;
      }
    }
    if (claim && claim.metadata.uid === ref.uid) {
      if (claim.spec?.volumeName === name) await setVolumePhase(pv, 'Bound');
      else claimQueue.add(objectKey(claim));
      return;
    }
    await reclaim(pv);
  }

  async function reclaim(pv: PV): Promise<void> {
    if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') await setVolumePhase(pv, 'Released');
    if (pv.status?.phase === 'Failed') return;
    switch (pv.spec?.persistentVolumeReclaimPolicy) {
      case 'Delete':
        // a dynamically provisioned volume is deleted by its external provisioner; nothing in-tree can delete others
        if (pv.metadata.annotations?.[ANN_PROVISIONED_BY] || pv.spec?.csi) return;
        volumeEvent(
          pv,
          'Warning',
          'VolumeFailedDelete',
          `error getting deleter volume plugin for volume "${pv.metadata.name}": no deletable volume plugin matched`,
        );
        return setVolumePhase(
          pv,
          'Failed',
          'VolumeFailedDelete',
          `error getting deleter volume plugin for volume "${pv.metadata.name}": no deletable volume plugin matched`,
        );
      case 'Recycle':
        volumeEvent(pv, 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
        return setVolumePhase(pv, 'Failed', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
      default: // Retain: the data stays until an administrator deletes the volume
    }
  }

  const assumed = new Map<string, string>();
  const claimQueue = new WorkQueue(syncClaim, { workers: 16, name: 'persistentvolume-claims' });
  const volumeQueue = new WorkQueue(syncVolume, { workers: 4, name: 'persistentvolume-volumes' });
  const addClaim = (c: PVC) => {
    if (!c.metadata.deletionTimestamp || c.spec?.volumeName) claimQueue.add(objectKey(c));
  };
  claims.onAdd(addClaim);
  claims.onUpdate((_a, c) => addClaim(c));
  claims.onDelete((c) => {
    if (c.spec?.volumeName) volumeQueue.add(c.spec.volumeName);
  });
  const addVolume = (v: PV) => {
    // the cache shows the binding (or the volume is free again): the reservation has done its job
    if (v.spec?.claimRef?.uid) assumed.delete(v.metadata.name!);
    volumeQueue.add(v.metadata.name!);
    const ref = v.spec?.claimRef;
    const c = ref && claims.getByName(ref.namespace, ref.name!);
    if (c && !c.spec?.volumeName) claimQueue.add(objectKey(c));
    // a volume that became available may be what a waiting claim of its class needs
    if (!ref && v.status?.phase === 'Available') {
      for (const w of claims.list())
        if (!w.spec?.volumeName && !w.metadata.deletionTimestamp && storageClassOf(w) === storageClassOf(v)) claimQueue.add(objectKey(w));
    }
  };
  volumes.onAdd(addVolume);
  volumes.onUpdate((_a, v) => addVolume(v));
  volumes.onDelete((v) => assumed.delete(v.metadata.name!));
  // a class created later may make a waiting claim provisionable
  classes.onAdd((sc) => {
    for (const c of claims.list()) if (!c.spec?.volumeName && storageClassOf(c) === sc.metadata.name) claimQueue.add(objectKey(c));
  });
  // upstream resyncs every 15 s: whatever an event did not bring (a lost write, a class change) is retried
  const resync = setInterval(() => {
    for (const c of claims.list()) if (!c.spec?.volumeName || c.status?.phase !== 'Bound') addClaim(c);
    for (const v of volumes.list()) if (v.status?.phase !== 'Bound') volumeQueue.add(v.metadata.name!);
  }, RESYNC_MS);
  resync.unref?.();
  return {
    stop: () => {
      clearInterval(resync);
      claimQueue.stop();
      volumeQueue.stop();
    },
  };
}
