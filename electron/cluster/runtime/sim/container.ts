import { ContainerCreateError, type ContainerConfig, type ContainerState } from '../interface';
import { CriLogWriter } from './cri-log';
import { ContainerFs } from './fs/container-fs';
import type { GenNode } from './fs/generated-fs';
import { capabilities, capHex } from './kernel';
import type { ResolvedImage } from './images/store';
import { imageFiles } from './images/rootfs';
import { interruptibleSleep, SimProcess } from './process';
import { PidNamespace } from './pid-namespace';
import { programsOf, type NodePrograms } from './programs';
import type { Launcher, ProgramTable } from './programs/types';
import type { HostRoot } from './host-root';
import { launcherFor } from './launch';
import { profileFor } from './shell/profiles';
import { shellUtilities } from './shell/command-names';
import type { SimSandbox } from './sandbox';

const NODE_MEMORY = 8 * 1024 ** 3;
/** baseline memory of a container's init process before it allocates anything */
const BASE_MEMORY = 1_200_000;
/** the interval a usage rate is measured over: the window metrics.k8s.io reports (metrics-server's resolution) */
const CPU_WINDOW_MS = 15_000;

export interface Identity {
  uid: number;
  gid: number;
  groups: number[];
  userName?: string;
}

export class SimContainer {
  state: ContainerState = 'created';
  readonly createdAt = Date.now();
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  message?: string;
  terminationMessage?: string;
  /** this container's own processes (its cgroup); `pidns` is what it can see */
  readonly procs = new Map<number, SimProcess>();
  pidns = new PidNamespace();
  readonly fs: ContainerFs;
  readonly env: Record<string, string>;
  readonly id: Identity;
  log?: CriLogWriter;
  /** CPU accounting for stats and cpu.stat */
  cpuUsageNs = 0;
  throttledPeriods = 0;
  private lastCpuSample = Date.now();
  /** CPU time programs spent on work they time themselves (a request's computation), by when it finished */
  private work: { at: number; ns: number }[] = [];
  /** when the container's CPU share is free again for queued work (under a CPU limit) */
  private cpuFreeAt = 0;
  oomKills = 0;
  /** set when the container's main process ended because the memory limit was hit */
  private oomKilled = false;
  onOom?: () => void;
  /** the programs on its PATH: the image's own and those the node supplies for the image (SimRuntimeOptions.programs) */
  readonly programs: ProgramTable;
  /** what /bin and /usr/bin hold: the image's utilities and its programs */
  readonly binaries: Set<string>;
  /** how its shells and programs start other executables: `programs`, and command lines run as its processes */
  readonly launcher: Launcher;
  /** the node's root folder and shell, for `chroot` into a hostPath mount of "/" (SimRuntimeOptions.hostRoot) */
  hostRoot?: HostRoot;

  constructor(
    readonly containerId: string,
    readonly sandbox: SimSandbox,
    readonly config: ContainerConfig,
    readonly image: ResolvedImage,
    /** programs the node supplies for some images (kubectl for the kubectl images) */
    nodePrograms?: NodePrograms,
  ) {
    this.id = resolveIdentity(this, image);
    this.programs = programsOf(image.image, nodePrograms);
    this.binaries = binariesOf(image, this.programs);
    this.launcher = launcherFor(this);
    const sb = sandbox.config;
    const hosts =
      `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${sandbox.ip}\t${sb.fqdn ? `${sb.fqdn}\t` : ''}${sb.hostname}\n` +
      (sb.hostAliases ?? []).map((a) => `\n# Entries added by HostAliases.\n${a.ip}\t${a.hostnames.join('\t')}`).join('');
    // the kubelet's layout: no search line without search domains (dnsPolicy Default on a node without any)
    const resolv = `${sb.dns.searches.length ? `search ${sb.dns.searches.join(' ')}\n` : ''}${sb.dns.servers.map((s) => `nameserver ${s}`).join('\n')}\n${sb.dns.options.length ? `options ${sb.dns.options.join(' ')}\n` : ''}`;
    this.fs = new ContainerFs({
      imageFiles: imageFiles(image.image),
      extraFiles: { '/etc/hostname': sb.hostname + '\n', '/etc/hosts': hosts, '/etc/resolv.conf': resolv },
      mounts: config.mounts,
      readOnlyRoot: !!config.security.readOnlyRootFilesystem,
      proc: (p) => this.procNode(p),
      cgroup: (p) => this.cgroupNode(p),
      binaries: this.binaries,
    });
    const env: Record<string, string> = {};
    for (const kv of image.info.env) {
      const i = kv.indexOf('=');
      if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
    }
    env.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    env.HOSTNAME = sb.hostname;
    for (const { name, value } of config.env) env[name] = value;
    env.HOME ??= this.id.uid === 0 ? '/root' : '/';
    this.env = env;
  }

