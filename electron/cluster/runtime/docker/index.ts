import type { ContainerRuntime } from '../interface';
import { DockerRuntime, type DockerRuntimeOptions } from './runtime';

export function createDockerRuntime(opts: DockerRuntimeOptions): ContainerRuntime {
  return new DockerRuntime(opts);
}

export { DockerBackend } from './backend';
export { checkDockerDaemon, describeDaemon, dockerEndpoint, type DockerDaemonStatus } from './daemon';
