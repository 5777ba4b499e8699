// A lab owns the cluster from start to cleanup: lab 18 taints and labels nodes; when lab 19 starts on the same
// cluster without lab 18 being cleaned up, the cluster first goes back to its state before lab 18, so lab 19 is
// graded on clean nodes. Reset and teardown return to the snapshot taken at start (node changes included).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { startTestCluster, kubectlPath, type TestCluster } from '../../test/harness';
import { loadCatalog, findLab } from './catalog';
import { readKubeconfig } from './kubeconfig';
import { KubeClient } from './kube-client';
import { LabEngine } from './engine';
import { labSnapshot } from './lab-snapshot';

const LABS = join(__dirname, '..', '..', 'labs');
if (!process.env.KUBECTL && kubectlPath()) process.env.KUBECTL = kubectlPath();
const { labs } = loadCatalog([LABS]);

describe.skipIf(!kubectlPath())('lab snapshots', () => {
  let tc: TestCluster;
  let kube: KubeClient;
  const logs: string[] = [];
  let engine: LabEngine;
  const nodes = async () => (await kube.list('v1', 'Node')).items as any[];

  beforeAll(async () => {
    tc = await startTestCluster({ configFile: join(LABS, '19-scheduler-flow', 'cluster.yaml') });
    kube = new KubeClient(readKubeconfig(tc.kubeconfig));
    engine = new LabEngine({ kube, kubeconfig: tc.kubeconfig, log: (l) => logs.push(l) });
  }, 120_000);
  afterAll(async () => {
    kube?.close();
    await tc?.stop();
  });

  it("lab 18's taints and labels do not reach lab 19, which still fails after start and passes after solve", async () => {
    const l18 = findLab(labs, '18-scheduling'),
      l19 = findLab(labs, '19-scheduler-flow');
    await engine.start(l18);
    expect((await labSnapshot(kube))?.labels.lab).toBe('18-scheduling');
    await engine.solve(l18);
    expect((await nodes()).some((n) => n.spec.taints?.some((t: any) => t.key === 'dedicated'))).toBe(true);

    // the student moves on without cleaning up
    await engine.start(l19);
    expect(logs.join('\n')).toMatch(/back as it was before lab 18-scheduling/);
    expect((await labSnapshot(kube))?.labels.lab).toBe('19-scheduler-flow');
    for (const n of await nodes()) {
      expect(n.spec.taints?.filter((t: any) => t.key === 'dedicated') ?? [], n.metadata.name).toEqual([]);
      expect(n.metadata.labels.disk, n.metadata.name).toBeUndefined();
      expect(n.metadata.labels.dedicated, n.metadata.name).toBeUndefined();
    }
    expect(await kube.get('v1', 'Namespace', 'lab-18')).toBeUndefined();
    expect((await engine.check(l19, undefined, { wait: false })).passed).toBe(0);
    // step by step, as a student works: a later step may change what an earlier one built (lab 19's last step lets
    // the fifth cache pod onto the control plane), so each step is graded when it is done
    for (const step of l19.steps) {
      await engine.solve(l19, [step.id]);
      const graded = await engine.check(l19, [step.id]);
      expect(graded.steps.filter((s) => !s.ok).map((s) => `${s.id}: ${s.checks.map((c) => c.message).join('; ')}`)).toEqual([]);
    }

    // reset returns to the snapshot and runs the setup again; teardown leaves no snapshot and no lab namespace
    await engine.reset(l19);
    expect((await engine.check(l19, undefined, { wait: false })).passed).toBe(0);
    await engine.teardown(l19);
    expect(await labSnapshot(kube)).toBeNull();
    expect(await kube.get('v1', 'Namespace', 'lab-19')).toBeUndefined();
  }, 300_000);
});
