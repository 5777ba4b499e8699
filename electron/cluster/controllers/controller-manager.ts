// The controller manager: one table of controllers, each started with the shared informers. A new controller
// registers here with its upstream name (kube-controller-manager's --controllers names them the same way).
import type { Client, InformerFactory } from '../client/types';
import type { Catalog, ResourceEntry } from '../apiserver/catalog';
import type { GVR } from '../api/types';
import { startNamespaceController } from './namespace/namespace-controller';
import { startServiceAccountController } from './serviceaccount/serviceaccount-controller';
import { startRootCaPublisher } from './rootca/rootca-controller';
import { startGarbageCollector } from './garbagecollector/garbage-collector';
import { startReplicaSetController } from './replicaset/replicaset-controller';
import { startDeploymentController } from './deployment/deployment-controller';
import { startStatefulSetController } from './statefulset/statefulset-controller';
import { startDaemonSetController } from './daemonset/daemonset-controller';
import { startJobController } from './job/job-controller';
import { startCronJobController } from './cronjob/cronjob-controller';
import { startTtlAfterFinishedController } from './ttlafterfinished/ttl-after-finished-controller';
import { startNodeLifecycleController } from './nodelifecycle/node-lifecycle-controller';
import { startTaintEvictionController } from './nodelifecycle/taint-eviction-controller';
import { startDisruptionController } from './disruption/disruption-controller';
import { startEndpointsController } from './endpoints/endpoints-controller';
import { startEndpointSliceController } from './endpoints/endpointslice-controller';
import { startResourceQuotaController } from './resourcequota/resourcequota-controller';
import { startHpaController } from './hpa/hpa-controller';
import { startPodGcController } from './podgc/podgc-controller';
import { startClusterRoleAggregationController } from './clusterroleaggregation/clusterrole-aggregation-controller';
import { startCsrSigningController } from './certificates/csr-signing-controller';
import { startTokensController } from './serviceaccount/tokens-controller';
import { startPersistentVolumeController } from './volume/pv-controller';
import { startPvcProtectionController } from './volume/pvc-protection-controller';
import { startPvProtectionController } from './volume/pv-protection-controller';
import { startAttachDetachController } from './volume/attach-detach-controller';
import { startEphemeralVolumeController } from './volume/ephemeral-volume-controller';
import { startSnapshotController } from '../snapshot/snapshot-controller';
import type { Pki } from '../auth/pki';
import { R } from '../client/resources';
import { isStatus } from '../client/errors';

/** what a controller may use: its API client, the shared informers, the served resources and the cluster CA */
export interface ControllerContext {
  /** the controller manager's own identity (system:kube-controller-manager): the shared informers and the token controller use it */
  client: Client;
  /**
   * the client acting as kube-system/<serviceAccount>, as --use-service-account-credentials gives each controller its
   * own ServiceAccount; without it every controller uses `client`
   */
  clientFor?: (serviceAccount: string) => Client;
  informers: InformerFactory;
  catalog: Catalog;
  caPem: string;
  /** the cluster CA that signs approved CertificateSigningRequests and legacy token Secrets (those controllers run only with it) */
  pki?: Pki;
}

export interface ControllerDescriptor {
  name: string;
  /** the ServiceAccount in kube-system whose system:controller:<name> ClusterRole grants what it does; none: the manager's identity */
  serviceAccount?: string;
  start(ctx: ControllerContext): { stop(): void };
}

const gvrOf = (e: ResourceEntry): GVR => ({ group: e.group, version: e.version, resource: e.resource });

/** stored resources in their group's preferred version (what GC and namespace cleanup walk) */
function preferredStoredResources(catalog: Catalog, namespacedOnly: boolean): GVR[] {
  const prefs = new Map(catalog.groups().map((g) => [g.name, g.preferred]));
  return catalog
    .storageEntries()
    .filter((e) => (!namespacedOnly || e.namespaced) && prefs.get(e.group) === e.version)
    .map(gvrOf);
}

/** a controller that needs only its client and the shared informers */
const plain = (
  name: string,
  serviceAccount: string | undefined,
  start: (client: Client, informers: InformerFactory) => { stop(): void },
): ControllerDescriptor => ({
  name,
  serviceAccount,
  start: ({ client, informers }) => start(client, informers),
});

