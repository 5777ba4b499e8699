// The cluster network component: the pod network and kube-proxy's data path (ClusterNetwork), LoadBalancer
// addresses, the kube-proxy ConfigMap, NodePorts and the ingress controller's HTTP/HTTPS on the host's loopback,
// and the node-side views built from them.
import type { Client, InformerFactory } from '../client/types';
import { R } from '../client/resources';
import { ClusterNetwork, internalIP, type Resolver } from './cluster-network';
import type { DnsExchange } from '../runtime/sim/network';
import { startLoadBalancerController } from './load-balancer';
import { ensureKubeProxyConfig, proxyModeOf, type ProxyMode } from './kube-proxy/config';
import { HostAccess } from './host-access';
import { INGRESS_ENTRY_POINTS } from './ingress/manifests';
import { NodeFiles } from './node-files';
import { nodeViews, type NodeViews } from './views';
import type { ExternalPods } from './external-pods';

export { ClusterNetwork } from './cluster-network';
export type { PacketFilter } from './packet-filter';
export type { ExternalPods } from './external-pods';
export type { PublishedPort } from './host-access';

export interface ClusterNetworkComponent {
  network: ClusterNetwork;
  /** NodePorts reachable from the student's machine on 127.0.0.1 */
  hostAccess?: HostAccess;
  proxyMode(): ProxyMode;
  /** what a shell on `node` shows: iptables-save, ipvsadm -Ln, ip addr/route, the CNI config */
  views(node: string): NodeViews;
  stop(): void;
}

export interface ClusterNetworkStartOptions {
  /** writes as the cloud provider and kubeadm would (LoadBalancer status, the kube-proxy ConfigMap) */
  client: Client;
  /** must not be started yet: the component adds its informers */
  informers: InformerFactory;
  resolve?: Resolver;
  dnsExchange?: DnsExchange;
  kubeProxyMode?: ProxyMode;
  /** open loopback listeners for NodePorts (the cluster does; unit tests of other parts need not) */
  publishNodePorts?: boolean;
  /** each node's host folder (what hostPath volumes mount) and pod CIDR: the CNI config and IPAM files go there */
  nodeHosts?: { name: string; podCIDR: string; hostDir: string }[];
  /** pods on the Docker runtime, which the data path reaches over real TCP */
  externalPods?: ExternalPods;
  log(line: string): void;
}

/** builds the component before the informers start; `start()` runs what needs synced caches */
export function createClusterNetwork(o: ClusterNetworkStartOptions): { component: ClusterNetworkComponent; start(): Promise<void> } {
  const services = o.informers.informer(R.services);
  const slices = o.informers.informer(R.endpointslices);
  const nodes = o.informers.informer(R.nodes);
  const configMaps = o.informers.informer(R.configmaps, 'kube-system');
  const files = new NodeFiles((node) => o.nodeHosts?.find((n) => n.name === node)?.hostDir, o.log);
  const network = new ClusterNetwork({
    services,
    slices,
    nodes,
    resolve: o.resolve,
    dnsExchange: o.dnsExchange,
    log: o.log,
    files,
    externalPods: o.externalPods,
  });
  let lb: { stop(): void } | undefined;
  const firstNodeIP = () => {
    const n = nodes.list()[0];
    return n && internalIP(n);
  };
  const component: ClusterNetworkComponent = {
    network,
    proxyMode: () => proxyModeOf(configMaps),
    views: (node) =>
      nodeViews({
        node,
        nodes: nodes.list(),
        rules: network.proxier.rules(),
        mode: proxyModeOf(configMaps),
        attachments: network.cni.attachments(node),
        policyLog: () => network.policyLog.files(node),
      }),
    stop() {
      lb?.stop();
      component.hostAccess?.stop();
    },
  };
  return {
    component,
    async start() {
      await Promise.all([services.synced(), slices.synced(), nodes.synced(), configMaps.synced()]);
      await ensureKubeProxyConfig(o.client, o.kubeProxyMode ?? 'iptables', o.log);
      // the network's installer (kindnet's, a CNI DaemonSet's) writes each node's config before pods start
      await Promise.all((o.nodeHosts ?? []).map((n) => files.writeConfig(n.name, n.podCIDR))).catch((e: Error) =>
        o.log(`cni: writing the node configs: ${e.message}`),
      );
      lb = startLoadBalancerController(o.client, services, o.log);
      if (o.publishNodePorts) component.hostAccess = new HostAccess(network, firstNodeIP, o.log, INGRESS_ENTRY_POINTS);
    },
  };
}
