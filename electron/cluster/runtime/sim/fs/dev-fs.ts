import { randomFillSync } from 'node:crypto';
import type { CpOptions, FsStat, IFileSystem, InMemoryFs, MkdirOptions, RmOptions } from 'just-bash';
import { fsError, normalize as norm } from './errors';

/** what a read of an endless device returns at once: enough for `head -c`, `dd count=` and `od` */
const CHUNK = 1 << 20;

interface Device {
  major: number;
  minor: number;
  read: () => Uint8Array;
  write?: 'discard' | 'ENOSPC' | 'ENXIO';
}

const zeros = () => new Uint8Array(CHUNK);
const random = () => randomFillSync(new Uint8Array(64 * 1024));

/** the device nodes containerd creates in every container's /dev */
const DEVICES: Record<string, Device> = {
  null: { major: 1, minor: 3, read: () => new Uint8Array(0), write: 'discard' },
  zero: { major: 1, minor: 5, read: zeros, write: 'discard' },
  full: { major: 1, minor: 7, read: zeros, write: 'ENOSPC' },
  random: { major: 1, minor: 8, read: random, write: 'discard' },
  urandom: { major: 1, minor: 9, read: random, write: 'discard' },
  tty: { major: 5, minor: 0, read: () => new Uint8Array(0), write: 'ENXIO' },
};
const LINKS: Record<string, string> = {
  fd: '/proc/self/fd',
  stdin: '/proc/self/fd/0',
  stdout: '/proc/self/fd/1',
  stderr: '/proc/self/fd/2',
  ptmx: 'pts/ptmx',
  core: '/proc/kcore',
};
const DIRS = new Set(['pts', 'shm', 'mqueue']);
const BOOT = new Date();

/** major/minor of a device node path relative to /dev, for ls -l and stat */
export function deviceNumbers(name: string): { major: number; minor: number } | undefined {
  const d = DEVICES[name];
  return d && { major: d.major, minor: d.minor };
}

/**
 * /dev as a container sees it: character devices that behave (null discards, zero and urandom give bytes, full
 * refuses writes), the fd/stdio symlinks into /proc/self, and writable shm (tmpfs) beside empty pts and mqueue.
 * Files written into /dev/shm live in `shm`.
 */
export class DevFs implements IFileSystem {
  // /dev is a tmpfs: besides the nodes, files can be created in it (/dev/shm/…, /dev/termination-log)
  constructor(private readonly shm: InMemoryFs) {
    shm.mkdirSync('/shm');
  }

  private rel(p: string): string {
    return norm(p).slice(1);
  }
  /** the path inside the tmpfs part, or undefined for a node, a link or a fixed directory */
  private inShm(p: string): string | undefined {
    const r = this.rel(p);
    const top = r.split('/')[0];
    if (!r || top in DEVICES || top in LINKS || (DIRS.has(top) && top !== 'shm')) return undefined;
    return '/' + r;
  }