/** in start order; informers register their handlers in this order too */
export const CONTROLLERS: readonly ControllerDescriptor[] = [
  {
    name: 'namespace-controller',
    serviceAccount: 'namespace-controller',
    start: ({ client, informers, catalog }) => startNamespaceController(client, informers, { list: () => preferredStoredResources(catalog, true) }),
  },
  plain('serviceaccount-controller', 'service-account-controller', startServiceAccountController),
  {
    name: 'root-ca-certificate-publisher-controller',
    serviceAccount: 'root-ca-cert-publisher',
    start: ({ client, informers, caPem }) => startRootCaPublisher(client, informers, caPem),
  },
  plain('clusterrole-aggregation-controller', 'clusterrole-aggregation-controller', startClusterRoleAggregationController),
  {
    name: 'certificatesigningrequest-signing-controller',
    serviceAccount: 'certificate-controller',
    start: ({ client, informers, pki }) => (pki ? startCsrSigningController(client, informers, pki) : { stop() {} }),
  },
  { name: 'serviceaccount-token-controller', start: ({ client, informers, pki }) => (pki ? startTokensController(client, informers, pki) : { stop() {} }) },
  {
    name: 'garbage-collector-controller',
    serviceAccount: 'generic-garbage-collector',
    start: ({ client, informers, catalog }) =>
      startGarbageCollector(client, informers, {
        resolve(apiVersion, kind) {
          const e = catalog.forKind(apiVersion, kind);
          return e ? { gvr: gvrOf(e), namespaced: e.namespaced } : undefined;
        },
        resources: () => preferredStoredResources(catalog, false).filter((r) => r.resource !== 'events'),
        onChange: (fn) => catalog.onChange(fn),
      }),
  },
  plain('replicaset-controller', 'replicaset-controller', startReplicaSetController),
  plain('deployment-controller', 'deployment-controller', startDeploymentController),
  plain('statefulset-controller', 'statefulset-controller', startStatefulSetController),
  plain('daemonset-controller', 'daemon-set-controller', startDaemonSetController),
  plain('job-controller', 'job-controller', startJobController),
  plain('cronjob-controller', 'cronjob-controller', startCronJobController),
  plain('ttl-after-finished-controller', 'ttl-after-finished-controller', startTtlAfterFinishedController),
  plain('node-lifecycle-controller', 'node-controller', startNodeLifecycleController),
  plain('taint-eviction-controller', 'node-controller', startTaintEvictionController),
  plain('disruption-controller', 'disruption-controller', startDisruptionController),
  plain('endpoints-controller', 'endpoint-controller', startEndpointsController),
  plain('endpointslice-controller', 'endpointslice-controller', startEndpointSliceController),
  {
    name: 'resourcequota-controller',
    serviceAccount: 'resourcequota-controller',
    start: ({ client, informers, catalog }) =>
      startResourceQuotaController(client, informers, {
        resolve(resourceDotGroup) {
          const i = resourceDotGroup.indexOf('.');
          const e = i < 0 ? catalog.preferred('', resourceDotGroup) : catalog.preferred(resourceDotGroup.slice(i + 1), resourceDotGroup.slice(0, i));
          return e ? gvrOf(e) : undefined;
        },
      }),
  },
  {
    name: 'horizontal-pod-autoscaler-controller',
    serviceAccount: 'horizontal-pod-autoscaler',
    start: ({ client, informers, catalog }) =>
      startHpaController(client, informers, {
        resolve(apiVersion, kind) {
          const e = catalog.forKind(apiVersion, kind);
          return e ? gvrOf(e) : undefined;
        },
      }),
  },
  plain('pod-garbage-collector-controller', 'pod-garbage-collector', startPodGcController),
  plain('persistentvolume-binder-controller', 'persistent-volume-binder', startPersistentVolumeController),
  plain('persistentvolume-protection-controller', 'pv-protection-controller', startPvProtectionController),
  plain('persistentvolumeclaim-protection-controller', 'pvc-protection-controller', startPvcProtectionController),
  plain('persistentvolume-attach-detach-controller', 'attachdetach-controller', startAttachDetachController),
  plain('ephemeral-volume-controller', 'ephemeral-volume-controller', startEphemeralVolumeController),
  // not part of kube-controller-manager upstream (its own deployment, with the snapshot CRDs, acting as its own
  // ServiceAccount), started here alike
  plain('snapshot-controller', 'snapshot-controller', startSnapshotController),
];

/**
 * creates the controllers' ServiceAccounts in kube-system with the manager's own identity, as kube-controller-manager's
 * service-account client builder does before it hands a controller its credentials
 */
export async function ensureControllerServiceAccounts(client: Client, names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await client.create(R.serviceaccounts, 'kube-system', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'kube-system' } });
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
  }
}

/** starts every controller of the table; stop() stops them all */
export function startControllerManager(ctx: ControllerContext, controllers: readonly ControllerDescriptor[] = CONTROLLERS): { stop(): void } {
  const running = controllers.map((c) => c.start({ ...ctx, client: c.serviceAccount && ctx.clientFor ? ctx.clientFor(c.serviceAccount) : ctx.client }));
  return {
    stop: () => {
      for (const r of running) r.stop();
    },
  };
}
