// A pod with everything the plugins need precomputed once (requests, affinity terms, ports), cached per object.
import type { PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1';
import { labelSelectorMatcher } from '../api/selectors';
import { computePodRequests, type Resource } from './resources';
import type { Pod } from './types';

export interface AffinityTerm {
  namespaces: Set<string>;
  /** null when the term has no namespaceSelector */
  namespaceSelector: ((labels: Record<string, string> | undefined) => boolean) | null;
  selector: (labels: Record<string, string> | undefined) => boolean;
  topologyKey: string;
  weight: number;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface PodInfo {
  pod: Pod;
  key: string;
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  priority: number;
  requests: Resource;
  /** requests with 100m/200Mi defaults for containers that ask for nothing (scoring only) */
  nonZeroRequests: Resource;
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
  hostPorts: HostPort[];
}

const cache = new WeakMap<Pod, PodInfo>();

export const podKey = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

function toTerm(pod: Pod, t: PodAffinityTerm, weight: number): AffinityTerm {
  const ns = new Set<string>(t.namespaces ?? []);
  // upstream: no namespaces and no namespaceSelector means "the pod's own namespace"
  if (ns.size === 0 && t.namespaceSelector == null) ns.add(pod.metadata?.namespace ?? 'default');
  return {
    namespaces: ns,
    namespaceSelector: t.namespaceSelector == null ? null : labelSelectorMatcher(t.namespaceSelector),
    selector: labelSelectorMatcher(t.labelSelector as Parameters<typeof labelSelectorMatcher>[0]),
    topologyKey: t.topologyKey,
    weight,
  };
}

const required = (pod: Pod, ts: PodAffinityTerm[] | undefined) => (ts ?? []).map((t) => toTerm(pod, t, 1));
const preferred = (pod: Pod, ts: WeightedPodAffinityTerm[] | undefined) => (ts ?? []).map((t) => toTerm(pod, t.podAffinityTerm, t.weight));

export function podInfo(pod: Pod): PodInfo {
  let pi = cache.get(pod);
  if (pi) return pi;
  const aff = pod.spec?.affinity;
  const hostPorts: HostPort[] = [];
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')]) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  pi = {
    pod,
    key: podKey(pod),
    uid: pod.metadata?.uid ?? '',
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    labels: (pod.metadata?.labels ?? {}) as Record<string, string>,
    priority: podPriority(pod),
    requests: computePodRequests(pod),
    nonZeroRequests: computePodRequests(pod, true),
    requiredAffinity: required(pod, aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinity: required(pod, aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinity: preferred(pod, aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: preferred(pod, aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    hostPorts,
  };
  cache.set(pod, pi);
  return pi;
}

/** Does `target` fall under the term (namespace by list or namespaceSelector, then label selector)? */
export function termMatches(term: AffinityTerm, target: PodInfo, nsLabels: Record<string, string> | undefined): boolean {
  const nsOk = term.namespaces.has(target.namespace) || (term.namespaceSelector !== null && term.namespaceSelector(nsLabels ?? {}));
  return nsOk && term.selector(target.labels);
}

export const hasAffinity = (pi: PodInfo): boolean =>
  pi.requiredAffinity.length + pi.requiredAntiAffinity.length + pi.preferredAffinity.length + pi.preferredAntiAffinity.length > 0;

/** Pod start time for "more important" ordering: status.startTime, else creation. */
export function podStartTime(pod: Pod): number {
  const t = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
}
