// The simulated nodes of a cluster: per node a runtime, a kubelet (pods, status, events, probes) and the
// heartbeat (Node status + Lease); power on/off through the API (annotation kubelab.io/power) or directly.
import type { Duplex } from 'node:stream';
import * as path from 'node:path';
import type { Client, Informer } from '../client/types';
import { R } from '../client/resources';
import { createInformerFactory } from '../client/informer';
import { memoryVolumeRoot, nodeMemoryDir, removeMemoryVolumeRoots } from './memory-dir';
import type { KObject } from '../api/types';
import type { UserInfo } from '../auth/user';
import type { ApiServer } from '../apiserver/handler';
import { nodeRuntime, type ClusterConfig } from '../config';
import { ensureEtcdPki, signedBy, writeNodeServiceAccountKeys, type Pki } from '../auth/pki';
import type { Store } from '../store/types';
import type { EtcdBackend } from '../store/etcdctl/etcdctl';
import type { ContainerRuntime } from '../runtime/interface';
import { createSimRuntime, type SimNetwork } from '../runtime/sim';
import type { DnsExchange } from '../runtime/sim/network';
import { createClusterNetwork, type ClusterNetworkComponent, type ExternalPods } from '../network';
import type { Resolver } from '../network/cluster-network';
import type { NodePrograms } from '../runtime/sim/programs';
import type { HostRoot } from '../runtime/sim/host-root';
import { NodeShell } from './node-view/shell';
import { NodeHeartbeat } from './node-status';
import { KUBELET_VERSION, nodeInternalIP, nodePodCIDR } from './node-object';
import type { NodeConnector } from './connector';
import { Kubelet, type SharedCaches } from './kubelet';
import { kubeletConnection } from './kubelet-connection';
import { collectNodeMetrics, collectPodMetrics, registerKubelet, type NodeMetricsSample, type PodMetricsSample } from './metrics';
import { defaultSettings, type KubeletSettings } from './settings';
import type { VolumeMounter } from './volumes';
import type { ComponentLog } from './static-pods/component-log';
import { controlPlaneManifests, ETCD_VERSION } from './static-pods/manifests';
import { writeKubeadmManifests } from './static-pods/kubeadm-files';
import type { EtcdMember } from './static-pods/etcd-member';
import { controlPlanePrograms } from './static-pods/programs';
import { podKubectlPrograms } from '../runtime/sim/programs/kubectl';
import { CLUSTER_CIDR, SERVICE_CIDR } from '../network/addresses';
import type { PacketFilter } from '../network/packet-filter';
import { ClusterDns } from '../network/dns/cluster-dns';
import { dnsPrograms } from '../network/dns/program';
import { kubeProxyPrograms } from '../network/kube-proxy/program';
import { ingressNginxPrograms, type TokenClient } from '../network/ingress/program';
import { webAppOperatorPrograms } from '../operators/webapp/program';
import { bestEffort } from '../best-effort';

/** annotation on a Node that powers it off/on ("off" | "on"), set by `kubelab node stop|start` and the UI */
export const POWER_ANNOTATION = 'kubelab.io/power';

export interface NodeSet {
  names(): string[];
  isRunning(name: string): boolean;
  powerOff(name: string): Promise<void>;
  powerOn(name: string): Promise<void>;
  shutdown(): Promise<void>;
  /** the node's kubelet and runtime (UI, crictl-style views, tests) */
  kubelet(name: string): Kubelet;
  runtime(name: string): ContainerRuntime;
  /** the pod network shared by all nodes */
  network: SimNetwork;
  /** the cluster network component (kube-proxy, CNI records, host NodePorts, node views) unless a test network was given */
  clusterNetwork?: ClusterNetworkComponent;
  /** cluster DNS: the CoreDNS instances the coredns pods run and the resolver pods use */
  dns: ClusterDns;
  /** storage plugs PVC/CSI mounters in here (keyed by volume source type, e.g. "persistentVolumeClaim") */
  mounters: Map<string, VolumeMounter>;
  podMetrics(): Promise<PodMetricsSample[]>;
  nodeMetrics(): Promise<NodeMetricsSample[]>;
}

