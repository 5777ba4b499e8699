// The node side: what the kubelet and the driver's node plugin do for PersistentVolumeClaim volumes. Each node
// registers the driver (a CSINode with its topology key and volume limit, the topology label on the Node); a pod's
// claim is mounted once it is bound and, for an attachable CSI volume, attached to the pod's node; the mount is the
// volume's folder on that node (hostPath and local PVs are folders under the node's host folder, as hostPath volumes).
// A claim waiting in FileSystemResizePending is finished here once a pod on a node uses it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { Client, Informer, InformerFactory } from '../client/types';
import { objectKey } from '../client/types';
import { R } from '../client/resources';
import { isStatus } from '../client/errors';
import { EventRecorder } from '../client/event-recorder';
import type { KObject } from '../api/types';
import { WorkQueue } from '../controllers/workqueue';
import { VolumeError, type VolumeMounter } from '../kubelet/volumes';
import { volumeAttachmentName } from '../controllers/volume/attach-detach-controller';
import { ephemeralClaimName, podClaimNames } from '../storage/binding';
import { MAX_VOLUMES_PER_NODE, TOPOLOGY_KEY, checkHandle, type HostPathDriver } from './driver';

type PVC = PersistentVolumeClaim & KObject;

/** how long one mount attempt waits for binding and attachment before the kubelet reports FailedMount and retries */
const MOUNT_WAIT_MS = 15_000;

export async function registerDriverOnNodes(client: Client, driver: HostPathDriver, nodeNames: string[]): Promise<void> {
  await Promise.all(
    nodeNames.map(async (name) => {
      const node = await client.patch(R.nodes, undefined, name, 'merge', { metadata: { labels: { [TOPOLOGY_KEY]: name } } });
      const csinode: KObject = {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'CSINode',
        metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid! }] },
        spec: { drivers: [{ name: driver.name, nodeID: name, topologyKeys: [TOPOLOGY_KEY], allocatable: { count: MAX_VOLUMES_PER_NODE } }] },
      };
      try {
        await client.create(R.csinodes, undefined, csinode);
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
      }
    }),
  );
}

/**
 * resolves when check() returns a value, re-checking whenever a watched object changes (the informers' handlers are
 * registered once and call the waiters in this set)
 */
