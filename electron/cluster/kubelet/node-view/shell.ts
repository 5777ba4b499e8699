// A shell on a node (kubelab node shell): bash over the node's filesystem — its root folder (what hostPath
// volumes see), the pods' logs at /var/log/pods, the files components registered — with the node's programs on
// PATH. A session keeps its working directory and variables between command lines.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Bash, defineCommand, InMemoryFs, MountableFs, ReadWriteFs, unsafeBytesFromLatin1, type IFileSystem } from 'just-bash';
import { nodeFiles, nodePrograms, type NodeHost } from './table';
import { containerLogLinks } from './container-logs';
import { overlayFs, readBytes } from './fs-overlay';
import './crictl';
import './systemd';
import './files';
import './network';
import './etcd';

export interface NodeShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  cwd: string;
}

const PATH_VAR = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The node's root folder with the registered files laid over it: reads of a registered path (and listings of
 * the folders on its way) are answered from the table, everything else from the folder.
 */
function withRegisteredFiles(base: IFileSystem, node: NodeHost): IFileSystem {
  const current = () => {
    const out = new Map<string, string>();
    for (const [p, f] of nodeFiles()) {
      const text = f(node);
      if (typeof text === 'string') out.set(p, text);
    }
    return out;
  };
  const dirsOf = (files: Map<string, string>) => {
    const dirs = new Map<string, Set<string>>();
    for (const p of files.keys()) {
      let child = p;
      for (let d = path.posix.dirname(p); ; d = path.posix.dirname(d)) {
        dirs.set(d, (dirs.get(d) ?? new Set()).add(path.posix.basename(child)));
        if (d === '/') break;
        child = d;
      }
    }
    return dirs;
  };
  const norm = (p: string) => path.posix.normalize(p).replace(/(.)\/+$/, '$1');
  const overrides: Partial<IFileSystem> = {
    async readFile(p: string, ...rest: unknown[]) {
      const t = current().get(norm(p));
      return t ?? (base.readFile as (...a: unknown[]) => Promise<string>)(p, ...rest);
    },
    async readFileBuffer(p: string) {
      const t = current().get(norm(p));
      return t !== undefined ? Buffer.from(t) : base.readFileBuffer(p);
    },
    async exists(p: string) {
      const files = current();
      return files.has(norm(p)) || dirsOf(files).has(norm(p)) || base.exists(p);
    },
    async stat(p: string) {
      const files = current();
      const t = files.get(norm(p));
      if (t !== undefined) return { isFile: true, isDirectory: false, isSymbolicLink: false, mode: 0o100644, size: Buffer.byteLength(t), mtime: new Date() };
      if (dirsOf(files).has(norm(p)) && !(await base.exists(p)))
        return { isFile: false, isDirectory: true, isSymbolicLink: false, mode: 0o40755, size: 4096, mtime: new Date() };
      return base.stat(p);
    },
    async readdir(p: string) {
      const extra = dirsOf(current()).get(norm(p));
      if (!extra) return base.readdir(p);
      const own = (await base.exists(p)) ? await base.readdir(p) : [];
      return [...new Set([...own, ...extra])].sort();
    },
    async readdirWithFileTypes(p: string) {
      const extra = dirsOf(current()).get(norm(p));
      if (!extra && base.readdirWithFileTypes) return base.readdirWithFileTypes(p);
      const names = await overrides.readdir!(p);
      return Promise.all(
        names.map(async (name) => {
          const st = await overrides.stat!(path.posix.join(p, name));
          return { name, isFile: st.isFile, isDirectory: st.isDirectory, isSymbolicLink: st.isSymbolicLink };
        }),
      );
    },
  };
  overrides.lstat = overrides.stat;
  // the raw-bytes read shells use for cat and redirections: a registered file's text as a binary string
  overrides.readFileBytes = (async (p: string) => {
    const t = current().get(norm(p));
    if (t !== undefined) return unsafeBytesFromLatin1(Buffer.from(t).toString('latin1'));
    return readBytes(base, p);
  }) as IFileSystem['readFileBytes'];
  return overlayFs(base, overrides);
}

export class NodeShell {
  private readonly bash: Bash;
  private env: Record<string, string>;

  constructor(
    private readonly node: NodeHost,
    nodeDir: string,
  ) {
    const root = path.join(nodeDir, 'host');
    const logs = path.join(nodeDir, 'logs');
    for (const d of [root, logs, path.join(root, 'root')]) fs.mkdirSync(d, { recursive: true });
    const mfs = new MountableFs({ base: withRegisteredFiles(new ReadWriteFs({ root, allowSymlinks: true }), node) });
    const podLogs = new ReadWriteFs({ root: logs });
    mfs.mount('/var/log/pods', podLogs);
    mfs.mount('/var/log/containers', containerLogLinks(node, podLogs));
    mfs.mount('/tmp', new InMemoryFs());
    const customCommands = [...nodePrograms()].map(([name, program]) =>
      defineCommand(name, async (args, ctx) => {
        const r = await program(args, {
          node: this.node,
          stdin: typeof ctx.stdin === 'string' ? ctx.stdin : '',
          cwd: ctx.cwd,
          fs: ctx.fs,
          env: ctx.exportedEnv ?? Object.fromEntries(ctx.env),
          signal: ctx.signal,
        });
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
      }),
    );
    this.env = { HOME: '/root', PATH: PATH_VAR, HOSTNAME: node.nodeName, USER: 'root', PWD: '/root', SHELL: '/bin/bash', TERM: 'xterm' };
    this.bash = new Bash({ fs: mfs, cwd: '/root', env: this.env, customCommands });
  }

  async run(commandLine: string): Promise<NodeShellResult> {
    const r = await this.bash.exec(commandLine, { env: this.env, replaceEnv: true, cwd: this.env.PWD });
    this.env = { ...r.env };
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, cwd: this.env.PWD ?? '/' };
  }
}
