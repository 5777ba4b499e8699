import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryVolumeRoot, nodeMemoryDir, removeMemoryVolumeRoots } from './memory-dir';

const tmpfs = process.platform === 'linux' && existsSync('/dev/shm');
if (!tmpfs) console.log('memory-dir tests skipped: no /dev/shm on this machine');

describe.skipIf(!tmpfs)('memory-backed volume roots', () => {
  it('gives each node of a data dir its own empty folder on /dev/shm and removes them with the cluster', () => {
    const data = mkdtempSync(join(tmpdir(), 'kl-mem-'));
    try {
      const a = nodeMemoryDir(memoryVolumeRoot(data), 'kubelab-worker')!;
      expect(a.startsWith('/dev/shm/kubelab-')).toBe(true);
      writeFileSync(join(a, 'token'), 'secret');
      // a restart starts from an empty folder
      expect(readdirSync(nodeMemoryDir(memoryVolumeRoot(data), 'kubelab-worker')!)).toEqual([]);
      const b = nodeMemoryDir(memoryVolumeRoot(data), 'kubelab-worker2')!;
      removeMemoryVolumeRoots(data);
      expect([existsSync(a), existsSync(b)]).toEqual([false, false]);
    } finally {
      removeMemoryVolumeRoots(data);
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('sweeps the folders of killed clusters whose data dir is gone', () => {
    const gone = mkdtempSync(join(tmpdir(), 'kl-mem-'));
    const live = mkdtempSync(join(tmpdir(), 'kl-mem-'));
    try {
      const orphan = nodeMemoryDir(memoryVolumeRoot(gone), 'n')!;
      rmSync(gone, { recursive: true, force: true });
      nodeMemoryDir(memoryVolumeRoot(live), 'n');
      expect(existsSync(orphan)).toBe(false);
    } finally {
      removeMemoryVolumeRoots(live);
      rmSync(live, { recursive: true, force: true });
    }
  });
});
