// Compares the running cluster with what a lab needs (nodes, runtime handlers, extended resources) and
// explains how to restart with the lab's topology when it doesn't match.
import { parseClusterConfigFile } from '../cluster';
import type { KubeClient } from './kube-client';
import type { Lab } from './types';

export async function topologyProblems(kube: KubeClient, lab: Lab): Promise<string[]> {
  const req = lab.cluster;
  const nodes = (await kube.list('v1', 'Node')).items as any[];
  const out: string[] = [];
  if (req.minNodes && nodes.length < req.minNodes) out.push(`the lab needs ${req.minNodes} nodes; the cluster has ${nodes.length}`);
  if (req.configFile) {
    // every labelled node of the lab's topology must have a counterpart carrying the same labels
    const wanted = parseClusterConfigFile(req.configFile).nodes ?? [];
    if (nodes.length < wanted.length) out.push(`the lab's topology has ${wanted.length} nodes; the cluster has ${nodes.length}`);
    for (const w of wanted) {
      const labels = Object.entries(w.labels ?? {});
      if (labels.length && !nodes.some((n) => labels.every(([k, v]) => n.metadata?.labels?.[k] === v))) {
        out.push(`no node has the labels ${labels.map(([k, v]) => `${k}=${v}`).join(', ')}`);
      }
    }
  }
  for (const r of req.resources ?? []) {
    if (!nodes.some((n) => Number(n.status?.capacity?.[r] ?? 0) > 0)) out.push(`no node advertises ${r} in its capacity`);
  }
  // nodes report their handlers in status.runtimeHandlers (v1.30+); a cluster that doesn't report them can't be judged
  const reporting = nodes.filter((n) => Array.isArray(n.status?.runtimeHandlers));
  for (const h of req.runtimeHandlers ?? []) {
    if (reporting.length && !reporting.some((n) => n.status.runtimeHandlers.some((x: any) => x.name === h))) out.push(`no node offers the runtime handler "${h}"`);
  }
  return out;
}

export function restartAdvice(lab: Lab): string {
  if (!lab.cluster.configFile) return `restart the cluster with at least ${lab.cluster.minNodes ?? 1} node(s): kubelab start --nodes ${lab.cluster.minNodes ?? 3} --data-dir <a new folder>`;
  return `stop the cluster (Ctrl-C in its terminal) and start one with the lab's topology:\n  kubelab start --config ${lab.cluster.configFile} --data-dir <a new folder>\nthen run this command again with --data-dir pointing at that folder`;
}
