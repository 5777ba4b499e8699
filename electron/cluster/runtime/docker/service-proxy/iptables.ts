// Who writes the host's NAT table. The process itself when it may (root, or CAP_NET_ADMIN in its effective set);
// otherwise, for a user of a rootful daemon (the "docker" group on Linux), a short-lived container on the host's
// network and PID namespaces that runs the host's own iptables-restore through nsenter into PID 1's mount
// namespace. The network namespace stays the container's --net host one — the daemon's, which owns the bridge
// (entering PID 1's would miss it when dockerd runs in a namespace of its own).
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { L } from '../labels';
import { runHost as run } from '../host-command';

export interface IptablesAccess {
  /** how the rules are written, for the log line */
  how: string;
  /** iptables-save -t nat */
  save(): Promise<string>;
  /** iptables-restore --noflush, input on stdin */
  restore(payload: string): Promise<void>;
}

const CAP_NET_ADMIN = 12;

/** root, or CAP_NET_ADMIN in the effective set (/proc/self/status), so a capability-granted binary counts too */
export function mayWriteNetfilter(status = readProcStatus()): boolean {
  if (process.getuid?.() === 0 && !status) return true;
  const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status ?? '')?.[1];
  return eff !== undefined && (BigInt(`0x${eff}`) & (1n << BigInt(CAP_NET_ADMIN))) !== 0n;
}

function readProcStatus(): string | undefined {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
}

export function directAccess(): IptablesAccess {
  return {
    how: 'iptables-restore run by KubeLab (it holds CAP_NET_ADMIN)',
    save: () => run('iptables-save', ['-t', 'nat']),
    restore: (payload) => run('iptables-restore', ['--noflush'], payload).then(() => undefined),
  };
}

/**
 * Through the daemon: the sandbox image's sh and nsenter (busybox has both; registry.k8s.io/pause has neither,
 * which the error says). The payload travels as an argument, so no attach stream is needed.
 */
export function daemonAccess(docker: Docker, image: () => Promise<string>, cluster: string, log: (line: string) => void): IptablesAccess {
  const inHost = async (script: string, arg = ''): Promise<string> => {
    const c = await docker.createContainer({
      Image: await image(),
      Entrypoint: ['sh', '-c'],
      Cmd: [script, 'kubelab-iptables', arg],
      Labels: { [L.cluster]: cluster },
      HostConfig: { NetworkMode: 'host', PidMode: 'host', Privileged: true },
    });
    try {
      await c.start().catch((e: Error) => {
        throw new Error(/executable file not found|no such file/i.test(e.message) ? `${e.message}${NO_SHELL}` : e.message);
      });
      const { StatusCode } = (await c.wait()) as { StatusCode: number };
      let stdout = '';
      let stderr = '';
      const logs = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      demuxBuffer(logs, (fd, chunk) => (fd === 2 ? (stderr += chunk) : (stdout += chunk)));
      if (StatusCode !== 0) {
        const why = /nsenter: not found|applet not found/.test(stderr) ? NO_SHELL : '';
        throw new Error(`exited with ${StatusCode}: ${stderr.trim() || stdout.trim()}${why}`);
      }
      return stdout;
    } finally {
      await c.remove({ force: true }).catch((e: Error) => log(`docker service proxy: removing the iptables helper container: ${e.message}`));
    }
  };
  return {
    how: 'iptables-restore run on the host through a privileged helper container (KubeLab lacks CAP_NET_ADMIN)',
    save: () => inHost('nsenter -t 1 -m -- iptables-save -t nat'),
    restore: (payload) => inHost('printf %s "$1" | nsenter -t 1 -m -- iptables-restore --noflush', payload).then(() => undefined),
  };
}

const NO_SHELL = ' (the sandbox image has no sh/nsenter: set KUBELAB_DOCKER_PAUSE_IMAGE to a busybox-based one such as kubelab/pause)';

/** Docker's non-TTY log format: frames of [stream, 0, 0, 0, size(4, big-endian)] + payload */
function demuxBuffer(buf: Buffer, onChunk: (fd: number, chunk: string) => void): void {
  let i = 0;
  while (i + 8 <= buf.length) {
    const size = buf.readUInt32BE(i + 4);
    onChunk(buf[i], buf.subarray(i + 8, i + 8 + size).toString());
    i += 8 + size;
  }
}
