/** What each RuntimeClass handler looks like from inside a container: its kernel and its boot log. */
export interface KernelFlavour {
  handler: string;
  release: string;
  version: string;
  /** dmesg output, or undefined when the container may not read the kernel log */
  dmesg?: (bootedAt: number) => string;
  cpuModel: string;
}

const ts = (s: number) => `[${s.toFixed(6).padStart(12, ' ')}]`;

export function kernelFor(handler: string): KernelFlavour {
  if (handler === 'runsc') {
    return {
      handler,
      release: '4.4.0',
      version: '#1 SMP Sun Jan 10 15:06:54 PST 2016',
      cpuModel: 'KubeLab Virtual CPU (gVisor)',
      dmesg: () =>
        [
          `${ts(0)} Starting gVisor...`,
          `${ts(0.412831)} Checking naughty and nice process list...`,
          `${ts(0.771903)} Creating process schedule...`,
          `${ts(1.009372)} Synthesizing system calls...`,
          `${ts(1.403385)} Preparing for the zombie uprising...`,
          `${ts(1.853112)} Waiting for children...`,
          `${ts(2.280543)} Setting up VFS...`,
          `${ts(2.61239)} Setting up FUSE...`,
          `${ts(2.918876)} Ready!`,
        ].join('\n') + '\n',
    };
  }
  if (handler === 'kata') {
    return {
      handler,
      release: '6.1.62',
      version: '#1 SMP Fri Nov 17 05:21:56 UTC 2023',
      cpuModel: 'KubeLab Virtual CPU (QEMU guest)',
      dmesg: () =>
        [
          `${ts(0)} Linux version 6.1.62 (kata@kata-containers) (gcc 11.4.0) #1 SMP Fri Nov 17 05:21:56 UTC 2023`,
          `${ts(0)} Command line: tsc=reliable no_timer_check rcupdate.rcu_expedited=1 i8042.direct=1 console=hvc0 agent.log=debug`,
          `${ts(0)} Hypervisor detected: KVM`,
          `${ts(0.004012)} x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'`,
          `${ts(0.120455)} virtio-pci 0000:00:02.0: enabling device`,
          `${ts(0.231708)} EXT4-fs (pmem0p1): mounted filesystem with ordered data mode`,
          `${ts(0.262101)} Run /sbin/init as init process`,
          `${ts(0.301554)} kata-agent: starting`,
        ].join('\n') + '\n',
    };
  }
  return { handler, release: '6.8.0-kubelab', version: '#1 SMP PREEMPT_DYNAMIC Mon Oct  7 10:00:00 UTC 2024', cpuModel: 'KubeLab Virtual CPU' };
}

const CAP_NAMES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
];
/** containerd's default capability set */
const DEFAULT_CAPS = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];

export interface Capabilities {
  bounding: bigint;
  effective: bigint;
}

export function capabilities(sec: { privileged?: boolean; capabilities?: { add?: string[]; drop?: string[] } }, uid: number): Capabilities {
  const all = (1n << BigInt(CAP_NAMES.length)) - 1n;
  let set = 0n;
  if (sec.privileged) set = all;
  else {
    const bit = (n: string) => {
      const i = CAP_NAMES.indexOf(n.toUpperCase().replace(/^CAP_/, ''));
      return i < 0 ? 0n : 1n << BigInt(i);
    };
    for (const c of DEFAULT_CAPS) set |= bit(c);
    for (const c of sec.capabilities?.add ?? []) set = c.toUpperCase() === 'ALL' ? all : set | bit(c);
    for (const c of sec.capabilities?.drop ?? []) set = c.toUpperCase() === 'ALL' ? 0n : set & ~bit(c);
  }
  // a non-root process keeps the bounding set but has no effective capabilities
  return { bounding: set, effective: uid === 0 ? set : 0n };
}

export const capHex = (v: bigint) => v.toString(16).padStart(16, '0');
