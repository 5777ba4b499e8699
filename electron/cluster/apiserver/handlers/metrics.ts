// metrics.k8s.io/v1beta1 served by the API server itself (upstream: metrics-server behind the aggregator),
// from the simulated kubelets' container stats, so `kubectl top` and the HorizontalPodAutoscaler work offline.
import type { ApiServer, SpecialHandler } from '../handler';
import { json } from '../handler';
import type { KindStrategy } from '../../api/kind';
import { entryFromStrategy } from '../catalog';
import { parseLabelSelector, matchesLabels } from '../../api/selectors';
import { errNotFound, statusError } from '../../api/errors';
import type { PodMetricsSample, NodeMetricsSample } from '../../kubelet/metrics';
import type { KObject } from '../../api/types';

export interface MetricsSource {
  podMetrics(): Promise<PodMetricsSample[]>;
  nodeMetrics(): Promise<NodeMetricsSample[]>;
}

const GROUP = 'metrics.k8s.io',
  VERSION = 'v1beta1';
const info = (kind: string, resource: string, namespaced: boolean): KindStrategy => ({
  info: { group: GROUP, version: VERSION, kind, resource, singular: '', namespaced, verbs: ['get', 'list'], virtual: true },
});

export function registerMetricsApi(api: ApiServer, source: MetricsSource): void {
  for (const s of [info('PodMetrics', 'pods', true), info('NodeMetrics', 'nodes', false)]) for (const e of entryFromStrategy(s)) api.catalog.add(e);
  const podsEntry = () => api.catalog.get('', 'v1', 'pods')!;
  const nodesEntry = () => api.catalog.get('', 'v1', 'nodes')!;

  const pods: SpecialHandler = async ({ req, info: ri }) => {
    if (ri.verb !== 'get' && ri.verb !== 'list') throw statusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const sel = parseLabelSelector(req.query.get('labelSelector') ?? '');
    const samples = await source.podMetrics();
    const items: KObject[] = [];
    for (const s of samples) {
      if (ri.namespace && s.namespace !== ri.namespace) continue;
      if (ri.name && s.name !== ri.name) continue;
      const pod = api.registry.getStored(podsEntry(), s.namespace, s.name);
      if (!pod || !matchesLabels(sel, pod.metadata.labels)) continue;
      items.push({
        kind: 'PodMetrics',
        apiVersion: `${GROUP}/${VERSION}`,
        metadata: { name: s.name, namespace: s.namespace, creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), labels: pod.metadata.labels },
        timestamp: s.timestamp,
        window: s.window,
        containers: s.containers.map((c) => ({ name: c.name, usage: c.usage })),
      });
    }
    if (ri.name) {
      if (!items[0]) throw errNotFound(GROUP, 'pods', ri.name);
      return json(200, items[0]);
    }
    return json(200, { kind: 'PodMetricsList', apiVersion: `${GROUP}/${VERSION}`, metadata: {}, items });
  };
  const nodes: SpecialHandler = async ({ req, info: ri }) => {
    if (ri.verb !== 'get' && ri.verb !== 'list') throw statusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const sel = parseLabelSelector(req.query.get('labelSelector') ?? '');
    const items: KObject[] = [];
    for (const s of await source.nodeMetrics()) {
      if (ri.name && s.name !== ri.name) continue;
      const node = api.registry.getStored(nodesEntry(), undefined, s.name);
      if (!node || !matchesLabels(sel, node.metadata.labels)) continue;
      items.push({
        kind: 'NodeMetrics',
        apiVersion: `${GROUP}/${VERSION}`,
        metadata: { name: s.name, creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), labels: node.metadata.labels },
        timestamp: s.timestamp,
        window: s.window,
        usage: s.usage,
      });
    }
    if (ri.name) {
      if (!items[0]) throw errNotFound(GROUP, 'nodes', ri.name);
      return json(200, items[0]);
    }
    return json(200, { kind: 'NodeMetricsList', apiVersion: `${GROUP}/${VERSION}`, metadata: {}, items });
  };
  api.registerSpecial(GROUP, 'pods', '', pods);
  api.registerSpecial(GROUP, 'nodes', '', nodes);
}
