// Pod QoS class from container requests and limits (upstream's GetPodQOS), for cpu and memory only.
import { parseQuantity } from '../../quantity';

const QOS_RESOURCES = ['cpu', 'memory'];

function nano(v: unknown): bigint {
  try {
    return parseQuantity(v as string).nano;
  } catch {
    return 0n;
  }
}

export function podQOSClass(spec: any): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const [k, v] of Object.entries(c.resources?.requests ?? {})) {
      if (!QOS_RESOURCES.includes(k)) continue;
      const n = nano(v);
      if (n !== 0n) requests.set(k, (requests.get(k) ?? 0n) + n);
    }
    const found = new Set<string>();
    for (const [k, v] of Object.entries(c.resources?.limits ?? {})) {
      if (!QOS_RESOURCES.includes(k)) continue;
      const n = nano(v);
      if (n !== 0n) {
        found.add(k);
        limits.set(k, (limits.get(k) ?? 0n) + n);
      }
    }
    if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, v] of requests) if (limits.get(k) !== v) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
