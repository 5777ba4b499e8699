import { defineCommand, type Command, type CommandContext, type ExecResult } from 'just-bash';
import type { UserlandProfile } from './profiles';
import { shellQuote } from './quote';
import { captured } from './engine-fixes';

const ok = (stdout = '', exitCode = 0, stderr = ''): ExecResult => ({ stdout, stderr, exitCode });
const env = (ctx: CommandContext) => Object.fromEntries(ctx.env);

/**
 * Text utilities where the engine's differ from coreutils/busybox in ways scripts notice: xargs -n/-I, diff's
 * output formats, wc's column widths, sort's byte order (no locale in containers), head -n -K, od's formats.
 */
export function textUtilities(p: UserlandProfile): Command[] {
  const gnu = p.family === 'debian';
  return [
    defineCommand('xargs', async (args, ctx) => {
      let n = 0;
      let repl: string | undefined;
      let nul = false;
      let noRunEmpty = false;
      let i = 0;
      for (; i < args.length && args[i].startsWith('-'); i++) {
        const a = args[i];
        if (a === '-n') n = Number(args[++i]);
        else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
        else if (a === '-I') repl = args[++i];
        else if (a.startsWith('-I')) repl = a.slice(2);
        else if (a === '-0' || a === '--null') nul = true;
        else if (a === '-r' || a === '--no-run-if-empty') noRunEmpty = true;
        else if (a === '-t' || a === '-x' || a === '-L1') continue;
        else return ok('', 1, `xargs: invalid option -- '${a.slice(1, 2)}'\n`);
      }
      const cmd = args.slice(i).length ? args.slice(i) : ['echo'];
      const input = String(ctx.stdin ?? '');
      const items =
        repl !== undefined
          ? input.split('\n').filter((l) => l.trim())
          : nul
            ? input.split('\0').filter(Boolean)
            : (input.match(/'[^']*'|"[^"]*"|\S+/g)?.map((w) => w.replace(/^['"]|['"]$/g, '')) ?? []);
      const runs: string[][] = [];
      if (repl !== undefined) for (const it of items) runs.push(cmd.map((c) => c.split(repl!).join(it)));
      else if (!items.length) {
        if (!noRunEmpty) runs.push(cmd);
      } else for (let k = 0; k < items.length; k += n || items.length) runs.push([...cmd, ...items.slice(k, k + (n || items.length))]);
      let out = '';
      let err = '';
      let status = 0;
      for (const r of runs) {
        const res = await ctx.exec!(captured(r.map(shellQuote).join(' ')), { cwd: ctx.cwd, env: env(ctx), replaceEnv: true, signal: ctx.signal });
        out += res.stdout;
        err += res.stderr;
        if (res.exitCode === 127) return ok(out, 127, err);
        if (res.exitCode) status = 123;
      }
      return ok(out, status, err);
    }),
    defineCommand('diff', async (args, ctx) => {
      const r = await ctx.origCommand!(args);
      if (r.exitCode !== 1 || !r.stdout)
        return r.exitCode === 2
          ? { ...r, stderr: gnu ? r.stderr : r.stderr.replace(/^diff: (.+): No such file or directory$/m, "diff: can't stat '$1': No such file or directory") }
          : r;
      const unified = r.stdout
        .replace(/^=+\n/, '')
        .replace(/^(---|\+\+\+) (.*?)\t$/gm, '$1 $2')
        .replace(/^@@ -(\d+),1 \+(\d+),1 @@$/gm, '@@ -$1 +$2 @@')
        .replace(/^@@ -(\d+),1 /gm, '@@ -$1 ')
        .replace(/ \+(\d+),1 @@$/gm, ' +$1 @@');
      if (!gnu || args.some((a) => /^-[^-]*u|^--unified/.test(a))) return { ...r, stdout: unified };
      return { ...r, stdout: normalDiff(unified) };
    }),
    defineCommand('wc', async (args, ctx) => {
      const r = await ctx.origCommand!(args);
      const files = args.filter((a) => !a.startsWith('-'));
      if (r.exitCode || files.length) return r;
      const cols = r.stdout.trim().split(/\s+/);
      if (cols.length < 2) return r;
      return { ...r, stdout: cols.map((c) => c.padStart(gnu ? 7 : 9)).join(' ') + '\n' };
    }),
    defineCommand('sort', async (args, ctx) => {
      const r = await ctx.origCommand!(args);
      // without a locale, sort compares bytes: "B" before "a"
      if (r.exitCode || args.some((a) => a.startsWith('-') && !/^-[ru]+$/.test(a))) return r;
      const lines = r.stdout.split('\n');
      if (lines.at(-1) === '') lines.pop();
      lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (args.some((a) => /^-[ru]*r/.test(a))) lines.reverse();
      return { ...r, stdout: lines.length ? lines.join('\n') + '\n' : '' };
    }),
    defineCommand('head', async (args, ctx) => {
      const ni = args.findIndex((a) => a === '-n');
      const neg = ni >= 0 && /^-\d+$/.test(args[ni + 1] ?? '') ? Number(args[ni + 1].slice(1)) : undefined;
      if (neg === undefined) return ctx.origCommand!(args);
      const r = await ctx.origCommand!([...args.slice(0, ni), '-n', '1000000000', ...args.slice(ni + 2)]);
      const lines = r.stdout.split('\n');
      lines.pop();
      return {
        ...r,
        stdout: lines
          .slice(0, Math.max(0, lines.length - neg))
          .map((l) => l + '\n')
          .join(''),
      };
    }),
    defineCommand('paste', async (args, ctx) => {
      const split = args.flatMap((a) => (/^-s+d./.test(a) ? ['-s', `-d${a.slice(a.indexOf('d') + 1)}`] : a === '-sd' ? ['-s', '-d'] : [a]));
      // with no file operand paste reads standard input
      const hasFile = split.some((a, i) => (!a.startsWith('-') || a === '-') && split[i - 1] !== '-d');
      return ctx.origCommand!(hasFile ? split : [...split, '-']);
    }),
    defineCommand('od', async (args, ctx) => {
      const noAddr = args.includes('-An') || (args.includes('-A') && args[args.indexOf('-A') + 1] === 'n');
      const type =
        args.find((a) => a.startsWith('-t'))?.slice(2) ?? (args.includes('-c') ? 'c' : args.includes('-x') ? 'x2' : args.includes('-b') ? 'o1' : 'o2');
      const files = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '-A' && args[i - 1] !== '-t');
      let data: Buffer;
      try {
        data = files.length ? Buffer.from(await ctx.fs.readFileBuffer(ctx.fs.resolvePath(ctx.cwd, files[0]))) : Buffer.from(String(ctx.stdin ?? ''), 'latin1');
      } catch {
        return ok('', 1, gnu ? `od: ${files[0]}: No such file or directory\n` : `od: ${files[0]}: No such file or directory\n`);
      }
      return ok(odDump(data, type, noAddr));
    }),
  ];
}

