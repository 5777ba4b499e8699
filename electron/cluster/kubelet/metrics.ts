// Resource usage as metrics.k8s.io serves it (PodMetrics / NodeMetrics), sampled from the runtime's container stats.
import type { Kubelet } from './kubelet';

export interface ContainerUsage {
  name: string;
  usage: { cpu: string; memory: string };
  cpuNanoCores: number;
  memoryBytes: number;
}
export interface PodMetricsSample {
  namespace: string;
  name: string;
  node: string;
  timestamp: string;
  window: string;
  containers: ContainerUsage[];
}
export interface NodeMetricsSample {
  name: string;
  timestamp: string;
  window: string;
  usage: { cpu: string; memory: string };
  cpuNanoCores: number;
  memoryBytes: number;
}

const registry = new Set<Kubelet>();
export function registerKubelet(k: Kubelet): () => void {
  registry.add(k);
  return () => registry.delete(k);
}

const cpuQuantity = (nano: number) => `${Math.max(0, Math.round(nano))}n`;
const memQuantity = (bytes: number) => `${Math.max(0, Math.round(bytes / 1024))}Ki`;

/** per-pod, per-container CPU (nanocores) and working-set memory of every running pod on powered-on nodes */
export async function collectPodMetrics(kubelets: Iterable<Kubelet> = registry): Promise<PodMetricsSample[]> {
  const out: PodMetricsSample[] = [];
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const k of kubelets) {
    if (!k.isPowered) continue;
    for (const st of k.states.values()) {
      if (st.finalPhase || st.rejected || !st.sandboxId) continue;
      const containers: ContainerUsage[] = [];
      for (const rec of st.containers.values()) {
        if (!rec.id || rec.status?.state !== 'running') continue;
        // a container that exits between the state check and the sample has no stats: skipped, as metrics-server does
        const s = await k.runtime.containerStats(rec.id).catch(() => undefined);
        if (!s) continue;
        containers.push({
          name: rec.name,
          usage: { cpu: cpuQuantity(s.cpuUsageNanoCores), memory: memQuantity(s.memoryWorkingSetBytes) },
          cpuNanoCores: s.cpuUsageNanoCores,
          memoryBytes: s.memoryWorkingSetBytes,
        });
      }
      if (containers.length)
        out.push({ namespace: st.pod.metadata.namespace!, name: st.pod.metadata.name!, node: k.nodeName, timestamp: now, window: '15s', containers });
    }
  }
  return out;
}

/** node usage: the sum of its pods plus a small system baseline (kubelet, runtime) */
export async function collectNodeMetrics(kubelets: Iterable<Kubelet> = registry): Promise<NodeMetricsSample[]> {
  const list = [...kubelets];
  const pods = await collectPodMetrics(list);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return list
    .filter((k) => k.isPowered)
    .map((k) => {
      let cpu = 40_000_000,
        mem = 300 * 1024 * 1024;
      for (const p of pods)
        if (p.node === k.nodeName)
          for (const c of p.containers) {
            cpu += c.cpuNanoCores;
            mem += c.memoryBytes;
          }
      return {
        name: k.nodeName,
        timestamp: now,
        window: '20s',
        usage: { cpu: cpuQuantity(cpu), memory: memQuantity(mem) },
        cpuNanoCores: cpu,
        memoryBytes: mem,
      };
    });
}
