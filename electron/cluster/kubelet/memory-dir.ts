// Where memory-backed volumes live: upstream mounts a tmpfs for secret and projected volumes (ServiceAccount
// tokens never touch the disk) and for emptyDir with medium Memory. On Linux /dev/shm is such a tmpfs; elsewhere
// the volumes stay in the pod's folder in the data dir. It also spares a burst of pods thousands of disk writes.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SHM = '/dev/shm';

const clusterRoot = (dataDir: string) => path.join(SHM, `kubelab-${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}`);
const OWNER = 'data-dir';

/**
 * The cluster's root for memory-backed volumes (orphans of killed clusters swept first); undefined without a
 * tmpfs. Each node then takes its folder from nodeMemoryDir.
 */
export function memoryVolumeRoot(dataDir: string): string | undefined {
  if (process.platform !== 'linux' || process.env.KUBELAB_NO_TMPFS) return undefined;
  try {
    fs.accessSync(SHM, fs.constants.W_OK);
  } catch {
    return undefined;
  }
  // one folder per data dir, so that clusters side by side never share volumes
  const cluster = clusterRoot(dataDir);
  try {
    sweepOrphans();
    fs.mkdirSync(cluster, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(cluster, OWNER), path.resolve(dataDir));
  } catch {
    return undefined;
  }
  return cluster;
}

/** a node's folder under the cluster root, emptied of what a previous run left */
export function nodeMemoryDir(root: string | undefined, nodeName: string): string | undefined {
  if (!root) return undefined;
  const dir = path.join(root, nodeName);
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch {
    return undefined;
  }
  return dir;
}

/**
 * Folders of clusters that were killed and whose data dir is gone since (temporary clusters of tests, benches),
 * and ownerless ones older than a minute (a volume write that raced a cluster's removal of its folder).
 */
function sweepOrphans(): void {
  for (const name of fs.readdirSync(SHM)) {
    if (!name.startsWith('kubelab-')) continue;
    const dir = path.join(SHM, name);
    let owner: string | undefined;
    try {
      owner = fs.readFileSync(path.join(dir, OWNER), 'utf8');
    } catch {
      /* no owner recorded */
    }
    const orphan = owner !== undefined ? !fs.existsSync(owner) : Date.now() - fs.statSync(dir).mtimeMs > ORPHAN_AGE_MS;
    if (orphan) fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ORPHAN_AGE_MS = 60_000;

/** the whole cluster's tmpfs folder, removed when the cluster stops */
export function removeMemoryVolumeRoots(dataDir: string): void {
  if (process.platform !== 'linux') return;
  fs.rmSync(clusterRoot(dataDir), { recursive: true, force: true });
}
