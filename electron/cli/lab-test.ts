// `kubelab lab test [LAB...]`: runs each lab's near-miss test (lab-engine/lab-test.ts) on a fresh cluster of its
// own — started in a temporary folder with the lab's topology — or, with --kubeconfig, on the cluster given.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from '../cluster';
import { readKubeconfig } from '../lab-engine/kubeconfig';
import { KubeClient } from '../lab-engine/kube-client';
import { LabEngine } from '../lab-engine/engine';
import { testLab, testTable, type LabTestResult } from '../lab-engine/lab-test';
import { topologyProblems } from '../lab-engine/topology';
import { missingToolProblems } from '../lab-engine/tools';
import type { Lab, Lang } from '../lab-engine/types';

export interface LabTestCliOptions {
  kubeconfig?: string;
  lang: Lang;
  json: boolean;
  log: (line: string) => void;
}

async function onCluster(lab: Lab, kubeconfig: string, o: LabTestCliOptions): Promise<LabTestResult> {
  const kube = new KubeClient(readKubeconfig(kubeconfig));
  try {
    const misfit = await topologyProblems(kube, lab);
    if (misfit.length) throw new Error(`the cluster does not fit lab ${lab.id}: ${misfit.join('; ')}`);
    const engine = new LabEngine({ kube, kubeconfig, lang: o.lang });
    return await testLab(lab, { kube, kubeconfig, engine, lang: o.lang });
  } finally {
    kube.close();
  }
}

async function onFreshCluster(lab: Lab, o: LabTestCliOptions): Promise<LabTestResult> {
  // a tool the lab's solutions need (helm) is missing: no cluster to start, the reason is the result
  const noTool = missingToolProblems(lab);
  if (noTool.length) throw new Error(noTool.map((m) => m[o.lang]).join('; '));
  const dataDir = mkdtempSync(join(tmpdir(), `kubelab-labtest-${lab.id}-`));
  const cluster = await startCluster({ dataDir, port: 0, nodes: Math.max(lab.cluster.minNodes ?? 3, 3), configFile: lab.cluster.configFile });
  try {
    return await onCluster(lab, cluster.kubeconfigPath, o);
  } finally {
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** exit code 0 only when every near-miss is caught, every fresh step fails and every reference passes */
export async function runLabTests(labs: Lab[], o: LabTestCliOptions): Promise<number> {
  const results: LabTestResult[] = [];
  for (const lab of labs) {
    o.log(`testing ${lab.id} (${lab.steps.length} steps, ${lab.steps.reduce((n, s) => n + s.nearMisses.length, 0)} near-misses)…`);
    try {
      results.push(o.kubeconfig ? await onCluster(lab, o.kubeconfig, o) : await onFreshCluster(lab, o));
    } catch (err) {
      results.push({
        lab: lab.id,
        seed: lab.seed,
        steps: lab.steps.length,
        nearMisses: 0,
        caught: 0,
        failures: [`${lab.id}: ${(err as Error).message}`],
        outcomes: [],
        ms: 0,
      });
    }
    const r = results[results.length - 1];
    for (const f of r.failures) o.log(`  ✘ ${f}`);
  }
  if (o.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(`${testTable(results)}\n`);
  return results.some((r) => r.failures.length) ? 1 : 0;
}