  get workingDir(): string {
    return this.config.workingDir || this.image.info.workingDir || '/';
  }
  get memoryLimit(): number {
    return this.config.memoryLimitBytes || this.sandbox.config.memoryLimitBytes || 0;
  }
  get cpuLimitMillis(): number {
    return this.config.cpuLimitMillis || this.sandbox.config.cpuLimitMillis || 0;
  }

  spawn(argv: string[], stdout: SimProcess['stdout'], stderr: SimProcess['stderr']): SimProcess {
    const p = new SimProcess(this.pidns.allocate(), argv, this.id.uid, stdout, stderr, () => this.checkMemory());
    this.procs.set(p.pid, p);
    this.pidns.add(p, this);
    void p.wait().then(() => this.procs.delete(p.pid));
    return p;
  }

  memoryUsage(): number {
    let sum = this.state === 'running' ? BASE_MEMORY : 0;
    for (const p of this.procs.values()) sum += p.memoryBytes + 350_000;
    return sum;
  }

  /** the kernel's OOM killer: over the limit, the container's processes are killed with SIGKILL */
  private checkMemory(): void {
    const limit = this.memoryLimit;
    if (!limit || this.state !== 'running' || this.memoryUsage() <= limit) return;
    this.oomKilled = true;
    this.oomKills++;
    for (const p of this.procs.values()) p.terminate(137);
    this.onOom?.();
  }
  get wasOomKilled(): boolean {
    return this.oomKilled;
  }

  cpuDemandCores(): number {
    let d = 0;
    for (const p of this.procs.values()) d += p.cpuDemand;
    const lim = this.cpuLimitMillis;
    return lim ? Math.min(d, lim / 1000) : d;
  }

  /**
   * Runs `ns` of CPU work (one request's computation) on this container's CPU: a single thread uses at most one
   * core, and under a CPU limit the work queues behind earlier work and runs at the quota's pace (throttled). The
   * time is charged to the container when the work is done, so usage follows the load clients really send.
   */
  async compute(ns: number, signal: AbortSignal): Promise<void> {
    const lim = this.cpuLimitMillis / 1000;
    const now = Date.now();
    const ms = ns / 1e6 / (lim ? Math.min(lim, 1) : 1);
    const start = lim ? Math.max(now, this.cpuFreeAt) : now;
    if (lim) {
      this.cpuFreeAt = start + ms;
      if (start > now || lim < 1) this.throttledPeriods += Math.max(1, Math.floor((start + ms - now) / 100));
    }
    await interruptibleSleep(start + ms - now, signal);
    if (signal.aborted) return;
    this.cpuUsageNs += ns;
    this.work.push({ at: Date.now(), ns });
  }

  /** cores used by timed work over the last metrics window (what a rate between two cumulative samples shows) */
  private workCores(now: number): number {
    const since = now - CPU_WINDOW_MS;
    while (this.work.length && this.work[0].at <= since) this.work.shift();
    return this.work.reduce((a, w) => a + w.ns, 0) / (CPU_WINDOW_MS * 1e6);
  }

