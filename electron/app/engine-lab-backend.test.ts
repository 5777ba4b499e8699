// The UI's lab backend over the real lab engine and the repository's first lab, on an in-process cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { startTestCluster, kubectlPath, type TestCluster } from '../../test/harness';
import { createEngineLabBackend } from './engine-lab-backend';
import type { LabBackend } from './lab-backend';
import { verifyReport } from '../lab-engine/report';
import { loadLab } from '../lab-engine/loader';
import { ProgressStore } from '../lab-engine/progress';

const labsDir = resolve(__dirname, '../../labs');
const ready = existsSync(join(labsDir, '01-cluster-tour', 'lab.yaml')) && !!kubectlPath();
if (!ready) console.log('[skip] engine backend: labs/01-cluster-tour or kubectl is missing');

describe.skipIf(!ready)('engine lab backend', () => {
  let tc: TestCluster;
  let labs: LabBackend;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    labs = createEngineLabBackend({
      cluster: async () => tc.cluster,
      dataDir: tc.dataDir,
      labsDir,
      lang: () => 'en',
      profile: () => 'default',
      useProfile: async () => {
        throw new Error('one cluster in this test');
      },
    });
  });
  afterAll(async () => {
    await tc?.stop();
  });

  it('lists, starts, grades, hints and reports the first lab', async () => {
    // the label value is a per-student parameter; the app draws it from this installation's seed
    const seed = new ProgressStore(tc.dataDir, 'default').seed();
    const label = `kubelab.io/explored=${loadLab(join(labsDir, '01-cluster-tour'), process.env.KUBELAB_SEED ?? seed).values.explorer}`;
    const all = await labs.list();
    expect(all.find((l) => l.id === '01-cluster-tour')).toMatchObject({ chapter: 1, status: 'not-started' });
    const d = await labs.start('01-cluster-tour');
    expect(d.steps[0]).toMatchObject({ id: 'nodes', hintCount: 2 });
    expect(d.steps[0].body.zh).not.toBe('');
    const before = await labs.check('01-cluster-tour');
    expect(before.steps[0]).toMatchObject({ stepId: 'nodes', passed: false });
    expect(before.steps[0].checks[0].message.en).toContain(label);
    expect(before.steps[0].checks[0].name.en).not.toMatch(/assert|exec/);
    expect(before.steps[0].checks[0].detail).toMatch(/^assert /);
    // later steps are not reached yet: their checks say so and keep their targets to themselves
    expect(before.steps[1].checks[0]).toMatchObject({ passed: false, message: { en: expect.stringMatching(/details appear when you reach this step/) } });
    expect(before.steps[1].checks[0].detail).toBeUndefined();
    const h = await labs.hint('01-cluster-tour', 'nodes', 0);
    expect(h.text.en).toContain('kubectl label node');
    const r = await tc.kubectl(['label', 'node', 'kubelab-worker', label]);
    expect(r.code).toBe(0);
    const after = await labs.check('01-cluster-tour');
    expect(after.steps[0].passed).toBe(true);
    expect((await labs.get('01-cluster-tour')).passedSteps).toEqual(['nodes']);
    const report = JSON.parse((await labs.report()).content);
    expect(report.labs[0]).toMatchObject({ id: '01-cluster-tour', passed: 1 });
    expect(verifyReport(report).valid).toBe(true);
    // a step's solution brings the earlier steps it needs (those failing), never the later ones
    const solved = await labs.solve('01-cluster-tour', 'declare');
    expect(solved.applied).toEqual(['api-resources', 'declare']);
    expect(solved.message.en).toMatch(/earlier steps it needs \(api-resources\)/);
    const graded = await labs.check('01-cluster-tour');
    expect(graded.steps.map((s) => s.passed)).toEqual([true, true, true, false]);
  });
});
