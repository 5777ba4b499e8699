// The node's own root as a container can reach it: `kubectl debug node/NAME` mounts the node's "/" at /host, and
// `chroot /host` (upstream's documented way to a node shell) then runs the node's shell — its files, crictl,
// ip, iptables-save, ipvsadm, systemctl, journalctl — instead of the container's.
import * as path from 'node:path';
import type { SimContainer } from './container';

export interface HostShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}
/** one shell session on the node; it keeps its working directory and variables between command lines */
export interface HostShell {
  run(commandLine: string): Promise<HostShellResult>;
}
export interface HostRoot {
  /** the folder a hostPath of "/" mounts on this node */
  dir: string;
  shell(): HostShell;
}

/** the node shell for `chroot DIR` when DIR (resolved against cwd) is where the node's root is mounted */
export function hostShellAt(c: SimContainer, dir: string, cwd: string): HostShell | undefined {
  const root = c.hostRoot;
  if (!root) return undefined;
  const target = path.posix.resolve(cwd, dir);
  const m = c.config.mounts.find((x) => path.posix.resolve('/', x.containerPath) === target && path.resolve(x.hostPath) === path.resolve(root.dir));
  return m ? root.shell() : undefined;
}