  /** integrates CPU use up to now; returns the current rate in nanocores (busy processes now + timed work of the window) */
  sampleCpu(now = Date.now()): number {
    const demand = this.cpuDemandCores();
    const rawDemand = [...this.procs.values()].reduce((a, p) => a + p.cpuDemand, 0);
    const dt = now - this.lastCpuSample;
    const cores = this.state === 'running' ? Math.max(demand, 0.0002) : 0;
    this.cpuUsageNs += Math.round(cores * dt * 1e6);
    if (rawDemand > demand && dt > 0) this.throttledPeriods += Math.max(1, Math.floor(dt / 100));
    this.lastCpuSample = now;
    const lim = this.cpuLimitMillis / 1000;
    const total = this.state === 'running' ? cores + this.workCores(now) : 0;
    return Math.round((lim ? Math.min(total, lim) : total) * 1e9);
  }

  // --- /proc and /sys/fs/cgroup -------------------------------------------------------------

  private selfPid(): number {
    return Math.max(0, ...this.procs.keys());
  }

  private procNode(rel: string): GenNode | undefined {
    const parts = rel.split('/').filter(Boolean);
    const limit = this.memoryLimit;
    const total = limit || NODE_MEMORY;
    if (parts.length === 0)
      return {
        dir: () => [
          ...this.pidns.list().map((p) => String(p.pid)),
          'self',
          'cpuinfo',
          'meminfo',
          'version',
          'uptime',
          'loadavg',
          'mounts',
          'cgroups',
          'stat',
          'sys',
        ],
      };
    const [head, ...rest] = parts;
    const k = this.sandbox.kernel;
    switch (head) {
      case 'version':
        return rest.length ? undefined : { file: () => `Linux version ${k.release} (kubelab@kubelab) (gcc (GCC) 13.2.0) ${k.version}\n` };
      case 'cpuinfo':
        return rest.length
          ? undefined
          : {
              file: () =>
                [0, 1, 2, 3]
                  .map(
                    (i) =>
                      `processor\t: ${i}\nvendor_id\t: KubeLab\nmodel name\t: ${k.cpuModel}\ncpu MHz\t\t: 2400.000\ncpu cores\t: 4\nflags\t\t: fpu vme de pse tsc msr pae\n`,
                  )
                  .join('\n'),
            };
      case 'meminfo':
        return rest.length
          ? undefined
          : {
              file: () => {
                const used = this.memoryUsage();
                const kb = (b: number) => `${Math.floor(b / 1024)} kB`.padStart(11, ' ');
                return `MemTotal:    ${kb(total)}\nMemFree:     ${kb(total - used)}\nMemAvailable:${kb(total - used)}\nBuffers:     ${kb(0)}\nCached:      ${kb(0)}\nSwapTotal:   ${kb(0)}\nSwapFree:    ${kb(0)}\n`;
              },
            };
      case 'uptime':
        return rest.length
          ? undefined
          : {
              file: () => {
                const s = (Date.now() - this.sandbox.createdAt) / 1000;
                return `${s.toFixed(2)} ${(s * 3.9).toFixed(2)}\n`;
              },
            };
      case 'loadavg':
        return rest.length ? undefined : { file: () => `${this.cpuDemandCores().toFixed(2)} 0.05 0.01 1/${this.procs.size} ${this.selfPid()}\n` };
      case 'mounts':
        return rest.length ? undefined : { file: () => this.mountTable() };
      case 'stat':
        return rest.length ? undefined : { file: () => `cpu  ${Math.floor(this.cpuUsageNs / 1e7)} 0 0 0 0 0 0 0 0 0\nprocesses ${this.procs.size}\n` };
      case 'sys': {
        // the UTS namespace's names, as sysctl shows them
        const sys: Record<string, string> = {
          'kernel/hostname': this.sandbox.config.hostname,
          'kernel/ostype': 'Linux',
          'kernel/osrelease': k.release,
          'kernel/domainname': '(none)',
        };
        const key = rest.join('/');
        if (key in sys) return { file: () => sys[key] + '\n' };
        if (!rest.length) return { dir: () => ['kernel'] };
        return key === 'kernel' ? { dir: () => Object.keys(sys).map((x) => x.slice(7)) } : undefined;
      }
      case 'cgroups':
        return rest.length ? undefined : { file: () => '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t0\t1\t1\nmemory\t0\t1\t1\npids\t0\t1\t1\n' };
    }
    const pid = head === 'self' ? this.selfPid() : Number(head);
    const proc = this.pidns.get(pid);
    if (!proc) return undefined;
    const env = this.pidns.ownerOf(pid)?.env ?? this.env;
    if (rest.length === 0) return { dir: () => ['status', 'cmdline', 'cgroup', 'environ', 'fd', 'comm'] };
    if (rest[0] === 'fd')
      return rest.length === 1 ? { dir: () => ['0', '1', '2'] } : ['0', '1', '2'].includes(rest[1]) && rest.length === 2 ? { file: () => '' } : undefined;
    if (rest.length > 1) return undefined;
    const caps = capabilities(this.config.security, this.id.uid);
    const comm = (proc.argv[0] ?? '').split('/').pop() ?? '';
    switch (rest[0]) {
      case 'comm':
        return { file: () => comm + '\n' };
      case 'cmdline':
        return { file: () => proc.argv.join('\0') + '\0' };
      case 'environ':
        return {
          file: () =>
            Object.entries(env)
              .map(([a, b]) => `${a}=${b}`)
              .join('\0') + '\0',
        };
      case 'cgroup':
        return { file: () => '0::/\n' };
      case 'status':
        return {
          file: () => {
            const g = this.id;
            const noNewPrivs = this.config.security.allowPrivilegeEscalation === false ? 1 : 0;
            return (
              `Name:\t${comm.slice(0, 15)}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t${pid}\nPid:\t${pid}\nPPid:\t${pid === 1 ? 0 : 1}\n` +
              `Uid:\t${g.uid}\t${g.uid}\t${g.uid}\t${g.uid}\nGid:\t${g.gid}\t${g.gid}\t${g.gid}\t${g.gid}\nGroups:\t${g.groups.join(' ')}\n` +
              `VmRSS:\t${Math.floor((proc.memoryBytes + 350_000) / 1024)} kB\nThreads:\t1\n` +
              `CapInh:\t0000000000000000\nCapPrm:\t${capHex(caps.effective)}\nCapEff:\t${capHex(caps.effective)}\nCapBnd:\t${capHex(caps.bounding)}\nCapAmb:\t0000000000000000\n` +
              `NoNewPrivs:\t${noNewPrivs}\nSeccomp:\t${this.config.security.privileged ? 0 : 2}\n`
            );
          },
        };
    }
    return undefined;
  }

