// A cluster started on a data dir holding the folder of a volume whose PV is gone removes it, and says so in its log;
// the folders of volumes that still have their PV stay.
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCluster, type Cluster } from '../cluster';
import { R } from '../client/resources';
import { waitFor } from '../../../test/harness';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-sweep-'));
let cluster: Cluster | undefined;
afterAll(async () => {
  await cluster?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
const volumes = path.join(dataDir, 'nodes', 'kubelab-worker', 'csi', 'hostpath.csi.k8s.io', 'volumes');

describe('orphaned volume folders', () => {
  it('are swept when the cluster starts; volumes with a PV are kept', async () => {
    const lines: string[] = [];
    cluster = await startCluster({ dataDir, port: 0, nodes: 2, log: (l) => lines.push(l) });
    const client = cluster.client({ name: 'admin', groups: ['system:masters'] }, 'test');
    await client.create(R.persistentvolumes, undefined, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-kept' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: 'manual',
        csi: { driver: 'hostpath.csi.k8s.io', volumeHandle: 'kept-1' },
      },
    });
    fs.mkdirSync(path.join(volumes, 'kept-1'), { recursive: true });
    fs.writeFileSync(path.join(volumes, 'kept-1', 'data'), 'x');
    await cluster.stop();
    cluster = undefined;
    // while the cluster is down: a volume folder whose PV no longer exists
    fs.mkdirSync(path.join(volumes, 'orphan-1'));
    fs.writeFileSync(path.join(volumes, 'orphan-1', 'data'), 'y');

    cluster = await startCluster({ dataDir, port: 0, nodes: 2, log: (l) => lines.push(l) });
    expect(fs.existsSync(path.join(volumes, 'orphan-1'))).toBe(false);
    expect(fs.readFileSync(path.join(volumes, 'kept-1', 'data'), 'utf8')).toBe('x');
    await waitFor(async () => lines.some((l) => l.includes('volume no PersistentVolume refers to') && l.endsWith(path.join(volumes, 'orphan-1'))), {
      what: 'the sweep logged',
    });
  }, 120_000);
});
