// What the Docker nodes of one cluster share: the daemon connection, the cluster's network, the pause image, and
// the clean-up that finds the cluster's containers by label (orphans at start, everything on delete).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type Docker from 'dockerode';
import { SandboxError } from '../interface';
import { checkDockerDaemon, connectDocker, describeDaemon, type DockerDaemonStatus } from './daemon';
import { L, clusterId, ownedFilter } from './labels';
import { message } from './errors';
import { PodNetwork } from './pod-network';
import { DockerPodAddresses } from './pod-addresses';

/** a local pause-like image (CI builds one from busybox) is used when the upstream one is not in the store */
const PAUSE_IMAGES = ['registry.k8s.io/pause:3.10', 'kubelab/pause:latest'];

export class DockerBackend {
  readonly docker: Docker;
  readonly cluster: string;
  /** set by prepare(), once the daemon answered */
  podNetwork?: PodNetwork;
  daemon?: DockerDaemonStatus;
  runtimes: string[] = [];
  /** the pod IPs of the Docker sandboxes of all the cluster's Docker nodes (the cluster network dials them) */
  readonly podAddresses = new DockerPodAddresses();
  private pause?: Promise<string>;

  readonly dataDir: string;

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void,
    docker?: Docker,
  ) {
    this.docker = docker ?? connectDocker();
    this.dataDir = resolve(dataDir);
    this.cluster = clusterId(dataDir);
  }

  /** checks the daemon, removes containers an earlier run of this cluster left behind, makes the network */
  async prepare(): Promise<DockerDaemonStatus> {
    this.daemon = await checkDockerDaemon(this.docker);
    if (!this.daemon.available) return this.daemon;
    try {
      const info = await this.docker.info();
      this.runtimes = Object.keys(info.Runtimes ?? {}).filter((r) => r !== 'runc' && r !== 'io.containerd.runc.v2');
      const removed = await this.removeContainers();
      if (removed) this.log(`docker: removed ${removed} container(s) left by an earlier run of this cluster`);
      const orphans = await this.removeOrphansOfDeletedClusters();
      if (orphans) this.log(`docker: removed ${orphans} stopped container(s) of KubeLab clusters whose data dir no longer exists`);
      this.podNetwork = new PodNetwork({ docker: this.docker, cluster: this.cluster, daemon: this.daemon, log: this.log });
      await this.podNetwork.ensure();
    } catch (err) {
      this.daemon = { ...this.daemon, available: false, error: `${describeDaemon(this.daemon)}: ${(err as Error).message}` };
    }
    return this.daemon;
  }

  /** the sandbox image: the upstream pause image if present or pullable, else the local one CI/classrooms build */
  pauseImage(): Promise<string> {
    this.pause ??= this.findPause().catch((err) => {
      this.pause = undefined;
      throw err;
    });
    return this.pause;
  }

  private async findPause(): Promise<string> {
    const wanted = process.env.KUBELAB_DOCKER_PAUSE_IMAGE;
    for (const ref of wanted ? [wanted] : PAUSE_IMAGES) {
      try {
        return (await this.docker.getImage(ref).inspect()).Id;
      } catch {
        /* not in the store */
      }
    }
    try {
      await new Promise<void>((resolve, reject) =>
        this.docker.pull(PAUSE_IMAGES[0], (err: Error | null, s: NodeJS.ReadableStream) => {
          if (err) reject(err);
          else this.docker.modem.followProgress(s, (e: Error | null) => (e ? reject(e) : resolve()));
        }),
      );
      return (await this.docker.getImage(PAUSE_IMAGES[0]).inspect()).Id;
    } catch (err) {
      throw new SandboxError(
        `failed to get sandbox image "${PAUSE_IMAGES[0]}": ${message(err)} (load it with "docker load", or build kubelab/pause:latest as .ci/run does)`,
      );
    }
  }

  /** this cluster's containers (of one node, or all) */
  async owned(node?: string): Promise<Docker.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: ownedFilter(this.cluster, node) });
  }

  async removeContainers(node?: string): Promise<number> {
    const list = await this.owned(node);
    await Promise.all(
      list.map((c) =>
        this.docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch((e) => this.log(`docker: remove ${c.Names[0]}: ${message(e)}`)),
      ),
    );
    return list.length;
  }

  /**
   * Stopped containers labelled with a data dir that is gone: a cluster whose folder was deleted by hand (test
   * harnesses, "rm -rf") never gets to remove them. Running ones are left alone — their cluster may still be up.
   */
  private async removeOrphansOfDeletedClusters(): Promise<number> {
    const all = await this.docker.listContainers({ all: true, filters: { label: [L.dataDir] } });
    const gone = all.filter((c) => c.State !== 'running' && c.Labels[L.cluster] !== this.cluster && !existsSync(c.Labels[L.dataDir]));
    await Promise.all(
      gone.map((c) =>
        this.docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch((e) => this.log(`docker: remove ${c.Names[0]}: ${message(e)}`)),
      ),
    );
    return gone.length;
  }

  /** cluster stop, once its containers have stopped */
  async releaseNetwork(): Promise<void> {
    await this.podNetwork?.release();
  }

  /** cluster deletion: its containers, then its network; true when it had one (it ran on Docker at least once) */
  async destroy(): Promise<boolean> {
    await this.removeContainers();
    return PodNetwork.destroy({ docker: this.docker, cluster: this.cluster, daemon: this.daemon, log: this.log });
  }
}

export { message };
