// The common snapshot controller (external-snapshotter's snapshot-controller): a VolumeSnapshot of a bound claim gets
// its class (the driver's default when unnamed) and a VolumeSnapshotContent snapcontent-<uid> for the CSI snapshotter
// to fill; a VolumeSnapshot naming an existing content binds to it. The content's status is mirrored into the
// snapshot (readyToUse, restoreSize, creationTime). Finalizers keep a snapshot while a claim is being restored from
// it and a content while its snapshot exists; deletionPolicy Delete deletes the content (and its copy) with the
// snapshot, Retain keeps it.
import type { Client, InformerFactory } from '../client/types';
import { objectKey } from '../client/types';
import { R } from '../client/resources';
import { isStatus } from '../client/errors';
import { EventRecorder } from '../client/event-recorder';
import { rfc3339 } from '../api/time';
import type { KObject } from '../api/types';
import { formatQuantity } from '../api/quantity';
import { WorkQueue } from '../controllers/workqueue';
import { ANN_DELETION_DONE } from '../csi/snapshotter';
import { SNAPSHOT_R } from './crds';

export const SNAPSHOT_AS_SOURCE_FINALIZER = 'snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection';
export const SNAPSHOT_BOUND_FINALIZER = 'snapshot.storage.kubernetes.io/volumesnapshot-bound-protection';
export const CONTENT_BOUND_FINALIZER = 'snapshot.storage.kubernetes.io/volumesnapshotcontent-bound-protection';
export const DEFAULT_SNAPSHOT_CLASS_ANNOTATION = 'snapshot.storage.kubernetes.io/is-default-class';

