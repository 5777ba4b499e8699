// Finds the pod, container and node connection a streaming request is for, with the API server's checks and
// messages (upstream's pod strategy: streamLocation / LogLocation).
import { errBadRequest, errNotFound, statusError, type StatusError } from '../../../api/errors';
import type { KObject } from '../../../api/types';
import type { ApiServer } from '../../handler';
import type { RequestInfo } from '../../request';
import type { ResourceEntry } from '../../catalog';
import type { KubeletConnection, NodeConnector } from '../../../kubelet/connector';

interface Container {
  name: string;
}
export interface PodLike extends KObject {
  spec: { nodeName?: string; containers: Container[]; initContainers?: Container[]; ephemeralContainers?: Container[] };
  status?: Record<string, unknown>;
}

export function getPod(server: ApiServer, entry: ResourceEntry, info: RequestInfo): PodLike {
  const pod = server.registry.getStored(entry, info.namespace, info.name!) as PodLike | undefined;
  if (!pod) throw errNotFound('', 'pods', info.name!);
  return pod;
}

/** the container named by the request, or the only one; errors as upstream's streamLocation */
export function resolveContainer(pod: PodLike, requested: string | null | undefined): string {
  const name = pod.metadata.name ?? '';
  const containers = pod.spec.containers ?? [];
  if (!requested) {
    if (containers.length === 1) return containers[0].name;
    if (containers.length === 0) throw errBadRequest(`a container name must be specified for pod ${name}`);
    const inits = (pod.spec.initContainers ?? []).map((c) => c.name);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`;
    if (inits.length) msg += ` or one of the init containers: [${inits.join(' ')}]`;
    throw errBadRequest(msg);
  }
  const all = [...containers, ...(pod.spec.initContainers ?? []), ...(pod.spec.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === requested)) throw errBadRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** the node's InternalIP as the API server would dial it (used in dial error messages) */
export function nodeAddress(server: ApiServer, nodeName: string): string {
  const e = server.catalog.get('', 'v1', 'nodes');
  const node = e
    ? (server.registry.getStored(e, undefined, nodeName) as { status?: { addresses?: { type: string; address: string }[] } } | undefined)
    : undefined;
  return node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? nodeName;
}

/** what the API server sees when the kubelet does not answer (node powered off or not yet serving) */
export function dialError(server: ApiServer, nodeName: string): string {
  return `dial tcp ${nodeAddress(server, nodeName)}:10250: connect: connection refused`;
}

export function kubeletFor(connector: NodeConnector, nodeName: string): KubeletConnection | undefined {
  return connector.forNode(nodeName);
}

/** non-Status errors from a proxied backend reach kubectl as a 500 without a reason ("Error from server: …") */
export function backendError(message: string): StatusError {
  const e = statusError(500, '', message);
  delete e.status.reason;
  return e;
}
