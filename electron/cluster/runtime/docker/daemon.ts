// Finding and describing the Docker daemon: DOCKER_HOST or the platform's default socket/pipe, API version,
// rootless or not. The cluster and the Settings page both ask this before choosing the Docker runtime.
import Docker from 'dockerode';
import type { DockerDaemonStatus } from './status';

export type { DockerDaemonStatus } from './status';

/** The endpoint dockerode will use, in words the user recognises. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DOCKER_HOST) return env.DOCKER_HOST;
  return platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
}

/** a client for the daemon; docker-modem reads DOCKER_HOST (and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) itself */
export function connectDocker(): Docker {
  return new Docker();
}

export async function checkDockerDaemon(docker: Docker = connectDocker(), timeoutMs = 3000): Promise<DockerDaemonStatus> {
  const endpoint = dockerEndpoint();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const [version, info] = await Promise.race([Promise.all([docker.version(), docker.info()]), deadline]);
    const security: string[] = info.SecurityOptions ?? [];
    return {
      available: true,
      endpoint,
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: `${version.Os}/${version.Arch}`,
      rootless: security.some((s) => s.includes('name=rootless')),
      cgroup: `${info.CgroupDriver ?? 'unknown'} (cgroup v${info.CgroupVersion ?? '1'})`,
    };
  } catch (err) {
    return { available: false, endpoint, error: explain(err as Error & { code?: string }, endpoint) };
  } finally {
    clearTimeout(timer);
  }
}

function explain(err: Error & { code?: string }, endpoint: string): string {
  if (err.code === 'ENOENT') return `no Docker daemon: ${endpoint} does not exist (is Docker installed and started?)`;
  if (err.code === 'EACCES') return `permission denied on ${endpoint} (add your user to the "docker" group, or use rootless Docker)`;
  if (err.code === 'ECONNREFUSED') return `the Docker daemon at ${endpoint} refused the connection (is it running?)`;
  return `the Docker daemon at ${endpoint} did not answer: ${err.message}`;
}

/** one line for logs and the CLI */
export function describeDaemon(s: DockerDaemonStatus): string {
  if (!s.available) return s.error ?? 'Docker is not available';
  return `Docker ${s.version} (API ${s.apiVersion}, ${s.os}${s.rootless ? ', rootless' : ''}, ${s.cgroup}) at ${s.endpoint}`;
}
