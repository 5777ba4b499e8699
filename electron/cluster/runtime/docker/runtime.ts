// The Docker runtime: the CRI-like interface mapped onto the Docker API as dockershim did. A pod sandbox is a
// pause container owning the pod's network and IPC (and PID) namespaces; the pod's containers join it. Output is
// read through an attach made before start and written to the kubelet's CRI log files, so logs behave exactly
// as on the simulator.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import {
  ContainerCreateError,
  SandboxError,
  type ContainerConfig,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatus,
  type ExecOptions,
  type ExecResult,
  type ImageInfo,
  type PodSandboxConfig,
  type RuntimeEvent,
  type SandboxStatus,
  type StreamSession,
} from '../interface';
import { CriLogWriter } from '../sim/cri-log';
import { message, type DockerBackend } from './backend';
import { containerCreateOptions, hostsFileContent, resolvConfContent, type SandboxRef } from './container-config';
import { DockerImages } from './images';
import { settleExitState } from './exit-state';
import { L, containerName } from './labels';
import { attachSession, demux, execSession, execToCompletion, sink } from './streams';
import { bestEffort, componentLog } from '../../best-effort';

const log = componentLog('docker runtime');

export interface DockerRuntimeOptions {
  nodeName: string;
  nodeDir: string;
  handlers?: string[];
  backend: DockerBackend;
  log(line: string): void;
}

interface Sandbox extends SandboxRef {
  handler: string;
  createdAt: number;
  state: 'ready' | 'notready';
}

interface Tracked {
  sandboxId: string;
  config: ContainerConfig;
  image: ImageInfo;
  status: ContainerStatus;
  terminationLogFile?: string;
  exited: Promise<number>;
  resolveExited(code: number): void;
  lastCpu?: { ns: number; at: number };
}

const SHUTTING_DOWN = 'rpc error: code = Unavailable desc = the container runtime is shutting down';

export class DockerRuntime implements ContainerRuntime {
  readonly name = 'docker';
  private readonly docker: Docker;
  private readonly images: DockerImages;
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly containers = new Map<string, Tracked>();
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  /** set by shutdown: a sandbox or container a kubelet sync was still starting is stopped, not left running */
  private closing = false;
  /** sandbox and container starts under way: shutdown waits for them, so none lands after it has stopped the rest */
  private readonly starting = new Set<Promise<unknown>>();

  private track<T>(work: Promise<T>): Promise<T> {
    this.starting.add(work);
    const done = () => this.starting.delete(work);
    work.then(done, done);
    return work;
  }

  constructor(private readonly o: DockerRuntimeOptions) {
    this.docker = o.backend.docker;
    this.images = new DockerImages(this.docker, o.log);
  }

  version() {
    return {
      runtimeName: 'docker',
      runtimeVersion: this.o.backend.daemon?.version ?? 'unknown',
      runtimeApiVersion: this.o.backend.daemon?.apiVersion ?? 'unknown',
    };
  }

  handlers(): string[] {
    const offered = ['runc', ...this.o.backend.runtimes];
    return this.o.handlers ? this.o.handlers.filter((h) => offered.includes(h)) : offered;
  }

  // images
  pullImage(image: string): Promise<ImageInfo> {
    return this.images.pull(image);
  }
  imageStatus(image: string): Promise<ImageInfo | undefined> {
    return this.images.status(image);
  }
  listImages(): Promise<ImageInfo[]> {
    return this.images.list();
  }
  removeImage(image: string): Promise<void> {
    return this.images.remove(image);
  }

  // sandboxes
  runPodSandbox(config: PodSandboxConfig, handler: string): Promise<string> {
    return this.track(this.startSandbox(config, handler));
  }

