// What a namespace uses of each quota'd resource (upstream's quota evaluators): object counts, pod compute
// requests/limits (scoped by Terminating/BestEffort/PriorityClass), and PVC storage, per storage class too.
import type { KObject } from '../../api/types';
import { formatQuantity, parseQuantity, type QuantityFormat } from '../../api/quantity';
import { isPodTerminal } from '../replicaset/pod-helpers';

export interface NamespaceObjects {
  pods: KObject[];
  services: KObject[];
  configmaps: KObject[];
  secrets: KObject[];
  persistentvolumeclaims: KObject[];
  replicationcontrollers: KObject[];
  resourcequotas: KObject[];
  /** count of any other resource for count/<resource>[.<group>] */
  count(resourceDotGroup: string): number | undefined;
}

class Sum {
  nano = 0n;
  format: QuantityFormat | undefined;
  add(v: string | number | undefined): void {
    if (v === undefined) return;
    const q = parseQuantity(v);
    this.nano += q.nano;
    this.format ??= q.format;
  }
  toString(): string {
    return formatQuantity(this.nano, this.format ?? 'DecimalSI');
  }
}

/** the pod's effective request/limit of a resource: containers summed, init containers as a floor, plus overhead */
export function podResource(pod: KObject, kind: 'requests' | 'limits', resource: string): bigint {
  let sum = 0n;
  let sidecars = 0n;
  let initMax = 0n;
  for (const c of pod.spec?.initContainers ?? []) {
    const v = c.resources?.[kind]?.[resource];
    const n = v === undefined ? 0n : parseQuantity(v).nano;
    // restartable init containers (sidecars) keep running alongside the app containers
    if (c.restartPolicy === 'Always') {
      sidecars += n;
      if (sidecars > initMax) initMax = sidecars;
    } else if (sidecars + n > initMax) initMax = sidecars + n;
  }
  for (const c of pod.spec?.containers ?? []) {
    const v = c.resources?.[kind]?.[resource];
    if (v !== undefined) sum += parseQuantity(v).nano;
  }
  sum += sidecars;
  let total = sum > initMax ? sum : initMax;
  const oh = pod.spec?.overhead?.[resource];
  if (oh !== undefined) total += parseQuantity(oh).nano;
  return total;
}

function firstFormat(pods: KObject[], kind: string, resource: string): QuantityFormat | undefined {
  for (const p of pods)
    for (const c of [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])]) {
      const v = c.resources?.[kind]?.[resource];
      if (v !== undefined) return parseQuantity(v).format;
    }
  return undefined;
}

function isBestEffort(p: KObject): boolean {
  return [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].every(
    (c: any) => !Object.keys(c.resources?.requests ?? {}).length && !Object.keys(c.resources?.limits ?? {}).length,
  );
}

export function podMatchesScopes(
  pod: KObject,
  scopes: string[],
  scopeSelector?: { matchExpressions?: { scopeName: string; operator: string; values?: string[] }[] },
): boolean {
  const exprs = [
    ...scopes.map((s) => ({ scopeName: s, operator: 'Exists' as string, values: undefined as string[] | undefined })),
    ...(scopeSelector?.matchExpressions ?? []),
  ];
  return exprs.every((e) => {
    switch (e.scopeName) {
      case 'Terminating':
        return pod.spec?.activeDeadlineSeconds != null;
      case 'NotTerminating':
        return pod.spec?.activeDeadlineSeconds == null;
      case 'BestEffort':
        return isBestEffort(pod);
      case 'NotBestEffort':
        return !isBestEffort(pod);
      case 'PriorityClass': {
        const pc = pod.spec?.priorityClassName ?? '';
        if (e.operator === 'Exists') return pc !== '';
        if (e.operator === 'DoesNotExist') return pc === '';
        const inSet = (e.values ?? []).includes(pc);
        return e.operator === 'In' ? inSet : !inSet;
      }
      default:
        return true;
    }
  });
}

const POD_COUNT_KEYS = new Set(['pods', 'count/pods']);

export function computeUsage(quota: KObject, objs: NamespaceObjects): Record<string, string> {
  const hard: Record<string, string> = quota.spec?.hard ?? {};
  const pods = objs.pods.filter((p) => !isPodTerminal(p) && podMatchesScopes(p, quota.spec?.scopes ?? [], quota.spec?.scopeSelector));
  const used: Record<string, string> = {};
  const pvcs = objs.persistentvolumeclaims;
  for (const key of Object.keys(hard)) {
    let m: RegExpExecArray | null;
    if (POD_COUNT_KEYS.has(key)) used[key] = String(pods.length);
    else if ((m = /^(requests|limits)\.(.+)$/.exec(key)) && m[2] !== 'storage') {
      const kind = m[1] as 'requests' | 'limits';
      let total = 0n;
      for (const p of pods) total += podResource(p, kind, m[2]);
      used[key] = formatQuantity(total, firstFormat(pods, kind, m[2]) ?? 'DecimalSI');
    } else if (key === 'cpu' || key === 'memory' || key === 'ephemeral-storage') {
      let total = 0n;
      for (const p of pods) total += podResource(p, 'requests', key);
      used[key] = formatQuantity(total, firstFormat(pods, 'requests', key) ?? 'DecimalSI');
    } else if (key === 'requests.storage' || (m = /^(.+)\.storageclass\.storage\.k8s\.io\/requests\.storage$/.exec(key))) {
      const sc = key === 'requests.storage' ? undefined : m![1];
      const s = new Sum();
      for (const c of pvcs) if (sc === undefined || c.spec?.storageClassName === sc) s.add(c.spec?.resources?.requests?.storage);
      used[key] = s.toString();
    } else if ((m = /^(.+)\.storageclass\.storage\.k8s\.io\/persistentvolumeclaims$/.exec(key))) {
      used[key] = String(pvcs.filter((c) => c.spec?.storageClassName === m![1]).length);
    } else if (key === 'services.loadbalancers') {
      used[key] = String(objs.services.filter((s) => s.spec?.type === 'LoadBalancer').length);
    } else if (key === 'services.nodeports') {
      used[key] = String(
        objs.services
          .filter((s) => s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer')
          .reduce((n, s) => n + (s.spec?.ports ?? []).filter((p: any) => p.nodePort).length, 0),
      );
    } else {
      const name = key.startsWith('count/') ? key.slice('count/'.length) : key;
      const direct: Record<string, KObject[]> = {
        services: objs.services,
        configmaps: objs.configmaps,
        secrets: objs.secrets,
        persistentvolumeclaims: pvcs,
        replicationcontrollers: objs.replicationcontrollers,
        resourcequotas: objs.resourcequotas,
      };
      const n = direct[name]?.length ?? objs.count(name);
      if (n !== undefined) used[key] = String(n);
    }
  }
  return used;
}
