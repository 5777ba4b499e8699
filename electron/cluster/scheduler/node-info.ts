// Per-node aggregates kept up to date incrementally, so a filter never has to walk the node's pods for resources.
import { addResource, cloneResource, emptyResource, nodeAllocatable, type Resource } from './resources';
import { hasAffinity, podInfo, type HostPort, type PodInfo } from './pod-info';
import type { Node, Pod } from './types';

export class NodeInfo {
  node: Node | undefined;
  name: string;
  allocatable: Resource = emptyResource();
  requested: Resource = emptyResource();
  nonZeroRequested: Resource = emptyResource();
  readonly pods = new Map<string, PodInfo>();
  /** pods with any (anti-)affinity, which InterPodAffinity must look at even for pods without affinity */
  readonly podsWithAffinity = new Map<string, PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Map<string, PodInfo>();
  /** "protocol/port" → host IPs in use */
  readonly usedPorts = new Map<string, Map<string, number>>();
  /** bumped on every change; lets callers cache derived data */
  generation = 0;

  constructor(name: string, node?: Node) {
    this.name = name;
    if (node) this.setNode(node);
  }

  get labels(): Record<string, string> {
    return (this.node?.metadata?.labels ?? {}) as Record<string, string>;
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = nodeAllocatable(node.status as never);
    this.generation++;
  }

  addPod(pod: Pod | PodInfo): PodInfo {
    const pi = 'pod' in pod && 'key' in pod ? (pod as PodInfo) : podInfo(pod as Pod);
    if (this.pods.has(pi.key)) this.removePod(pi.key);
    this.pods.set(pi.key, pi);
    addResource(this.requested, pi.requests);
    addResource(this.nonZeroRequested, pi.nonZeroRequests);
    if (hasAffinity(pi)) this.podsWithAffinity.set(pi.key, pi);
    if (pi.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity.set(pi.key, pi);
    for (const hp of pi.hostPorts) this.portUse(hp, 1);
    this.generation++;
    return pi;
  }

  removePod(key: string): PodInfo | undefined {
    const pi = this.pods.get(key);
    if (!pi) return undefined;
    this.pods.delete(key);
    addResource(this.requested, pi.requests, -1);
    addResource(this.nonZeroRequested, pi.nonZeroRequests, -1);
    this.podsWithAffinity.delete(key);
    this.podsWithRequiredAntiAffinity.delete(key);
    for (const hp of pi.hostPorts) this.portUse(hp, -1);
    this.generation++;
    return pi;
  }

  private portUse(hp: HostPort, delta: number): void {
    const k = `${hp.protocol}/${hp.port}`;
    let ips = this.usedPorts.get(k);
    if (!ips) this.usedPorts.set(k, (ips = new Map()));
    const n = (ips.get(hp.ip) ?? 0) + delta;
    if (n <= 0) ips.delete(hp.ip);
    else ips.set(hp.ip, n);
    if (ips.size === 0) this.usedPorts.delete(k);
  }

  /** a deep-enough copy for preemption's what-if runs */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.allocatable = cloneResource(this.allocatable);
    for (const pi of this.pods.values()) c.addPod(pi);
    return c;
  }
}
