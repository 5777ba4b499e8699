// KubeLab's CNI ADD for a Docker sandbox started with networking disabled: what the CNI bridge plugin does — a veth
// pair between the bridge and the sandbox's network namespace, the namespace's end renamed eth0 and given the pod
// IP and a default route — done with the host's own `ip`, entering the namespace through /proc/<pid>/ns/net.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { runHost } from '../host-command';
import { componentLog } from '../../../best-effort';

const log = componentLog('docker runtime');

const TOOLS = ['ip', 'nsenter'];

/** undefined when the host has the tools, else which it lacks */
export function plugInTools(path = process.env.PATH ?? ''): string | undefined {
  const dirs = [...path.split(':').filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  const missing = TOOLS.filter((t) => !dirs.some((d) => executable(join(d, t))));
  return missing.length ? `the host lacks ${missing.join(' and ')}` : undefined;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function plugIn(sandbox: Docker.Container, podIP: string, o: { bridge: string; prefix: string; gateway: string }): Promise<void> {
  const pid = (await sandbox.inspect()).State.Pid;
  if (!pid) throw new Error(`sandbox ${sandbox.id.slice(0, 12)} has no process to take its network namespace from`);
  // named after the sandbox, as the bridge plugin names it after the container: unique while the sandbox lives, and
  // the pair goes with the sandbox's namespace
  const veth = `veth${sandbox.id.slice(0, 8)}`;
  await runHost('ip', ['-batch', '-'], `link add ${veth} type veth peer name eth0 netns ${pid}\nlink set ${veth} master ${o.bridge} up\n`);
  await runHost(
    'nsenter',
    [`--net=/proc/${pid}/ns/net`, 'ip', '-batch', '-'],
    `addr add ${podIP}/${o.prefix} dev eth0\nlink set eth0 up\nroute add default via ${o.gateway}\n`,
  );
}

/** the interfaces plugged into a bridge ([] when it does not exist here: another network namespace holds it) */
export async function bridgePorts(bridge: string): Promise<string[]> {
  try {
    return (await runHost('ip', ['-o', 'link', 'show', 'master', bridge])).split('\n').filter(Boolean);
  } catch (err) {
    log(`listing the ports of bridge ${bridge}: ${(err as Error).message}`);
    return [];
  }
}