  private async startSandbox(config: PodSandboxConfig, handler: string): Promise<string> {
    const h = handler || 'runc';
    if (!this.handlers().includes(h)) throw new SandboxError(`failed to get sandbox runtime: no runtime for "${h}" is configured`);
    const pause = await this.o.backend.pauseImage();
    const pod = { name: config.name, namespace: config.namespace, uid: config.uid };
    // the pod's /etc/hosts and /etc/resolv.conf, which only its containers bind-mount: written while Docker
    // creates and starts the pause container
    const files: Promise<{ hostsFile?: string; resolvFile?: string }> = config.hostNetwork ? Promise.resolve({}) : writePodEtcFiles(config);
    // awaited (and its failure reported) below, whichever way the sandbox's start goes
    files.catch(() => undefined);
    const podNetwork = this.o.backend.podNetwork;
    if (!podNetwork) throw new SandboxError('failed to start sandbox: the Docker runtime has no pod network (the daemon check failed)');
    const net = config.hostNetwork ? undefined : podNetwork.sandboxOptions(config.podIPs[0]);
    const opts: Docker.ContainerCreateOptions = {
      name: containerName('POD', pod, config.attempt),
      Image: pause,
      ...(config.hostNetwork ? {} : { Hostname: config.hostname }),
      Labels: {
        [L.podName]: pod.name,
        [L.podNamespace]: pod.namespace,
        [L.podUid]: pod.uid,
        [L.containerName]: 'POD',
        [L.type]: 'podsandbox',
        [L.cluster]: this.o.backend.cluster,
        [L.dataDir]: this.o.backend.dataDir,
        [L.node]: this.o.nodeName,
      },
      HostConfig: {
        NetworkMode: net?.NetworkMode ?? 'host',
        IpcMode: 'shareable',
        RestartPolicy: { Name: 'no' },
        ...(h !== 'runc' ? { Runtime: h } : {}),
      },
      ...(net?.NetworkDisabled ? { NetworkDisabled: true } : {}),
      ...(net?.NetworkingConfig ? { NetworkingConfig: net.NetworkingConfig } : {}),
    };
    if (this.closing) throw new SandboxError(SHUTTING_DOWN);
    let c: Docker.Container;
    try {
      c = await this.createReplacingStale(opts);
      await c.start();
    } catch (err) {
      await files.catch((e) => this.o.log(`docker: writing /etc files of pod ${config.name}: ${(e as Error).message}`));
      throw new SandboxError(`rpc error: code = Unknown desc = failed to start sandbox container for pod "${config.name}": ${message(err)}`);
    }
    if (!config.hostNetwork) {
      try {
        await podNetwork.attach(c, config.podIPs[0]);
      } catch (err) {
        await c.remove({ force: true }).catch((e) => this.ignoreGone(e, 'remove sandbox whose network could not be set up'));
        await files.catch((e) => this.o.log(`docker: writing /etc files of pod ${config.name}: ${(e as Error).message}`));
        // containerd's wording for a CNI ADD that failed
        throw new SandboxError(
          `rpc error: code = Unknown desc = failed to setup network for sandbox "${c.id}": plugin type="bridge" name="kubelab" failed (add): ${message(err)}`,
        );
      }
    }
    let hostsFile: string | undefined, resolvFile: string | undefined;
    try {
      ({ hostsFile, resolvFile } = await files);
    } catch (err) {
      await c.remove({ force: true }).catch((e) => this.ignoreGone(e, 'remove sandbox whose files could not be written'));
      throw err;
    }
    if (this.closing) {
      await c.stop({ t: 0 }).catch((e) => this.ignoreGone(e, 'stop sandbox started during shutdown'));
      throw new SandboxError(SHUTTING_DOWN);
    }
    this.sandboxes.set(c.id, { id: c.id, config, handler: h, createdAt: Date.now(), state: 'ready', hostsFile, resolvFile });
    return c.id;
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return;
    await Promise.all([...this.containers.entries()].filter(([, t]) => t.sandboxId === sandboxId).map(([id]) => this.stopContainer(id, 0)));
    await this.docker
      .getContainer(sandboxId)
      .kill()
      .catch((e) => this.ignoreGone(e, 'stop sandbox'));
    if (sb.state === 'ready') {
      sb.state = 'notready';
      this.emit({ type: 'SandboxStopped', sandboxId });
    }
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    await this.stopPodSandbox(sandboxId);
    const ids = [...this.containers.entries()].filter(([, t]) => t.sandboxId === sandboxId).map(([id]) => id);
    await Promise.all(ids.map((id) => this.removeContainer(id)));
    await this.docker
      .getContainer(sandboxId)
      .remove({ force: true })
      .catch((e) => this.ignoreGone(e, 'remove sandbox'));
    this.sandboxes.delete(sandboxId);
  }

  async podSandboxStatus(sandboxId: string): Promise<SandboxStatus | undefined> {
    const sb = this.sandboxes.get(sandboxId);
    return sb && { id: sb.id, state: sb.state, createdAt: sb.createdAt, podIPs: [...sb.config.podIPs], handler: sb.handler };
  }

