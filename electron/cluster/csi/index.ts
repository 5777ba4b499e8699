// The simulated CSI driver as a cluster runs it: the disk backend plus the sidecars a CSI deployment has
// (external-provisioner, external-attacher, external-resizer, csi-snapshotter) and the node plugin the kubelets
// mount through. It runs in-process beside the control plane, with its own identity and informers.
import type { Client } from '../client/types';
import { R } from '../client/resources';
import { createInformerFactory } from '../client/informer';
import { EventRecorder } from '../client/event-recorder';
import { HostPathDriver } from './driver';
import { startProvisioner } from './provisioner';
import { startAttacher } from './attacher';
import { startResizer } from './resizer';
import { startSnapshotter } from './snapshotter';
import { createNodePlugin, registerDriverOnNodes } from './node-plugin';
import type { VolumeMounter } from '../kubelet/volumes';

export { ensureStorageObjects, DEFAULT_STORAGE_CLASS } from './objects';
export { DRIVER_NAME, TOPOLOGY_KEY, HostPathDriver } from './driver';

export interface CsiDriverHandle {
  driver: HostPathDriver;
  /** kubelet volume mounters for persistentVolumeClaim and ephemeral volumes */
  mounters: Map<string, VolumeMounter>;
  /** registers the driver on the nodes (CSINode objects, topology labels) once the Node objects exist */
  registerNodes(names: string[]): Promise<void>;
  stop(): void;
}

/** the handles PVs and claims still name (a claim's uid is the handle of the volume provisioned for it) */
async function handlesInUse(client: Client, driver: HostPathDriver): Promise<Set<string>> {
  const [pvs, pvcs] = await Promise.all([client.list(R.persistentvolumes), client.list(R.persistentvolumeclaims)]);
  const used = new Set<string>();
  for (const pv of pvs.items) if (pv.spec?.csi?.driver === driver.name) used.add(pv.spec.csi.volumeHandle);
  for (const c of pvcs.items) used.add(c.metadata.uid!);
  return used;
}

/** starts the driver once orphaned volume folders are swept (before the provisioner could create new ones) */
export async function startCsiDriver(client: Client, dataDir: string, log: (line: string) => void = () => undefined): Promise<CsiDriverHandle> {
  const driver = new HostPathDriver(dataDir);
  const used = await handlesInUse(client, driver);
  for (const p of await driver.sweepOrphans((h) => used.has(h))) log(`csi: removed the folder of a volume no PersistentVolume refers to: ${p}`);
  const informers = createInformerFactory(client);
  // upstream's sidecars record events as <driver>_<pod>_<id>
  const recorder = new EventRecorder(client, { component: `${driver.name}_csi-hostpathplugin-0_kubelab` });
  const parts = [
    startProvisioner(client, informers, driver, recorder),
    startAttacher(client, informers, driver),
    startResizer(client, informers, driver, recorder),
    startSnapshotter(client, informers, driver),
  ];
  const node = createNodePlugin(client, informers, driver);
  informers.start();
  return {
    driver,
    mounters: node.mounters,
    registerNodes: (names) => registerDriverOnNodes(client, driver, names),
    stop() {
      for (const p of parts) p.stop();
      node.stop();
      informers.stop();
    },
  };
}