  mountTable(): string {
    const ro = this.config.security.readOnlyRootFilesystem ? 'ro' : 'rw';
    const lines = [
      `overlay / overlay ${ro},relatime,lowerdir=/var/lib/kubelab/images/${this.image.info.id.slice(7, 19)},upperdir=/var/lib/kubelab/containers/${this.containerId.slice(0, 12)}/fs 0 0`,
      'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
      'tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0',
      'cgroup /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime 0 0',
      'shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0',
    ];
    for (const m of this.config.mounts) {
      const dev = m.tmpfs ? 'tmpfs' : '/dev/kubelab';
      lines.push(`${dev} ${m.containerPath} ${m.tmpfs ? 'tmpfs' : 'ext4'} ${m.readOnly ? 'ro' : 'rw'},relatime 0 0`);
    }
    return lines.join('\n') + '\n';
  }

  private cgroupNode(rel: string): GenNode | undefined {
    const name = rel.replace(/^\/+/, '');
    const files: Record<string, () => string> = {
      'memory.max': () => (this.memoryLimit ? String(this.memoryLimit) : 'max') + '\n',
      'memory.current': () => this.memoryUsage() + '\n',
      'memory.events': () => `low 0\nhigh 0\nmax ${this.oomKills}\noom ${this.oomKills}\noom_kill ${this.oomKills}\n`,
      'memory.stat': () => `anon ${this.memoryUsage()}\nfile 0\n`,
      'cpu.max': () => (this.cpuLimitMillis ? `${this.cpuLimitMillis * 100} 100000` : 'max 100000') + '\n',
      'cpu.weight': () => String(Math.max(1, Math.round(((((this.config.cpuRequestMillis || 2) * 1024) / 1000 - 2) * 9999) / 262142 + 1))) + '\n',
      'cpu.stat': () => {
        this.sampleCpu();
        const us = Math.floor(this.cpuUsageNs / 1000);
        return `usage_usec ${us}\nuser_usec ${Math.floor(us * 0.9)}\nsystem_usec ${Math.floor(us * 0.1)}\nnr_periods ${Math.floor((Date.now() - (this.startedAt ?? Date.now())) / 100)}\nnr_throttled ${this.throttledPeriods}\nthrottled_usec ${this.throttledPeriods * 90_000}\n`;
      },
      'pids.current': () => this.procs.size + '\n',
      'pids.max': () => 'max\n',
      'cgroup.controllers': () => 'cpuset cpu io memory hugetlb pids rdma\n',
    };
    if (!name) return { dir: () => Object.keys(files) };
    const f = files[name];
    return f ? { file: f } : undefined;
  }

