// The live reachability matrix behind the Network view: recomputed by the evaluator when a policy, pod or namespace
// changes (coalesced so a burst of writes sends one matrix); a clicked cell's reasons; a draft policy's preview.
import { parseAllDocuments } from 'yaml';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import { explainCell, previewMatrix, reachabilityMatrix, type Cluster } from '../cluster';
import { UI_USER } from './cluster-view';
import { applyYaml } from './yaml-apply';
import type { NetworkCellExplanation, NetworkCellQuery, NetworkMatrixQuery, NetworkMatrixView, NetworkPreview, NetworkPreviewQuery } from './ipc-contract';

function parseQuery(q: NetworkMatrixQuery) {
  const port = Number(q?.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port must be between 1 and 65535, inclusive (got ${String(q?.port)})`);
  const protocol = q.protocol ?? 'TCP';
  if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) throw new Error(`protocol must be one of TCP, UDP, SCTP (got ${String(protocol)})`);
  const namespaces = Array.isArray(q.namespaces) ? q.namespaces.map(String) : undefined;
  return { port, protocol, namespaces };
}

export function networkMatrix(cluster: Cluster, q: NetworkMatrixQuery): NetworkMatrixView {
  return reachabilityMatrix(cluster.networkPolicy, parseQuery(q));
}

export function networkExplain(cluster: Cluster, q: NetworkCellQuery): NetworkCellExplanation {
  const { port, protocol } = parseQuery(q);
  return explainCell(cluster.networkPolicy, String(q.from), String(q.to), port, protocol);
}

/** the server validates the draft (dry run, nothing stored); only a draft it accepts gets a matrix */
export async function networkPreview(cluster: Cluster, q: NetworkPreviewQuery): Promise<NetworkPreview> {
  const opts = parseQuery(q);
  const text = String(q.yaml ?? '');
  const docs = parseAllDocuments(text).filter((d) => 'contents' in d && d.contents);
  const first = docs.length === 1 && !('errors' in docs[0] && docs[0].errors.length) ? (docs[0].toJS() as NetworkPolicy | null) : undefined;
  if (first && (first.kind !== 'NetworkPolicy' || first.apiVersion !== 'networking.k8s.io/v1'))
    throw new Error(`a draft must be one NetworkPolicy (apiVersion networking.k8s.io/v1), not ${String(first.kind)} ${String(first.apiVersion)}`);
  if (docs.length !== 1) throw new Error(`a draft must be one NetworkPolicy, not ${docs.length} documents`);
  const result = await applyYaml(cluster.client(UI_USER, 'kubelab-ui'), cluster.catalog, text, true);
  if (!result.ok || !first) return { result };
  const draft = { ...first, metadata: { ...first.metadata, namespace: first.metadata?.namespace ?? 'default' } };
  return { result, matrix: previewMatrix(cluster.networkPolicy, draft, opts) };
}

/** sends the matrix for `q` after every change of what it depends on; returns the unsubscribe */
export function watchNetworkMatrix(cluster: Cluster, q: NetworkMatrixQuery, send: (m: NetworkMatrixView) => void, coalesceMs = 20): () => void {
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
