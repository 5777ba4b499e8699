// The live reachability matrix behind the Network view: recomputed from the cluster's NetworkPolicy engine when
// a policy, pod or namespace changes, coalesced so a burst of writes sends one matrix.
import { reachabilityMatrix, type Cluster } from '../cluster';
import type { NetworkMatrixQuery, NetworkMatrixView } from './ipc-contract';

export function networkMatrix(cluster: Cluster, q: NetworkMatrixQuery): NetworkMatrixView {
  const port = Number(q?.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port must be between 1 and 65535, inclusive (got ${String(q?.port)})`);
  const protocol = q.protocol ?? 'TCP';
  if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) throw new Error(`protocol must be one of TCP, UDP, SCTP (got ${String(protocol)})`);
  const namespaces = Array.isArray(q.namespaces) ? q.namespaces.map(String) : undefined;
  return reachabilityMatrix(cluster.networkPolicy, { port, protocol, namespaces });
}

/** sends the matrix for `q` after every change of what it depends on; returns the unsubscribe */
export function watchNetworkMatrix(cluster: Cluster, q: NetworkMatrixQuery, send: (m: NetworkMatrixView) => void, coalesceMs = 100): () => void {
  networkMatrix(cluster, q); // a bad query fails the watch call itself, not a later timer
  let timer: NodeJS.Timeout | undefined;
  const off = cluster.networkPolicy.onChange(() => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      send(networkMatrix(cluster, q));
    }, coalesceMs);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
