import { getCommandNames } from 'just-bash';

/** commands implemented in shell/commands.ts, shell/extra-commands.ts, shell/net-commands.ts and shell/dns-commands.ts */
export const CONTAINER_COMMANDS = [
  'busybox',
  'dd',
  'uptime',
  'cal',
  'jobs',
  'timeout',
  'nohup',
  'yes',
  'mktemp',
  'truncate',
  'realpath',
  'xxd',
  'hexdump',
  'cmp',
  'factor',
  'shuf',
  'groups',
  'getent',
  'umask',
  'ulimit',
  'printenv',
  'ps',
  'kill',
  'id',
  'whoami',
  'hostname',
  'uname',
  'dmesg',
  'mount',
  'df',
  'free',
  'top',
  'tty',
  'stty',
  'nproc',
  'wget',
  'curl',
  'nc',
  'nslookup',
  'dig',
  'host',
  'ping',
  'ip',
  'tar',
  'tail',
  'time',
  'cksum',
  'less',
  'more',
  'vi',
  'chroot',
];
/** internal helpers the script rewriter calls; they resolve like binaries but are never listed */
export const HIDDEN_COMMANDS = [
  '__kubelab_yield',
  '__kubelab_trap',
  '__kubelab_wait',
  '__kubelab_bg',
  '__kubelab_lastbg',
  '__kubelab_echo',
  '__kubelab_absent',
  '__kubelab_type',
  '__kubelab_fail',
  '__kubelab_flags',
  '__kubelab_source_check',
];

let cached: Set<string> | undefined;
/** every utility a shell image offers in /bin (busybox-style applets) */
export function shellUtilities(): Set<string> {
  cached ??= new Set([...getCommandNames(), ...CONTAINER_COMMANDS, ...HIDDEN_COMMANDS]);
  return cached;
}
