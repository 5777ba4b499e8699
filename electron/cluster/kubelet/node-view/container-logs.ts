// /var/log/containers on a node: the kubelet's symlinks `<pod>_<namespace>_<container>-<container id>.log` to the
// container's CRI log under /var/log/pods, where log agents (fluent-bit, promtail) look for them. Computed from the
// runtime's containers when read; reading a link reads the file it points to.
import { InMemoryFs, type IFileSystem } from 'just-bash';
import type { NodeHost } from './table';
import { overlayFs, readBytes } from './fs-overlay';

const PODS = '/var/log/pods/';

async function links(node: NodeHost): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const bySandbox = new Map([...node.kubelet.states.values()].filter((s) => s.sandboxId).map((s) => [s.sandboxId!, s.pod.metadata]));
  for (const c of await node.kubelet.runtime.listContainers()) {
    const md = bySandbox.get(c.sandboxId);
    if (!md) continue;
    out.set(`${md.name}_${md.namespace}_${c.name}-${c.id}.log`, `${PODS}${md.namespace}_${md.name}_${md.uid}/${c.name}/${c.attempt}.log`);
  }
  return out;
}

/** the folder, to mount at /var/log/containers over the pods' log folder (mounted at /var/log/pods) */
export function containerLogLinks(node: NodeHost, podLogs: IFileSystem): IFileSystem {
  const empty = new InMemoryFs();
  const name = (p: string) => p.replace(/^\/+/, '');
  const target = async (p: string) => {
    const t = (await links(node)).get(name(p));
    if (!t) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
    return '/' + t.slice(PODS.length);
  };
  const isRoot = (p: string) => name(p) === '';
  const linkStat = { isFile: false, isDirectory: false, isSymbolicLink: true, mode: 0o120777, size: 0, mtime: new Date() };
  const overrides: Partial<IFileSystem> = {
    async readdir(p) {
      if (!isRoot(p)) throw Object.assign(new Error(`ENOTDIR: not a directory, scandir '${p}'`), { code: 'ENOTDIR' });
      return [...(await links(node)).keys()].sort();
    },
    async readdirWithFileTypes(p) {
      return (await overrides.readdir!(p)).map((n) => ({ name: n, isFile: false, isDirectory: false, isSymbolicLink: true }));
    },
    async exists(p) {
      return isRoot(p) || (await links(node)).has(name(p));
    },
    async lstat(p) {
      return isRoot(p) ? empty.stat('/') : (await target(p), linkStat);
    },
    async stat(p) {
      return isRoot(p) ? empty.stat('/') : podLogs.stat(await target(p));
    },
    async readlink(p) {
      const t = (await links(node)).get(name(p));
      if (!t) throw Object.assign(new Error(`EINVAL: invalid argument, readlink '${p}'`), { code: 'EINVAL' });
      return t;
    },
    async realpath(p) {
      return isRoot(p) ? '/' : (await links(node)).get(name(p))!;
    },
    async readFile(p, ...rest: unknown[]) {
      return (podLogs.readFile as (...a: unknown[]) => Promise<string>)(await target(p), ...rest);
    },
    async readFileBuffer(p) {
      return podLogs.readFileBuffer(await target(p));
    },
  };
  overrides.readFileBytes = (async (p: string) => readBytes(podLogs, await target(p))) as IFileSystem['readFileBytes'];
  return overlayFs(empty, overrides);
}
