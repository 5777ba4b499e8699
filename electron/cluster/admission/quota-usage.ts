// What an object costs against a ResourceQuota (upstream's quota evaluators): pods by their compute requests and
// limits, services by type, claims by storage and class, everything else by object count.
import type { GVR, KObject } from '../api/types';
import { podQOSClass } from '../api/kinds/core/qos';
import { addLists, type ResourceList } from './resource-lists';
import { podLimits, podRequests } from './pod-resources';

export interface QuotaEvaluator {
  /** does this write change usage at all */
  handles(operation: string): boolean;
  usage(obj: KObject): ResourceList;
  /** which of the quota's hard resources this kind can consume */
  matchingResources(names: string[]): string[];
  /** does one scope selector requirement select the object (kinds without scopes match none) */
  matchesScope(req: ScopeRequirement, obj: KObject): boolean;
  /** resources every container must state when a quota tracks them */
  constraints?(required: string[], obj: KObject): string | undefined;
}

export interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

const objectCount = (gvr: GVR) => `count/${gvr.resource}${gvr.group ? '.' + gvr.group : ''}`;

// ---------- pods ----------
const POD_COMPUTE = new Set([
  'cpu',
  'memory',
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
  'ephemeral-storage',
  'requests.ephemeral-storage',
  'limits.ephemeral-storage',
]);
/** the resources that, once quota'd, every container must explicitly request (a backward-compatibility rule upstream keeps) */
const MUST_SPECIFY = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

function computeUsage(requests: ResourceList | undefined, limits: ResourceList | undefined): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(requests ?? {})) {
    if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') {
      out[k] = v;
      out[`requests.${k}`] = v;
    } else if (k.startsWith('hugepages-')) out[`requests.${k}`] = v;
    else if (k.includes('/')) out[`requests.${k}`] = v;
  }
  for (const [k, v] of Object.entries(limits ?? {})) {
    if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') out[`limits.${k}`] = v;
  }
  return out;
}

/** terminal pods, and pods past their deletion grace period, no longer count against compute quota */
function podCountsForCompute(pod: KObject, now = Date.now()): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const dt = pod.metadata.deletionTimestamp;
  if (dt && Date.parse(dt) + (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000 < now) return false;
  return true;
}

function hasCrossNamespaceAffinity(spec: any): boolean {
  const terms = [
    ...(spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(spec?.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: any) => w.podAffinityTerm),
    ...(spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: any) => w.podAffinityTerm),
  ];
  return terms.some((t: any) => t && (t.namespaces?.length || t.namespaceSelector));
}

function podMatchesScope(req: ScopeRequirement, pod: KObject): boolean {
  const spec = pod.spec ?? {};
  const terminating = typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds >= 0;
  switch (req.scopeName) {
    case 'Terminating':
      return terminating;
    case 'NotTerminating':
      return !terminating;
    case 'BestEffort':
      return podQOSClass(spec) === 'BestEffort';
    case 'NotBestEffort':
      return podQOSClass(spec) !== 'BestEffort';
    case 'CrossNamespacePodAffinity':
      return hasCrossNamespaceAffinity(spec);
    case 'PriorityClass': {
      // the class name is matched like a label that is always present (possibly empty)
      const v = spec.priorityClassName ?? '';
      switch (req.operator) {
        case 'In':
          return (req.values ?? []).includes(v);
        case 'NotIn':
          return !(req.values ?? []).includes(v);
        case 'Exists':
          return true;
        case 'DoesNotExist':
          return false;
      }
      return false;
    }
  }
  return false;
}

const pods: QuotaEvaluator = {
  handles: (op) => op === 'CREATE' || op === 'UPDATE',
  usage(pod) {
    const base: ResourceList = { 'count/pods': '1' };
    if (!podCountsForCompute(pod)) return base;
    return addLists({ ...base, pods: '1' }, computeUsage(podRequests(pod.spec), podLimits(pod.spec)));
  },
  matchingResources: (names) =>
    names.filter((n) => n === 'pods' || n === 'count/pods' || POD_COMPUTE.has(n) || n.startsWith('requests.') || n.startsWith('limits.')),
  matchesScope: podMatchesScope,
  constraints(required, pod) {
    const want = required.filter((r) => MUST_SPECIFY.has(r));
    const missing = new Set<string>();
    for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
      const have = computeUsage(c.resources?.requests, c.resources?.limits);
      for (const r of want) if (!(r in have)) missing.add(r);
    }
    return missing.size ? `must specify ${[...missing].sort().join(',')}` : undefined;
  },
};

// ---------- services ----------
const services: QuotaEvaluator = {
  handles: (op) => op === 'CREATE' || op === 'UPDATE',
  usage(svc) {
    const out: ResourceList = { services: '1', 'count/services': '1' };
    const type = svc.spec?.type ?? 'ClusterIP';
    const ports: any[] = svc.spec?.ports ?? [];
    if (type === 'NodePort') out['services.nodeports'] = String(ports.length);
    if (type === 'LoadBalancer') {
      out['services.loadbalancers'] = '1';
      const allocate = svc.spec?.allocateLoadBalancerNodePorts !== false;
      out['services.nodeports'] = String(allocate ? ports.length : ports.filter((p) => p.nodePort).length);
    }
    return out;
  },
  matchingResources: (names) => names.filter((n) => ['services', 'count/services', 'services.nodeports', 'services.loadbalancers'].includes(n)),
  matchesScope: () => false,
};

// ---------- persistent volume claims ----------
const CLASS_SUFFIX = '.storageclass.storage.k8s.io/';
const claims: QuotaEvaluator = {
  handles: (op) => op === 'CREATE' || op === 'UPDATE',
  usage(pvc) {
    const out: ResourceList = { persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1' };
    const storage = pvc.spec?.resources?.requests?.storage;
    const cls = pvc.spec?.storageClassName;
    if (cls) out[`${cls}${CLASS_SUFFIX}persistentvolumeclaims`] = '1';
    if (storage !== undefined) {
      out['requests.storage'] = storage;
      if (cls) out[`${cls}${CLASS_SUFFIX}requests.storage`] = storage;
    }
    return out;
  },
  matchingResources: (names) =>
    names.filter((n) => n === 'persistentvolumeclaims' || n === 'count/persistentvolumeclaims' || n === 'requests.storage' || n.includes(CLASS_SUFFIX)),
  matchesScope: () => false,
};

/** core kinds that have a short quota name besides count/<resource> */
const LEGACY_COUNT = new Set(['configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas']);
/** kinds whose creation quota never limits */
const IGNORED = new Set(['/events', 'events.k8s.io/events', '/bindings', '/limitranges', '/namespaces']);

function countEvaluator(gvr: GVR): QuotaEvaluator {
  const names = [objectCount(gvr)];
  if (gvr.group === '' && LEGACY_COUNT.has(gvr.resource)) names.push(gvr.resource);
  return {
    handles: (op) => op === 'CREATE',
    usage: () => Object.fromEntries(names.map((n) => [n, '1'])),
    matchingResources: (hard) => hard.filter((n) => names.includes(n)),
    matchesScope: () => false,
  };
}

export function evaluatorFor(gvr: GVR): QuotaEvaluator | undefined {
  if (IGNORED.has(`${gvr.group}/${gvr.resource}`)) return undefined;
  if (gvr.group === '') {
    if (gvr.resource === 'pods') return pods;
    if (gvr.resource === 'services') return services;
    if (gvr.resource === 'persistentvolumeclaims') return claims;
  }
  return countEvaluator(gvr);
}
