import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CsiError, HostPathDriver, checkHandle } from './driver';

const dirs: string[] = [];
function driver(): { d: HostPathDriver; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csi-driver-'));
  dirs.push(dir);
  for (const n of ['n1', 'n2']) fs.mkdirSync(path.join(dir, 'nodes', n), { recursive: true });
  return { d: new HostPathDriver(dir), dir };
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('simulated CSI driver on disk', () => {
  it('never turns a handle or node name from the API into a path outside its folder', () => {
    for (const bad of ['..', '../x', 'a/b', '/etc', 'a/../../b', '', 'UPPER', 'x..y']) expect(() => checkHandle(bad)).toThrow(CsiError);
    const { d } = driver();
    expect(() => d.volumePath('../n1', 'v1')).toThrow(/invalid node ID/);
    expect(() => d.volumePath('n1', '../../etc')).toThrow(/invalid volume ID/);
    expect(checkHandle('3f0c2b8e-9d1a-4a51-8a3e-1c2d3e4f5a6b')).toBe('3f0c2b8e-9d1a-4a51-8a3e-1c2d3e4f5a6b');
  });

  it('volumes are per-node folders; snapshots are point-in-time copies a restore starts from', async () => {
    const { d, dir } = driver();
    const vol = await d.createVolume('n1', 'v1');
    expect(vol).toBe(path.join(dir, 'nodes', 'n1', 'csi', 'hostpath.csi.k8s.io', 'volumes', 'v1'));
    fs.writeFileSync(path.join(vol, 'hello.txt'), 'kept');
    await d.createSnapshot('v1', 'snap1');
    fs.writeFileSync(path.join(vol, 'after.txt'), 'later');
    fs.writeFileSync(path.join(vol, 'hello.txt'), 'changed');
    const restored = await d.createVolume('n2', 'v2', { snapshot: 'snap1' });
    expect(fs.readFileSync(path.join(restored, 'hello.txt'), 'utf8')).toBe('kept');
    expect(fs.existsSync(path.join(restored, 'after.txt'))).toBe(false);
    const clone = await d.createVolume('n1', 'v3', { volume: 'v1' });
    expect(fs.readFileSync(path.join(clone, 'hello.txt'), 'utf8')).toBe('changed');
    expect(d.findVolume('v2')?.node).toBe('n2');
    // no temporary folders are left next to the volumes
    expect(fs.readdirSync(path.dirname(vol)).sort()).toEqual(['v1', 'v3']);
  });

  it('CreateVolume is idempotent (a retry after a crash keeps the data) and deletes are too', async () => {
    const { d } = driver();
    const vol = await d.createVolume('n1', 'v1');
    fs.writeFileSync(path.join(vol, 'f'), 'x');
    await d.createVolume('n1', 'v1');
    expect(fs.readFileSync(path.join(vol, 'f'), 'utf8')).toBe('x');
    await d.deleteVolume('v1');
    await d.deleteVolume('v1');
    expect(d.findVolume('v1')).toBeUndefined();
    await expect(d.createVolume('n1', 'v9', { snapshot: 'missing' })).rejects.toThrow(/snapshot missing not found/);
  });

  it('the start-up sweep removes volume folders nothing names and half-done copies, and keeps used and retained ones', async () => {
    const { d, dir } = driver();
    for (const h of ['used', 'orphan', 'kept']) await d.createVolume('n1', h);
    await d.createVolume('n2', 'orphan2');
    await d.retainVolume('kept');
    const vols = path.join(dir, 'nodes', 'n1', 'csi', 'hostpath.csi.k8s.io', 'volumes');
    fs.mkdirSync(path.join(vols, 'used.tmp-1-2'));
    const removed = await d.sweepOrphans((h) => h === 'used');
    expect(removed.map((p) => path.basename(p)).sort()).toEqual(['orphan', 'orphan2', 'used.tmp-1-2']);
    expect(d.findVolume('used')).toBeDefined();
    expect(d.findVolume('kept')).toBeDefined();
    expect(d.findVolume('orphan')).toBeUndefined();
    // deleting a retained volume later removes its marker too
    await d.deleteVolume('kept');
    expect(fs.readdirSync(vols).sort()).toEqual(['used']);
  });
});
