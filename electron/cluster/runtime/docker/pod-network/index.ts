// The cluster's pod network: a user-defined Docker network of its own (a Linux bridge, with Docker's own forwarding
// and masquerading rules), and two ways of putting a sandbox on it.
//  - plugged in by KubeLab, as kubelet does with the CNI bridge plugin: the sandbox starts with Docker's networking
//    disabled (runc gives it a bare network namespace), then a veth pair goes between the network's bridge and that
//    namespace, whose end becomes eth0 with the kubelet's pod IP and a default route to the gateway. Docker sets up
//    no endpoint and no embedded DNS resolver for it, so the sandbox starts about as fast as a container joining
//    one. Needs CAP_NET_ADMIN on a Linux host whose daemon runs beside this process.
//  - attached by Docker, for everyone else (a user of the "docker" group, Docker Desktop): the sandbox is created on
//    the network with the pod IP as its endpoint's static address.
import type Docker from 'dockerode';
import { message } from '../errors';
import { L, networkName } from '../labels';
import { mayWriteNetfilter } from '../service-proxy/iptables';
import type { DockerDaemonStatus } from '../status';
import { bestEffort, componentLog } from '../../../best-effort';
import { bridgePorts, plugIn, plugInTools } from './plug-in';

const log = componentLog('docker runtime');

/** every node's pod CIDR (10.244.<index>.0/24) is inside it, so the kubelet's IPAM picks addresses on it */
export const POD_SUBNET = '10.244.0.0/16';
/** the host's address on the bridge: the pods' default route, and where the Service proxy listens */
export const POD_GATEWAY = '10.244.255.254';
/** where Docker's own IPAM may pick addresses (a container someone attaches by hand): no node's pod CIDR */
const DOCKER_IP_RANGE = '10.244.255.0/24';

export interface PodNetworkContext {
  docker: Docker;
  cluster: string;
  daemon?: DockerDaemonStatus;
  log(line: string): void;
}

/** why KubeLab cannot plug sandboxes in itself on this host, or undefined when it can */
export function plugInUnsupported(c: Pick<PodNetworkContext, 'daemon'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KUBELAB_DOCKER_POD_NETWORK === 'docker') return 'KUBELAB_DOCKER_POD_NETWORK=docker';
  if (process.platform !== 'linux') return `Docker on ${process.platform} keeps its containers in a VM`;
  if (c.daemon?.rootless) return 'rootless Docker keeps its containers in its own network namespace';
  if (env.DOCKER_HOST && !env.DOCKER_HOST.startsWith('unix://')) return `the daemon at ${env.DOCKER_HOST} may be on another machine`;
  if (!mayWriteNetfilter()) return 'KubeLab lacks CAP_NET_ADMIN (not root)';
  return plugInTools();
}

export class PodNetwork {
  readonly name: string;
  /** KubeLab plugs each sandbox in (CNI-style), or Docker attaches it */
  readonly plugged: boolean;
  private bridge?: Promise<string>;

  constructor(
    private readonly c: PodNetworkContext,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.name = networkName(c.cluster);
    const why = plugInUnsupported(c, env);
    this.plugged = !why;
    c.log(
      why
        ? `docker: sandboxes join the Docker network ${this.name} (${POD_SUBNET}) through Docker — KubeLab does not plug them in itself: ${why}`
        : `docker: KubeLab plugs each sandbox into the Docker network ${this.name} (${POD_SUBNET}) with a veth, as the CNI bridge plugin does`,
    );
  }

