// The EndpointSlice controller: for every Service with a selector, IPv4 EndpointSlices named <svc>-<random>
// (one per resolved port set, or an empty placeholder) whose endpoints carry ready/serving/terminating conditions.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { isStatus } from '../../client/errors';
import { endpointPorts, inheritedLabels, podHostname, portsKey, rfc3339Nano, targetRef, TRIGGER_TIME_ANNOTATION, type EndpointPort } from './pod-endpoints';
import { isPodReady, isPodTerminal } from '../replicaset/pod-helpers';
import { matchesSelectorMap, watchServiceOwned, watchServicePods } from './service-pods';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface DesiredSlice {
  ports: EndpointPort[];
  endpoints: any[];
}

export function desiredSlices(svc: KObject, pods: KObject[], zoneOf: (node: string) => string | undefined = () => undefined): DesiredSlice[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const groups = new Map<string, DesiredSlice>();
  for (const pod of pods) {
    if (!pod.status?.podIP || isPodTerminal(pod)) continue;
    const ports = endpointPorts(svc, pod);
    if (!ports.length && (svc.spec?.ports ?? []).length) continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    const serving = publishNotReady || isPodReady(pod);
    // a terminating endpoint is never "ready" unless the service publishes not-ready addresses anyway
    const ready = serving && (!terminating || publishNotReady);
    const ep: any = { addresses: [pod.status.podIP], conditions: { ready, serving, terminating } };
    const host = podHostname(svc, pod);
    if (host) ep.hostname = host;
    ep.targetRef = targetRef(pod);
    if (pod.spec?.nodeName) {
      ep.nodeName = pod.spec.nodeName;
      const zone = zoneOf(pod.spec.nodeName);
      if (zone) ep.zone = zone;
    }
    const key = portsKey(ports);
    const g = groups.get(key) ?? { ports, endpoints: [] };
    groups.set(key, g);
    g.endpoints.push(ep);
  }
  for (const g of groups.values()) g.endpoints.sort((a, b) => a.addresses[0].localeCompare(b.addresses[0], undefined, { numeric: true }));
  return groups.size ? [...groups.values()] : [{ ports: [], endpoints: [] }];
}

export function startEndpointSliceController(client: Client, informers: InformerFactory, opts: { now?: () => Date } = {}): { stop(): void } {
  const now = opts.now ?? (() => new Date());
  const services = informers.informer(R.services);
  const pods = informers.informer(R.pods);
  const nodes = informers.informer(R.nodes);
  const queue = new WorkQueue((key) => sync(key), { workers: 2, name: 'endpointslice' });
  watchServicePods(services, pods, (key) => queue.add(key));
  watchServiceOwned(
    informers.informer(R.endpointslices),
    (s) => (s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY ? s.metadata.labels?.[SERVICE_NAME_LABEL] : undefined),
    (key) => queue.add(key),
  );

  async function sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    if (ns === 'default' && name === 'kubernetes') return;
    const svc = services.getByName(ns, name);
    // deleted Services take their slices along through the owner reference (garbage collector)
    if (!svc || !svc.spec?.selector || svc.spec?.type === 'ExternalName') return;
    const selected = pods.list(ns).filter((p) => matchesSelectorMap(svc.spec.selector, p.metadata.labels));
    const want = desiredSlices(svc, selected, (n) => nodes.getByName(undefined, n)?.metadata.labels?.[ZONE_LABEL]);
    const existing = (
      await client.list(R.endpointslices, ns, { labelSelector: `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${MANAGED_BY}` })
    ).items.filter((s) => (s.metadata.ownerReferences ?? []).some((r) => r.uid === svc.metadata.uid));
    const labels = { ...inheritedLabels(svc), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
    const trigger = rfc3339Nano(now());
    const remaining = [...existing];
    for (const d of want) {
      const ports = d.ports.length ? d.ports : null;
      const idx = remaining.findIndex((s) => portsKey(s.ports ?? []) === portsKey(d.ports));
      if (idx >= 0) {
        const cur = remaining.splice(idx, 1)[0];
        if (JSON.stringify(cur.endpoints ?? []) === JSON.stringify(d.endpoints) && JSON.stringify(cur.metadata.labels) === JSON.stringify(labels)) continue;
        await client.update(R.endpointslices, ns, {
          ...cur,
          metadata: { ...cur.metadata, labels, annotations: { ...(cur.metadata.annotations ?? {}), [TRIGGER_TIME_ANNOTATION]: trigger } },
          endpoints: d.endpoints,
          ports,
        });
        continue;
      }
      await client.create(R.endpointslices, ns, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: `${name}-`,
          namespace: ns,
          labels,
          annotations: { [TRIGGER_TIME_ANNOTATION]: trigger },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        endpoints: d.endpoints,
        ports,
      });
    }
    for (const s of remaining) {
      await client.delete(R.endpointslices, ns, s.metadata.name!).catch((err) => {
        if (!isStatus(err, 404)) throw err;
      });
    }
  }

  for (const s of services.list()) queue.add(objectKey(s));
  return { stop: () => queue.stop() };
}
