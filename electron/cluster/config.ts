// The cluster's topology: how many nodes, their roles, labels, taints, capacity and runtime handlers.
// Given by --nodes or a kind-like --config file, remembered in <data-dir>/cluster.json so restarts keep the same cluster.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

export interface NodeConfig {
  name: string;
  role: 'control-plane' | 'worker';
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  /** extra or overridden capacity, e.g. { 'nvidia.com/gpu': '2', cpu: '8' } */
  capacity?: Record<string, string>;
  /** RuntimeClass handlers this node's runtime offers (default runc, runsc, kata) */
  runtimeHandlers?: string[];
  /** this node's runtime when it differs from the cluster's (e.g. one Docker worker beside simulated ones) */
  runtime?: 'sim' | 'docker';
}

export interface ClusterConfig {
  name: string;
  runtime: 'sim' | 'docker';
  nodes: NodeConfig[];
  /** kube-proxy's mode, written into the kube-proxy ConfigMap on first start (default iptables) */
  kubeProxyMode?: 'iptables' | 'ipvs';
}

export class ConfigError extends Error {}

/** kind's naming: kubelab-control-plane, kubelab-worker, kubelab-worker2, … */
export function defaultNodeNames(n: number, cluster = 'kubelab'): NodeConfig[] {
  const out: NodeConfig[] = [{ name: `${cluster}-control-plane`, role: 'control-plane' }];
  for (let i = 1; i < n; i++) out.push({ name: i === 1 ? `${cluster}-worker` : `${cluster}-worker${i}`, role: 'worker' });
  return out;
}

export function parseClusterConfigFile(path: string): Partial<ClusterConfig> {
  let doc: any;
  try {
    doc = YAML.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object') throw new ConfigError(`${path}: expected a mapping with "nodes"`);
  const nodes: NodeConfig[] = [];
  let workers = 0,
    cps = 0;
  for (const [i, n] of (doc.nodes ?? []).entries()) {
    const role = n.role ?? 'worker';
    if (role !== 'control-plane' && role !== 'worker') throw new ConfigError(`${path}: nodes[${i}].role: must be "control-plane" or "worker"`);
    const name =
      n.name ??
      (role === 'control-plane'
        ? cps++ === 0
          ? 'kubelab-control-plane'
          : `kubelab-control-plane${cps}`
        : ++workers === 1
          ? 'kubelab-worker'
          : `kubelab-worker${workers}`);
    if (n.runtime !== undefined && n.runtime !== 'sim' && n.runtime !== 'docker')
      throw new ConfigError(`${path}: nodes[${i}].runtime: must be "sim" or "docker"`);
    nodes.push({
      name,
      role,
      labels: n.labels,
      taints: n.taints,
      capacity: n.capacity,
      runtimeHandlers: n.runtimeHandlers,
      ...(n.runtime ? { runtime: n.runtime } : {}),
    });
  }
  if (nodes.length && !nodes.some((n) => n.role === 'control-plane')) nodes.unshift({ name: 'kubelab-control-plane', role: 'control-plane' });
  if (doc.runtime !== undefined && doc.runtime !== 'sim' && doc.runtime !== 'docker') throw new ConfigError(`${path}: runtime: must be "sim" or "docker"`);
  if (doc.kubeProxyMode !== undefined && doc.kubeProxyMode !== 'iptables' && doc.kubeProxyMode !== 'ipvs')
    throw new ConfigError(`${path}: kubeProxyMode: must be "iptables" or "ipvs"`);
  return { nodes: nodes.length ? nodes : undefined, runtime: doc.runtime, ...(doc.kubeProxyMode ? { kubeProxyMode: doc.kubeProxyMode } : {}) };
}

export function loadClusterConfig(dataDir: string, o: { nodes?: number; runtime?: 'sim' | 'docker'; configFile?: string }): ClusterConfig {
  const file = join(dataDir, 'cluster.json');
  let saved: ClusterConfig | undefined;
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      saved = undefined;
    }
  }
  const fromFile = o.configFile ? parseClusterConfigFile(o.configFile) : {};
  const cfg: ClusterConfig = {
    name: 'kubelab',
    runtime: o.runtime ?? fromFile.runtime ?? saved?.runtime ?? 'sim',
    nodes: fromFile.nodes ?? (o.nodes !== undefined ? defaultNodeNames(o.nodes) : (saved?.nodes ?? defaultNodeNames(3))),
  };
  const proxyMode = fromFile.kubeProxyMode ?? saved?.kubeProxyMode;
  if (proxyMode) cfg.kubeProxyMode = proxyMode;
  if (cfg.nodes.length < 1) throw new ConfigError('a cluster needs at least one node');
  writeFileSync(file, JSON.stringify(cfg, null, 2));
  return cfg;
}

/** the runtime a node runs on: its own choice in the topology, else the cluster's */
export function nodeRuntime(cfg: ClusterConfig, node: NodeConfig): 'sim' | 'docker' {
  return node.runtime ?? cfg.runtime;
}
