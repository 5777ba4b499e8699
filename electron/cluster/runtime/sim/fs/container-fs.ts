import * as nodeFs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { InMemoryFs, MountableFs, ReadWriteFs } from 'just-bash';
import type { CpOptions, FileContent, FsStat, IFileSystem, MkdirOptions, RmOptions } from 'just-bash';
import type { Mount } from '../../interface';
import { DevFs } from './dev-fs';
import { fsError, normalize } from './errors';

export { normalize };
import { GeneratedFs, type GenNode } from './generated-fs';
import { bestEffort, componentLog } from '../../../best-effort';

export interface ContainerFsOptions {
  /** image lower layer: path → content ('/dir/' keys are directories) */
  imageFiles: ReadonlyMap<string, string>;
  /** files the runtime writes at start (/etc/hostname, /etc/hosts, /etc/resolv.conf) */
  extraFiles: Record<string, string>;
  mounts: Mount[];
  readOnlyRoot: boolean;
  proc: (relPath: string) => GenNode | undefined;
  cgroup: (relPath: string) => GenNode | undefined;
  /** executables that exist in /bin and /usr/bin without file contents (shell utilities, image programs) */
  binaries: ReadonlySet<string>;
}

const BIN = /^\/(?:usr\/)?bin\/([^/]+)$/;

type Sink = (chunk: string | Uint8Array) => void;
/** what one open-and-read of a source file gets (a process's stdin as it arrives) */
type Source = () => Promise<string>;

/**
 * A container's view of files: the image's files and a writable layer (in memory), the kubelet's volume
 * folders mounted from the host (confined to their host path by ReadWriteFs, symlinks included), generated
 * /proc and /sys/fs/cgroup, and /proc/<pid>/fd/{1,2} routed to processes' stdout/stderr.
 */
export class ContainerFs implements IFileSystem {
  private built?: { inner: MountableFs; fileMounts: Map<string, Mount>; base: InMemoryFs };
  private readonly mounts: Mount[];
  private readonly sinks = new Map<string, Sink>();
  private readonly sources = new Map<string, Source>();

  // the file tree is built on first use: most containers of a large rollout (pause, servers that never read a file)
  // never touch it, and building it costs an in-memory copy of the image plus a stat per mount
  constructor(private readonly o: ContainerFsOptions) {
    this.mounts = [...o.mounts].sort((a, b) => b.containerPath.length - a.containerPath.length);
  }

  private get inner(): MountableFs {
    return this.build().inner;
  }
  private get fileMounts(): Map<string, Mount> {
    return this.build().fileMounts;
  }

  private build(): { inner: MountableFs; fileMounts: Map<string, Mount>; base: InMemoryFs } {
    if (this.built) return this.built;
    const o = this.o;
    const base = new InMemoryFs();
    for (const [p, content] of o.imageFiles) {
      if (p.endsWith('/')) base.mkdirSync(p.slice(0, -1) || '/', { recursive: true });
      else base.writeFileSync(p, content, undefined, { mode: p.startsWith('/bin/') || p.endsWith('.sh') ? 0o755 : 0o644 });
    }
    for (const [p, content] of Object.entries(o.extraFiles)) base.writeFileSync(p, content);
    // world-writable with the sticky bit, as in every image; in memory the change applies before the promise settles
    if (o.imageFiles.has('/tmp/')) void bestEffort(base.chmod('/tmp', 0o1777), 'making /tmp sticky and world-writable', componentLog('sim runtime'));
    const inner = new MountableFs({ base });
    const fileMounts = new Map<string, Mount>();
    inner.mount('/proc', new GeneratedFs(o.proc));
    inner.mount('/dev', new DevFs(new InMemoryFs()));
    inner.mount('/sys/fs/cgroup', new GeneratedFs(o.cgroup));
    for (const m of o.mounts) {
      const cp = normalize(m.containerPath);
      let isFile = false;
      try {
        isFile = nodeFs.statSync(m.hostPath).isFile();
      } catch {
        /* missing host path: treat as dir */
      }
      if (isFile) {
        fileMounts.set(cp, m);
        // a placeholder so the parent directory lists the mounted file
        base.writeFileSync(cp, '');
      } else {
        nodeFs.mkdirSync(m.hostPath, { recursive: true });
        inner.mount(cp, new ReadWriteFs({ root: m.hostPath, allowSymlinks: true }));
      }
    }
    this.built = { inner, fileMounts, base };
    return this.built;
  }