export interface NodeStartContext {
  dataDir: string;
  config: ClusterConfig;
  clientFor(user: UserInfo, ua?: string): Client;
  /** a client for a bearer token, as a pod's in-cluster config gives one (add-ons that call the API: ingress-nginx) */
  clientForToken?: TokenClient;
  api: ApiServer;
  log(line: string): void;
  connector: NodeConnector;
  pki: Pki;
  /** a network for tests; default: the cluster network component (network/) shared by the nodes */
  network?: SimNetwork;
  /** cluster DNS for the cluster network (the DNS component provides it) */
  resolve?: Resolver;
  /** the kubectl binary that kubectl images run for their pods (default: kubectl on PATH) */
  kubectlBinary?: string;
  /** publish NodePorts on 127.0.0.1 (default true) */
  publishNodePorts?: boolean;
  /** NetworkPolicy enforcement, handed to the cluster network's data path */
  packetFilter?: PacketFilter;
  /** the pod addresses the Docker runtime holds: the cluster network dials them over real TCP */
  externalPods?: ExternalPods;
  /** runtime per node; default: the simulator (`runtime` is the node's choice from the topology) */
  createRuntime?(node: {
    name: string;
    nodeDir: string;
    handlers?: string[];
    network: SimNetwork;
    runtime: 'sim' | 'docker';
    programs?: NodePrograms;
    hostRoot?: HostRoot;
  }): ContainerRuntime;
  /** volume mounters supplied by storage (also reachable later as NodeSet.mounters) */
  mounters?: Map<string, VolumeMounter>;
  settings?: Partial<KubeletSettings>;
  /**
   * the in-process control plane, shown on control-plane nodes as kubeadm's static pods (etcd, kube-apiserver,
   * kube-controller-manager, kube-scheduler) whose logs are the components' own; only with the simulator runtime
   */
  /** serveApi: hands a pod's connection to the API server's secure port to the real HTTPS server; store: etcd's, for etcdctl */
  /** member: the etcd member the etcd static pod runs (which data dir the store serves) */
  controlPlane?: { log: ComponentLog; apiPort: number; serveApi?: (sock: Duplex) => void; store: Store; member?: EtcdMember };
}

interface NodeParts {
  hb: NodeHeartbeat;
  kubelet: Kubelet;
  runtime: ContainerRuntime;
  unregister: () => void;
}

