// The simulated CSI plugin's storage backend (what a CSI driver's Controller/Node services do on real disks):
// every volume and snapshot is a folder under the node's folder of the data dir,
//   <dataDir>/nodes/<node>/csi/<driver>/volumes/<volumeHandle>
//   <dataDir>/nodes/<node>/csi/<driver>/snapshots/<snapshotHandle>
// Handles and node names come from API objects, so each is checked to be one plain path segment before it becomes a
// path; copies go to a temporary folder first and are renamed into place, so a kill -9 never leaves half a volume.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDNS1123Subdomain } from '../api/validation/names';

export const DRIVER_NAME = 'hostpath.csi.k8s.io';
/** the topology segment the driver reports for each node (CSINode topologyKeys, PV node affinity) */
export const TOPOLOGY_KEY = 'topology.hostpath.csi/node';
/** volumes one node may hold, reported as CSINode allocatable.count */
export const MAX_VOLUMES_PER_NODE = 64;

export class CsiError extends Error {
  constructor(
    readonly code: 'InvalidArgument' | 'NotFound' | 'OutOfRange' | 'Internal',
    message: string,
  ) {
    super(message);
  }
}

/** the marker file beside a retained volume's folder */
const RETAINED_SUFFIX = '.retained';
const HANDLE = /^[a-z0-9]([a-z0-9._-]{0,251}[a-z0-9])?$/;

/** a volume/snapshot handle may only become one path segment: no separators, no "..", no absolute paths */
export function checkHandle(handle: unknown, what = 'volume ID'): string {
  if (typeof handle !== 'string' || !HANDLE.test(handle) || handle.includes('..')) {
    throw new CsiError('InvalidArgument', `invalid ${what} ${JSON.stringify(handle)}: must be lowercase letters, digits, '.', '_' or '-'`);
  }
  return handle;
}

export function checkNode(node: unknown): string {
  if (typeof node !== 'string' || isDNS1123Subdomain(node).length) throw new CsiError('InvalidArgument', `invalid node ID ${JSON.stringify(node)}`);
  return node;
}

/** the disk side of the driver; one instance per cluster (all simulated nodes share the data dir) */
export class HostPathDriver {
  constructor(
    private readonly dataDir: string,
    readonly name = DRIVER_NAME,
  ) {}

  private root(node: string): string {
    return path.join(this.dataDir, 'nodes', checkNode(node), 'csi', this.name);
  }
  volumePath(node: string, handle: string): string {
    return path.join(this.root(node), 'volumes', checkHandle(handle));
  }
  snapshotPath(node: string, handle: string): string {
    return path.join(this.root(node), 'snapshots', checkHandle(handle, 'snapshot ID'));
  }

  private nodes(): string[] {
    try {
      return fs.readdirSync(path.join(this.dataDir, 'nodes')).filter((n) => !isDNS1123Subdomain(n).length);
    } catch {
      return [];
    }
  }

  /** where a volume's folder is (volumes live on one node; the handle alone finds it) */
  findVolume(handle: string): { node: string; path: string } | undefined {
    checkHandle(handle);
    for (const node of this.nodes()) {
      const p = this.volumePath(node, handle);
      if (fs.existsSync(p)) return { node, path: p };
    }
    return undefined;
  }

  findSnapshot(handle: string): { node: string; path: string } | undefined {
    checkHandle(handle, 'snapshot ID');
    for (const node of this.nodes()) {
      const p = this.snapshotPath(node, handle);
      if (fs.existsSync(p)) return { node, path: p };
    }
    return undefined;
  }

  /** CreateVolume on a node: idempotent for a handle; content copied from a snapshot or another volume when given */
  async createVolume(node: string, handle: string, source?: { snapshot?: string; volume?: string }): Promise<string> {
    const dest = this.volumePath(node, handle);
    if (fs.existsSync(dest)) return dest;
    let from: string | undefined;
    if (source?.snapshot) {
      from = this.findSnapshot(source.snapshot)?.path;
      if (!from) throw new CsiError('NotFound', `snapshot ${source.snapshot} not found`);
    } else if (source?.volume) {
      from = this.findVolume(source.volume)?.path;
      if (!from) throw new CsiError('NotFound', `source volume ${source.volume} not found`);
    }
    await this.materialise(dest, from);
    return dest;
  }

  /**
   * a volume whose PV was deleted with reclaim Retain keeps its folder (an administrator may bind it again through a
   * new PV with the same volumeHandle): a marker beside it tells the start-up sweep to leave it alone
   */
  async retainVolume(handle: string): Promise<void> {
    const v = this.findVolume(handle);
    if (v) await fs.promises.writeFile(`${v.path}${RETAINED_SUFFIX}`, '');
  }

  /**
   * volume folders nothing refers to any more (their PV was deleted while the cluster was down, or a kill -9 hit
   * between the PV's deletion and the folder's), and copies a crash left half-done: removed, and returned for the log.
   * `inUse` says which handles a PV or a claim still names; retained volumes are kept.
   */
  async sweepOrphans(inUse: (handle: string) => boolean): Promise<string[]> {
    const removed: string[] = [];
    for (const node of this.nodes()) {
      const dir = path.join(this.root(node), 'volumes');
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        continue; // no volumes on this node
      }
      const names = new Set(entries.map((e) => e.name));
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const partial = e.name.includes('.tmp-');
        if (!partial && (!HANDLE.test(e.name) || inUse(e.name) || names.has(`${e.name}${RETAINED_SUFFIX}`))) continue;
        const p = path.join(dir, e.name);
        await fs.promises.rm(p, { recursive: true, force: true });
        removed.push(p);
      }
    }
    return removed;
  }

  /** DeleteVolume: idempotent */
  async deleteVolume(handle: string): Promise<void> {
    const v = this.findVolume(handle);
    if (v) await fs.promises.rm(v.path, { recursive: true, force: true });
    if (v) await fs.promises.rm(`${v.path}${RETAINED_SUFFIX}`, { force: true });
  }

  /** CreateSnapshot: a point-in-time copy of the volume's files, kept on the volume's node */
  async createSnapshot(volumeHandle: string, snapshotHandle: string): Promise<{ creationTime: Date }> {
    const src = this.findVolume(volumeHandle);
    if (!src) throw new CsiError('NotFound', `source volume ${volumeHandle} not found`);
    const dest = this.snapshotPath(src.node, snapshotHandle);
    if (!fs.existsSync(dest)) await this.materialise(dest, src.path);
    return { creationTime: (await fs.promises.stat(dest)).mtime };
  }

  async deleteSnapshot(handle: string): Promise<void> {
    const s = this.findSnapshot(handle);
    if (s) await fs.promises.rm(s.path, { recursive: true, force: true });
  }

  private async materialise(dest: string, from?: string): Promise<void> {
    const tmp = `${dest}.tmp-${process.pid}-${Date.now()}`;
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    try {
      if (from) await fs.promises.cp(from, tmp, { recursive: true, preserveTimestamps: true, mode: fs.constants.COPYFILE_FICLONE });
      else await fs.promises.mkdir(tmp, { mode: 0o777 });
      await fs.promises.chmod(tmp, 0o777);
      await fs.promises.rename(tmp, dest);
    } catch (err) {
      await fs.promises.rm(tmp, { recursive: true, force: true });
      throw new CsiError('Internal', (err as Error).message);
    }
  }
}
