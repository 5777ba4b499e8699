// Each app installation draws its own lab values: a seed is chosen on first use and kept in the progress file,
// an instructor can set it, and the report records it. No cluster is needed: hints and reports come from the
// catalogue and the progress store.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEngineLabBackend } from './engine-lab-backend';
import { loadLab } from '../lab-engine/loader';
import { ProgressStore } from '../lab-engine/progress';
import { reportHtml, verifyReport, type Report } from '../lab-engine/report';
import { runLab } from '../cli/lab';

const labsDir = resolve(__dirname, '../../labs');
const LAB = '01-cluster-tour';
const have = existsSync(join(labsDir, LAB, 'lab.yaml'));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function backend(dataDir: string) {
  return createEngineLabBackend({
    cluster: async () => {
      throw new Error('no cluster in this test');
    },
    dataDir,
    labsDir,
    lang: () => 'en',
    profile: () => 'default',
    useProfile: async () => {
      throw new Error('no cluster in this test');
    },
  });
}
const install = () => {
  const d = mkdtempSync(join(tmpdir(), 'kubelab-seed-'));
  dirs.push(d);
  return d;
};
/** the explorer name lab 01's first hint gives this installation */
const explorerIn = async (dataDir: string) => (await backend(dataDir).hint(LAB, 'nodes', 1)).text.en;

describe.skipIf(!have)('per-installation lab seed', () => {
  it('draws a seed on first use, keeps it, and gives installations their own values', async () => {
    const saved = process.env.KUBELAB_SEED;
    delete process.env.KUBELAB_SEED;
    try {
      const a = install();
      const hint = await explorerIn(a);
      const seedA = new ProgressStore(a, 'default').load().seed!;
      expect(seedA).toMatch(/^[0-9a-f]{12}$/);
      // the lab the student sees is the one their seed draws, not the shared "default" one
      expect(hint).toContain(loadLab(join(labsDir, LAB), seedA).values.explorer);
      // a restart of the app keeps the seed and so the values
      expect(await explorerIn(a)).toBe(hint);
      expect(new ProgressStore(a, 'default').load().seed).toBe(seedA);
      // other installations get other seeds; among several, some draw another explorer (8 names to draw from)
      const others = await Promise.all([1, 2, 3, 4, 5, 6].map(async () => explorerIn(install())));
      const seeds = new Set(dirs.map((d) => new ProgressStore(d, 'default').load().seed));
      expect(seeds.size).toBe(dirs.length);
      expect(others.some((h) => h !== hint)).toBe(true);
    } finally {
      if (saved !== undefined) process.env.KUBELAB_SEED = saved;
    }
  });

  it("follows the instructor's seed and records it in the signed report", async () => {
    const a = install();
    const labs = backend(a);
    await labs.hint(LAB, 'nodes', 1);
    new ProgressStore(a, 'default').setSeed('student-42');
    const hint = (await labs.hint(LAB, 'nodes', 1)).text.en;
    expect(hint).toContain(loadLab(join(labsDir, LAB), 'student-42').values.explorer);
    const report = JSON.parse((await labs.report()).content) as Report;
    expect(report.seed).toBe('student-42');
    expect(report.labs.find((l) => l.id === LAB)?.seed).toBe('student-42');
    expect(verifyReport(report).valid).toBe(true);
    expect(reportHtml(report)).toContain('seed <code>student-42</code>');
    expect(JSON.parse(readFileSync(new ProgressStore(a, 'default').file, 'utf8')).seed).toBe('student-42');
    expect(() => new ProgressStore(a, 'default').setSeed('no spaces')).toThrow(/seed uses letters/);
  });

  it('kubelab lab seed sets the seed the app and the CLI draw from', async () => {
    const a = install();
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: any) => (printed.push(String(c)), true));
    const saved = process.env.KUBELAB_SEED;
    delete process.env.KUBELAB_SEED;
    try {
      const dd = ['--data-dir', a, '--profile', 'default'];
      expect(await runLab(['seed', 'class-7', ...dd])).toBe(0);
      expect(await runLab(['seed', ...dd])).toBe(0);
      expect(printed.slice(-1)[0]).toBe('class-7\n');
      expect(await runLab(['show', LAB, '--json', ...dd])).toBe(0);
      expect(JSON.parse(printed.slice(-1)[0]).seed).toBe('class-7');
    } finally {
      spy.mockRestore();
      if (saved !== undefined) process.env.KUBELAB_SEED = saved;
    }
    expect((await backend(a).hint(LAB, 'nodes', 1)).text.en).toContain(loadLab(join(labsDir, LAB), 'class-7').values.explorer);
  });
});
