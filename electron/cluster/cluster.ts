// Wires the control plane and the nodes together: store → API server (HTTPS + in-process) → controllers,
// scheduler and kubelets, all of them API clients. Used by `kubelab start`, the Electron app and the web mode.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from './store';
import type { Store } from './store/types';
import { ensurePki, type Pki } from './auth/pki';
import { createAuthenticator } from './auth/authenticator';
import { createClusterAuthorization } from './auth/cluster-authorization';
import { reconcileBootstrapPolicy } from './auth/rbac/reconcile';
import { loadPodSecurityConfig } from './admission/pod-security/config';
import type { UserInfo } from './auth/user';
import { Watchdog } from './watchdog/watchdog';
import { Catalog } from './apiserver/catalog';
import { Registry } from './apiserver/registry';
import { ApiServer } from './apiserver/handler';
import { startHttpServer, type RunningHttpServer } from './apiserver/http';
import { createSchemaService } from './apiserver/schema-service-impl';
import { registerBuiltinHandlers } from './apiserver/builtin-handlers';
import { builtinKinds } from './api/kinds';
import { admissionPlugins, registryQuotaWriter } from './admission';
import { serviceAccountTokenAuthenticator } from './auth/serviceaccount-token';
import { loadTokenFile } from './auth/token-file';
import { NodeConnector } from './kubelet/connector';
import { createScheduler } from './scheduler';
import { registerMetricsApi } from './apiserver/handlers/metrics';
import { createInProcessClient } from './client/inprocess';
import { createInformerFactory } from './client/informer';
import type { Client, InformerFactory } from './client/types';
import type { AdmissionLookup } from './admission/types';
import type { GVR, KObject } from './api/types';
import { bootstrapCluster } from './bootstrap';
import { startLocalApiServiceRegistration } from './apiserver/local-apiservices';
import { writeKubeconfig } from './kubeconfig';
import { ensureControllerServiceAccounts, startControllerManager } from './controllers/controller-manager';
import { CONTROLLER_SERVICE_ACCOUNTS } from './auth/rbac/controller-policy';
import { ensureStorageObjects, startCsiDriver } from './csi';
import { storageScheduling } from './storage/scheduling';
import { startNodes, type NodeSet } from './kubelet/nodes';
import { loadClusterConfig, type ClusterConfig } from './config';
import { ComponentLog } from './kubelet/static-pods/component-log';
import { apiserverRequestObserver, componentRequestObserver, observedApiServer } from './kubelet/static-pods/observe-requests';
import { AuditLog } from './apiserver/audit/log';
import { auditedApiServer } from './apiserver/audit/audited-api';
import { selectRuntimes } from './runtime/select';
import type { DockerDaemonStatus } from './runtime/docker';
import { startDockerServiceProxy } from './runtime/docker/service-proxy';
import { startNetworkPolicyAgent } from './network/policy/informer-filter';
import type { PolicyEngine } from './network/policy/engine';
import { Snapshots } from './snapshot/snapshots';
import { snapshotsHandler } from './apiserver/handlers/snapshots';
import { EtcdMember } from './kubelet/static-pods/etcd-member';
import { etcdGatedApiServer } from './kubelet/static-pods/etcd-gate';

export interface ClusterOptions {
  dataDir: string;
  /** 0 picks a free port; undefined tries 6443 and falls back to a free one */
  port?: number;
  nodes?: number;
  runtime?: 'sim' | 'docker';
  configFile?: string;
  /** the kubectl binary that pods of kubectl images (bitnami/kubectl) run with their in-cluster config; default: kubectl on PATH */
  kubectlBinary?: string;
  log?: (line: string) => void;
  /** debug-level lines (the watchdog's heap and lag samples); default: `log` when KUBELAB_DEBUG is set */
  debug?: (line: string) => void;
}

export interface Cluster {
  dataDir: string;
  port: number;
  server: string;
  kubeconfigPath: string;
  pki: Pki;
  api: ApiServer;
  store: Store;
  catalog: Catalog;
  config: ClusterConfig;
  nodes: NodeSet;
  /** the Docker daemon check, when a node asked for the Docker runtime (Settings shows it) */
  docker?: DockerDaemonStatus;
  connector: NodeConnector;
  /** a client acting as the given identity through the full handler chain */
  client(user: UserInfo, userAgent?: string): Client;
  /** the shared informers of the controller manager */
  informers: InformerFactory;
  /** NetworkPolicy as the data path enforces it (the reachability matrix asks it too) */
  networkPolicy: PolicyEngine;
  /** named snapshots of the cluster's objects and node power (also served at /kubelab/snapshots) */
  snapshots: Snapshots;
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.log ?? (() => undefined);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const config = loadClusterConfig(opts.dataDir, { nodes: opts.nodes, runtime: opts.runtime, configFile: opts.configFile });

  const [pki, store] = await Promise.all([ensurePki(join(opts.dataDir, 'pki')), Promise.resolve(openStore({ path: join(opts.dataDir, 'store.db') }))]);