  /**
   * What the container's writable layer holds, counted as the overlay's upper directory would be (crictl stats'
   * DISK and INODES): files it created or changed (in 4 KiB blocks, as a disk usage walk counts them), directories
   * it made, and a whiteout inode per image file it deleted. Volumes, /proc, /dev and the kubelet-managed
   * /etc/hosts, /etc/hostname and /etc/resolv.conf (bind mounts upstream) are not in the layer.
   */
  async writableLayerUsage(): Promise<{ bytes: number; inodes: number }> {
    if (!this.built) return { bytes: 0, inodes: 0 };
    const { base, fileMounts } = this.built;
    const image = this.o.imageFiles;
    const outside = (p: string) =>
      /^\/(?:proc|dev|sys)(?:\/|$)/.test(p) ||
      p in this.o.extraFiles ||
      fileMounts.has(p) ||
      this.mounts.some((m) => {
        const cp = normalize(m.containerPath);
        return p === cp || p.startsWith(cp + '/');
      });
    // the image's folders: those it lists and every parent of a path it holds
    const imageDirs = new Set<string>();
    for (const k of image.keys()) for (let d = k.replace(/\/[^/]*$/, ''); d && !imageDirs.has(d); d = d.replace(/\/[^/]*$/, '')) imageDirs.add(d);
    const blocks = (n: number) => Math.ceil(n / 4096) * 4096;
    let bytes = 0;
    let inodes = 0;
    const present = new Set(base.getAllPaths());
    for (const p of present) {
      if (p === '/' || outside(p)) continue;
      const st = await base.lstat(p);
      if (st.isDirectory) {
        // the folders leading to a volume are made for the mount, not by the container (an untouched tree has none)
        const mountParent = this.mounts.some((m) => normalize(m.containerPath).startsWith(p + '/'));
        if (!imageDirs.has(p) && !mountParent) {
          inodes++;
          bytes += 4096;
        }
        continue;
      }
      const original = image.get(p);
      if (original !== undefined && st.size === Buffer.byteLength(original) && (await base.readFile(p)) === original) continue;
      inodes++;
      bytes += blocks(st.size);
    }
    for (const p of image.keys()) if (!p.endsWith('/') && !present.has(p) && !outside(p)) inodes++;
    return { bytes, inodes };
  }

  /** routes writes to path (e.g. /proc/7/fd/1) to a process's stream */
  addSink(path: string, sink: Sink): () => void {
    this.sinks.set(path, sink);
    return () => {
      if (this.sinks.get(path) === sink) this.sinks.delete(path);
    };
  }

  /** serves reads of path (e.g. /proc/7/fd/0) from a process's input, each read taking what `read` returns */
  addSource(path: string, read: Source): () => void {
    this.sources.set(path, read);
    return () => {
      if (this.sources.get(path) === read) this.sources.delete(path);
    };
  }

  private writable(p: string, op: string): void {
    const n = normalize(p);
    for (const m of this.mounts) {
      const cp = normalize(m.containerPath);
      if (n === cp || n.startsWith(cp + '/')) {
        if (m.readOnly) throw fsError('EROFS', op, p);
        return;
      }
    }
    if (n === '/proc' || n.startsWith('/proc/') || n.startsWith('/sys/')) throw fsError('EROFS', op, p);
    // /dev is its own tmpfs: writable (its devices decide) even under readOnlyRootFilesystem
    if (n.startsWith('/dev/')) return;
    if (this.o.readOnlyRoot) throw fsError('EROFS', op, p);
  }

  private fileMount(p: string): Mount | undefined {
    return this.fileMounts.get(normalize(p));
  }