  startLog(now: () => number): void {
    this.log = new CriLogWriter(this.config.logPath, now);
  }
}

function binariesOf(image: ResolvedImage, programs: ProgramTable): Set<string> {
  const names = new Set<string>(Object.keys(programs));
  const absent = new Set(profileFor(image.image).absent);
  if (image.image.base !== 'scratch') for (const n of shellUtilities()) if (!absent.has(n)) names.add(n);
  return names;
}

function resolveIdentity(c: SimContainer, image: ResolvedImage): Identity {
  const sec = c.config.security;
  const files = imageFiles(image.image);
  const passwd = (files.get('/etc/passwd') ?? '')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4);
  const [userPart, groupPart] = (image.info.user || '').split(':');
  let imageUid: number | undefined = 0;
  let imageGid: number | undefined;
  if (userPart) {
    if (/^\d+$/.test(userPart)) imageUid = Number(userPart);
    else {
      const e = passwd.find((f) => f[0] === userPart);
      imageUid = e ? Number(e[2]) : undefined;
      imageGid = e ? Number(e[3]) : undefined;
    }
  }
  if (groupPart && /^\d+$/.test(groupPart)) imageGid = Number(groupPart);
  const podRef = `${c.sandbox.config.name}_${c.sandbox.config.namespace}(${c.sandbox.config.uid})`;
  if (sec.runAsNonRoot) {
    if (sec.runAsUser === 0)
      throw new ContainerCreateError(
        `container's runAsUser breaks non-root policy (pod: "${podRef}", container: ${c.config.name})`,
        'CreateContainerConfigError',
      );
    if (sec.runAsUser === undefined) {
      if (userPart && imageUid === undefined)
        throw new ContainerCreateError(
          `container has runAsNonRoot and image has non-numeric user (${userPart}), cannot verify user is non-root (pod: "${podRef}", container: ${c.config.name})`,
          'CreateContainerConfigError',
        );
      if (!imageUid)
        throw new ContainerCreateError(
          `container has runAsNonRoot and image will run as root (pod: "${podRef}", container: ${c.config.name})`,
          'CreateContainerConfigError',
        );
    }
  }
  const uid = sec.runAsUser ?? imageUid ?? 0;
  const entry = passwd.find((f) => Number(f[2]) === uid);
  const gid = sec.runAsGroup ?? imageGid ?? (entry ? Number(entry[3]) : 0);
  const groups = [...new Set([gid, ...(sec.fsGroup !== undefined ? [sec.fsGroup] : []), ...(sec.supplementalGroups ?? [])])].sort((a, b) => a - b);
  if (uid === 0 && gid === 0 && sec.fsGroup === undefined && !sec.supplementalGroups?.length && image.image.base === 'busybox') groups.push(10);
  return { uid, gid, groups, userName: entry?.[0] };
}
