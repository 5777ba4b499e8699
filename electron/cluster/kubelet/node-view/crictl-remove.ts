// crictl stopp, rmp and rm (cri-tools v1.33): stop or remove pod sandboxes and containers on the node's runtime.
// The kubelet notices what was done behind its back: a pod that still exists gets a new sandbox.
import * as fs from 'node:fs';
import type { ContainerStatus, SandboxStatus } from '../../runtime/interface';
import { fatal, logrusLine, parseFlags, podOf, resolveId, type Parsed } from './crictl-args';
import { ok, type NodeHost, type NodeProgramResult } from './table';

/** urfave/cli's help for a subcommand: its options in aligned columns, --help last */
function help(name: string, usage: string, args: string, options: [string, string][]): string {
  const all: [string, string][] = [...options, ['--help, -h', 'show help']];
  const width = Math.max(...all.map(([o]) => o.length)) + 2;
  return (
    `NAME:\n   crictl ${name} - ${usage}\n\nUSAGE:\n   crictl ${name} [command options] ${args}\n\nOPTIONS:\n` +
    all.map(([o, d]) => `   ${o.padEnd(width)}${d}\n`).join('')
  );
}
const RMP_HELP = help('rmp', 'Remove one or more pods', 'POD-ID [POD-ID...]', [
  ['--all, -a', 'Remove all pods (default: false)'],
  ['--force, -f', 'Force removal of the pod sandbox, disregarding if running (default: false)'],
]);
const RM_HELP = help('rm', 'Remove one or more containers', 'CONTAINER-ID [CONTAINER-ID...]', [
  ['--all, -a', 'Remove all containers (default: false)'],
  ['--force, -f', 'Force removal of the container, disregarding if running (default: false)'],
  ['--keep-logs, -k', 'Preserve the container log file and its rotations (default: false)'],
]);
const STOPP_HELP = help('stopp', 'Stop one or more running pods', 'POD-ID [POD-ID...]', []);

const FLAGS = { a: 'all', all: 'all', f: 'force', force: 'force', k: 'keep-logs', 'keep-logs': 'keep-logs', h: 'help', help: 'help' };

export async function stopSandboxes(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(argv, {}, { h: 'help', help: 'help' });
  if (typeof p === 'string') return fatal(p);
  if (!p.args.length || p.bools.has('help')) return ok(STOPP_HELP);
  let out = '';
  // one listing serves every ID given
  const all = await node.kubelet.runtime.listPodSandboxes();
  for (const given of p.args) {
    const s = resolveId(all, given, 'pod sandbox');
    if (typeof s === 'string') return { ...fatal(`stopping the pod sandbox "${given}": ${s}`), stdout: out };
    await node.kubelet.runtime.stopPodSandbox(s.id);
    out += `Stopped sandbox ${given}\n`;
  }
  return ok(out);
}

const info = (msg: string): NodeProgramResult => ({ stdout: '', stderr: logrusLine('info', msg), exitCode: 0 });

/**
 * crictl's removal loop: each ID on its own (crictl runs them concurrently and reports every failure); a running
 * item needs -f, which stops it first.
 */
async function removeEach<T extends { id: string }>(
  p: Parsed,
  items: T[],
  o: {
    help: string;
    none: string;
    statusError: string;
    running: (t: T) => boolean;
    stop: (t: T, given: string) => Promise<string>;
    remove: (t: T, given: string) => Promise<string>;
    what: string;
  },
): Promise<NodeProgramResult> {
  const ids = p.bools.has('all') ? items.map((t) => t.id) : p.args;
  if (p.bools.has('help')) return ok(o.help);
  if (!ids.length) return p.bools.has('all') ? info(o.none) : ok(o.help);
  let out = '';
  const errors: string[] = [];
  for (const given of ids) {
    const t = resolveId(items, given, o.what);
    if (typeof t === 'string') {
      errors.push(`${o.statusError} "${given}": ${t}`);
      continue;
    }
    if (o.running(t)) {
      if (!p.bools.has('force')) {
        errors.push(`${o.what} "${given}" is running, please stop it first`);
        continue;
      }
      out += await o.stop(t, given);
    }
    out += await o.remove(t, given);
  }
  return errors.length ? { ...fatal(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`), stdout: out } : ok(out);
}

/** Removing a sandbox removes its containers. */
export async function removeSandboxes(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(argv, {}, FLAGS);
  if (typeof p === 'string') return fatal(p);
  const rt = node.kubelet.runtime;
  return removeEach<SandboxStatus>(p, await rt.listPodSandboxes(), {
    help: RMP_HELP,
    none: 'No pods to remove',
    statusError: 'getting sandbox status of pod',
    what: 'pod sandbox',
    running: (s) => s.state === 'ready',
    stop: async (s, given) => {
      await rt.stopPodSandbox(s.id);
      return `Stopped sandbox ${given}\n`;
    },
    remove: async (s, given) => {
      await rt.removePodSandbox(s.id);
      return `Removed sandbox ${given}\n`;
    },
  });
}

/** crictl prints each ID it stops and each it removes; the log file goes too unless -k */
export async function removeContainers(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(argv, {}, FLAGS);
  if (typeof p === 'string') return fatal(p);
  const rt = node.kubelet.runtime;
  return removeEach<ContainerStatus>(p, await rt.listContainers(), {
    help: RM_HELP,
    none: 'No containers to remove',
    statusError: 'getting container status',
    what: 'container',
    running: (c) => c.state === 'running',
    stop: async (c, given) => {
      await rt.stopContainer(c.id, 0);
      return `${given}\n`;
    },
    remove: async (c, given) => {
      await rt.removeContainer(c.id);
      const st = podOf(node, c.sandboxId);
      if (!p.bools.has('keep-logs') && st) fs.rmSync(node.kubelet.logPath(st.pod, c.name, c.attempt), { force: true });
      return `${given}\n`;
    },
  });
}
