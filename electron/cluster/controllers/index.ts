// The controller manager: starts every controller with the shared informers.
import type { Client, InformerFactory } from '../client/types';
import type { Catalog } from '../apiserver/catalog';
import type { ApiServer } from '../apiserver/handler';
import type { UserInfo } from '../auth/user';
import type { ClusterConfig } from '../config';
import type { Pki } from '../auth/pki';
import { startCsrSigningController } from './certificates/csr-signing-controller';
import { startTokensController } from './serviceaccount/tokens-controller';
import { startNamespaceController } from './namespace/namespace-controller';
import { startServiceAccountController } from './serviceaccount/serviceaccount-controller';
import { startRootCaPublisher } from './rootca/rootca-controller';
import { startClusterRoleAggregationController } from './clusterroleaggregation/clusterrole-aggregation-controller';
import { startGarbageCollector } from './garbagecollector/garbage-collector';
import { splitApiVersion, type GVR } from '../api/types';
import { startWorkloadControllers } from './workloads';
import { startClusterControllers } from './cluster-controllers';

export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  catalog: Catalog;
  caPem: string;
  /** the cluster CA that signs approved CertificateSigningRequests (the csrsigning controller runs only with it) */
  pki?: Pki;
  api: ApiServer;
  clientFor(user: UserInfo, ua?: string): Client;
  dataDir: string;
  config: ClusterConfig;
}

export function preferredStoredResources(catalog: Catalog, namespacedOnly: boolean): GVR[] {
  const prefs = new Map(catalog.groups().map((g) => [g.name, g.preferred]));
  return catalog.storageEntries()
    .filter((e) => (!namespacedOnly || e.namespaced) && prefs.get(e.group) === e.version)
    .map((e) => ({ group: e.group, version: e.version, resource: e.resource }));
}

export function startCoreControllers(ctx: ControllerContext): { stop(): void } {
  const { client, informers, catalog } = ctx;
  const stops: { stop(): void }[] = [];
  stops.push(startNamespaceController(client, informers, { list: () => preferredStoredResources(catalog, true) }));
  stops.push(startServiceAccountController(client, informers));
  stops.push(startRootCaPublisher(client, informers, ctx.caPem));
  stops.push(startClusterRoleAggregationController(client, informers));
  if (ctx.pki) stops.push(startCsrSigningController(client, informers, ctx.pki), startTokensController(client, informers, ctx.pki));
  stops.push(startGarbageCollector(client, informers, {
    resolve(apiVersion, kind) {
      const { group, version } = splitApiVersion(apiVersion);
      const e = catalog.all().find((x) => x.group === group && x.kind === kind && (x.version === version)) ?? catalog.all().find((x) => x.group === group && x.kind === kind);
      return e ? { gvr: { group: e.group, version: e.version, resource: e.resource }, namespaced: e.namespaced } : undefined;
    },
    resources: () => preferredStoredResources(catalog, false).filter((r) => r.resource !== 'events'),
    onChange: (fn) => catalog.onChange(fn),
  }));
  stops.push(...startWorkloadControllers(ctx), ...startClusterControllers(ctx));
  return { stop: () => { for (const s of stops) s.stop(); } };
}