export function startSnapshotController(client: Client, informers: InformerFactory): { stop(): void } {
  const snapshots = informers.informer(SNAPSHOT_R.volumesnapshots);
  const contents = informers.informer(SNAPSHOT_R.volumesnapshotcontents);
  const classes = informers.informer(SNAPSHOT_R.volumesnapshotclasses);
  const claims = informers.informer(R.persistentvolumeclaims);
  const volumes = informers.informer(R.persistentvolumes);
  const recorder = new EventRecorder(client, { component: 'snapshot-controller' });
  const synced = () => Promise.all([snapshots.synced(), contents.synced(), classes.synced(), claims.synced(), volumes.synced()]);
  const event = (vs: KObject, type: 'Normal' | 'Warning', reason: string, msg: string) =>
    recorder.event({ apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: vs.metadata }, type, reason, msg);

  async function setFinalizers(r: (typeof SNAPSHOT_R)[keyof typeof SNAPSHOT_R], o: KObject, list: string[]): Promise<void> {
    try {
      await client.patch(r, o.metadata.namespace, o.metadata.name!, 'json', [
        { op: 'test', path: '/metadata/resourceVersion', value: o.metadata.resourceVersion },
        { op: o.metadata.finalizers ? 'replace' : 'add', path: '/metadata/finalizers', value: list },
      ]);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }

  async function setSnapshotStatus(vs: KObject, status: Record<string, unknown>): Promise<void> {
    await client.patch(SNAPSHOT_R.volumesnapshots, vs.metadata.namespace, vs.metadata.name!, 'merge', { status }, { subresource: 'status' });
  }

  /** a claim still being restored from the snapshot keeps it (upstream's as-source protection) */
  const inUseAsSource = (vs: KObject) =>
    claims.list(vs.metadata.namespace).some((c) => {
      const ds = c.spec?.dataSourceRef ?? c.spec?.dataSource;
      return ds?.kind === 'VolumeSnapshot' && ds.name === vs.metadata.name && c.status?.phase === 'Pending' && !c.metadata.deletionTimestamp;
    });

  async function deleteSnapshot(vs: KObject): Promise<void> {
    if (inUseAsSource(vs)) return;
    const content = vs.status?.boundVolumeSnapshotContentName ? contents.getByName(undefined, vs.status.boundVolumeSnapshotContentName) : undefined;
    if (content && content.spec?.deletionPolicy === 'Delete' && !content.metadata.deletionTimestamp) {
      try {
        await client.delete(SNAPSHOT_R.volumesnapshotcontents, undefined, content.metadata.name!);
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
      return; // the content's deletion brings us back here
    }
    if (content && content.spec?.deletionPolicy === 'Delete' && !content.metadata.annotations?.[ANN_DELETION_DONE]) return;
    const left = (vs.metadata.finalizers ?? []).filter((f: string) => f !== SNAPSHOT_AS_SOURCE_FINALIZER && f !== SNAPSHOT_BOUND_FINALIZER);
    if (left.length !== (vs.metadata.finalizers ?? []).length) await setFinalizers(SNAPSHOT_R.volumesnapshots, vs, left);
  }

  function snapshotClassFor(vs: KObject, driver: string): KObject | string {
    const name = vs.spec?.volumeSnapshotClassName;
    if (name) return classes.getByName(undefined, name) ?? `volumesnapshotclass.snapshot.storage.k8s.io "${name}" not found`;
    const defaults = classes.list().filter((c) => c.driver === driver && c.metadata.annotations?.[DEFAULT_SNAPSHOT_CLASS_ANNOTATION] === 'true');
    if (defaults.length === 1) return defaults[0];
    return defaults.length ? `default snapshot class: ${driver} has more than one default class` : `cannot find default snapshot class`;
  }

  async function syncSnapshot(key: string): Promise<void> {
    await synced();
    const vs = snapshots.get(key);
    if (!vs) return;
    if (vs.metadata.deletionTimestamp) return deleteSnapshot(vs);
    const finalizers: string[] = vs.metadata.finalizers ?? [];
    const want = [SNAPSHOT_AS_SOURCE_FINALIZER, ...(vs.status?.boundVolumeSnapshotContentName ? [SNAPSHOT_BOUND_FINALIZER] : [])];
    if (want.some((f) => !finalizers.includes(f))) return setFinalizers(SNAPSHOT_R.volumesnapshots, vs, [...new Set([...finalizers, ...want])]);
    const src = vs.spec?.source ?? {};
    let content: KObject | undefined;
    if (src.volumeSnapshotContentName) {
      content = contents.getByName(undefined, src.volumeSnapshotContentName);
      if (!content) {
        event(vs, 'Warning', 'SnapshotContentMissing', `VolumeSnapshotContent "${src.volumeSnapshotContentName}" not found`);
        return;
      }
      const ref = content.spec?.volumeSnapshotRef ?? {};
      if (ref.name !== vs.metadata.name || ref.namespace !== vs.metadata.namespace || (ref.uid && ref.uid !== vs.metadata.uid)) {
        event(vs, 'Warning', 'SnapshotContentMisbound', 'VolumeSnapshotContent is not bound to the VolumeSnapshot correctly');
        return setSnapshotStatus(vs, { error: { time: rfc3339(), message: 'VolumeSnapshotContent is not bound to the VolumeSnapshot correctly' } });
      }
      if (!ref.uid) {
        await client.patch(SNAPSHOT_R.volumesnapshotcontents, undefined, content.metadata.name!, 'merge', {
          spec: { volumeSnapshotRef: { uid: vs.metadata.uid, resourceVersion: vs.metadata.resourceVersion } },
        });
        return;
      }
    } else if (src.persistentVolumeClaimName) {
      content = vs.status?.boundVolumeSnapshotContentName
        ? contents.getByName(undefined, vs.status.boundVolumeSnapshotContentName)
        : contents.getByName(undefined, `snapcontent-${vs.metadata.uid}`);
      if (!content) {
        const pvc = claims.getByName(vs.metadata.namespace, src.persistentVolumeClaimName);
        const pv = pvc?.status?.phase === 'Bound' ? volumes.getByName(undefined, pvc.spec?.volumeName) : undefined;
        if (!pv) {
          const msg = pvc
            ? `the volume claimed by ${vs.metadata.namespace}/${src.persistentVolumeClaimName} is not bound yet`
            : `failed to get input parameters to create snapshot ${vs.metadata.name}: "failed to retrieve PVC ${src.persistentVolumeClaimName} from the lister: \\"persistentvolumeclaim \\\\\\"${src.persistentVolumeClaimName}\\\\\\" not found\\""`;
          event(vs, 'Warning', 'SnapshotCreationFailed', msg);
          return setSnapshotStatus(vs, { readyToUse: false, error: { time: rfc3339(), message: msg } });
        }
        if (!pv.spec?.csi) {
          const msg = `cannot snapshot a non-CSI volume ${pv.metadata.name}`;
          event(vs, 'Warning', 'SnapshotCreationFailed', msg);
          return setSnapshotStatus(vs, { readyToUse: false, error: { time: rfc3339(), message: msg } });
        }
        const cls = snapshotClassFor(vs, pv.spec.csi.driver);
        if (typeof cls === 'string') {
          event(vs, 'Warning', 'SnapshotCreationFailed', `Failed to create snapshot: ${cls}`);
          return setSnapshotStatus(vs, { readyToUse: false, error: { time: rfc3339(), message: `Failed to create snapshot: ${cls}` } });
        }
        if (!vs.spec?.volumeSnapshotClassName) {
          await client.patch(SNAPSHOT_R.volumesnapshots, vs.metadata.namespace, vs.metadata.name!, 'merge', {
            spec: { volumeSnapshotClassName: cls.metadata.name },
          });
          return;
        }
        content = await client
          .create(SNAPSHOT_R.volumesnapshotcontents, undefined, {
            apiVersion: 'snapshot.storage.k8s.io/v1',
            kind: 'VolumeSnapshotContent',
            metadata: { name: `snapcontent-${vs.metadata.uid}`, finalizers: [CONTENT_BOUND_FINALIZER] },
            spec: {
              deletionPolicy: cls.deletionPolicy,
              driver: pv.spec.csi.driver,
              source: { volumeHandle: pv.spec.csi.volumeHandle },
              sourceVolumeMode: pv.spec.volumeMode ?? 'Filesystem',
              volumeSnapshotClassName: cls.metadata.name,
              volumeSnapshotRef: {
                apiVersion: 'snapshot.storage.k8s.io/v1',
                kind: 'VolumeSnapshot',
                name: vs.metadata.name,
                namespace: vs.metadata.namespace,
                uid: vs.metadata.uid,
                resourceVersion: vs.metadata.resourceVersion,
              },
            },
          })
          .catch((err) => {
            if (isStatus(err, 409)) return undefined;
            throw err;
          });
        event(vs, 'Normal', 'CreatingSnapshot', `Waiting for a snapshot ${vs.metadata.namespace}/${vs.metadata.name} to be created by the CSI driver.`);
        if (!content) return;
      }
    } else return;
    if (!(content.metadata.finalizers ?? []).includes(CONTENT_BOUND_FINALIZER)) {
      await setFinalizers(SNAPSHOT_R.volumesnapshotcontents, content, [...(content.metadata.finalizers ?? []), CONTENT_BOUND_FINALIZER]);
    }
    const cs = content.status ?? {};
    const status: Record<string, unknown> = { boundVolumeSnapshotContentName: content.metadata.name, readyToUse: !!cs.readyToUse };
    if (cs.creationTime !== undefined) status.creationTime = rfc3339(Math.floor(Number(cs.creationTime) / 1_000_000));
    if (cs.restoreSize !== undefined) status.restoreSize = formatQuantity(BigInt(cs.restoreSize) * 1_000_000_000n, 'BinarySI');
    status.error = cs.error ?? null;
    const cur = vs.status ?? {};
    if (
      cur.boundVolumeSnapshotContentName === status.boundVolumeSnapshotContentName &&
      cur.readyToUse === status.readyToUse &&
      cur.restoreSize === status.restoreSize &&
      (cur.error ?? null) === null &&
      status.error === null
    )
      return;
    await setSnapshotStatus(vs, status);
    if (status.readyToUse && !cur.readyToUse) {
      if (src.persistentVolumeClaimName)
        event(vs, 'Normal', 'SnapshotCreated', `Snapshot ${vs.metadata.namespace}/${vs.metadata.name} was successfully created by the CSI driver.`);
      event(vs, 'Normal', 'SnapshotReady', `Snapshot ${vs.metadata.namespace}/${vs.metadata.name} is ready to use.`);
    }
  }

  /** a content whose snapshot is gone: Delete policy removes it; once deleted, its finalizer goes after the copy */
  async function syncContent(name: string): Promise<void> {
    await synced();
    const c = contents.getByName(undefined, name);
    if (!c) return;
    const ref = c.spec?.volumeSnapshotRef ?? {};
    const vs = ref.name ? snapshots.getByName(ref.namespace, ref.name) : undefined;
    const vsGone = !vs || (ref.uid && vs.metadata.uid !== ref.uid);
    if (c.metadata.deletionTimestamp) {
      const done = c.spec?.deletionPolicy !== 'Delete' || c.metadata.annotations?.[ANN_DELETION_DONE];
      if (done && (vsGone || vs?.metadata.deletionTimestamp))
        await setFinalizers(
          SNAPSHOT_R.volumesnapshotcontents,
          c,
          (c.metadata.finalizers ?? []).filter((f: string) => f !== CONTENT_BOUND_FINALIZER),
        );
      if (vs) queueSnapshot.add(objectKey(vs));
      return;
    }
    if (vsGone && ref.uid) {
      if (c.spec?.deletionPolicy === 'Delete') {
        try {
          await client.delete(SNAPSHOT_R.volumesnapshotcontents, undefined, name);
        } catch (err) {
          if (!isStatus(err, 404)) throw err;
        }
      } else if ((c.metadata.finalizers ?? []).includes(CONTENT_BOUND_FINALIZER)) {
        await setFinalizers(
          SNAPSHOT_R.volumesnapshotcontents,
          c,
          (c.metadata.finalizers ?? []).filter((f: string) => f !== CONTENT_BOUND_FINALIZER),
        );
      }
      return;
    }
    if (vs) queueSnapshot.add(objectKey(vs));
  }

  const queueSnapshot = new WorkQueue(syncSnapshot, { workers: 2, name: 'snapshot-controller' });
  const queueContent = new WorkQueue(syncContent, { workers: 2, name: 'snapshot-controller-contents' });
  snapshots.onAdd((vs) => queueSnapshot.add(objectKey(vs)));
  snapshots.onUpdate((_a, vs) => queueSnapshot.add(objectKey(vs)));
  snapshots.onDelete((vs) => {
    if (vs.status?.boundVolumeSnapshotContentName) queueContent.add(vs.status.boundVolumeSnapshotContentName);
  });
  contents.onAdd((c) => queueContent.add(c.metadata.name!));
  contents.onUpdate((_a, c) => queueContent.add(c.metadata.name!));
  // a restore finishing lifts the as-source protection of a snapshot being deleted
  claims.onUpdate((_a, c) => {
    const ds = c.spec?.dataSourceRef ?? c.spec?.dataSource;
    if (ds?.kind === 'VolumeSnapshot') {
      const vs = snapshots.getByName(c.metadata.namespace, ds.name);
      if (vs?.metadata.deletionTimestamp) queueSnapshot.add(objectKey(vs));
    }
  });
  // a claim that becomes bound lets a waiting snapshot of it proceed
  claims.onUpdate((_a, c) => {
    for (const vs of snapshots.list(c.metadata.namespace))
      if (vs.spec?.source?.persistentVolumeClaimName === c.metadata.name && !vs.status?.boundVolumeSnapshotContentName) queueSnapshot.add(objectKey(vs));
  });
  return {
    stop: () => {
      queueSnapshot.stop();
      queueContent.stop();
    },
  };
}