/** od's rows of 16 bytes in one of the common formats: c, x1, x2, o1, o2, d1, u1 */
function odDump(data: Buffer, type: string, noAddr: boolean): string {
  const size = Number(type.slice(1) || (type === 'c' ? 1 : 2));
  const kind = type[0];
  const rows: string[] = [];
  const addr = (n: number) => (noAddr ? '' : n.toString(8).padStart(7, '0'));
  const named: Record<number, string> = { 0: '\\0', 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    let cells = '';
    if (kind === 'c') for (const b of row) cells += (named[b] ?? (b >= 32 && b < 127 ? String.fromCharCode(b) : b.toString(8).padStart(3, '0'))).padStart(4);
    else {
      const width = kind === 'x' ? size * 2 : kind === 'o' ? Math.ceil((size * 8) / 3) : String(2 ** (size * 8) - 1).length;
      for (let i = 0; i < row.length; i += size) {
        let v = 0;
        for (let k = size - 1; k >= 0; k--) v = v * 256 + (row[i + k] ?? 0);
        const s = kind === 'x' ? v.toString(16) : kind === 'o' ? v.toString(8) : String(v);
        cells += ' ' + (kind === 'd' || kind === 'u' ? s.padStart(width) : s.padStart(width, '0'));
      }
    }
    rows.push(addr(off) + cells);
  }
  if (!noAddr) rows.push(addr(data.length));
  return rows.length ? rows.join('\n') + '\n' : '';
}

/** unified hunks → the default ("normal") diff format GNU diff prints: 2c2, < old, ---, > new */
function normalDiff(unified: string): string {
  const out: string[] = [];
  const lines = unified.split('\n');
  let oldNo = 0;
  let newNo = 0;
  let del: string[] = [];
  let add: string[] = [];
  let delStart = 0;
  let addStart = 0;
  const range = (a: number, n: number) => (n <= 1 ? String(a) : `${a},${a + n - 1}`);
  const flush = () => {
    if (!del.length && !add.length) return;
    if (del.length && add.length)
      out.push(`${range(delStart, del.length)}c${range(addStart, add.length)}`, ...del.map((l) => `< ${l}`), '---', ...add.map((l) => `> ${l}`));
    else if (del.length) out.push(`${range(delStart, del.length)}d${addStart - 1}`, ...del.map((l) => `< ${l}`));
    else out.push(`${delStart - 1}a${range(addStart, add.length)}`, ...add.map((l) => `> ${l}`));
    del = [];
    add = [];
  };
  for (const l of lines) {
    const h = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
    if (h) {
      flush();
      oldNo = Number(h[1]);
      newNo = Number(h[2]);
      continue;
    }
    if (l.startsWith('---') || l.startsWith('+++') || l.startsWith('\\')) continue;
    if (l.startsWith('-')) {
      if (!del.length && !add.length) {
        delStart = oldNo;
        addStart = newNo;
      }
      del.push(l.slice(1));
      oldNo++;
    } else if (l.startsWith('+')) {
      if (!del.length && !add.length) {
        delStart = oldNo;
        addStart = newNo;
      }
      add.push(l.slice(1));
      newNo++;
    } else if (l.startsWith(' ')) {
      flush();
      oldNo++;
      newNo++;
    }
  }
  flush();
  return out.length ? out.join('\n') + '\n' : '';
}
