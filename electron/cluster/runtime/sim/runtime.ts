import { randomBytes } from 'node:crypto';
import { PassThrough, type Duplex } from 'node:stream';
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
import { SimContainer } from './container';
import { ImageStore } from './images/store';
import { kernelFor } from './kernel';
import { effectiveArgv, ExecutableNotFoundError, resolveExecutable, runArgv, runCommandLine } from './launch';
import { NetError, type SimNetwork } from './network';
import type { SimProcess } from './process';
import { SimSandbox } from './sandbox';
import type { NodePrograms } from './programs';
import type { HostRoot } from './host-root';
import { makeSession, outputStream } from './streams';
import type { Terminal } from './shell/interactive';

export interface SimRuntimeOptions {
  nodeName: string;
  /** this node's folder in the data dir */
  nodeDir: string;
  handlers?: string[];
  network: SimNetwork;
  clock?: { now(): number };
  /** simulated pull time; default 100–300 ms */
  pullDelayMs?: () => number;
  /** binaries this node provides for some images beyond the built-in programs (the control plane's, on its node) */
  programs?: NodePrograms;
  /** the node's root folder and shell: `chroot` into a mount of it gives the node's shell (kubectl debug node/…) */
  hostRoot?: HostRoot;
}

type Listener = { out: (c: string | Uint8Array) => void; err: (c: string | Uint8Array) => void };

interface Running {
  c: SimContainer;
  pid1?: SimProcess;
  stdin?: PassThrough;
  /** PID 1's terminal when the container has tty: attach resizes it */
  terminal?: Terminal;
  attached: Set<Listener>;
  exited: Promise<void>;
  resolveExited: () => void;
}

const newId = () => randomBytes(32).toString('hex');

export class SimRuntime implements ContainerRuntime {
  readonly name = 'sim';
  private readonly images: ImageStore;
  private readonly sandboxes = new Map<string, SimSandbox>();
  private readonly containers = new Map<string, Running>();
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  private readonly now: () => number;

  constructor(private readonly opts: SimRuntimeOptions) {
    this.images = new ImageStore(opts.pullDelayMs ?? (() => 100 + Math.random() * 200));
    this.now = opts.clock ? () => opts.clock!.now() : Date.now;
  }

  version() {
    return { runtimeName: 'kubelab-sim', runtimeVersion: '1.0.0', runtimeApiVersion: 'v1' };
  }
  handlers(): string[] {
    return this.opts.handlers ?? ['runc', 'runsc', 'kata'];
  }

