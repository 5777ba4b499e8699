// Compares the running cluster with what a lab needs (nodes, runtime handlers, extended resources) and
// explains how to start a cluster with the lab's topology when it doesn't match.
import { parseClusterConfigFile } from '../cluster';
import type { KubeClient } from './kube-client';
import type { Lab, Text } from './types';

export async function topologyProblems(kube: KubeClient, lab: Lab): Promise<Text[]> {
  const req = lab.cluster;
  const nodes = (await kube.list('v1', 'Node')).items as any[];
  const out: Text[] = [];
  if (req.minNodes && nodes.length < req.minNodes)
    out.push({
      en: `the lab needs ${req.minNodes} nodes; the cluster has ${nodes.length}`,
      zh: `本实验需要 ${req.minNodes} 个节点；当前集群有 ${nodes.length} 个`,
    });
  if (req.configFile) {
    // every labelled node of the lab's topology must have a counterpart carrying the same labels
    const wanted = parseClusterConfigFile(req.configFile).nodes ?? [];
    if (nodes.length < wanted.length)
      out.push({
        en: `the lab's topology has ${wanted.length} nodes; the cluster has ${nodes.length}`,
        zh: `本实验的拓扑有 ${wanted.length} 个节点；当前集群有 ${nodes.length} 个`,
      });
    for (const w of wanted) {
      // a node the topology names itself (Killercoda's controlplane and node01) is one the lab's scripts address
      if (w.name && !/^kubelab-(control-plane|worker)\d*$/.test(w.name) && !nodes.some((n) => n.metadata?.name === w.name))
        out.push({ en: `no node is named ${w.name}`, zh: `没有名为 ${w.name} 的节点` });
      const labels = Object.entries(w.labels ?? {});
      if (labels.length && !nodes.some((n) => labels.every(([k, v]) => n.metadata?.labels?.[k] === v))) {
        const l = labels.map(([k, v]) => `${k}=${v}`).join(', ');
        out.push({ en: `no node has the labels ${l}`, zh: `没有节点带有标签 ${l}` });
      }
    }
  }
  for (const r of req.resources ?? []) {
    if (!nodes.some((n) => Number(n.status?.capacity?.[r] ?? 0) > 0))
      out.push({ en: `no node advertises ${r} in its capacity`, zh: `没有节点在容量（capacity）中提供 ${r}` });
  }
  // nodes report their handlers in status.runtimeHandlers (v1.30+); a cluster that doesn't report them can't be judged
  const reporting = nodes.filter((n) => Array.isArray(n.status?.runtimeHandlers));
  for (const h of req.runtimeHandlers ?? []) {
    if (reporting.length && !reporting.some((n) => n.status.runtimeHandlers.some((x: any) => x.name === h)))
      out.push({ en: `no node offers the runtime handler "${h}"`, zh: `没有节点提供运行时处理程序（runtime handler）"${h}"` });
  }
  return out;
}

export function restartAdvice(lab: Lab, lang: 'en' | 'zh' = 'en'): string {
  if (!lab.cluster.configFile) {
    const n = lab.cluster.minNodes ?? 3;
    return lang === 'zh'
      ? `请用至少 ${n} 个节点重新启动集群：kubelab start --nodes ${n} --data-dir <新目录>`
      : `restart the cluster with at least ${n} node(s): kubelab start --nodes ${n} --data-dir <a new folder>`;
  }
  return lang === 'zh'
    ? `请停止当前集群（在它的终端按 Ctrl-C），然后启动本实验自己的集群（按实验的拓扑创建，保存在数据目录的 profiles/${lab.id}）：\n  kubelab start --profile ${lab.id}\n之后再次运行本命令，它会自动使用该集群；在应用中请点击“启动本实验的集群”。`
    : `stop the cluster (Ctrl-C in its terminal) and start this lab's own cluster (created from the lab's topology, kept in the data dir as profiles/${lab.id}):\n  kubelab start --profile ${lab.id}\nthen run this command again: it uses that cluster by itself. In the app, press "Start this lab's cluster".`;
}
