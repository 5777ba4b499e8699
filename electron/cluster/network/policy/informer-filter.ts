// Feeds the policy engine from informers over NetworkPolicies, Pods and Namespaces, as a CNI's policy agent
// (Calico's Felix, Cilium's agent) watches the API: a write takes effect for the next connection.
import type { Pod } from 'kubernetes-types/core/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import type { InformerFactory } from '../../client/types';
import { R } from '../../client/resources';
import { PolicyEngine } from './engine';

export interface NetworkPolicyAgent {
  engine: PolicyEngine;
  /** resolves when the three caches hold the API's state */
  synced(): Promise<void>;
}

export function startNetworkPolicyAgent(informers: InformerFactory): NetworkPolicyAgent {
  const engine = new PolicyEngine();
  const policies = informers.informer<NetworkPolicy & { metadata: { name: string } }>(R.networkpolicies);
  const pods = informers.informer<Pod & { metadata: { name: string } }>(R.pods);
  const namespaces = informers.informer(R.namespaces);
  policies.onAdd((p) => engine.setPolicy(p));
  policies.onUpdate((_o, p) => engine.setPolicy(p));
  policies.onDelete((p) => engine.deletePolicy(p));
  // only what policies read of a pod (labels, IPs, node, named ports, phase) is worth a recompute
  const podChanged = (a: Pod, b: Pod) =>
    a.status?.podIP !== b.status?.podIP ||
    a.status?.phase !== b.status?.phase ||
    a.status?.hostIP !== b.status?.hostIP ||
    JSON.stringify(a.metadata?.labels) !== JSON.stringify(b.metadata?.labels);
  pods.onAdd((p) => engine.setPod(p));
  pods.onUpdate((o, p) => {
    if (podChanged(o, p)) engine.setPod(p);
  });
  pods.onDelete((p) => engine.deletePod(p));
  namespaces.onAdd((n) => engine.setNamespace(n.metadata.name!, n.metadata.labels));
  namespaces.onUpdate((_o, n) => engine.setNamespace(n.metadata.name!, n.metadata.labels));
  namespaces.onDelete((n) => engine.deleteNamespace(n.metadata.name!));
  return {
    engine,
    synced: async () => {
      await Promise.all([policies.synced(), pods.synced(), namespaces.synced()]);
    },
  };
}
