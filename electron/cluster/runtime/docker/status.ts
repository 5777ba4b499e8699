// What a check of the Docker daemon found; plain data, shared with the app's IPC contract and the renderer.
export interface DockerDaemonStatus {
  available: boolean;
  /** where we looked: unix socket path, named pipe or tcp URL */
  endpoint: string;
  version?: string;
  apiVersion?: string;
  os?: string;
  rootless?: boolean;
  /** cgroup driver and version: memory limits and OOMKilled need a working memory controller */
  cgroup?: string;
  /** why the daemon cannot be used (when not available) */
  error?: string;
}