function waitFor<T>(waiters: Set<() => void>, check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const first = check();
  if (first !== undefined) return Promise.resolve(first);
  return new Promise((resolve) => {
    const finish = (v: T | undefined) => {
      waiters.delete(recheck);
      clearTimeout(timer);
      resolve(v);
    };
    const recheck = () => {
      const v = check();
      if (v !== undefined) finish(v);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    timer.unref?.();
    waiters.add(recheck);
  });
}

export function createNodePlugin(client: Client, informers: InformerFactory, driver: HostPathDriver): { mounters: Map<string, VolumeMounter>; stop(): void } {
  const claims = informers.informer<PVC>(R.persistentvolumeclaims);
  const volumes = informers.informer(R.persistentvolumes);
  const attachments = informers.informer(R.volumeattachments);
  const drivers = informers.informer(R.csidrivers);
  const pods = informers.informer(R.pods);
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  for (const inf of [claims, volumes, attachments] as Informer[]) {
    inf.onAdd(wake);
    inf.onUpdate(wake);
  }
  const recorders = new Map<string, EventRecorder>();
  const recorder = (node: string) => {
    let r = recorders.get(node);
    if (!r) {
      r = new EventRecorder(client, { component: 'kubelet', host: node });
      recorders.set(node, r);
    }
    return r;
  };

  async function finishResize(pvc: PVC, pod: KObject, node: string): Promise<void> {
    if (!pvc.status?.conditions?.some((c) => c.type === 'FileSystemResizePending')) return;
    const pv = volumes.getByName(undefined, pvc.spec?.volumeName ?? '');
    if (!pv) return;
    // the size the controller side expanded to (the PV in this cache may not show it yet)
    const size = pvc.status?.allocatedResources?.storage ?? pv.spec.capacity.storage;
    await client.patch(
      R.persistentvolumeclaims,
      pvc.metadata.namespace,
      pvc.metadata.name!,
      'merge',
      {
        status: { capacity: { storage: size }, conditions: null, allocatedResourceStatuses: null },
      },
      { subresource: 'status' },
    );
    recorder(node).event(
      { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata },
      'Normal',
      'FileSystemResizeSuccessful',
      `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata.name}" ${node}`,
    );
  }

  async function mount(pod: KObject, volume: any, ctx: { podDir: string; nodeName: string }): Promise<{ hostPath: string; readOnly?: boolean }> {
    const ns = pod.metadata.namespace!;
    const claimName: string = volume.persistentVolumeClaim?.claimName ?? ephemeralClaimName(pod as Pod, volume.name);
    const unable = (why: string) =>
      new VolumeError(`Unable to attach or mount volumes: unmounted volumes=[${volume.name}], unattached volumes=[${volume.name}]: ${why}`);
    await Promise.all([claims.synced(), volumes.synced(), attachments.synced(), drivers.synced()]);
    const bound = await waitFor(
      waiters,
      () => {
        const pvc = claims.getByName(ns, claimName);
        const pv = pvc?.spec?.volumeName && pvc.status?.phase === 'Bound' ? volumes.getByName(undefined, pvc.spec.volumeName) : undefined;
        return pv ? { pvc: pvc!, pv } : undefined;
      },
      MOUNT_WAIT_MS,
    );
    if (!bound) {
      const pvc = claims.getByName(ns, claimName);
      if (!pvc) throw unable(`error processing PVC ${ns}/${claimName}: PVC ${claimName} not found`);
      throw unable(`error processing PVC ${ns}/${claimName}: PVC is not bound`);
    }
    const { pvc, pv } = bound;
    if (volume.ephemeral && !(pvc.metadata.ownerReferences ?? []).some((o) => o.uid === pod.metadata.uid)) {
      throw unable(`error processing PVC ${ns}/${claimName}: PVC ${ns}/${claimName} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`);
    }
    const readOnly = !!volume.persistentVolumeClaim?.readOnly || (pv.spec?.accessModes?.length === 1 && pv.spec.accessModes[0] === 'ReadOnlyMany');
    const nodeDir = path.dirname(path.dirname(ctx.podDir));
    let hostPath: string;
    if (pv.spec?.csi) {
      checkHandle(pv.spec.csi.volumeHandle);
      if (pv.spec.csi.driver !== driver.name)
        throw unable(
          `kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ${pv.spec.csi.driver} not found in the list of registered CSI drivers`,
        );
      if (drivers.getByName(undefined, driver.name)?.spec?.attachRequired !== false) {
        const vaName = volumeAttachmentName(pv.spec.csi.volumeHandle, driver.name, ctx.nodeName);
        const ok = await waitFor(waiters, () => (attachments.getByName(undefined, vaName)?.status?.attached ? true : undefined), MOUNT_WAIT_MS);
        if (!ok) throw unable('timed out waiting for the condition');
      }
      const where = driver.findVolume(pv.spec.csi.volumeHandle);
      if (!where || where.node !== ctx.nodeName)
        throw new VolumeError(
          `MountVolume.SetUp failed for volume "${pv.metadata.name}" : rpc error: code = NotFound desc = volume ${pv.spec.csi.volumeHandle} does not exist on node ${ctx.nodeName}`,
        );
      hostPath = where.path;
    } else if (pv.spec?.hostPath || pv.spec?.local) {
      const p: string = pv.spec.hostPath?.path ?? pv.spec.local.path;
      // the path is the administrator's, but it stays inside this node's host folder whatever it says
      hostPath = path.join(nodeDir, 'host', path.posix.normalize('/' + p));
      if (pv.spec.local && !fs.existsSync(hostPath))
        throw new VolumeError(`MountVolume.NewMounter initialization failed for volume "${pv.metadata.name}" : path "${p}" does not exist`);
      fs.mkdirSync(hostPath, { recursive: true });
    } else {
      throw unable(`volume plugin for the PersistentVolume "${pv.metadata.name}" is not available on node ${ctx.nodeName}`);
    }
    await finishResize(pvc, pod, ctx.nodeName).catch((err) =>
      recorder(ctx.nodeName).event({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata }, 'Warning', 'FileSystemResizeFailed', (err as Error).message),
    );
    return { hostPath, readOnly };
  }

  // online expansion: a claim whose controller side grew while a pod runs with it finishes on that pod's node
  const resizeQueue = new WorkQueue(
    async (key) => {
      const pvc = claims.get(key);
      if (!pvc?.status?.conditions?.some((c) => c.type === 'FileSystemResizePending')) return;
      const user = pods
        .list(pvc.metadata.namespace)
        .find((p) => p.spec?.nodeName && p.status?.phase === 'Running' && podClaimNames(p as Pod).includes(pvc.metadata.name!));
      if (user) await finishResize(pvc, user, user.spec.nodeName);
    },
    { workers: 1, name: 'kubelet-volume-expansion' },
  );
  const onClaim = (c: PVC) => {
    if (c.status?.conditions?.some((x) => x.type === 'FileSystemResizePending')) resizeQueue.add(objectKey(c));
  };
  claims.onAdd(onClaim);
  claims.onUpdate((_a, c) => onClaim(c));

  const mounter: VolumeMounter = { mount };
  return {
    mounters: new Map([
      ['persistentVolumeClaim', mounter],
      ['ephemeral', mounter],
    ]),
    stop: () => resizeQueue.stop(),
  };
}