  /** makes the network at cluster start, removing what a crashed run of a KubeLab cluster left holding the subnet */
  async ensure(): Promise<void> {
    const existing = await this.c.docker.listNetworks({ filters: { name: [this.name] } });
    if (existing.some((n) => n.Name === this.name)) return;
    await this.removeIdle((n) => n.Labels?.[L.cluster] !== undefined, 'left by a KubeLab cluster that did not stop cleanly');
    try {
      await this.c.docker.createNetwork({
        Name: this.name,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: POD_SUBNET, Gateway: POD_GATEWAY, IPRange: DOCKER_IP_RANGE }] },
        Labels: { [L.cluster]: this.c.cluster },
      });
    } catch (err) {
      throw new Error(
        `cannot create the Docker network ${this.name} (${POD_SUBNET}): ${message(err)} — another KubeLab cluster on the Docker runtime may be running`,
      );
    }
  }

  /** the network's bridge on the host: pods' traffic enters from it (the Service proxy hooks it) */
  hostInterface(): Promise<string> {
    this.bridge ??= this.c.docker
      .getNetwork(this.name)
      .inspect()
      .then((n: Docker.NetworkInspectInfo) => bridgeOf(n))
      .catch((err) => {
        this.bridge = undefined;
        throw err;
      });
    return this.bridge;
  }

  /** the network part of a (not host-network) sandbox's create options */
  sandboxOptions(podIP: string): { NetworkMode: string; NetworkDisabled?: boolean; NetworkingConfig?: Docker.ContainerCreateOptions['NetworkingConfig'] } {
    if (this.plugged) return { NetworkMode: 'none', NetworkDisabled: true };
    return { NetworkMode: this.name, NetworkingConfig: { EndpointsConfig: { [this.name]: { IPAMConfig: { IPv4Address: podIP } } } } };
  }

  /** after the sandbox started: the CNI ADD when KubeLab plugs it in (Docker attached it otherwise); throws on failure */
  async attach(sandbox: Docker.Container, podIP: string): Promise<void> {
    if (this.plugged) await plugIn(sandbox, podIP, { bridge: await this.hostInterface(), prefix: POD_SUBNET.split('/')[1], gateway: POD_GATEWAY });
  }

  /** cluster stop, once its sandboxes have stopped (their veths went with their namespaces); the next start makes it again */
  release(): Promise<void> {
    return this.removeIdle((n) => n.Labels?.[L.cluster] === this.c.cluster, 'of this cluster');
  }

  /** cluster deletion; true when the cluster had a network (it ran on Docker) */
  static async destroy(c: PodNetworkContext): Promise<boolean> {
    const nets = await c.docker.listNetworks({ filters: { label: [`${L.cluster}=${c.cluster}`] } });
    await Promise.all(
      nets.map((n) =>
        c.docker
          .getNetwork(n.Id)
          .remove()
          .catch((e) => c.log(`docker: remove network ${n.Name}: ${message(e)}`)),
      ),
    );
    return nets.length > 0;
  }

  /**
   * Removes KubeLab networks that `match` and hold nothing: no container Docker attached, and (where this process
   * can see it) no veth plugged into the bridge — a running cluster whose sandboxes KubeLab plugs in has no
   * containers on its network in Docker's eyes.
   */
  private async removeIdle(match: (n: Docker.NetworkInspectInfo) => boolean, why: string): Promise<void> {
    const nets = (await this.c.docker.listNetworks({ filters: { label: [L.cluster] } })).filter(match);
    for (const n of nets) {
      const detail = (await bestEffort(this.c.docker.getNetwork(n.Id).inspect(), `inspecting network ${n.Name}`, log)) as Docker.NetworkInspectInfo | undefined;
      if (!detail || Object.keys(detail.Containers ?? {}).length) continue;
      if (this.plugged && (await bridgePorts(bridgeOf(detail))).length) continue;
      try {
        await this.c.docker.getNetwork(n.Id).remove();
        this.c.log(`docker: removed network ${n.Name} ${why}`);
      } catch (err) {
        this.c.log(`docker: remove network ${n.Name}: ${message(err)}`);
      }
    }
  }
}

function bridgeOf(n: Docker.NetworkInspectInfo): string {
  return n.Options?.['com.docker.network.bridge.name'] ?? `br-${String(n.Id).slice(0, 12)}`;
}