  /**
   * A file the container may have written (its termination message). A tree never built was never written by the
   * container itself, so only its volume mounts can hold the file: read it there without building the tree.
   */
  async readWritten(p: string): Promise<string> {
    if (this.built) return this.readFile(p);
    const n = normalize(p);
    for (const m of this.mounts) {
      const cp = normalize(m.containerPath);
      if (n !== cp && !n.startsWith(cp + '/')) continue;
      const root = await fsp.realpath(m.hostPath);
      const host = await fsp.realpath(n === cp ? m.hostPath : `${m.hostPath}/${n.slice(cp.length + 1)}`);
      // confined to the volume like ReadWriteFs: a symlink must not reach the rest of the host
      if (host !== root && !host.startsWith(root + '/')) throw fsError('ENOENT', 'open', p);
      return fsp.readFile(host, 'utf8');
    }
    throw fsError('ENOENT', 'open', p);
  }

  async readFile(p: string, options?: any): Promise<string> {
    const source = this.sources.get(normalize(p));
    if (source) return source();
    const fm = this.fileMount(p);
    if (fm) return fsp.readFile(fm.hostPath, 'utf8');
    return this.inner.readFile(p, options);
  }
  async readFileBuffer(p: string): Promise<Uint8Array> {
    const source = this.sources.get(normalize(p));
    if (source) return Buffer.from(await source());
    const fm = this.fileMount(p);
    if (fm) return fsp.readFile(fm.hostPath);
    return this.inner.readFileBuffer(p);
  }
  async writeFile(p: string, content: FileContent, options?: any): Promise<void> {
    const sink = this.sinks.get(normalize(p));
    if (sink) {
      emit(sink, content, options);
      return;
    }
    this.writable(p, 'open');
    const fm = this.fileMount(p);
    if (fm) return fsp.writeFile(fm.hostPath, toBuffer(content, options));
    await this.parentMustExist(p);
    return this.inner.writeFile(p, content, options);
  }
  async appendFile(p: string, content: FileContent, options?: any): Promise<void> {
    const sink = this.sinks.get(normalize(p));
    if (sink) {
      emit(sink, content, options);
      return;
    }
    this.writable(p, 'open');
    const fm = this.fileMount(p);
    if (fm) return fsp.appendFile(fm.hostPath, toBuffer(content, options));
    await this.parentMustExist(p);
    return this.inner.appendFile(p, content, options);
  }
  /** open(O_CREAT) does not create directories: writing under a missing one fails as ENOENT */
  private async parentMustExist(p: string): Promise<void> {
    const parent = normalize(p).replace(/\/[^/]*$/, '') || '/';
    if (!(await this.inner.exists(parent))) throw fsError('ENOENT', 'open', p);
  }
  private isBinary(p: string): boolean {
    const m = BIN.exec(normalize(p));
    return !!m && this.o.binaries.has(m[1]);
  }
  async exists(p: string): Promise<boolean> {
    return this.sinks.has(normalize(p)) || this.sources.has(normalize(p)) || this.isBinary(p) || this.inner.exists(p);
  }
  async stat(p: string): Promise<FsStat> {
    if (this.isBinary(p) && !(await this.inner.exists(p)))
      return { isFile: true, isDirectory: false, isSymbolicLink: false, mode: 0o100755, size: 0, mtime: new Date(0) };
    const fm = this.fileMount(p);
    if (fm) {
      const s = await fsp.stat(fm.hostPath);
      return { isFile: true, isDirectory: false, isSymbolicLink: false, mode: s.mode, size: s.size, mtime: s.mtime };
    }
    return this.inner.stat(p);
  }
  async lstat(p: string): Promise<FsStat> {
    // a volume's mount point is its host folder's root, whose mode (0777, tmpfs 1777) `ls -ld` shows
    return this.fileMount(p) || this.isBinary(p) || this.dirMountAt(p) ? this.stat(p) : this.inner.lstat(p);
  }
  private dirMountAt(p: string): Mount | undefined {
    const n = normalize(p);
    return this.mounts.find((m) => normalize(m.containerPath) === n && !this.fileMounts.has(n));
  }
  async mkdir(p: string, o?: MkdirOptions): Promise<void> {
    this.writable(p, 'mkdir');
    return this.inner.mkdir(p, o);
  }
  async readdir(p: string): Promise<string[]> {
    const names = await this.inner.readdir(p);
    if (normalize(p) !== '/bin') return names;
    return [...new Set([...names, ...[...this.o.binaries].filter((n) => !n.startsWith('__'))])].sort();
  }
  async rm(p: string, o?: RmOptions): Promise<void> {
    this.writable(p, 'rm');
    return this.inner.rm(p, o);
  }
  async cp(s: string, d: string, o?: CpOptions): Promise<void> {
    this.writable(d, 'copyfile');
    if (this.fileMount(s) || this.fileMount(d)) return this.writeFile(d, await this.readFileBuffer(s));
    return this.inner.cp(s, d, o);
  }
  async mv(s: string, d: string): Promise<void> {
    this.writable(s, 'rename');
    this.writable(d, 'rename');
    return this.inner.mv(s, d);
  }
  resolvePath(base: string, p: string): string {
    return this.inner.resolvePath(base, p);
  }
  getAllPaths(): string[] {
    return this.inner.getAllPaths();
  }
  async chmod(p: string, mode: number): Promise<void> {
    this.writable(p, 'chmod');
    return this.inner.chmod(p, mode);
  }
  async symlink(t: string, l: string): Promise<void> {
    this.writable(l, 'symlink');
    return this.inner.symlink(t, l);
  }
  async link(e: string, n: string): Promise<void> {
    this.writable(n, 'link');
    return this.inner.link(e, n);
  }
  async readlink(p: string): Promise<string> {
    const host = await this.volumeHostPath(p);
    if (host === undefined) return this.inner.readlink(p);
    return fsp.readlink(host).catch((err: NodeJS.ErrnoException) => {
      // the container's path in the message, never the host's
      throw fsError(err.code === 'EINVAL' ? 'EINVAL' : 'ENOENT', 'readlink', p);
    });
  }
  /**
   * The host path of a link inside a volume folder, whose text `readlink` and `ls -l` show as written (the kubelet's
   * `key -> ..data/key`), where ReadWriteFs would answer with the target resolved. Confined like ReadWriteFs: the
   * link's folder must resolve inside the volume.
   */
  private async volumeHostPath(p: string): Promise<string | undefined> {
    const n = normalize(p);
    for (const m of this.mounts) {
      const cp = normalize(m.containerPath);
      if (!n.startsWith(cp === '/' ? '/' : cp + '/') || this.fileMounts.has(cp)) continue;
      const rel = n.slice(cp === '/' ? 1 : cp.length + 1);
      const root = await fsp.realpath(m.hostPath);
      const slash = rel.lastIndexOf('/');
      const parent = await fsp.realpath(slash < 0 ? m.hostPath : `${m.hostPath}/${rel.slice(0, slash)}`).catch(() => undefined);
      if (parent === undefined || (parent !== root && !parent.startsWith(root + '/'))) throw fsError('ENOENT', 'readlink', p);
      return `${parent}/${rel.slice(slash + 1)}`;
    }
    return undefined;
  }
  realpath(p: string): Promise<string> {
    return this.fileMount(p) ? Promise.resolve(normalize(p)) : this.inner.realpath(p);
  }
  async utimes(p: string, a: Date, m: Date): Promise<void> {
    this.writable(p, 'utime');
    const fm = this.fileMount(p);
    if (fm) return fsp.utimes(fm.hostPath, a, m);
    return this.inner.utimes(p, a, m);
  }
}

function toBuffer(content: FileContent, options?: any): Buffer {
  if (typeof content !== 'string') return Buffer.from(content);
  const enc = typeof options === 'string' ? options : options?.encoding;
  return Buffer.from(content, enc === 'binary' || enc === 'latin1' ? 'latin1' : 'utf8');
}

function emit(sink: Sink, content: FileContent, options?: any): void {
  const b = toBuffer(content, options);
  if (b.length) sink(b);
}
