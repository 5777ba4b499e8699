// The simulated nodes of a cluster: one kubelet identity per node, registered and heartbeating, and power on/off.
import type { Client } from '../client/types';
import type { UserInfo } from '../auth/user';
import type { ApiServer } from '../apiserver/handler';
import type { ClusterConfig } from '../config';
import { NodeHeartbeat } from './node-status';
import { KUBELET_VERSION } from './node-object';
import type { NodeConnector } from './connector';
import type { Pki } from '../auth/pki';

export interface NodeSet {
  names(): string[];
  isRunning(name: string): boolean;
  powerOff(name: string): Promise<void>;
  powerOn(name: string): Promise<void>;
  shutdown(): Promise<void>;
}

export interface NodeStartContext {
  dataDir: string;
  config: ClusterConfig;
  clientFor(user: UserInfo, ua?: string): Client;
  api: ApiServer;
  log(line: string): void;
  connector: NodeConnector;
  pki: Pki;
}

export async function startNodes(ctx: NodeStartContext): Promise<NodeSet> {
  const hasWorkers = ctx.config.nodes.some((n) => n.role === 'worker');
  const beats = new Map<string, NodeHeartbeat>();
  await Promise.all(ctx.config.nodes.map(async (n, index) => {
    const client = ctx.clientFor({ name: `system:node:${n.name}`, groups: ['system:nodes', 'system:masters'] }, `kubelet/${KUBELET_VERSION}`);
    const hb = new NodeHeartbeat(client, {
      name: n.name, index, controlPlane: n.role === 'control-plane', taintControlPlane: hasWorkers,
      labels: n.labels, taints: n.taints, capacity: n.capacity,
      runtimeVersion: ctx.config.runtime === 'docker' ? 'docker://28.2.2' : 'kubelab-sim://1.0.0',
    });
    await hb.register();
    hb.start();
    beats.set(n.name, hb);
  }));
  const get = (name: string) => {
    const b = beats.get(name);
    if (!b) throw new Error(`node "${name}" not found; nodes: ${[...beats.keys()].join(', ')}`);
    return b;
  };
  return {
    names: () => [...beats.keys()],
    isRunning: (name) => get(name).running,
    async powerOff(name) { get(name).stop(); },
    async powerOn(name) { const b = get(name); b.start(); await b.beat(); },
    async shutdown() { for (const b of beats.values()) b.stop(); },
  };
}
