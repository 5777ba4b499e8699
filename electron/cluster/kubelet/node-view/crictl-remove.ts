// crictl stopp, rmp and rm (cri-tools v1.33): stop or remove pod sandboxes and containers on the node's runtime.
// The kubelet notices what was done behind its back: a pod that still exists gets a new sandbox.
import * as fs from 'node:fs';
import type { ContainerStatus, SandboxStatus } from '../../runtime/interface';
import { fatal, parseFlags, podOf, resolveId } from './crictl-args';
import { ok, type NodeHost, type NodeProgramResult } from './table';

const RMP_HELP = `NAME:
   crictl rmp - Remove one or more pods

USAGE:
   crictl rmp [command options] POD-ID [POD-ID...]

OPTIONS:
   --all, -a    Remove all pods (default: false)
   --force, -f  Force removal of the pod sandbox, disregarding if running (default: false)
   --help, -h   show help
`;
const RM_HELP = `NAME:
   crictl rm - Remove one or more containers

USAGE:
   crictl rm [command options] CONTAINER-ID [CONTAINER-ID...]

OPTIONS:
   --all, -a        Remove all containers (default: false)
   --force, -f      Force removal of the container, disregarding if running (default: false)
   --keep-logs, -k  Preserve the container log file and its rotations (default: false)
   --help, -h       show help
`;
const STOPP_HELP = `NAME:
   crictl stopp - Stop one or more running pods

USAGE:
   crictl stopp [command options] POD-ID [POD-ID...]

OPTIONS:
   --help, -h  show help
`;

const FLAGS = { a: 'all', all: 'all', f: 'force', force: 'force', k: 'keep-logs', 'keep-logs': 'keep-logs', h: 'help', help: 'help' };

async function sandboxId(node: NodeHost, given: string): Promise<SandboxStatus | string> {
  return resolveId(await node.kubelet.runtime.listPodSandboxes(), given, 'pod sandbox');
}

export async function stopSandboxes(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(argv, {}, { h: 'help', help: 'help' });
  if (typeof p === 'string') return fatal(p);
  if (!p.args.length || p.bools.has('help')) return ok(STOPP_HELP);
  let out = '';
  for (const given of p.args) {
    const s = await sandboxId(node, given);
    if (typeof s === 'string') return { ...fatal(`stopping the pod sandbox "${given}": ${s}`), stdout: out };
    await node.kubelet.runtime.stopPodSandbox(s.id);
    out += `Stopped sandbox ${given}\n`;
  }
  return ok(out);
}

/**
 * Each ID is handled on its own (crictl runs them concurrently and reports every failure); a ready sandbox needs
 * -f, which stops it first. Removing a sandbox removes its containers.
 */
export async function removeSandboxes(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(argv, {}, FLAGS);
  if (typeof p === 'string') return fatal(p);
  const rt = node.kubelet.runtime;
  const ids = p.bools.has('all') ? (await rt.listPodSandboxes()).map((s) => s.id) : p.args;
  if (p.bools.has('help') || !ids.length) {
    if (p.bools.has('all')) return { stdout: '', stderr: `time="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" level=info msg="No pods to remove"\n`, exitCode: 0 };
    return ok(RMP_HELP);
  }
  let out = '';
  const errors: string[] = [];
  for (const given of ids) {
    const s = await sandboxId(node, given);
    if (typeof s === 'string') {
      errors.push(`getting sandbox status of pod "${given}": ${s}`);
      continue;
    }
    if (s.state === 'ready') {
      if (!p.bools.has('force')) {
        errors.push(`pod sandbox "${given}" is running, please stop it first`);
        continue;
      }
      await rt.stopPodSandbox(s.id);
      out += `Stopped sandbox ${given}\n`;
    }
    await rt.removePodSandbox(s.id);
    out += `Removed sandbox ${given}\n`;
  }
  return errors.length ? { ...fatal(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`), stdout: out } : ok(out);
}

export async function removeContainers(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(argv, {}, FLAGS);
  if (typeof p === 'string') return fatal(p);
  const rt = node.kubelet.runtime;
  const all = await rt.listContainers();
  const ids = p.bools.has('all') ? all.map((c) => c.id) : p.args;
  if (p.bools.has('help') || !ids.length) {
    if (p.bools.has('all')) return { stdout: '', stderr: `time="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" level=info msg="No containers to remove"\n`, exitCode: 0 };
    return ok(RM_HELP);
  }
  let out = '';
  const errors: string[] = [];
  for (const given of ids) {
    const c = resolveId<ContainerStatus>(all, given, 'container');
    if (typeof c === 'string') {
      errors.push(`getting container status "${given}": ${c}`);
      continue;
    }
    if (c.state === 'running') {
      if (!p.bools.has('force')) {
        errors.push(`container "${given}" is running, please stop it first`);
        continue;
      }
      await rt.stopContainer(c.id, 0);
      out += `${given}\n`;
    }
    await rt.removeContainer(c.id);
    out += `${given}\n`;
    // crictl removes the log file too unless -k (the kubelet's /var/log/pods entry of that attempt)
    const st = podOf(node, c.sandboxId);
    if (!p.bools.has('keep-logs') && st) fs.rmSync(node.kubelet.logPath(st.pod, c.name, c.attempt), { force: true });
  }
  return errors.length ? { ...fatal(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`), stdout: out } : ok(out);
}

