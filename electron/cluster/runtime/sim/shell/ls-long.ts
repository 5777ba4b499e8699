import type { CommandContext, ExecResult, FsStat } from 'just-bash';
import { deviceNumbers } from '../fs/dev-fs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Entry {
  name: string;
  path: string;
  st: FsStat;
  link?: string;
}

/** the ten-character mode column: type letter and permission bits as chmod left them */
export function modeString(st: FsStat, isDevice: boolean): string {
  const type = st.isSymbolicLink ? 'l' : st.isDirectory ? 'd' : isDevice ? 'c' : '-';
  const m = st.mode & 0o7777;
  const bit = (b: number, ch: string) => (m & b ? ch : '-');
  let s =
    type +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    bit(0o100, 'x') +
    bit(0o40, 'r') +
    bit(0o20, 'w') +
    bit(0o10, 'x') +
    bit(0o4, 'r') +
    bit(0o2, 'w') +
    bit(0o1, 'x');
  if (m & 0o1000) s = s.slice(0, 9) + (m & 0o1 ? 't' : 'T');
  return s;
}

function stamp(d: Date): string {
  const old = Date.now() - d.getTime() > 182 * 86400_000 || d.getTime() > Date.now() + 3600_000;
  const day = String(d.getUTCDate()).padStart(2);
  return `${MONTHS[d.getUTCMonth()]} ${day} ${old ? ` ${d.getUTCFullYear()}` : `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`}`;
}

/** a directory occupies one 4 KiB block on the node's filesystem */
const sizeOf = (st: FsStat) => (st.isDirectory ? 4096 : (st.size ?? 0));
const human = (n: number) =>
  n < 1024 ? String(n) : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)}K` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)}M` : `${(n / 1024 ** 3).toFixed(1)}G`;

/**
 * `ls` (one name a line, as when its output is not a terminal) and `ls -l` as GNU coreutils (aligned columns) or busybox (fixed widths) print it: real modes, owners, device
 * numbers and link targets, `total` for directories, file operands before directory listings.
 */
export async function lsLong(args: string[], ctx: CommandContext, gnu: boolean, owner: string): Promise<ExecResult> {
  const flags = new Set<string>();
  const ops: string[] = [];
  for (const a of args) {
    if (a.startsWith('-') && a !== '-' && !a.startsWith('--')) for (const ch of a.slice(1)) flags.add(ch);
    else if (!a.startsWith('--')) ops.push(a);
  }
  const all = flags.has('a');
  const almost = flags.has('A');
  let stderr = '';
  let status = 0;
  const entry = async (name: string, path: string): Promise<Entry | undefined> => {
    try {
      const st = await ctx.fs.lstat(path);
      const link = st.isSymbolicLink ? await ctx.fs.readlink(path).catch(() => '') : undefined;
      return { name, path, st, link };
    } catch {
      return undefined;
    }
  };
  const order = (xs: Entry[]) => {
    const sorted = xs.sort((a, b) =>
      flags.has('t')
        ? (b.st.mtime?.getTime() ?? 0) - (a.st.mtime?.getTime() ?? 0)
        : flags.has('S')
          ? (b.st.size ?? 0) - (a.st.size ?? 0)
          : a.name < b.name
            ? -1
            : a.name > b.name
              ? 1
              : 0,
    );
    return flags.has('r') ? sorted.reverse() : sorted;
  };
  const long = flags.has('l') || flags.has('n');
  const render = (xs: Entry[]): string[] => {
    if (!long) return xs.map((e) => e.name + (flags.has('p') && e.st.isDirectory ? '/' : ''));
    const rows = xs.map((e) => {
      const dev = e.path.startsWith('/dev/') ? deviceNumbers(e.path.slice(5)) : undefined;
      const size = dev
        ? gnu
          ? `${dev.major}, ${dev.minor}`
          : `${String(dev.major).padStart(4)},${String(dev.minor).padStart(4)}`
        : flags.has('h')
          ? human(sizeOf(e.st))
          : String(sizeOf(e.st));
      return {
        mode: modeString(e.st, !!dev),
        links: e.st.isDirectory ? '2' : '1',
        size,
        date: stamp(e.st.mtime ?? new Date(0)),
        name: e.name + (e.link !== undefined ? ` -> ${e.link}` : ''),
      };
    });
    const uid = flags.has('n') ? '0' : owner;
    if (!gnu) return rows.map((r) => `${r.mode} ${r.links.padStart(4)} ${uid.padEnd(8)} ${uid.padEnd(8)} ${r.size.padStart(9)} ${r.date} ${r.name}`);
    const w = (k: 'links' | 'size') => Math.max(0, ...rows.map((r) => r[k].length));
    return rows.map((r) => `${r.mode} ${r.links.padStart(w('links'))} ${uid} ${uid} ${r.size.padStart(w('size'))} ${r.date} ${r.name}`);
  };
  const files: Entry[] = [];
  const dirs: Entry[] = [];
  for (const op of ops.length ? ops : ['.']) {
    let e = await entry(op, ctx.fs.resolvePath(ctx.cwd, op));
    // a link named on the command line is followed with a trailing slash or without -l (`ls -l /etc/config/..data/`)
    if (e?.st.isSymbolicLink && (op.endsWith('/') || !long || flags.has('L') || flags.has('H'))) {
      const st = await ctx.fs.stat(e.path).catch(() => undefined);
      if (st) e = { ...e, st, link: undefined };
    }
    if (!e) {
      stderr += gnu ? `ls: cannot access '${op}': No such file or directory\n` : `ls: ${op}: No such file or directory\n`;
      status = gnu ? 2 : 1;
      continue;
    }
    if (e.st.isDirectory && !flags.has('d')) dirs.push(e);
    else files.push(e);
  }
  const out: string[] = render(order(files));
  for (const [i, d] of order(dirs).entries()) {
    const names = (await ctx.fs.readdir(d.path)).filter((n) => all || almost || !n.startsWith('.'));
    const kids = (await Promise.all(names.map((n) => entry(n, d.path === '/' ? `/${n}` : `${d.path}/${n}`)))).filter((x): x is Entry => !!x);
    if (all)
      for (const dot of ['.', '..']) {
        const e = await entry(dot, dot === '..' ? d.path.replace(/\/[^/]*$/, '') || '/' : d.path);
        if (e) kids.push({ ...e, name: dot });
      }
    if (ops.length > 1 || files.length) out.push(`${out.length || i ? '\n' : ''}${d.name}:`);
    // a short symlink's target sits in its inode: no blocks (the kubelet's `key -> ..data/key` links count 0)
    const blocks = kids.reduce((t, k) => t + (k.st.isDirectory ? 4 : k.st.isSymbolicLink ? 0 : Math.ceil((k.st.size ?? 0) / 4096) * 4), 0);
    if (long) out.push(`total ${blocks}`);
    out.push(...render(order(kids)));
  }
  return { stdout: out.length ? out.join('\n') + '\n' : '', stderr, exitCode: status };
}
