// Which runtime each node gets. Nodes asking for Docker get it when a daemon answers; otherwise the cluster says
// why and keeps them on the simulator rather than failing to start.
import type { ClusterConfig } from '../config';
import type { ContainerRuntime } from './interface';
import { checkDockerDaemon, createDockerRuntime, describeDaemon, DockerBackend, type DockerDaemonStatus } from './docker';
import { DockerNodeRuntime, systemRepositories } from './docker/system-pods';
import { removeServiceProxyRules } from './docker/service-proxy';
import { createSimRuntime, type SimNetwork } from './sim';
import type { NodePrograms } from './sim/programs';
import type { HostRoot } from './sim/host-root';

export interface RuntimeSelection {
  createRuntime(node: {
    name: string;
    nodeDir: string;
    handlers?: string[];
    network: SimNetwork;
    runtime: 'sim' | 'docker';
    programs?: NodePrograms;
    hostRoot?: HostRoot;
  }): ContainerRuntime;
  /** what the daemon check found, when any node asked for Docker */
  docker?: DockerDaemonStatus;
  backend?: DockerBackend;
}

export async function selectRuntimes(dataDir: string, config: ClusterConfig, log: (line: string) => void): Promise<RuntimeSelection> {
  const wanted = config.nodes.filter((n) => (n.runtime ?? config.runtime) === 'docker').map((n) => n.name);
  let backend: DockerBackend | undefined;
  let docker: DockerDaemonStatus | undefined;
  if (wanted.length) {
    backend = new DockerBackend(dataDir, log);
    docker = await backend.prepare();
    if (docker.available) log(`docker runtime for ${wanted.join(', ')}: ${describeDaemon(docker)}`);
    else {
      log(`docker runtime unavailable — ${describeDaemon(docker)}; ${wanted.join(', ')} stay on the simulator`);
      backend = undefined;
    }
  }
  return {
    docker,
    backend,
    createRuntime: (n) => {
      const sim = createSimRuntime({
        nodeName: n.name,
        nodeDir: n.nodeDir,
        handlers: n.handlers,
        network: n.network,
        programs: n.programs,
        hostRoot: n.hostRoot,
      });
      if (!backend || n.runtime !== 'docker') return sim;
      const docker = createDockerRuntime({ nodeName: n.name, nodeDir: n.nodeDir, handlers: n.handlers, backend, log });
      return new DockerNodeRuntime(docker, sim, systemRepositories(n.programs), { addresses: backend.podAddresses, network: n.network });
    },
  };
}

/** cluster deletion: its Docker containers and network go too (a no-op when it never used Docker) */
export async function deleteRuntimeResources(dataDir: string, log: (line: string) => void): Promise<void> {
  const backend = new DockerBackend(dataDir, log);
  backend.daemon = await checkDockerDaemon(backend.docker, 1500);
  if (!backend.daemon.available) return;
  // the NAT chain exists only beside the cluster's network: a cluster that never ran on Docker needs no iptables
  // run (for a non-root user that would be a privileged helper container)
  if (await backend.destroy()) await removeServiceProxyRules(backend, log);
}