  const catalog = new Catalog(builtinKinds());
  const lookup: AdmissionLookup = {
    get(gvr: GVR, ns: string | undefined, name: string): KObject | undefined {
      const e = catalog.get(gvr.group, gvr.version, gvr.resource);
      return e ? registry.getShared(e, ns, name) : undefined;
    },
    list(gvr: GVR, ns?: string): KObject[] {
      const e = catalog.get(gvr.group, gvr.version, gvr.resource);
      return e ? registry.list(e, ns, {}).items : [];
    },
  };
  const authz = createClusterAuthorization(lookup);
  const authorizer = authz.authorizer;
  const registry: Registry = new Registry(
    store,
    admissionPlugins({
      quotaWriter: registryQuotaWriter(() => registry, catalog),
      podSecurity: loadPodSecurityConfig(opts.dataDir),
      rbac: { authorizer: () => authorizer, resolver: () => authz.resolver },
      resolveKind: (apiVersion, kind) => {
        const e = catalog.forKind(apiVersion, kind);
        return e ? { gvr: { group: e.group, version: e.version, resource: e.resource }, namespaced: e.namespaced } : undefined;
      },
      // the API server reaches webhook Services through the control-plane node's pod network, once the nodes run
      webhooks: { dial: (ip, port) => connector.dialPod(ip, port), log },
    }),
    lookup,
  );
  const rbacWatch = authz.start(registry, catalog);
  const connector = new NodeConnector();
  let ready = false;
  let address = '127.0.0.1:0';
  const schemas = createSchemaService(catalog);
  const watchdog = new Watchdog({ log, debug: opts.debug ?? (process.env.KUBELAB_DEBUG ? log : undefined) });
  const healthChecks = [{ name: 'event-loop', problem: () => watchdog.problem() }];
  const api = new ApiServer({ catalog, registry, authorizer, schemas, address: () => address, ready: () => ready, healthChecks: () => healthChecks });
  const tokenFile = loadTokenFile(join(opts.dataDir, 'pki', 'tokens.csv'));
  const authenticator = createAuthenticator({
    tokens: [...(tokenFile ? [tokenFile] : []), serviceAccountTokenAuthenticator(pki, lookup)],
    authorizer: () => authorizer,
  });
  registerBuiltinHandlers(api, { pki, registry, catalog, authenticator, connector, address: () => address });
  // what the control plane's static pods print (their `kubectl logs`): requests over HTTPS, and the components' own
  const componentLog = new ComponentLog();
  // the audit log of kube-apiserver on the control-plane node: every request, from kubectl and the components alike
  const controlPlaneNode = config.nodes.find((n) => n.role === 'control-plane');
  const audit = controlPlaneNode ? new AuditLog(join(opts.dataDir, 'nodes', controlPlaneNode.name, 'host'), log) : undefined;
  const auditedApi = audit ? auditedApiServer(api, audit) : api;
  // snapshots power nodes off and on: the getter is called only on a restore, once the nodes (below) run
  const snapshots = new Snapshots(opts.dataDir, store, registry, catalog, () => nodes);
  // kubeadm's stacked etcd on the control-plane node: while its static pod is down, kubectl finds no API to talk to
  const etcdMember = controlPlaneNode
    ? new EtcdMember({
        hostRoot: join(opts.dataDir, 'nodes', controlPlaneNode.name, 'host'),
        stateFile: join(opts.dataDir, 'nodes', controlPlaneNode.name, 'etcd-data-dir'),
        store,
        replaceKeys: (kvs) => snapshots.replaceKeys(kvs),
        log,
      })
    : undefined;
  const httpsApi = etcdGatedApiServer(
    observedApiServer(auditedApi, apiserverRequestObserver(componentLog), log),
    () => etcdMember?.serving ?? true,
    controlPlaneNode?.name ?? '',
  );
  const componentApi = observedApiServer(auditedApi, componentRequestObserver(componentLog), log);

  let http: RunningHttpServer;
  const listen = (port: number) =>
    startHttpServer({
      host: '127.0.0.1',
      port,
      cert: pki.server.certPem + pki.ca.certPem,
      key: pki.server.keyPem,
      ca: pki.ca.certPem,
      api: httpsApi,
      authenticator,
    });
  if (opts.port === undefined) {
    try {
      http = await listen(6443);
    } catch {
      http = await listen(0);
    }
  } else {
    http = await listen(opts.port);
  }
  address = `127.0.0.1:${http.port}`;
  const server = `https://127.0.0.1:${http.port}`;

  const clients = new Map<string, Client>();
  const client = (user: UserInfo, ua?: string) => {
    const k = `${user.name}|${user.groups.join(',')}|${ua ?? ''}`;
    let c = clients.get(k);
    if (!c) {
      c = createInProcessClient(
        componentApi,
        { ...user, groups: user.groups.includes('system:authenticated') ? user.groups : [...user.groups, 'system:authenticated'] },
        ua,
      );
      clients.set(k, c);
    }
    return c;
  };
  // the controller manager's own identity: its bootstrap ClusterRole lets it list and watch everything (the shared
  // informers) and create the controllers' ServiceAccounts; each controller then acts as its own ServiceAccount
  const controllerClient = client({ name: 'system:kube-controller-manager', groups: [] }, 'kube-controller-manager');
  const apiserverClient = client({ name: 'system:apiserver', groups: ['system:masters'] }, 'kube-apiserver');
  await bootstrapCluster(apiserverClient, { apiPort: http.port });
  await startLocalApiServiceRegistration(apiserverClient, catalog);
  await reconcileBootstrapPolicy(apiserverClient);
  await ensureStorageObjects(apiserverClient);

