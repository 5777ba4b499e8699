// A Docker node's runtime: pods run as real containers, except pods made only of the cluster's own system images
// (CoreDNS, kube-proxy, the ingress-nginx controller), which the node's simulator runs with the cluster's own
// programs. Those images are not on an offline classroom PC, and even pulled they could not work from a Docker
// container: CoreDNS and the controllers need the API server and kube-proxy programs the simulated data path, both of
// which live inside KubeLab. So a cluster of Docker nodes gets running system pods instead of ImagePullBackOff.
import type { ContainerConfig, ContainerRuntime, ExecOptions, ImageInfo, PodSandboxConfig, RuntimeEvent, SandboxStatus, ContainerStatus } from '../interface';
import { parseImageReference } from '../sim/images/reference';
import type { NodePrograms } from '../sim/programs';
import type { DockerPodAddresses } from './pod-addresses';
import type { SimNetwork } from '../sim/network';

/**
 * What the cluster network learns of the pods Docker runs: their addresses (dialled over real TCP) and the CNI
 * ADD/DEL the simulator's sandboxes report too (hostPort DNAT, the node's IPAM files and views).
 */
export interface DockerPodNetwork {
  addresses: DockerPodAddresses;
  network?: Pick<SimNetwork, 'attach' | 'detach'>;
}

/** the repositories of the images whose programs the cluster supplies itself */
export function systemRepositories(programs: NodePrograms | undefined): Set<string> {
  return new Set(Object.values(programs ?? {}).flatMap((p) => p.repositories.map(repositoryOf)));
}

function repositoryOf(image: string): string {
  try {
    return parseImageReference(image).repository;
  } catch {
    return image;
  }
}

export class DockerNodeRuntime implements ContainerRuntime {
  readonly name: string;
  private readonly owner = new Map<string, ContainerRuntime>();
  /** container id → its sandbox: a removed sandbox takes its containers' entries along */
  private readonly sandboxOf = new Map<string, string>();

  constructor(
    private readonly docker: ContainerRuntime,
    private readonly sim: ContainerRuntime,
    private readonly system: Set<string>,
    private readonly net?: DockerPodNetwork,
  ) {
    this.name = docker.name;
  }

  /** a pod goes to the simulator only when every image it names is a system image (a mixed pod stays on Docker) */
  private forPod(config: PodSandboxConfig): ContainerRuntime {
    const images = config.images ?? [];
    return images.length && images.every((i) => this.isSystem(i)) ? this.sim : this.docker;
  }

  private isSystem(image: string): boolean {
    return this.system.has(repositoryOf(image));
  }

  private forImage(image: string): ContainerRuntime {
    return this.isSystem(image) ? this.sim : this.docker;
  }

  /** ids the kubelet got from this runtime; one it never got (gone, or a stale id) is Docker's to answer */
  private by(id: string): ContainerRuntime {
    return this.owner.get(id) ?? this.docker;
  }

  version() {
    return this.docker.version();
  }
  handlers(): string[] {
    return this.docker.handlers();
  }

  pullImage(image: string): Promise<ImageInfo> {
    return this.forImage(image).pullImage(image);
  }
  imageStatus(image: string): Promise<ImageInfo | undefined> {
    return this.forImage(image).imageStatus(image);
  }
  /** the daemon's images, plus the system images the simulator holds for the pods it runs */
  async listImages(): Promise<ImageInfo[]> {
    const [real, simulated] = await Promise.all([this.docker.listImages(), this.sim.listImages()]);
    return [...real, ...simulated.filter((i) => this.isSystem(i.ref))];
  }
  removeImage(image: string): Promise<void> {
    return this.forImage(image).removeImage(image);
  }

  async runPodSandbox(config: PodSandboxConfig, handler: string): Promise<string> {
    const rt = this.forPod(config);
    const id = await rt.runPodSandbox(config, handler);
    this.owner.set(id, rt);
    if (rt === this.docker) {
      this.net?.network?.attach?.(id, config);
      // a hostNetwork pod has its node's (simulated) address, not one on the Docker bridge
      if (!config.hostNetwork) this.net?.addresses.add(id, config.podIPs);
    }
    return id;
  }
  stopPodSandbox(sandboxId: string): Promise<void> {
    return this.by(sandboxId).stopPodSandbox(sandboxId);
  }
  async removePodSandbox(sandboxId: string): Promise<void> {
    const rt = this.by(sandboxId);
    await rt.removePodSandbox(sandboxId);
    this.owner.delete(sandboxId);
    if (rt === this.docker) {
      this.net?.addresses.remove(sandboxId);
      this.net?.network?.detach?.(sandboxId);
    }
    for (const [c, sb] of this.sandboxOf)
      if (sb === sandboxId) {
        this.sandboxOf.delete(c);
        this.owner.delete(c);
      }
  }
  podSandboxStatus(sandboxId: string): Promise<SandboxStatus | undefined> {
    return this.by(sandboxId).podSandboxStatus(sandboxId);
  }
  async listPodSandboxes(): Promise<SandboxStatus[]> {
    return (await Promise.all([this.docker.listPodSandboxes(), this.sim.listPodSandboxes()])).flat();
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const rt = this.by(sandboxId);
    const id = await rt.createContainer(sandboxId, config);
    this.owner.set(id, rt);
    this.sandboxOf.set(id, sandboxId);
    return id;
  }
  startContainer(containerId: string): Promise<void> {
    return this.by(containerId).startContainer(containerId);
  }
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    return this.by(containerId).stopContainer(containerId, timeoutSeconds);
  }
  async removeContainer(containerId: string): Promise<void> {
    await this.by(containerId).removeContainer(containerId);
    this.owner.delete(containerId);
    this.sandboxOf.delete(containerId);
  }
  containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    return this.by(containerId).containerStatus(containerId);
  }
  async listContainers(sandboxId?: string): Promise<ContainerStatus[]> {
    if (sandboxId) return this.by(sandboxId).listContainers(sandboxId);
    return (await Promise.all([this.docker.listContainers(), this.sim.listContainers()])).flat();
  }
  containerStats(containerId: string, opts?: { writableLayer?: boolean }) {
    return this.by(containerId).containerStats(containerId, opts);
  }

  execSync(containerId: string, command: string[], timeoutSeconds: number) {
    return this.by(containerId).execSync(containerId, command, timeoutSeconds);
  }
  exec(containerId: string, opts: ExecOptions) {
    return this.by(containerId).exec(containerId, opts);
  }
  attach(containerId: string, opts: Omit<ExecOptions, 'command'>) {
    return this.by(containerId).attach(containerId, opts);
  }
  portForward(sandboxId: string, port: number) {
    return this.by(sandboxId).portForward(sandboxId, port);
  }
  probeConnect(sandboxId: string, port: number, host?: string) {
    return this.by(sandboxId).probeConnect(sandboxId, port, host);
  }

  onEvent(fn: (e: RuntimeEvent) => void): () => void {
    const offs = [this.docker.onEvent(fn), this.sim.onEvent(fn)];
    return () => offs.forEach((off) => off());
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.docker.shutdown(), this.sim.shutdown()]);
  }
}
