// LoadBalancer Services get an address from a local pool, as kind's cloud-provider or MetalLB give them one on
// the node bridge: status.loadBalancer.ingress[0].ip, so EXTERNAL-IP is not stuck at <pending>. An address leaves
// the pool when its Service stops being a LoadBalancer or is deleted.
import type { Client, Informer } from '../client/types';
import type { KObject } from '../api/types';
import { R } from '../client/resources';
import { intToIp, ipToInt, LB_POOL } from './addresses';

export interface LoadBalancerController {
  stop(): void;
}

export function startLoadBalancerController(client: Client, services: Informer, log: (line: string) => void): LoadBalancerController {
  const first = ipToInt(LB_POOL.first),
    last = ipToInt(LB_POOL.last);
  const owner = new Map<string, string>(); // ip → ns/name
  const keyOf = (s: KObject) => `${s.metadata.namespace}/${s.metadata.name}`;
  const ingressIP = (s: KObject): string | undefined => s.status?.loadBalancer?.ingress?.[0]?.ip;
  const inPool = (ip: string) => {
    const n = ipToInt(ip);
    return n >= first && n <= last;
  };
  let stopped = false;

  const release = (k: string) => {
    for (const [ip, o] of owner) if (o === k) owner.delete(ip);
  };
  const choose = (s: KObject): string | undefined => {
    const wanted: string | undefined = s.spec?.loadBalancerIP;
    if (wanted && inPool(wanted) && !owner.has(wanted)) return wanted;
    for (let n = first; n <= last; n++) {
      const ip = intToIp(n);
      if (!owner.has(ip)) return ip;
    }
    return undefined;
  };
  const writeStatus = (s: KObject, loadBalancer: Record<string, unknown>) => {
    if (stopped) return;
    void client
      .patch(R.services, s.metadata.namespace, s.metadata.name!, 'merge', { status: { loadBalancer } }, { subresource: 'status' })
      .catch((e: Error) => log(`service-lb-controller: ${keyOf(s)}: ${e.message}`));
  };
  const reconcile = (s: KObject) => {
    const k = keyOf(s);
    const have = ingressIP(s);
    if (s.spec?.type !== 'LoadBalancer') {
      release(k);
      if (have && inPool(have)) writeStatus(s, { ingress: null });
      return;
    }
    if (have && owner.get(have) === k) return;
    if (have && inPool(have) && !owner.has(have)) {
      owner.set(have, k);
      return;
    }
    release(k);
    const ip = choose(s);
    if (!ip) {
      log(`service-lb-controller: ${k}: the address pool ${LB_POOL.first}-${LB_POOL.last} is exhausted`);
      return;
    }
    owner.set(ip, k);
    writeStatus(s, { ingress: [{ ip, ipMode: 'VIP' }] });
  };
  // addresses already handed out (a restart) are claimed before new ones are chosen
  for (const s of services.list()) {
    const ip = ingressIP(s);
    if (s.spec?.type === 'LoadBalancer' && ip && inPool(ip)) owner.set(ip, keyOf(s));
  }
  services.onAdd(reconcile);
  services.onUpdate((_o, n) => reconcile(n));
  services.onDelete((s) => release(keyOf(s)));
  for (const s of services.list()) reconcile(s);
  return {
    stop() {
      stopped = true;
    },
  };
}
