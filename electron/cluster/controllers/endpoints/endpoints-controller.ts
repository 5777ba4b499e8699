// The Endpoints controller: for every Service with a selector, one Endpoints object listing ready addresses and
// notReadyAddresses, grouped into subsets by resolved port set. The "kubernetes" Service is the API server's.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { isStatus } from '../../client/errors';
import { endpointPorts, inheritedLabels, podHostname, portsKey, rfc3339Nano, targetRef, TRIGGER_TIME_ANNOTATION, type EndpointPort } from './pod-endpoints';
import { isPodReady, isPodTerminal } from '../replicaset/pod-helpers';
import { matchesSelectorMap, watchServiceOwned, watchServicePods } from './service-pods';

export function buildSubsets(svc: KObject, pods: KObject[]): any[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const groups = new Map<string, { ports: EndpointPort[]; addresses: any[]; notReadyAddresses: any[] }>();
  for (const pod of pods) {
    if (!pod.status?.podIP || isPodTerminal(pod)) continue;
    if (pod.metadata.deletionTimestamp && !publishNotReady) continue;
    const ports = endpointPorts(svc, pod);
    // a pod none of whose ports resolve is left out, unless the service declares no ports at all
    if (!ports.length && (svc.spec?.ports ?? []).length) continue;
    const key = portsKey(ports);
    const g = groups.get(key) ?? { ports, addresses: [], notReadyAddresses: [] };
    groups.set(key, g);
    const addr: any = { ip: pod.status.podIP };
    const host = podHostname(svc, pod);
    if (host) addr.hostname = host;
    if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
    addr.targetRef = targetRef(pod);
    (publishNotReady || isPodReady(pod) ? g.addresses : g.notReadyAddresses).push(addr);
  }
  const byIp = (a: any, b: any) => a.ip.localeCompare(b.ip, undefined, { numeric: true });
  return [...groups.values()].map((g) => {
    const s: any = {};
    if (g.addresses.length) s.addresses = g.addresses.sort(byIp);
    if (g.notReadyAddresses.length) s.notReadyAddresses = g.notReadyAddresses.sort(byIp);
    if (g.ports.length) s.ports = g.ports;
    return s;
  });
}

export function startEndpointsController(client: Client, informers: InformerFactory, opts: { now?: () => Date } = {}): { stop(): void } {
  const now = opts.now ?? (() => new Date());
  const services = informers.informer(R.services);
  const pods = informers.informer(R.pods);
  const queue = new WorkQueue((key) => sync(key), { workers: 2, name: 'endpoints' });
  watchServicePods(services, pods, (key) => queue.add(key));
  watchServiceOwned(
    informers.informer(R.endpoints),
    (e) => e.metadata.name,
    (key) => queue.add(key),
  );

  async function sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const svc = services.getByName(ns, name);
    if (ns === 'default' && name === 'kubernetes') return;
    if (!svc) {
      // the Service is gone: so are its Endpoints (only when the controller made them: they carry no owner reference)
      await client.delete(R.endpoints, ns, name).catch((err) => {
        if (!isStatus(err, 404)) throw err;
      });
      return;
    }
    if (!svc.spec?.selector || svc.spec?.type === 'ExternalName') return;
    const selected = pods.list(ns).filter((p) => matchesSelectorMap(svc.spec.selector, p.metadata.labels));
    const subsets = buildSubsets(svc, selected);
    const labels = inheritedLabels(svc);
    let cur: KObject | undefined;
    try {
      cur = await client.get(R.endpoints, ns, name);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    const sameSubsets = JSON.stringify(cur?.subsets ?? []) === JSON.stringify(subsets);
    const sameLabels = cur && JSON.stringify(sortKeys(cur.metadata.labels ?? {})) === JSON.stringify(sortKeys(labels));
    if (cur && sameSubsets && sameLabels) return;
    const annotations = { ...(cur?.metadata.annotations ?? {}), [TRIGGER_TIME_ANNOTATION]: rfc3339Nano(now()) };
    const obj: KObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...(cur?.metadata ?? {}), name, namespace: ns, labels, annotations },
      ...(subsets.length ? { subsets } : {}),
    };
    if (cur) await client.update(R.endpoints, ns, obj);
    else
      await client.create(R.endpoints, ns, obj).catch((err) => {
        if (!isStatus(err, 409)) throw err;
        queue.add(key);
      });
  }

  for (const s of services.list()) queue.add(objectKey(s));
  return { stop: () => queue.stop() };
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
