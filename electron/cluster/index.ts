// The cluster's public surface: what the desktop app, the CLI, the web mode and the lab engine may use. Everything
// else under cluster/ is internal to the control plane (eslint's no-restricted-imports keeps it that way), and the
// control plane imports nothing from them or from Electron: it runs headless (`kubelab start`) as well.
export { startCluster, type Cluster, type ClusterOptions } from './cluster';
export { parseClusterConfigFile } from './config';
export type { Catalog } from './apiserver/catalog';
export type { Client, Informer, InformerFactory } from './client/types';
export { createInformerFactory } from './client/informer';
export { R } from './client/resources';
export { SNAPSHOT_R } from './snapshot/crds';
export type { KObject } from './api/types';
export { StatusError } from './api/errors';
export { openStore, formatKeyValue } from './store';
export { deleteRuntimeResources } from './runtime/select';
export { checkDockerDaemon, type DockerDaemonStatus } from './runtime/docker';
export { KUBE_VERSION } from './apiserver/version';
export { compareQuantities, isQuantity } from './api/quantity';
export { KUBELET_VERSION } from './kubelet/node-object';
export { nodeGraceFromEnv } from './controllers/nodelifecycle/node-lifecycle-controller';
export { bestEffort, bestEffortSync, bestEffortWith, type LogLine } from './best-effort';
export {
  reachabilityMatrix,
  previewMatrix,
  explainCell,
  formatMatrix,
  type ReachabilityMatrix,
  type MatrixOptions,
  type CellExplanation,
} from './network/policy/matrix';
export type { Snapshots, SnapshotInfo, RestoreResult } from './snapshot/snapshots';
export { testConnection, type ConnectionTestResult, type ConnectionTestQuery } from './network/connection-test';
