// etcdctl's and etcdutl's file access over a just-bash filesystem: the etcd container's and the node shell's.
import type { IFileSystem } from 'just-bash';
import type { SnapshotIo } from './snapshot';

export function fsIo(fs: IFileSystem, cwd: string, out: (s: string) => void, err: (s: string) => void): SnapshotIo {
  const at = (p: string) => fs.resolvePath(cwd, p);
  return {
    out,
    err,
    readFile: async (p) => {
      const file = at(p);
      return (await fs.exists(file)) && (await fs.stat(file)).isFile ? fs.readFile(file) : undefined;
    },
    writeFile: async (p, data) => {
      const file = at(p);
      const dir = file.replace(/\/[^/]*$/, '') || '/';
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(file, data);
    },
    readDir: async (p) => {
      const dir = at(p);
      return (await fs.exists(dir)) && (await fs.stat(dir)).isDirectory ? fs.readdir(dir) : undefined;
    },
  };
}