  async readFile(p: string, o?: any): Promise<string> {
    const s = this.inShm(p);
    if (s) return this.shm.readFile(s, o);
    return Buffer.from(await this.readFileBuffer(p)).toString('latin1');
  }
  async readFileBuffer(p: string): Promise<Uint8Array> {
    const s = this.inShm(p);
    if (s) return this.shm.readFileBuffer(s);
    const d = DEVICES[this.rel(p)];
    if (d) return d.read();
    if (DIRS.has(this.rel(p)) || !this.rel(p)) throw fsError('EISDIR', 'read', p);
    throw fsError('ENOENT', 'open', p);
  }
  private write(p: string, op: string): boolean {
    const d = DEVICES[this.rel(p)];
    if (!d) return false;
    if (d.write === 'ENOSPC' || d.write === 'ENXIO') throw fsError(d.write, op, p);
    return true;
  }
  async writeFile(p: string, c: any, o?: any): Promise<void> {
    const s = this.inShm(p);
    if (s) return this.shm.writeFile(s, c, o);
    if (!this.write(p, 'open')) throw fsError('EACCES', 'open', p);
  }
  async appendFile(p: string, c: any, o?: any): Promise<void> {
    const s = this.inShm(p);
    if (s) return this.shm.appendFile(s, c, o);
    if (!this.write(p, 'open')) throw fsError('EACCES', 'open', p);
  }
  async exists(p: string): Promise<boolean> {
    const s = this.inShm(p);
    if (s) return this.shm.exists(s);
    const r = this.rel(p);
    return !r || r in DEVICES || r in LINKS || DIRS.has(r);
  }
  async stat(p: string): Promise<FsStat> {
    const s = this.inShm(p);
    if (s) return this.shm.stat(s);
    const r = this.rel(p);
    if (!r || DIRS.has(r)) return { isFile: false, isDirectory: true, isSymbolicLink: false, mode: r === 'shm' ? 0o41777 : 0o40755, size: 0, mtime: BOOT };
    if (r === 'fd') return { isFile: false, isDirectory: true, isSymbolicLink: false, mode: 0o40500, size: 0, mtime: BOOT };
    if (r in DEVICES || r in LINKS) return { isFile: false, isDirectory: false, isSymbolicLink: false, mode: 0o20666, size: 0, mtime: BOOT };
    throw fsError('ENOENT', 'stat', p);
  }
  async lstat(p: string): Promise<FsStat> {
    const r = this.rel(p);
    if (r in LINKS) return { isFile: false, isDirectory: false, isSymbolicLink: true, mode: 0o120777, size: LINKS[r].length, mtime: BOOT };
    return this.stat(p);
  }
  async mkdir(p: string, o?: MkdirOptions): Promise<void> {
    const s = this.inShm(p);
    if (s) return this.shm.mkdir(s, o);
    if (await this.exists(p)) {
      if (o?.recursive) return;
      throw fsError('EEXIST', 'mkdir', p);
    }
    throw fsError('EACCES', 'mkdir', p);
  }
  async readdir(p: string): Promise<string[]> {
    const s = this.inShm(p);
    if (s) return this.shm.readdir(s);
    const r = this.rel(p);
    if (!r) return [...new Set([...Object.keys(DEVICES), ...Object.keys(LINKS), ...DIRS, ...(await this.shm.readdir('/'))])].sort();
    if (DIRS.has(r)) return [];
    if (r === 'fd') return ['0', '1', '2'];
    throw fsError('ENOTDIR', 'scandir', p);
  }
  async rm(p: string, o?: RmOptions): Promise<void> {
    const s = this.inShm(p);
    if (s) return this.shm.rm(s, o);
    throw fsError('EACCES', 'rm', p);
  }
  async cp(src: string, d: string, o?: CpOptions): Promise<void> {
    const s = this.inShm(d);
    if (s) return this.shm.writeFile(s, await this.readFileBuffer(src));
    throw fsError('EACCES', 'copyfile', d);
    void o;
  }
  async mv(src: string, d: string): Promise<void> {
    const a = this.inShm(src);
    const b = this.inShm(d);
    if (a && b) return this.shm.mv(a, b);
    throw fsError('EACCES', 'rename', src);
  }
  resolvePath(base: string, p: string): string {
    return p.startsWith('/') ? norm(p) : norm(base + '/' + p);
  }
  getAllPaths(): string[] {
    return [];
  }
  async chmod(p: string, m: number): Promise<void> {
    const s = this.inShm(p);
    if (s) return this.shm.chmod(s, m);
  }
  async symlink(t: string, l: string): Promise<void> {
    const s = this.inShm(l);
    if (s) return this.shm.symlink(t, s);
    throw fsError('EACCES', 'symlink', l);
  }
  async link(e: string, n: string): Promise<void> {
    const a = this.inShm(e);
    const b = this.inShm(n);
    if (a && b) return this.shm.link(a, b);
    throw fsError('EACCES', 'link', n);
  }
  async readlink(p: string): Promise<string> {
    const r = this.rel(p);
    if (r in LINKS) return LINKS[r];
    const s = this.inShm(p);
    if (s) return this.shm.readlink(s);
    throw fsError('EINVAL', 'readlink', p);
  }
  async realpath(p: string): Promise<string> {
    if (!(await this.exists(p))) throw fsError('ENOENT', 'realpath', p);
    return norm(p);
  }
  async utimes(p: string, a: Date, m: Date): Promise<void> {
    const s = this.inShm(p);
    if (s) return this.shm.utimes(s, a, m);
  }
}