  const informers = createInformerFactory(controllerClient);
  await ensureControllerServiceAccounts(controllerClient, CONTROLLER_SERVICE_ACCOUNTS);
  const controllers = startControllerManager({
    client: controllerClient,
    clientFor: (sa) =>
      client(
        {
          name: `system:serviceaccount:kube-system:${sa}`,
          // the snapshot controller is an add-on whose own RBAC is not modelled: it keeps a privileged identity
          groups: [...(sa === 'snapshot-controller' ? ['system:masters'] : []), 'system:serviceaccounts', 'system:serviceaccounts:kube-system'],
        },
        `kube-controller-manager/${sa}`,
      ),
    informers,
    catalog,
    caPem: pki.ca.certPem,
    pki,
  });
  informers.start();
  // the scheduler acts as upstream's system:kube-scheduler: its bootstrap ClusterRole is all it may do
  const schedulerClient = client({ name: 'system:kube-scheduler', groups: [] }, 'kube-scheduler');
  // the scheduler shares the controllers' informers (one decoded copy of every pod event instead of two); it writes
  // through its own client, so bindings and events still name kube-scheduler
  const volumeBinding = storageScheduling(schedulerClient, informers);
  const scheduler = createScheduler({ client: schedulerClient, informers, volumeBinding, onError: (e) => log(`scheduler: ${e.message}`) });
  volumeBinding.onChange((ev) => scheduler.requeue(ev));
  await scheduler.start();

  // the CSI driver's pods (controller sidecars and node plugin) run as one privileged identity, as a hostpath driver's
  // ServiceAccount with its RBAC would
  const csi = await startCsiDriver(
    client(
      {
        name: 'system:serviceaccount:kube-system:csi-hostpathplugin-sa',
        groups: ['system:masters', 'system:serviceaccounts', 'system:serviceaccounts:kube-system'],
      },
      'csi-hostpathplugin',
    ),
    opts.dataDir,
    log,
  );
  const runtimes = await selectRuntimes(opts.dataDir, config, log);
  const policyAgent = startNetworkPolicyAgent(informers);
  await policyAgent.synced();
  const nodes = await startNodes({
    dataDir: opts.dataDir,
    config,
    clientFor: client,
    // a pod's ServiceAccount token authenticates as it does over HTTPS (ingress-nginx's in-cluster client)
    clientForToken: (token, ua) => {
      const user = authenticator.authenticate({ authorization: `Bearer ${token}` });
      return user && user.name !== 'system:anonymous' ? client(user, ua) : undefined;
    },
    api,
    log,
    connector,
    pki,
    createRuntime: runtimes.createRuntime,
    kubectlBinary: opts.kubectlBinary,
    mounters: csi.mounters,
    controlPlane: { log: componentLog, apiPort: http.port, serveApi: (sock) => http.accept(sock), store, member: etcdMember },
    packetFilter: policyAgent.engine,
    externalPods: runtimes.backend?.podAddresses,
  });
  await csi.registerNodes(nodes.names());
  // Docker pods reach Services, cluster DNS and the API server through the host (see runtime/docker/service-proxy)
  const serviceProxy =
    runtimes.backend && nodes.clusterNetwork ? await startDockerServiceProxy(runtimes.backend, nodes.clusterNetwork.network, log) : undefined;
  registerMetricsApi(api, nodes);
  api.registerPath('/kubelab/snapshots', snapshotsHandler(snapshots));
  api.registerPath('/kubelab/snapshots/*', snapshotsHandler(snapshots));

  const kubeconfigPath = join(opts.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, {
    server,
    caPem: pki.ca.certPem,
    certPem: pki.admin.certPem,
    keyPem: pki.admin.keyPem,
    context: 'kubelab',
    user: 'kubelab-admin',
  });
  // the service-account key (RSA keygen in the thread pool, begun with the PKI; whatever needs it before waits for it)
  await pki.serviceAccountReady;
  ready = true;
  log(`API server listening on ${server}`);

  let stopping: Promise<void> | undefined;
  return {
    dataDir: opts.dataDir,
    port: http.port,
    server,
    kubeconfigPath,
    pki,
    api,
    store,
    catalog,
    config,
    nodes,
    connector,
    client,
    informers,
    snapshots,
    docker: runtimes.docker,
    networkPolicy: policyAgent.engine,
    stop() {
      stopping ??= (async () => {
        ready = false;
        scheduler.stop();
        await serviceProxy?.stop();
        await nodes.shutdown();
        csi.stop();
        await runtimes.backend?.releaseNetwork();
        controllers.stop();
        informers.stop();
        rbacWatch.stop();
        await http.close();
        watchdog.stop();
        store.close();
      })();
      return stopping;
    },
  };
}