export async function startNodes(ctx: NodeStartContext): Promise<NodeSet> {
  const hasWorkers = ctx.config.nodes.some((n) => n.role === 'worker');
  const settings = { ...defaultSettings(), ...(ctx.settings ?? {}) };
  const mounters = ctx.mounters ?? new Map<string, VolumeMounter>();
  const parts = new Map<string, NodeParts>();

  // one watch per resource for all kubelets of this process (the real ones each watch what their pods reference)
  // the nodes' shared informers and the app's power switch: a privileged identity outside system:nodes, so
  // NodeRestriction (which confines each kubelet to its own Node) does not apply to it
  const sharedClient = ctx.clientFor({ name: 'system:node:kubelab-shared', groups: ['system:masters'] }, `kubelet/${KUBELET_VERSION}`);
  // kubeadm's admin credentials: they label the Nodes with what a kubelet may not set on itself (node-role.kubernetes.io/*)
  const kubeadmClient = ctx.clientFor({ name: 'kubernetes-admin', groups: ['system:masters'] }, `kubeadm/${KUBELET_VERSION}`);
  const informers = createInformerFactory(sharedClient);
  const cms = informers.informer(R.configmaps);
  const secrets = informers.informer(R.secrets);
  const services = informers.informer(R.services);
  const rcs = informers.informer(R.runtimeclasses);
  const nodes: Informer = informers.informer(R.nodes);
  const endpointSlices = informers.informer(R.endpointslices);
  const namespaces = informers.informer(R.namespaces);
  const dns = new ClusterDns({ services, endpointSlices, namespaces }, sharedClient);
  const dnsResolve: Resolver = (name, from) =>
    dns.resolve(name, {
      podIP: from.podIP ?? '',
      namespace: from.namespace,
      searches: from.searches,
      nameservers: from.nameservers ?? [],
      options: from.options ?? [],
    });
  const dnsExchange: DnsExchange = (fromIP, server, q) => dns.exchange(fromIP, server, q);
  const built = ctx.network
    ? undefined
    : createClusterNetwork({
        client: ctx.clientFor({ name: 'system:kube-proxy', groups: ['system:masters'] }, `kube-proxy/${KUBELET_VERSION}`),
        informers,
        resolve: ctx.resolve ?? dnsResolve,
        dnsExchange,
        kubeProxyMode: ctx.config.kubeProxyMode,
        publishNodePorts: ctx.publishNodePorts ?? true,
        externalPods: ctx.externalPods,
        log: ctx.log,
        // hostPath volumes see <nodeDir>/host (kubelet/volumes.ts)
        nodeHosts: ctx.config.nodes.map((n, i) => ({ name: n.name, podCIDR: nodePodCIDR(i), hostDir: path.join(ctx.dataDir, 'nodes', n.name, 'host') })),
      });
  const network: SimNetwork = ctx.network ?? built!.component.network;
  // the API server runs on the first (control-plane) node and reaches pod IPs from its address
  ctx.connector.attachPodNetwork((ip, port) => network.connect({ podIP: nodeInternalIP(0), namespace: '' }, ip, port));
  // NetworkPolicy on the data path: pod-to-pod connections and the pod → CoreDNS hop (UDP 53)
  if (ctx.packetFilter) {
    built?.component.network.setPacketFilter(ctx.packetFilter);
    dns.filter = built ? built.component.network.packetFilter : ctx.packetFilter;
  }
  informers.start();
  await Promise.all([cms.synced(), secrets.synced(), services.synced(), rcs.synced(), nodes.synced(), endpointSlices.synced(), namespaces.synced()]);
  await built?.start();

  const memoryRoot = memoryVolumeRoot(ctx.dataDir);
  await Promise.all(
    ctx.config.nodes.map(async (n, index) => {
      // each kubelet writes as its node, so the Node authorizer and the system:node rules bound it as upstream
      const client = ctx.clientFor({ name: `system:node:${n.name}`, groups: ['system:nodes'] }, `kubelet/${KUBELET_VERSION}`);
      const nodeDir = path.join(ctx.dataDir, 'nodes', n.name);
      const versions = { kubernetes: KUBELET_VERSION, etcd: ETCD_VERSION };
      // the control plane's static pods run simulated programs, so only a simulated control-plane node has them
      const cp = n.role === 'control-plane' && nodeRuntime(ctx.config, n) === 'sim' ? ctx.controlPlane : undefined;
      const etcd = cp && (await etcdBackend(cp, nodeDir, { name: n.name, ip: nodeInternalIP(index) }));
      // kubeadm's service-account key pair beside the etcd certificates, once made (the nodes need not wait for it)
      if (cp) {
        const pkiDir = path.join(nodeDir, 'host', 'etc', 'kubernetes', 'pki');
        void bestEffort(
          ctx.pki.serviceAccountReady.then((keys) => writeNodeServiceAccountKeys(pkiDir, keys)),
          `node ${n.name}: writing /etc/kubernetes/pki/sa.key and sa.pub`,
          ctx.log,
        );
      }
      const programs = {
        ...(cp ? controlPlanePrograms(cp.log, versions, { serveApi: cp.serveApi, etcd, member: cp.member }) : {}),
        ...dnsPrograms(dns),
        ...kubeProxyPrograms(() => built?.component.views(n.name)),
        ...ingressNginxPrograms(ctx.clientForToken ?? (() => undefined)),
        ...webAppOperatorPrograms(ctx.clientForToken ?? (() => undefined)),
        ...podKubectlPrograms(ctx.kubectlBinary),
      };
      const views = built && (() => built.component.views(n.name));
      // `chroot /host` in a node debugging pod: the same shell as `kubelab node shell` (the kubelet exists by then)
      const made: { kubelet?: Kubelet } = {};
      const hostRoot: HostRoot = {
        dir: path.join(nodeDir, 'host'),
        shell: () => new NodeShell({ nodeName: n.name, kubelet: made.kubelet!, network: views, etcd }, nodeDir),
      };
      const runtime = ctx.createRuntime
        ? ctx.createRuntime({ name: n.name, nodeDir, handlers: n.runtimeHandlers, network, runtime: nodeRuntime(ctx.config, n), programs, hostRoot })
        : createSimRuntime({ nodeName: n.name, nodeDir, handlers: n.runtimeHandlers, network, programs, hostRoot });
      const manifestDir = path.join(nodeDir, 'host', 'etc', 'kubernetes', 'manifests');
      // kubeadm init wrote the control plane's manifests there; the kubelet runs them like any other file
      if (cp)
        writeKubeadmManifests(
          manifestDir,
          path.join(nodeDir, 'kubeadm-manifests.json'),
          controlPlaneManifests({
            nodeName: n.name,
            nodeIP: nodeInternalIP(index),
            apiPort: cp.apiPort,
            serviceCIDR: SERVICE_CIDR,
            podCIDR: CLUSTER_CIDR,
            versions,
          }),
          ctx.log,
        );
      const caches: SharedCaches = {
        configMap: (ns, name) => cms.getByName(ns, name),
        secret: (ns, name) => secrets.getByName(ns, name),
        services: (ns) => services.list(ns),
        runtimeClass: (name) => rcs.getByName(undefined, name),
        nodeAllocatable: () => (nodes.getByName(undefined, n.name)?.status?.allocatable ?? {}) as Record<string, string>,
      };
      const kubelet = new Kubelet({
        nodeName: n.name,
        hostIP: nodeInternalIP(index),
        podCIDR: nodePodCIDR(index),
        nodeDir,
        client,
        runtime,
        caches,
        settings,
        mounters,
        memoryDir: nodeMemoryDir(memoryRoot, n.name),
        node: () => nodes.getByName(undefined, n.name),
        log: ctx.log,
        staticPodDir: manifestDir,
      });
      made.kubelet = kubelet;
      const hb = new NodeHeartbeat(
        client,
        {
          name: n.name,
          index,
          controlPlane: n.role === 'control-plane',
          taintControlPlane: hasWorkers,
          labels: n.labels,
          taints: n.taints,
          capacity: n.capacity,
          runtimeVersion: `${runtime.version().runtimeName}://${runtime.version().runtimeVersion}`,
        },
        () => kubelet.nodeImages(),
        settings.heartbeatMs,
        // into the node's journal too: journalctl -u kubelet shows registration and failing heartbeats (a deleted Node)
        (l) => kubelet.log(l, /^(Attempting to register|Successfully registered) node/.test(l) ? 'I' : 'E', 'kubelet_node_status.go:75'),
      );
      await hb.register(kubeadmClient);
      const off = nodes.getByName(undefined, n.name)?.metadata.annotations?.[POWER_ANNOTATION] === 'off';
      if (off) {
        hb.stop();
        kubelet.powerOff();
      } else hb.start();
      await kubelet.start();
      // a restarted kubelet registers again (re-creating a Node deleted with kubectl delete node) and heartbeats
      kubelet.onRestart(async () => {
        await hb.register(kubeadmClient);
        if (kubelet.isPowered) hb.start();
        kubelet.log(`Started kubelet`, 'I', 'server.go:1300');
      });
      ctx.connector.register(n.name, kubeletConnection(kubelet, views, etcd));
      parts.set(n.name, { hb, kubelet, runtime, unregister: registerKubelet(kubelet) });
    }),
  );

  const get = (name: string) => {
    const p = parts.get(name);
    if (!p) throw new Error(`node "${name}" not found; nodes: ${[...parts.keys()].join(', ')}`);
    return p;
  };
  const off = (p: NodeParts) => {
    p.hb.stop();
    p.kubelet.powerOff();
  };
  const on = async (p: NodeParts) => {
    p.hb.start();
    p.kubelet.powerOn();
    await bestEffort(p.hb.beat(), `kubelet ${p.hb.name}: node status after power-on`, ctx.log);
  };
  const annotate = (name: string, value: 'on' | 'off') =>
    bestEffort(
      sharedClient.patch(R.nodes, undefined, name, 'merge', { metadata: { annotations: { [POWER_ANNOTATION]: value } } }),
      `kubelet ${name}: recording power ${value}`,
      ctx.log,
    );

  const react = (node: KObject) => {
    const p = parts.get(node.metadata.name!);
    const want = node.metadata.annotations?.[POWER_ANNOTATION];
    if (!p || !want) return;
    if (want === 'off' && p.hb.running) off(p);
    else if (want === 'on' && !p.hb.running) void on(p);
  };
  nodes.onUpdate((_o, n) => react(n));
  nodes.onAdd(react);

  return {
    names: () => [...parts.keys()],
    isRunning: (name) => get(name).hb.running,
    async powerOff(name) {
      off(get(name));
      await annotate(name, 'off');
    },
    async powerOn(name) {
      const p = get(name);
      await annotate(name, 'on');
      await on(p);
    },
    async shutdown() {
      built?.component.stop();
      informers.stop();
      dns.stop();
      await Promise.all(
        [...parts.entries()].map(async ([name, p]) => {
          p.hb.stop();
          ctx.connector.unregister(name);
          p.unregister();
          await p.kubelet.stop();
          await bestEffort(p.runtime.shutdown(), `kubelet ${name}: shutting the runtime down`, ctx.log);
        }),
      );
      // memory-backed volumes go with the cluster process, as a tmpfs goes with its node
      try {
        removeMemoryVolumeRoots(ctx.dataDir);
      } catch {
        /* already gone */
      }
    },
    kubelet: (name) => get(name).kubelet,
    runtime: (name) => get(name).runtime,
    network,
    clusterNetwork: built?.component,
    dns,
    mounters,
    podMetrics: () => collectPodMetrics([...parts.values()].map((p) => p.kubelet)),
    nodeMetrics: () => collectNodeMetrics([...parts.values()].map((p) => p.kubelet)),
  };
}

/** the control-plane node's etcd as etcdctl sees it: kubeadm's etcd certificates in the node's /etc/kubernetes/pki */
async function etcdBackend(cp: NonNullable<NodeStartContext['controlPlane']>, nodeDir: string, member: { name: string; ip: string }): Promise<EtcdBackend> {
  const caPem = (await ensureEtcdPki(path.join(nodeDir, 'host', 'etc', 'kubernetes', 'pki'), member)).certPem;
  return {
    store: cp.store,
    member,
    caPem,
    signedByCa: (certPem) => signedBy(certPem, caPem),
    serving: () => cp.member?.serving ?? true,
  };
}
