import type { CpOptions, FsStat, IFileSystem, MkdirOptions, RmOptions } from 'just-bash';
import { fsError, normalize as norm } from './errors';

/** A node of a read-only tree whose contents are computed on every read (/proc, /sys/fs/cgroup). */
export type GenNode = { dir: () => string[] } | { file: () => string };

/** A read-only filesystem over a lookup function; used for kernel-provided views. */
export class GeneratedFs implements IFileSystem {
  constructor(private readonly lookup: (path: string) => GenNode | undefined) {}

  private node(p: string): GenNode {
    const n = this.lookup(norm(p));
    if (!n) throw fsError('ENOENT', 'open', p);
    return n;
  }
  async readFile(p: string): Promise<string> {
    const n = this.node(p);
    if ('dir' in n) throw fsError('EISDIR', 'read', p);
    return n.file();
  }
  async readFileBuffer(p: string): Promise<Uint8Array> {
    return Buffer.from(await this.readFile(p));
  }
  async writeFile(p: string): Promise<void> {
    throw fsError('EROFS', 'open', p);
  }
  async appendFile(p: string): Promise<void> {
    throw fsError('EROFS', 'open', p);
  }
  async exists(p: string): Promise<boolean> {
    return this.lookup(norm(p)) !== undefined;
  }
  async stat(p: string): Promise<FsStat> {
    const n = this.node(p);
    const isDir = 'dir' in n;
    return { isFile: !isDir, isDirectory: isDir, isSymbolicLink: false, mode: isDir ? 0o40555 : 0o100444, size: 0, mtime: new Date() };
  }
  lstat(p: string): Promise<FsStat> {
    return this.stat(p);
  }
  async mkdir(p: string, _o?: MkdirOptions): Promise<void> {
    throw fsError('EROFS', 'mkdir', p);
  }
  async readdir(p: string): Promise<string[]> {
    const n = this.node(p);
    if (!('dir' in n)) throw fsError('ENOTDIR', 'scandir', p);
    return n.dir();
  }
  async rm(p: string, _o?: RmOptions): Promise<void> {
    throw fsError('EROFS', 'rm', p);
  }
  async cp(_s: string, d: string, _o?: CpOptions): Promise<void> {
    throw fsError('EROFS', 'copyfile', d);
  }
  async mv(s: string): Promise<void> {
    throw fsError('EROFS', 'rename', s);
  }
  resolvePath(base: string, p: string): string {
    return p.startsWith('/') ? norm(p) : norm(base + '/' + p);
  }
  getAllPaths(): string[] {
    return [];
  }
  async chmod(p: string): Promise<void> {
    throw fsError('EROFS', 'chmod', p);
  }
  async symlink(_t: string, l: string): Promise<void> {
    throw fsError('EROFS', 'symlink', l);
  }
  async link(_e: string, n: string): Promise<void> {
    throw fsError('EROFS', 'link', n);
  }
  async readlink(p: string): Promise<string> {
    throw fsError('ENOENT', 'readlink', p);
  }
  async realpath(p: string): Promise<string> {
    this.node(p);
    return norm(p);
  }
  async utimes(p: string): Promise<void> {
    throw fsError('EROFS', 'utime', p);
  }
}
