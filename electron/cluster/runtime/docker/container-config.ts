// Pod-spec container config (already resolved by the kubelet) → Docker's container create options, as
// dockershim/cri-dockerd translate a CRI ContainerConfig: the container joins its sandbox's network and IPC
// (and PID with shareProcessNamespace) namespaces, so localhost between a pod's containers works.
import type { ContainerCreateOptions, MountSettings } from 'dockerode';
import { ContainerCreateError, type ContainerConfig, type ImageInfo, type PodSandboxConfig } from '../interface';
import { L, containerName } from './labels';

export interface SandboxRef {
  id: string;
  config: PodSandboxConfig;
  /** the kubelet-written /etc/hosts and /etc/resolv.conf of this pod (hostNetwork pods use the node's) */
  hostsFile?: string;
  resolvFile?: string;
}

export interface ContainerPlacement {
  cluster: string;
  dataDir: string;
  node: string;
  /** host file bind-mounted at terminationMessagePath, read back when the container exits */
  terminationLogFile?: string;
  /** the running container an ephemeral container targets: it joins that container's PID namespace */
  targetContainerId?: string;
}

const CPU_PERIOD = 100_000;

export function containerCreateOptions(cfg: ContainerConfig, sb: SandboxRef, image: ImageInfo, where: ContainerPlacement): ContainerCreateOptions {
  const sec = cfg.security;
  if (sec.runAsNonRoot && sec.runAsUser === undefined && isRootUser(image.user)) {
    throw new ContainerCreateError(
      `container has runAsNonRoot and image will run as root (pod: "${sb.config.name}_${sb.config.namespace}(${sb.config.uid})", container: ${cfg.name})`,
      'CreateContainerConfigError',
    );
  }
  if (sec.runAsNonRoot && sec.runAsUser === 0) {
    throw new ContainerCreateError(
      `container's runAsUser breaks non-root policy (pod: "${sb.config.name}_${sb.config.namespace}(${sb.config.uid})", container: ${cfg.name})`,
      'CreateContainerConfigError',
    );
  }
  const mounts: MountSettings[] = cfg.mounts.map((m) => ({ Type: 'bind', Source: m.hostPath, Target: m.containerPath, ReadOnly: m.readOnly }));
  const taken = new Set(cfg.mounts.map((m) => m.containerPath));
  const addFile = (source: string | undefined, target: string, readOnly: boolean) => {
    if (source && !taken.has(target)) mounts.push({ Type: 'bind', Source: source, Target: target, ReadOnly: readOnly });
  };
  addFile(sb.hostsFile, '/etc/hosts', false);
  addFile(sb.resolvFile, '/etc/resolv.conf', false);
  if (cfg.terminationMessagePath) addFile(where.terminationLogFile, cfg.terminationMessagePath, false);

  const join = `container:${sb.id}`;
  const groups = [...(sec.supplementalGroups ?? []), ...(sec.fsGroup !== undefined ? [sec.fsGroup] : [])].map(String);
  const pod = { name: sb.config.name, namespace: sb.config.namespace, uid: sb.config.uid };
  return {
    name: containerName(cfg.name, pod, cfg.attempt),
    Image: image.id,
    // Kubernetes' command replaces ENTRYPOINT and args replace CMD; Docker resets CMD when ENTRYPOINT is given,
    // which is also Kubernetes' rule (command without args ignores the image's CMD)
    ...(cfg.command?.length ? { Entrypoint: cfg.command, Cmd: cfg.args ?? [] } : cfg.args ? { Cmd: cfg.args } : {}),
    Env: cfg.env.map((e) => `${e.name}=${e.value}`),
    ...(cfg.workingDir ? { WorkingDir: cfg.workingDir } : {}),
    ...(sec.runAsUser !== undefined ? { User: sec.runAsGroup !== undefined ? `${sec.runAsUser}:${sec.runAsGroup}` : String(sec.runAsUser) } : {}),
    Tty: cfg.tty,
    OpenStdin: cfg.stdin,
    StdinOnce: cfg.stdinOnce,
    AttachStdin: cfg.stdin,
    AttachStdout: true,
    AttachStderr: true,
    Labels: {
      [L.podName]: pod.name,
      [L.podNamespace]: pod.namespace,
      [L.podUid]: pod.uid,
      [L.containerName]: cfg.name,
      [L.type]: 'container',
      [L.sandboxId]: sb.id,
      [L.attempt]: String(cfg.attempt),
      [L.cluster]: where.cluster,
      [L.dataDir]: where.dataDir,
      [L.node]: where.node,
      [L.logPath]: cfg.logPath,
      ...(where.terminationLogFile ? { [L.terminationLog]: where.terminationLogFile } : {}),
    },
    HostConfig: {
      NetworkMode: join,
      IpcMode: join,
      ...(sb.config.shareProcessNamespace ? { PidMode: join } : where.targetContainerId ? { PidMode: `container:${where.targetContainerId}` } : {}),
      Mounts: mounts,
      ReadonlyRootfs: !!sec.readOnlyRootFilesystem,
      Privileged: !!sec.privileged,
      CapAdd: sec.capabilities?.add ?? [],
      CapDrop: sec.capabilities?.drop ?? [],
      SecurityOpt: sec.allowPrivilegeEscalation === false ? ['no-new-privileges'] : [],
      GroupAdd: groups,
      // no swap beyond the limit, as the kubelet configures cgroups: over the limit is an OOM kill (exit 137)
      ...(cfg.memoryLimitBytes > 0 ? { Memory: cfg.memoryLimitBytes, MemorySwap: cfg.memoryLimitBytes } : {}),
      ...(cfg.cpuLimitMillis > 0 ? { CpuPeriod: CPU_PERIOD, CpuQuota: Math.max(1000, Math.round((cfg.cpuLimitMillis * CPU_PERIOD) / 1000)) } : {}),
      CpuShares: cpuShares(cfg.cpuRequestMillis || cfg.cpuLimitMillis),
      // the kubelet restarts containers itself, by the pod's restart policy
      RestartPolicy: { Name: 'no' },
      // logs go to the kubelet's CRI log files through an attach; Docker keeps only a small copy of its own
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
    },
  };
}

/** the kubelet's milli-CPU → cpu.shares conversion (2 is the kernel's minimum) */
export function cpuShares(milli: number): number {
  return milli > 0 ? Math.max(2, Math.floor((milli * 1024) / 1000)) : 2;
}

function isRootUser(user: string): boolean {
  const u = user.split(':')[0];
  return u === '' || u === '0' || u === 'root';
}

/** /etc/hosts as the kubelet writes it for a pod that is not on the host network */
export function hostsFileContent(cfg: PodSandboxConfig): string {
  const ip = cfg.podIPs[0] ?? '';
  const names = cfg.fqdn ? `${cfg.fqdn}\t${cfg.hostname}` : cfg.hostname;
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${ip}\t${names}`,
  ];
  if (cfg.hostAliases?.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of cfg.hostAliases) lines.push(`${a.ip}\t${a.hostnames.join('\t')}`);
  }
  return lines.join('\n') + '\n';
}

export function resolvConfContent(cfg: PodSandboxConfig): string {
  const d = cfg.dns;
  return (
    [
      ...(d.searches.length ? [`search ${d.searches.join(' ')}`] : []),
      ...d.servers.map((s) => `nameserver ${s}`),
      ...(d.options.length ? [`options ${d.options.join(' ')}`] : []),
    ].join('\n') + '\n'
  );
}
