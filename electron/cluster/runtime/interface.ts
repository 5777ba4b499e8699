// The CRI-like contract between a kubelet and a container runtime. `sim` implements it in-process;
// `docker` (runtime/docker) maps it onto dockerode (pause container per sandbox, containers joining its netns).
// The kubelet owns Kubernetes semantics (pod spec → configs, restart policy, probes, status);
// the runtime owns processes, filesystems, logs and streams.
import type { Duplex } from 'node:stream';

export interface PodSandboxConfig {
  /** pod identity, as CRI's PodSandboxMetadata */
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  hostname: string;
  /** subdomain-qualified FQDN when spec.subdomain is set */
  fqdn?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** IP(s) assigned by the node's network plugin (network/) before the sandbox starts */
  podIPs: string[];
  hostNetwork: boolean;
  dns: { servers: string[]; searches: string[]; options: string[] };
  /** /etc/hosts extra entries (hostAliases) */
  hostAliases?: { ip: string; hostnames: string[] }[];
  /** sysctls, shareProcessNamespace etc. */
  shareProcessNamespace?: boolean;
  /** pod-level cgroup limits (sum of containers + overhead), in bytes / millicores; 0 = unlimited */
  memoryLimitBytes: number;
  cpuLimitMillis: number;
  /** folder on the host (inside the data dir) that belongs to this sandbox; it may not exist yet (made on first write) */
  podDir: string;
  /** node the sandbox runs on */
  nodeName: string;
  /** the images the pod's containers name: a Docker node runs a pod of only the cluster's system images on its simulator */
  images?: string[];
  /** hostPort mappings of the pod's containers (CRI's port_mappings, handed to the CNI portmap plugin) */
  portMappings?: { containerPort: number; hostPort: number; protocol: 'TCP' | 'UDP' | 'SCTP'; hostIP?: string }[];
}

export interface Mount {
  containerPath: string;
  /** a folder or file on the host inside the data dir that the kubelet prepared (volume contents) */
  hostPath: string;
  readOnly: boolean;
  /** for subPath mounts the kubelet already resolved hostPath to the sub path */
  propagation?: 'None' | 'HostToContainer' | 'Bidirectional';
  /** volume name (for `mount`/`df` output) and its type (emptyDir, configMap, ...) */
  volumeName?: string;
  volumeType?: string;
  /** tmpfs-backed (emptyDir medium Memory, secrets, projected tokens) */
  tmpfs?: boolean;
  /** emptyDir sizeLimit in bytes, 0 = none */
  sizeLimitBytes?: number;
}

export interface ContainerSecurity {
  runAsUser?: number;
  runAsGroup?: number;
  supplementalGroups?: number[];
  fsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
}

export interface ContainerConfig {
  name: string;
  /** image reference as written in the pod spec, already pulled */
  image: string;
  /** pod spec `command` (overrides ENTRYPOINT) after $(VAR) expansion; undefined = image entrypoint */
  command?: string[];
  /** pod spec `args` (overrides CMD) after $(VAR) expansion; undefined = image cmd */
  args?: string[];
  workingDir?: string;
  /** fully resolved environment (configMap/secret/downward refs resolved by the kubelet); image env is merged by the runtime */
  env: { name: string; value: string }[];
  mounts: Mount[];
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  security: ContainerSecurity;
  /** bytes / millicores; 0 = unlimited */
  memoryLimitBytes: number;
  memoryRequestBytes: number;
  cpuLimitMillis: number;
  cpuRequestMillis: number;
  /** host file the runtime writes the container's stdout/stderr to (CRI log format) */
  logPath: string;
  /** path in the container whose contents become the termination message */
  terminationMessagePath?: string;
  /** restart attempt (0 for the first start) */
  attempt: number;
  /** init containers, regular containers and ephemeral containers are all containers to the runtime */
  kind: 'init' | 'regular' | 'ephemeral';
  /** an ephemeral container's target (`kubectl debug --target`): it joins that container's process namespace */
  targetContainerName?: string;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  name: string;
  sandboxId: string;
  image: string;
  /** resolved image reference with digest, e.g. docker.io/library/nginx@sha256:… */
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** 'OOMKilled' | 'Error' | 'Completed' | 'ContainerCannotRun' | 'StartError' */
  reason?: string;
  message?: string;
  /** contents of terminationMessagePath when it was written */
  terminationMessage?: string;
  attempt: number;
}

export interface SandboxStatus {
  id: string;
  state: 'ready' | 'notready';
  createdAt: number;
  podIPs: string[];
  handler: string;
}