  // images
  pullImage(image: string): Promise<ImageInfo> {
    return this.images.pull(image);
  }
  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    return this.images.get(image)?.info;
  }
  async listImages(): Promise<ImageInfo[]> {
    return this.images.list();
  }
  async removeImage(image: string): Promise<void> {
    this.images.remove(image);
  }

  // sandboxes
  async runPodSandbox(config: PodSandboxConfig, handler: string): Promise<string> {
    const h = handler || 'runc';
    if (!this.handlers().includes(h)) throw new SandboxError(`failed to get sandbox runtime: no runtime for "${h}" is configured`);
    const id = newId();
    this.sandboxes.set(id, new SimSandbox(id, config, h, kernelFor(h), this.opts.network));
    this.opts.network.attach?.(id, config);
    return id;
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return;
    await Promise.all([...this.containers.values()].filter((r) => r.c.sandbox === sb).map((r) => this.stopContainer(r.c.containerId, 0)));
    sb.stopPause();
    if (sb.state === 'ready') {
      sb.state = 'notready';
      this.emit({ type: 'SandboxStopped', sandboxId });
    }
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    await this.stopPodSandbox(sandboxId);
    for (const r of [...this.containers.values()]) if (r.c.sandbox.id === sandboxId) this.containers.delete(r.c.containerId);
    if (this.sandboxes.delete(sandboxId)) this.opts.network.detach?.(sandboxId);
  }

  async podSandboxStatus(sandboxId: string): Promise<SandboxStatus | undefined> {
    const sb = this.sandboxes.get(sandboxId);
    return sb && { id: sb.id, state: sb.state, createdAt: sb.createdAt, podIPs: [...sb.config.podIPs], handler: sb.handler };
  }
  async listPodSandboxes(): Promise<SandboxStatus[]> {
    return Promise.all([...this.sandboxes.keys()].map((id) => this.podSandboxStatus(id) as Promise<SandboxStatus>));
  }

  // containers
  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb || sb.state !== 'ready') throw new ContainerCreateError(`failed to create container: sandbox ${sandboxId} is not ready`, 'CreateContainerError');
    const image = this.images.get(config.image);
    if (!image)
      throw new ContainerCreateError(`failed to create container: image "${config.image}" not present on node ${this.opts.nodeName}`, 'CreateContainerError');
    const id = newId();
    const c = new SimContainer(id, sb, config, image, this.opts.programs);
    c.hostRoot = this.opts.hostRoot;
    const target =
      config.targetContainerName &&
      [...this.containers.values()].find((r) => r.c.sandbox === sb && r.c.config.name === config.targetContainerName && r.c.state === 'running');
    const pidns = sb.pidns ?? (target ? target.c.pidns : undefined);
    if (pidns) c.pidns = pidns;
    let resolveExited!: () => void;
    const exited = new Promise<void>((r) => {
      resolveExited = r;
    });
    this.containers.set(id, { c, attached: new Set(), exited, resolveExited });
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const r = this.mustGet(containerId);
    const { c } = r;
    if (c.state !== 'created') throw new ContainerCreateError(`cannot start a container in state ${c.state}`, 'StartError');
    const info = c.image.info;
    const cfg = c.config;
    const argv = cfg.command?.length ? [...cfg.command, ...(cfg.args ?? [])] : [...info.entrypoint, ...(cfg.args ?? info.cmd)];
    const fail = (msg: string) => {
      c.state = 'exited';
      c.exitCode = 128;
      c.reason = 'StartError';
      c.message = msg;
      c.startedAt = c.finishedAt = this.now();
      r.resolveExited();
      throw new ContainerCreateError(msg, 'StartError');
    };
    if (!argv.length)
      fail(
        'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: no command specified: unknown',
      );
    const first = effectiveArgv(c, argv)[0];
    if (!resolveExecutable(c, first))
      fail(
        `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${first}": executable file not found in $PATH: unknown`,
      );

    c.startLog(this.now);
    const fan = (stream: 'stdout' | 'stderr') => (chunk: string | Uint8Array) => {
      c.log?.write(stream, chunk);
      for (const l of r.attached) (stream === 'stdout' ? l.out : l.err)(chunk);
    };
    const proc = c.spawn(argv, fan('stdout'), cfg.tty ? fan('stdout') : fan('stderr'));
    r.pid1 = proc;
    if (cfg.stdin) r.stdin = new PassThrough();
    if (cfg.tty) r.terminal = { tty: true };
    c.state = 'running';
    c.startedAt = this.now();
    c.onOom = () => finish(137);
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      proc.exited(code);
      for (const p of c.procs.values()) p.terminate(137);
      c.state = 'exited';
      c.finishedAt = this.now();
      c.exitCode = proc.exitCode ?? code;
      c.reason = c.wasOomKilled ? 'OOMKilled' : c.exitCode === 0 ? 'Completed' : 'Error';
      c.log?.close();
      void this.captureTerminationMessage(c).finally(() => {
        r.resolveExited();
        this.emit({ type: 'ContainerStopped', containerId, sandboxId: c.sandbox.id });
      });
    };
    // a killed process is gone at once, even if the code it was running notices only later
    proc.signal.addEventListener('abort', () => {
      if (proc.pendingKillCode !== undefined) finish(proc.pendingKillCode);
    });
    this.emit({ type: 'ContainerStarted', containerId, sandboxId: c.sandbox.id });
    void runArgv(c, proc, argv, { stdin: r.stdin, terminal: r.terminal }).then(finish, (e) => {
      proc.stderr(String(e?.message ?? e) + '\n');
      finish(e instanceof ExecutableNotFoundError ? 127 : 1);
    });
  }

  private async captureTerminationMessage(c: SimContainer): Promise<void> {
    const p = c.config.terminationMessagePath;
    if (!p) return;
    try {
      c.terminationMessage = (await c.fs.readWritten(p)).slice(0, 4096);
    } catch {
      /* not written */
    }
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const r = this.containers.get(containerId);
    if (!r || r.c.state !== 'running' || !r.pid1) return;
    const stopSignal = 'TERM';
    if (timeoutSeconds > 0) {
      r.pid1.deliver(stopSignal);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        r.exited,
        new Promise<void>((res) => {
          timer = setTimeout(res, timeoutSeconds * 1000);
        }),
      ]);
      clearTimeout(timer);
    }
    if (r.c.state === 'running') r.pid1.terminate(137);
    await r.exited;
  }

  async removeContainer(containerId: string): Promise<void> {
    const r = this.containers.get(containerId);
    if (!r) return;
    if (r.c.state === 'running') await this.stopContainer(containerId, 0);
    this.containers.delete(containerId);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    const r = this.containers.get(containerId);
    if (!r) return undefined;
    const c = r.c;
    return {
      id: c.containerId,
      name: c.config.name,
      sandboxId: c.sandbox.id,
      image: c.image.info.ref,
      imageRef: c.image.info.digest,
      state: c.state,
      createdAt: c.createdAt,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      exitCode: c.exitCode,
      reason: c.reason,
      message: c.message,
      terminationMessage: c.terminationMessage,
      attempt: c.config.attempt,
    };
  }

  async listContainers(sandboxId?: string): Promise<ContainerStatus[]> {
    const ids = [...this.containers.values()].filter((r) => !sandboxId || r.c.sandbox.id === sandboxId).map((r) => r.c.containerId);
    return (await Promise.all(ids.map((id) => this.containerStatus(id)))).filter((s): s is ContainerStatus => !!s);
  }

  async containerStats(containerId: string, opts?: { writableLayer?: boolean }): Promise<ContainerStats | undefined> {
    const r = this.containers.get(containerId);
    if (!r) return undefined;
    const nano = r.c.sampleCpu();
    const layer = opts?.writableLayer ? await r.c.fs.writableLayerUsage() : undefined;
    return {
      cpuUsageNanoSeconds: r.c.cpuUsageNs,
      cpuUsageNanoCores: nano,
      memoryWorkingSetBytes: r.c.state === 'running' ? r.c.memoryUsage() : 0,
      writableLayerBytes: layer?.bytes,
      writableLayerInodes: layer?.inodes,
      timestamp: this.now(),
    };
  }

  // streaming
  async execSync(containerId: string, command: string[], timeoutSeconds: number): Promise<ExecResult> {
    const r = this.mustGet(containerId);
    if (r.c.state !== 'running') throw new Error(`container ${containerId} is not running`);
    return runCommandLine(r.c, command, timeoutSeconds > 0 ? timeoutSeconds * 1000 : 0);
  }

  async exec(containerId: string, opts: ExecOptions): Promise<StreamSession> {
    const r = this.mustGet(containerId);
    const c = r.c;
    if (c.state !== 'running') throw new Error(`container ${containerId} is not running`);
    if (!opts.command.length || !resolveExecutable(c, opts.command[0])) throw new ExecutableNotFoundError(opts.command[0] ?? '');
    const out = outputStream(opts.tty);
    const err = opts.tty ? out : outputStream(false);
    const stdin = opts.stdin ? new PassThrough() : undefined;
    const proc = c.spawn(opts.command, out.write, err.write);
    const terminal = opts.tty ? { tty: true, rows: opts.size?.rows, cols: opts.size?.cols } : undefined;
    const exit = runArgv(c, proc, opts.command, { stdin, stdinText: stdin ? undefined : '', terminal }).then(
      (code) => {
        proc.exited(code);
        return proc.exitCode ?? code;
      },
      (e) => {
        err.write(String(e?.message ?? e) + '\n');
        proc.exited(126);
        return 126;
      },
    );
    const killed = new Promise<number>((res) =>
      proc.signal.addEventListener('abort', () => {
        if (proc.pendingKillCode !== undefined) res(proc.pendingKillCode);
      }),
    );
    return makeSession({
      stdin,
      stdout: opts.stdout || opts.tty ? out.stream : undefined,
      stderr: opts.stderr && !opts.tty ? err.stream : undefined,
      exit: Promise.race([exit, killed]),
      onResize: (s) => {
        if (terminal) {
          terminal.rows = s.rows;
          terminal.cols = s.cols;
        }
        proc.deliver('WINCH');
      },
      onClose: () => proc.terminate(129),
    });
  }

  async attach(containerId: string, opts: Omit<ExecOptions, 'command'>): Promise<StreamSession> {
    const r = this.mustGet(containerId);
    if (r.c.state !== 'running') throw new Error(`container ${containerId} is not running`);
    // a TTY container's output goes through a terminal, which turns newlines into CRLF
    const out = outputStream(r.c.config.tty);
    const err = outputStream(false);
    const l: Listener = { out: opts.stdout ? out.write : () => {}, err: opts.stderr ? err.write : () => {} };
    r.attached.add(l);
    let stdin: PassThrough | undefined;
    if (opts.stdin && r.stdin) {
      stdin = new PassThrough();
      stdin.on('data', (d) => r.stdin?.write(d));
      if (r.c.config.stdinOnce) stdin.on('end', () => r.stdin?.end());
    }
    let detach!: () => void;
    const detached = new Promise<number>((res) => {
      detach = () => res(0);
    });
    const exit = Promise.race([r.exited.then(() => r.c.exitCode ?? 0), detached]).finally(() => r.attached.delete(l));
    return makeSession({
      stdin,
      stdout: opts.stdout ? out.stream : undefined,
      stderr: opts.stderr ? err.stream : undefined,
      exit,
      onResize: (size) => {
        if (r.terminal) Object.assign(r.terminal, size);
        r.pid1?.deliver('WINCH');
      },
      onClose: () => detach(),
    });
  }

  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) throw new Error(`sandbox ${sandboxId} not found`);
    try {
      return sb.connectLocal(port);
    } catch (err) {
      if ((err as NetError).code !== 'ECONNREFUSED') throw err;
      // containerd dials localhost inside the pod's network namespace, IPv4 then IPv6, and reports both
      const refused = (addr: string) => `${addr}:${port}: connect: connection refused`;
      throw new NetError(
        'ECONNREFUSED',
        `failed to execute portforward in network namespace "${sb.netnsPath}": failed to connect to localhost:${port} inside namespace "${sandboxId}", IPv4: dial tcp4 ${refused('127.0.0.1')} IPv6 dial tcp6 ${refused('[::1]')} `,
      );
    }
  }

  async probeConnect(sandboxId: string, port: number, host?: string): Promise<Duplex> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) throw new Error(`sandbox ${sandboxId} not found`);
    if (host && !sb.config.podIPs.includes(host) && host !== 'localhost' && host !== '127.0.0.1') return sb.connect(host, port);
    return sb.connectLocal(port, sb.ip.replace(/\.\d+$/, '.1'));
  }

  onEvent(fn: (e: RuntimeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.sandboxes.keys()].map((id) => this.stopPodSandbox(id)));
  }

  private emit(e: RuntimeEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }
  private mustGet(id: string): Running {
    const r = this.containers.get(id);
    if (!r) throw new Error(`container "${id}" not found`);
    return r;
  }
}