  async listPodSandboxes(): Promise<SandboxStatus[]> {
    return (await Promise.all([...this.sandboxes.keys()].map((id) => this.podSandboxStatus(id)))).filter((s): s is SandboxStatus => !!s);
  }

  // containers
  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb || sb.state !== 'ready') throw new ContainerCreateError(`failed to create container: sandbox ${sandboxId} is not ready`, 'CreateContainerError');
    const image = await this.images.recentStatus(config.image);
    if (!image)
      throw new ContainerCreateError(`failed to create container: image "${config.image}" not present on node ${this.o.nodeName}`, 'CreateContainerError');
    let terminationLogFile: string | undefined;
    if (config.terminationMessagePath) {
      terminationLogFile = path.join(sb.config.podDir, 'containers', config.name, `${config.attempt}-termination-log`);
      await fs.promises.mkdir(path.dirname(terminationLogFile), { recursive: true });
      await fs.promises.writeFile(terminationLogFile, '');
    }
    const targetContainerId = config.targetContainerName
      ? [...this.containers.entries()].find(
          ([, t]) => t.sandboxId === sandboxId && t.config.name === config.targetContainerName && t.status.state === 'running',
        )?.[0]
      : undefined;
    const opts = containerCreateOptions(config, sb, image, {
      cluster: this.o.backend.cluster,
      dataDir: this.o.backend.dataDir,
      node: this.o.nodeName,
      terminationLogFile,
      targetContainerId,
    });
    let c: Docker.Container;
    try {
      c = await this.createReplacingStale(opts);
    } catch (err) {
      throw new ContainerCreateError(`failed to create container ${config.name}: ${message(err)}`, 'CreateContainerError');
    }
    let resolveExited!: (code: number) => void;
    const exited = new Promise<number>((r) => {
      resolveExited = r;
    });
    this.containers.set(c.id, {
      sandboxId,
      config,
      image,
      terminationLogFile,
      exited,
      resolveExited,
      status: {
        id: c.id,
        name: config.name,
        sandboxId,
        image: image.ref,
        imageRef: dockerImageRef(image),
        state: 'created',
        createdAt: Date.now(),
        attempt: config.attempt,
      },
    });
    return c.id;
  }

  startContainer(containerId: string): Promise<void> {
    return this.track(this.start(containerId));
  }

  private async start(containerId: string): Promise<void> {
    const t = this.mustGet(containerId);
    if (t.status.state !== 'created') throw new ContainerCreateError(`cannot start a container in state ${t.status.state}`, 'StartError');
    if (this.closing) throw new ContainerCreateError(SHUTTING_DOWN, 'StartError');
    const c = this.docker.getContainer(containerId);
    // attached before start, so not a byte of output is missed
    const output = (await c.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const log = new CriLogWriter(t.config.logPath, Date.now);
    if (t.config.tty) output.on('data', (d: Buffer) => log.write('stdout', d));
    else
      demux(
        this.docker.modem,
        output,
        sink((b) => log.write('stdout', b)),
        sink((b) => log.write('stderr', b)),
      );
    const drained = new Promise<void>((res) => {
      output.once('end', res);
      output.once('close', res);
      output.once('error', () => res());
    });
    try {
      await c.start();
    } catch (err) {
      const msg = message(err);
      (output as unknown as Duplex).destroy?.();
      log.close();
      const now = Date.now();
      Object.assign(t.status, { state: 'exited', exitCode: 128, reason: 'StartError', message: msg, startedAt: now, finishedAt: now });
      t.resolveExited(128);
      throw new ContainerCreateError(msg, 'StartError');
    }
    Object.assign(t.status, { state: 'running', startedAt: Date.now() });
    // a start that was in flight when shutdown listed the containers: stopped here, its exit recorded as usual
    if (this.closing) await c.stop({ t: 0 }).catch((e) => this.ignoreGone(e, 'stop container started during shutdown'));
    this.emit({ type: 'ContainerStarted', containerId, sandboxId: t.sandboxId });
    // asked after start: the default condition ("not-running") would answer at once for a created container, and
    // answers at once too if the process has already exited
    void c.wait().then(
      async () => {
        await Promise.race([drained, new Promise((r) => setTimeout(r, 1000))]);
        log.close();
        await this.recordExit(containerId, t);
      },
      (err) => {
        log.close();
        this.o.log(`docker: wait for ${t.config.name}: ${message(err)}`);
        Object.assign(t.status, { state: 'exited', exitCode: 137, reason: 'Error', finishedAt: Date.now() });
        t.resolveExited(137);
        this.emit({ type: 'ContainerStopped', containerId, sandboxId: t.sandboxId });
      },
    );
  }

  private async recordExit(containerId: string, t: Tracked): Promise<void> {
    try {
      const container = this.docker.getContainer(containerId);
      const s = await settleExitState(async () => (await container.inspect()).State, { memoryLimited: t.config.memoryLimitBytes > 0 });
      const code = s.ExitCode;
      Object.assign(t.status, {
        state: 'exited',
        exitCode: code,
        finishedAt: parseTime(s.FinishedAt) ?? Date.now(),
        reason: s.OOMKilled ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error',
      });
    } catch (err) {
      this.o.log(`docker: inspect ${t.config.name} after exit: ${message(err)}`);
      Object.assign(t.status, { state: 'exited', exitCode: t.status.exitCode ?? 137, reason: 'Error', finishedAt: Date.now() });
    }
    if (t.terminationLogFile) {
      try {
        const text = await fs.promises.readFile(t.terminationLogFile, 'utf8');
        if (text) t.status.terminationMessage = text.slice(0, 4096);
      } catch {
        /* removed with the pod */
      }
    }
    t.resolveExited(t.status.exitCode ?? 0);
    this.emit({ type: 'ContainerStopped', containerId, sandboxId: t.sandboxId });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const t = this.containers.get(containerId);
    if (!t || t.status.state !== 'running') return;
    // Docker sends the image's STOPSIGNAL (SIGTERM by default), then SIGKILL after the grace period
    await this.docker
      .getContainer(containerId)
      .stop({ t: Math.max(0, Math.ceil(timeoutSeconds)) })
      .catch((e) => this.ignoreGone(e, 'stop'));
    await t.exited;
  }

  async removeContainer(containerId: string): Promise<void> {
    const t = this.containers.get(containerId);
    if (!t) return;
    this.containers.delete(containerId);
    await this.docker
      .getContainer(containerId)
      .remove({ force: true })
      .catch((e) => this.ignoreGone(e, 'remove'));
    if (t.terminationLogFile) await fs.promises.rm(t.terminationLogFile, { force: true });
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    const t = this.containers.get(containerId);
    return t && { ...t.status };
  }

  async listContainers(sandboxId?: string): Promise<ContainerStatus[]> {
    return [...this.containers.values()].filter((t) => !sandboxId || t.sandboxId === sandboxId).map((t) => ({ ...t.status }));
  }

  async containerStats(containerId: string): Promise<ContainerStats | undefined> {
    const t = this.containers.get(containerId);
    if (!t || t.status.state !== 'running') return undefined;
    const s = await bestEffort(
      this.docker.getContainer(containerId).stats({ stream: false, 'one-shot': true } as { stream: false }),
      `stats of container ${containerId}`,
      log,
    );
    if (!s) return undefined;
    const now = Date.now();
    const ns = s.cpu_stats?.cpu_usage?.total_usage ?? 0;
    const nanoCores = t.lastCpu && now > t.lastCpu.at ? Math.max(0, (ns - t.lastCpu.ns) / ((now - t.lastCpu.at) / 1000)) : 0;
    t.lastCpu = { ns, at: now };
    const mem = s.memory_stats ?? ({} as Docker.ContainerStats['memory_stats']);
    const inactive =
      (mem.stats as Record<string, number> | undefined)?.total_inactive_file ?? (mem.stats as Record<string, number> | undefined)?.inactive_file ?? 0;
    return {
      cpuUsageNanoSeconds: ns,
      cpuUsageNanoCores: Math.round(nanoCores),
      memoryWorkingSetBytes: Math.max(0, (mem.usage ?? 0) - inactive),
      timestamp: now,
    };
  }

  // streaming and probes
  async execSync(containerId: string, command: string[], timeoutSeconds: number): Promise<ExecResult> {
    this.mustRun(containerId);
    return execToCompletion(this.docker, containerId, command, timeoutSeconds);
  }

  async exec(containerId: string, opts: ExecOptions): Promise<StreamSession> {
    this.mustRun(containerId);
    return execSession(this.docker, containerId, opts);
  }

  async attach(containerId: string, opts: Omit<ExecOptions, 'command'>): Promise<StreamSession> {
    const t = this.mustRun(containerId);
    return attachSession(this.docker, containerId, t.config.tty, opts, t.exited);
  }

  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    return this.connect(sandboxId, port);
  }

  async probeConnect(sandboxId: string, port: number, host?: string): Promise<Duplex> {
    return this.connect(sandboxId, port, host);
  }

  /** the node reaches pod IPs on the cluster's bridge network directly (Linux; not through Docker Desktop's VM) */
  private connect(sandboxId: string, port: number, host?: string): Promise<Duplex> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return Promise.reject(new Error(`sandbox ${sandboxId} not found`));
    const own = !host || host === 'localhost' || host === '127.0.0.1' || sb.config.podIPs.includes(host);
    const target = own ? (sb.config.hostNetwork ? '127.0.0.1' : sb.config.podIPs[0]) : host;
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: target, port });
      sock.once('connect', () => {
        sock.removeAllListeners('error');
        resolve(sock);
      });
      sock.once('error', (e: NodeJS.ErrnoException) =>
        reject(new Error(`dial tcp ${target}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`)),
      );
    });
  }

  onEvent(fn: (e: RuntimeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** cluster stop: this node's containers stop (they stay, stopped, until the next start or the cluster's deletion) */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.starting]);
    // listed again after each round: a start already in flight when the list was taken still lands (and is then
    // stopped), and a running container would keep the cluster's network (and its pod subnet) from being released
    for (let round = 0; round < 5; round++) {
      const list = await this.o.backend.owned(this.o.nodeName).catch((e) => {
        this.o.log(`docker: list containers of ${this.o.nodeName}: ${message(e)}`);
        return [];
      });
      const running = list.filter((c) => c.State === 'running');
      if (!running.length) return;
      await Promise.all(
        running.map((c) =>
          this.docker
            .getContainer(c.Id)
            .stop({ t: 1 })
            .catch((e) => this.ignoreGone(e, 'stop')),
        ),
      );
    }
    this.o.log(`docker: containers of ${this.o.nodeName} were still starting after five rounds of stopping`);
  }

  private async createReplacingStale(opts: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    try {
      return await this.docker.createContainer(opts);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409 || !opts.name) throw err;
      // a container of an earlier run with the same name (its kubelet crashed before removing it)
      await this.docker.getContainer(opts.name).remove({ force: true });
      return this.docker.createContainer(opts);
    }
  }

  private ignoreGone(err: unknown, what: string): void {
    const code = (err as { statusCode?: number }).statusCode;
    if (code === 404 || code === 304 || code === 409) return;
    this.o.log(`docker: ${what}: ${message(err)}`);
  }

  private emit(e: RuntimeEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.o.log(`docker: runtime event listener: ${(err as Error).message}`);
      }
    }
  }

  private mustGet(id: string): Tracked {
    const t = this.containers.get(id);
    if (!t) throw new Error(`container "${id}" not found`);
    return t;
  }

  private mustRun(id: string): Tracked {
    const t = this.mustGet(id);
    if (t.status.state !== 'running') throw new Error(`container ${id} is not running`);
    return t;
  }
}

/** the kubelet-written /etc/hosts and /etc/resolv.conf of a pod not on the host network, in its folder */
async function writePodEtcFiles(config: PodSandboxConfig): Promise<{ hostsFile: string; resolvFile: string }> {
  const etc = path.join(config.podDir, 'etc');
  await fs.promises.mkdir(etc, { recursive: true });
  const hostsFile = path.join(etc, 'hosts');
  const resolvFile = path.join(etc, 'resolv.conf');
  await Promise.all([fs.promises.writeFile(hostsFile, hostsFileContent(config)), fs.promises.writeFile(resolvFile, resolvConfContent(config))]);
  return { hostsFile, resolvFile };
}

/** cri-dockerd's imageID: the repo digest when the image came from a registry, else the local image id */
function dockerImageRef(image: ImageInfo): string {
  return image.digest.includes('@') ? `docker-pullable://${image.digest}` : `docker://${image.id}`;
}

function parseTime(s: string | undefined): number | undefined {
  if (!s || s.startsWith('0001-')) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