export interface ImageInfo {
  /** normalized reference, e.g. docker.io/library/nginx:1.25 */
  ref: string;
  /** image id / digest */
  id: string;
  digest: string;
  sizeBytes: number;
  /** image config: what the container runs when the pod spec is silent */
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
  user: string;
  exposedPorts: number[];
}

/** The error a pull fails with: `ErrImagePull` carries upstream-like messages. */
export class ImagePullError extends Error {
  constructor(
    message: string,
    public readonly notFound = true,
  ) {
    super(message);
  }
}
/** A sandbox that cannot be created (e.g. an unknown runtime handler): kubelet reports FailedCreatePodSandBox. */
export class SandboxError extends Error {}
/** A container that cannot be created or started (e.g. runAsNonRoot with root image): CreateContainerConfigError / CreateContainerError / StartError. */
export class ContainerCreateError extends Error {
  constructor(
    message: string,
    public readonly reason: 'CreateContainerConfigError' | 'CreateContainerError' | 'RunContainerError' | 'StartError',
  ) {
    super(message);
  }
}

export interface ExecOptions {
  command: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** initial terminal size */
  size?: { cols: number; rows: number };
}

/** A running exec or attach: the API server pipes its WebSocket channels to these streams. */
export interface StreamSession {
  stdin?: NodeJS.WritableStream;
  stdout?: NodeJS.ReadableStream;
  stderr?: NodeJS.ReadableStream;
  resize(size: { cols: number; rows: number }): void;
  /** resolves with the exit code once the process has ended (attach: when the container exits or detaches) */
  exit: Promise<number>;
  /** ends the session from the client side (connection closed) */
  close(): void;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ContainerStats {
  /** cumulative CPU in nanoseconds and the current usage in nanocores */
  cpuUsageNanoSeconds: number;
  cpuUsageNanoCores: number;
  memoryWorkingSetBytes: number;
  /** the container's writable layer: bytes and inodes used (crictl stats DISK, INODES); absent where not measured */
  writableLayerBytes?: number;
  writableLayerInodes?: number;
  timestamp: number;
}

export type RuntimeEvent =
  | { type: 'ContainerStarted'; containerId: string; sandboxId: string }
  | { type: 'ContainerStopped'; containerId: string; sandboxId: string }
  | { type: 'SandboxStopped'; sandboxId: string };

/** One runtime per node. */
export interface ContainerRuntime {
  readonly name: string; // 'sim' | 'docker'
  version(): { runtimeName: string; runtimeVersion: string; runtimeApiVersion: string };
  /** runtime handlers this node offers (RuntimeClass.handler values): 'runc', 'runsc', 'kata' … */
  handlers(): string[];

  // images
  pullImage(image: string): Promise<ImageInfo>;
  imageStatus(image: string): Promise<ImageInfo | undefined>;
  listImages(): Promise<ImageInfo[]>;
  removeImage(image: string): Promise<void>;

  // sandboxes
  runPodSandbox(config: PodSandboxConfig, handler: string): Promise<string>;
  stopPodSandbox(sandboxId: string): Promise<void>;
  removePodSandbox(sandboxId: string): Promise<void>;
  podSandboxStatus(sandboxId: string): Promise<SandboxStatus | undefined>;
  listPodSandboxes(): Promise<SandboxStatus[]>;

  // containers
  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM, then SIGKILL after timeoutSeconds */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus | undefined>;
  listContainers(sandboxId?: string): Promise<ContainerStatus[]>;
  /** `writableLayer` asks for the writable-layer figures too (crictl stats): a walk of the container's files, which
   * the metrics pipeline's frequent calls do not need */
  containerStats(containerId: string, opts?: { writableLayer?: boolean }): Promise<ContainerStats | undefined>;

  // streaming and probes
  /** run a command to completion (exec probes, lifecycle hooks) */
  execSync(containerId: string, command: string[], timeoutSeconds: number): Promise<ExecResult>;
  exec(containerId: string, opts: ExecOptions): Promise<StreamSession>;
  attach(containerId: string, opts: Omit<ExecOptions, 'command'>): Promise<StreamSession>;
  /** a TCP-like byte stream to a port in the sandbox's network namespace */
  portForward(sandboxId: string, port: number): Promise<Duplex>;
  /** connect from the node (probes): httpGet/tcpSocket go through this so the sim can answer without real sockets */
  probeConnect(sandboxId: string, port: number, host?: string): Promise<Duplex>;

  /** container lifecycle changes (PLEG-like), so the kubelet need not poll */
  onEvent(fn: (e: RuntimeEvent) => void): () => void;
  /** stop everything (cluster shutdown) */
  shutdown(): Promise<void>;
}
