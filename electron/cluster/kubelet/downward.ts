// Downward API values (fieldRef / resourceFieldRef), shared by env vars and downwardAPI volumes.
import { parseQuantity } from '../api/quantity';
import type { KObject } from '../api/types';

export class DownwardError extends Error {}

/** `metadata.labels['app']` → ['labels', 'app'] */
function subscript(path: string): [string, string] | undefined {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  return m ? [m[1], m[2]] : undefined;
}

/** the sorted `key="value"` lines a downwardAPI volume shows for labels/annotations */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

export function fieldRefValue(pod: KObject, fieldPath: string, forVolume = false): string {
  const md = pod.metadata;
  const sub = subscript(fieldPath);
  if (sub) return (md[sub[0] as 'labels' | 'annotations'] ?? {})[sub[1]] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return md.name ?? '';
    case 'metadata.namespace':
      return md.namespace ?? '';
    case 'metadata.uid':
      return md.uid ?? '';
    case 'metadata.labels':
      if (forVolume) return formatMap(md.labels);
      break;
    case 'metadata.annotations':
      if (forVolume) return formatMap(md.annotations);
      break;
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (pod.status?.hostIPs ?? []).map((x: { ip: string }) => x.ip).join(',');
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (pod.status?.podIPs ?? []).map((x: { ip: string }) => x.ip).join(',');
  }
  throw new DownwardError(`unsupported fieldPath: ${fieldPath}`);
}

export interface ResourceFieldRef {
  containerName?: string;
  resource: string;
  divisor?: string | number;
}

/** limits fall back to the node's allocatable, like the kubelet does for containers without limits */
export function resourceFieldValue(pod: KObject, ref: ResourceFieldRef, defaultContainer: string | undefined, allocatable: Record<string, string>): string {
  const name = ref.containerName || defaultContainer;
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const c = all.find((x: { name: string }) => x.name === name);
  if (!c) throw new DownwardError(`container ${name} not found`);
  const [kind, res] = ref.resource.split('.', 2) as ['limits' | 'requests', string];
  if ((kind !== 'limits' && kind !== 'requests') || !res) throw new DownwardError(`unsupported container resource : ${ref.resource}`);
  let q: string | number | undefined = c.resources?.[kind]?.[res];
  if (q === undefined && kind === 'limits') q = allocatable[res];
  if (q === undefined && kind === 'requests') q = res === 'cpu' || res === 'memory' ? 0 : undefined;
  if (q === undefined) q = 0;
  const divisor = ref.divisor ?? (res === 'cpu' ? '1' : '1');
  const n = parseQuantity(q).nano;
  const d = parseQuantity(divisor).nano;
  if (d === 0n) throw new DownwardError(`invalid divisor ${divisor}`);
  // the kubelet rounds up, and a cpu value is never reported below 1 unit of the divisor
  let v = (n + d - 1n) / d;
  if (res === 'cpu' && v < 1n && n > 0n) v = 1n;
  return v.toString();
}
