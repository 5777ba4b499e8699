// What a node's shell offers: a table of programs and of files, which every component of the node can add to
// (the kubelet's crictl/systemctl/journalctl here; the network's iptables-save, ipvsadm, ip and CNI config).
// Programs and files are computed when run or read, from the node's live state, never canned.
import type { Kubelet } from '../kubelet';
import type { IFileSystem } from 'just-bash';
import type { NodeViews } from '../../network/views';
import type { EtcdBackend } from '../../store/etcdctl/etcdctl';

/** the node a program runs on or a file is read from */
export interface NodeHost {
  nodeName: string;
  kubelet: Kubelet;
  /** the cluster network's view of this node (absent on clusters built with a test network) */
  network?: () => NodeViews;
  /** the etcd a control-plane node runs (kubeadm's stacked etcd); absent on workers */
  etcd?: EtcdBackend;
}

export interface NodeProgramResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}
export interface NodeProgramContext {
  node: NodeHost;
  stdin: string;
  cwd: string;
  /** the shell's filesystem (the node's root with /tmp and the logs mounted) */
  fs: IFileSystem;
  /** the shell's exported variables */
  env: Record<string, string>;
  /** aborted when the command line is cut short (`timeout`) */
  signal?: AbortSignal;
}
export type NodeProgram = (args: string[], ctx: NodeProgramContext) => Promise<NodeProgramResult>;
/** a file's content for one node; undefined when the node has no such file */
export type NodeFile = (node: NodeHost) => string | undefined | Promise<string | undefined>;

const programs = new Map<string, NodeProgram>();
const files = new Map<string, NodeFile>();

/** adds a binary to every node's PATH (name as typed, e.g. "iptables-save") */
export function registerNodeProgram(name: string, program: NodeProgram): void {
  programs.set(name, program);
}

/** adds a file to every node's filesystem at an absolute path (e.g. "/etc/cni/net.d/10-kubelab.conflist") */
export function registerNodeFile(path: string, file: NodeFile): void {
  if (!path.startsWith('/')) throw new Error(`node file path must be absolute: ${path}`);
  files.set(path, file);
}

export function nodePrograms(): ReadonlyMap<string, NodeProgram> {
  return programs;
}
export function nodeFiles(): ReadonlyMap<string, NodeFile> {
  return files;
}

export const ok = (stdout: string): NodeProgramResult => ({ stdout, stderr: '', exitCode: 0 });
export const fail = (stderr: string, exitCode = 1): NodeProgramResult => ({ stdout: '', stderr, exitCode });
