import { defineCommand, type Command, type ExecResult } from 'just-bash';
import type { SimContainer } from '../container';
import { imageFiles } from '../images/rootfs';
import { parseDuration } from '../programs/basic';
import { parseSignal, SIGNAL_NUMBERS } from '../process';
import { deviceNumbers } from '../fs/dev-fs';
import { modeString } from './ls-long';
import type { UserlandProfile } from './profiles';
import { shellQuote } from './quote';
import { captured } from './engine-fixes';

const ok = (stdout = '', exitCode = 0, stderr = ''): ExecResult => ({ stdout, stderr, exitCode });
const bytesOf = (s: string | Uint8Array | undefined): Buffer => (typeof s === 'string' ? Buffer.from(s, 'latin1') : Buffer.from(s ?? []));

/** Everyday utilities the engine lacks (coreutils / busybox applets), worded per image family. */
export function extraCommands(c: SimContainer, p: UserlandProfile): Command[] {
  const bb = p.family === 'busybox';
  const files = () => imageFiles(c.image.image);
  const users = () =>
    (files().get('/etc/passwd') ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(':'));
  const groups = () =>
    (files().get('/etc/group') ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(':'));
  let tmpSeq = 0;
  const tmpName = () => {
    const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < (bb ? 6 : 10); i++) s += abc[Math.floor(Math.random() * abc.length)];
    return s + (tmpSeq++ ? '' : '');
  };
  return [
    // bounded: pipelines here run stage after stage, so an endless producer would never let `head` finish
    defineCommand('yes', async (args) => ok(`${args.length ? args.join(' ') : 'y'}\n`.repeat(16384))),
    defineCommand('mktemp', async (args, ctx) => {
      const dir = args.includes('-d');
      const tpl = args.find((a) => !a.startsWith('-'));
      const base = tpl
        ? (tpl.includes('/') ? tpl : `/tmp/${tpl}`).replace(/X{3,}$/, (x) => tmpName().padEnd(x.length, 'x').slice(0, x.length))
        : `/tmp/tmp.${tmpName()}`;
      try {
        if (dir) await ctx.fs.mkdir(base);
        else await ctx.fs.writeFile(base, '');
        return ok(base + '\n');
      } catch {
        return ok(
          '',
          1,
          bb
            ? `mktemp: (null): No such file or directory\n`
            : `mktemp: failed to create ${dir ? 'directory' : 'file'} via template '${base}': No such file or directory\n`,
        );
      }
    }),
    defineCommand('truncate', async (args, ctx) => {
      const si = args.findIndex((a) => a === '-s' || a.startsWith('-s'));
      const size = si < 0 ? undefined : args[si] === '-s' ? args[si + 1] : args[si].slice(2);
      const targets = args.filter((_a, i) => i !== si && !(args[si] === '-s' && i === si + 1) && !args[i].startsWith('-'));
      if (size === undefined || !/^\d+$/.test(size))
        return ok('', 1, bb ? 'truncate: invalid number\n' : "truncate: you must specify either '--size' or '--reference'\n");
      for (const t of targets) {
        const path = ctx.fs.resolvePath(ctx.cwd, t);
        let cur = Buffer.alloc(0);
        try {
          cur = Buffer.from(await ctx.fs.readFileBuffer(path));
        } catch {
          /* created empty */
        }
        const n = Number(size);
        const next = cur.length >= n ? cur.subarray(0, n) : Buffer.concat([cur, Buffer.alloc(n - cur.length)]);
        await ctx.fs.writeFile(path, next);
      }
      return ok();
    }),
    defineCommand('realpath', async (args, ctx) => {
      let out = '';
      let err = '';
      for (const a of args.filter((x) => !x.startsWith('-'))) {
        try {
          out += (await ctx.fs.realpath(ctx.fs.resolvePath(ctx.cwd, a))) + '\n';
        } catch {
          err += bb ? `realpath: ${a}: No such file or directory\n` : `realpath: ${a}: No such file or directory\n`;
        }
      }
      return ok(out, err ? 1 : 0, err);
    }),
    // the engine's readlink -f follows only the last component: `readlink -f /etc/config/key` stopped at
    // `..data/key` where coreutils and busybox resolve the `..data` link inside the path too
    defineCommand('readlink', async (args, ctx) => {
      const flags = new Set(args.filter((a) => /^-[a-z]+$/.test(a)).flatMap((a) => [...a.slice(1)]));
      const ops = args.filter((a) => !/^-[a-z]+$/.test(a) && a !== '--');
      if (!ops.length)
        return ok(
          '',
          1,
          bb
            ? 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: readlink [-fnv] FILE\n'
            : "readlink: missing operand\nTry 'readlink --help' for more information.\n",
        );
      const canonical = flags.has('f') || flags.has('e') || flags.has('m');
      let out = '';
      let failed = false;
      for (const a of ops) {
        const abs = ctx.fs.resolvePath(ctx.cwd, a);
        try {
          if (!canonical) out += (await ctx.fs.readlink(abs)) + '\n';
          else {
            const parent = abs.replace(/\/[^/]*$/, '') || '/';
            const real = await ctx.fs.realpath(abs).catch(async (err) => {
              // -f lets the last component be missing, -e does not
              if (flags.has('e')) throw err;
              return `${(await ctx.fs.realpath(parent)).replace(/\/$/, '')}/${abs.slice(parent.length + 1)}`;
            });
            out += real + '\n';
          }
        } catch {
          // readlink is silent without -v: no link (or no such file) is only the exit status
          failed = true;
        }
      }
      return ok(flags.has('n') ? out.replace(/\n$/, '') : out, failed ? 1 : 0);
    }),
    defineCommand('xxd', async (args, ctx) => {
      const data = await input(
        args.filter((a) => !a.startsWith('-')),
        ctx,
      );
      if (typeof data === 'string') return ok('', 2, `xxd: ${data}: No such file or directory\n`);
      let out = '';
      for (let off = 0; off < data.length; off += 16) {
        const row = data.subarray(off, off + 16);
        let hex = '';
        for (let i = 0; i < 16; i++) {
          hex += i < row.length ? row[i].toString(16).padStart(2, '0') : '  ';
          if (i % 2 === 1) hex += ' ';
        }
        out += `${off.toString(16).padStart(8, '0')}: ${hex} ${printable(row)}\n`;
      }
      return ok(out);
    }),
    defineCommand('hexdump', async (args, ctx) => {
      const data = await input(
        args.filter((a) => !a.startsWith('-')),
        ctx,
      );
      if (typeof data === 'string') return ok('', 1, `hexdump: ${data}: No such file or directory\n`);
      let out = '';
      for (let off = 0; off < data.length; off += 16) {
        const row = data.subarray(off, off + 16);
        let hex = '';
        for (let i = 0; i < 16; i++) {
          hex += i < row.length ? row[i].toString(16).padStart(2, '0') + ' ' : '   ';
          if (i === 7) hex += ' ';
        }
        out += `${off.toString(16).padStart(8, '0')}  ${hex} |${printable(row)}|\n`;
      }
      if (data.length) out += data.length.toString(16).padStart(8, '0') + '\n';
      return ok(out);
    }),
    defineCommand('cmp', async (args, ctx) => {
      const [a, b] = args.filter((x) => !x.startsWith('-') || x === '-');
      const read = async (f: string) => (f === '-' ? bytesOf(ctx.stdin as any) : Buffer.from(await ctx.fs.readFileBuffer(ctx.fs.resolvePath(ctx.cwd, f))));
      let x: Buffer;
      let y: Buffer;
      try {
        x = await read(a);
      } catch {
        return ok('', 2, `cmp: ${a}: No such file or directory\n`);
      }
      try {
        y = await read(b ?? '-');
      } catch {
        return ok('', 2, `cmp: ${b}: No such file or directory\n`);
      }
      let line = 1;
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] !== y[i]) return args.includes('-s') ? ok('', 1) : ok(`${a} ${b} differ: char ${i + 1}, line ${line}\n`, 1);
        if (x[i] === 10) line++;
      }
      if (x.length !== y.length)
        return ok('', 1, `cmp: EOF on ${x.length < y.length ? a : b}${bb ? '' : ` after byte ${Math.min(x.length, y.length)}, line ${line - 1}`}\n`);
      return ok();
    }),
    defineCommand('factor', async (args, ctx) => {
      const nums = args.length
        ? args
        : String(ctx.stdin ?? '')
            .split(/\s+/)
            .filter(Boolean);
      let out = '';
      for (const a of nums) {
        if (!/^\d+$/.test(a)) return ok(out, 1, bb ? `factor: invalid number '${a}'\n` : `factor: '${a}' is not a valid positive integer\n`);
        let n = BigInt(a);
        const f: bigint[] = [];
        for (let d = 2n; d * d <= n; d++)
          while (n % d === 0n) {
            f.push(d);
            n /= d;
          }
        if (n > 1n) f.push(n);
        out += `${a}:${f.map((x) => ' ' + x).join('')}\n`;
      }
      return ok(out);
    }),
    defineCommand('shuf', async (args, ctx) => {
      const ii = args.indexOf('-i');
      let items: string[];
      if (ii >= 0) {
        const [lo, hi] = (args[ii + 1] ?? '').split('-').map(Number);
        items = [];
        for (let i = lo; i <= hi; i++) items.push(String(i));
      } else if (args.includes('-e')) items = args.slice(args.indexOf('-e') + 1);
      else {
        const f = args.find((a) => !a.startsWith('-'));
        const text = f ? await ctx.fs.readFile(ctx.fs.resolvePath(ctx.cwd, f)) : String(ctx.stdin ?? '');
        items = text.split('\n');
        if (items[items.length - 1] === '') items.pop();
      }
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      const ni = args.indexOf('-n');
      if (ni >= 0) items = items.slice(0, Number(args[ni + 1]));
      return ok(items.map((x) => x + '\n').join(''));
    }),
    defineCommand('groups', async (args) => {
      const name = args[0] ?? c.id.userName ?? String(c.id.uid);
      const u = users().find((f) => f[0] === name);
      if (!u) return ok('', 1, bb ? `groups: unknown user ${name}\n` : `groups: '${name}': no such user\n`);
      const gids = args[0]
        ? [
            Number(u[3]),
            ...groups()
              .filter((g) => (g[3] ?? '').split(',').includes(name))
              .map((g) => Number(g[2])),
          ]
        : c.id.groups;
      const names = [...new Set(gids)].map((g) => groups().find((x) => Number(x[2]) === g)?.[0] ?? String(g));
      return ok((args[0] && !bb ? `${name} : ` : '') + names.join(' ') + '\n');
    }),
    defineCommand('getent', async (args) => {
      const [db, key] = args;
      const table = db === 'passwd' ? users() : db === 'group' ? groups() : undefined;
      if (db === 'hosts') {
        const hosts = (await c.fs.readFile('/etc/hosts').catch(() => ''))
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => l.split(/\s+/));
        const hit = key ? [...hosts].reverse().find((h) => h.slice(1).includes(key)) : undefined;
        if (!key) return ok(hosts.map((h) => `${h[0].padEnd(15)} ${h.slice(1).join(' ')}\n`).join(''));
        return hit ? ok(`${hit[0].padEnd(15)} ${hit.slice(1).join(' ')}\n`) : ok('', 2);
      }
      if (!table) return ok('', 1, `Unknown database: ${db ?? ''}\nTry \`getent --help' or \`getent --usage' for more information.\n`);
      const rows = key ? table.filter((f) => f[0] === key || f[2] === key) : table;
      return rows.length ? ok(rows.map((f) => f.join(':') + '\n').join('')) : ok('', 2);
    }),
    defineCommand('timeout', async (args, ctx) => {
      let sig = 'TERM';
      let preserve = false;
      let i = 0;
      for (; i < args.length && args[i].startsWith('-') && args[i] !== '-'; i++) {
        const a = args[i];
        if (a === '-s' || a === '--signal') sig = args[++i] ?? sig;
        else if (a.startsWith('--signal=')) sig = a.slice(9);
        else if (a.startsWith('-s')) sig = a.slice(2);
        else if (a === '--preserve-status' && !bb) preserve = true;
        else if (a === '-k' || a === '--kill-after') i++;
        else if (a === '--foreground' || a === '-v' || a === '--verbose' || a.startsWith('--kill-after=') || a.startsWith('-k')) continue;
        else
          return ok(
            '',
            bb ? 1 : 125,
            bb ? `timeout: unrecognized option '${a}'\n` : `timeout: unrecognized option '${a}'\nTry 'timeout --help' for more information.\n`,
          );
      }
      const ms = parseDuration([args[i] ?? '']);
      const cmd = args.slice(i + 1);
      const signal = parseSignal(sig);
      if (ms === undefined || !cmd.length || !signal)
        return ok('', bb ? 1 : 125, bb ? 'timeout: invalid number\n' : `timeout: invalid time interval '${args[i] ?? ''}'\n`);
      const ctl = new AbortController();
      const outer = () => ctl.abort();
      ctx.signal?.addEventListener('abort', outer, { once: true });
      let expired = false;
      const timer =
        ms === Infinity
          ? undefined
          : setTimeout(() => {
              expired = true;
              ctl.abort();
            }, ms);
      try {
        const r = await ctx.exec!(captured(cmd.map(shellQuote).join(' ')), {
          cwd: ctx.cwd,
          env: Object.fromEntries(ctx.env),
          replaceEnv: true,
          stdin: ctx.stdin as any,
          signal: ctl.signal,
        });
        if (!expired && r.exitCode === 127 && /not found/.test(r.stderr)) {
          return ok(
            r.stdout,
            127,
            bb ? `timeout: can't execute '${cmd[0]}': No such file or directory\n` : `timeout: failed to run command '${cmd[0]}': No such file or directory\n`,
          );
        }
        if (!expired) return r;
        const n = SIGNAL_NUMBERS[signal];
        const stderr = r.stderr.replace(/^\w+: execution aborted\n?/gm, '');
        // busybox's timeout execs the command, so the shell sees it die of the signal; GNU's reports 124
        // unless asked to preserve the status, and dies of KILL itself
        const status = bb || preserve || signal === 'KILL' ? 128 + n : 124;
        // the shell reports a death by signal: busybox's timeout is the command it ran, GNU's kills itself only with KILL
        const died = bb || signal === 'KILL';
        const note = !died ? '' : status === 143 ? 'Terminated\n' : status === 137 ? 'Killed\n' : '';
        return { stdout: r.stdout, stderr: stderr + note, exitCode: status };
      } finally {
        if (timer) clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', outer);
      }
    }),
    // busybox's time applet (ash has no `time` keyword): the command's own status, the times on stderr
    ...(bb
      ? [
          defineCommand('time', async (args, ctx) => {
            const t0 = Date.now();
            const r = await ctx.exec!(captured(args.map(shellQuote).join(' ')), {
              cwd: ctx.cwd,
              env: Object.fromEntries(ctx.env),
              replaceEnv: true,
              signal: ctx.signal,
            });
            const s = (Date.now() - t0) / 1000;
            const real = `${Math.floor(s / 60)}m ${(s % 60).toFixed(2)}s`;
            return { ...r, stderr: `${r.stderr}real\t${real}\nuser\t0m 0.00s\nsys\t0m 0.00s\n` };
          }),
        ]
      : []),
    defineCommand('cksum', async (args, ctx) => {
      const names = args.filter((a) => !a.startsWith('-'));
      let out = '';
      let err = '';
      for (const n of names.length ? names : ['-']) {
        let data: Buffer;
        try {
          data = n === '-' ? bytesOf(ctx.stdin as any) : Buffer.from(await c.fs.readFileBuffer(c.fs.resolvePath(ctx.cwd, n)));
        } catch {
          err += bb ? `cksum: can't open '${n}': No such file or directory\n` : `cksum: ${n}: No such file or directory\n`;
          continue;
        }
        out += `${posixCrc(data)} ${data.length}${n === '-' ? '' : ` ${n}`}\n`;
      }
      return ok(out, err ? 1 : 0, err);
    }),
    defineCommand('nohup', async (args, ctx) => {
      if (!args.length) return ok('', bb ? 1 : 125, bb ? 'nohup: missing operand\n' : "nohup: missing operand\nTry 'nohup --help' for more information.\n");
      return ctx.exec!(captured(args.map(shellQuote).join(' ')), {
        cwd: ctx.cwd,
        env: Object.fromEntries(ctx.env),
        replaceEnv: true,
        stdin: '',
        signal: ctx.signal,
      });
    }),
    defineCommand('cal', async (args) => {
      const now = new Date();
      const nums = args.filter((a) => !a.startsWith('-'));
      const bad = nums.find((a) => !/^\d+$/.test(a));
      if (bad !== undefined) return ok('', 1, `cal: invalid number '${bad}'\n`);
      if (nums.length === 2 && (Number(nums[0]) < 1 || Number(nums[0]) > 12)) return ok('', 1, `cal: number ${nums[0]} is not in 1..12 range\n`);
      // one month: `cal`, `cal MONTH YEAR`; a year alone prints the whole year, which is not drawn here
      if (nums.length !== 0 && nums.length !== 2) return ok('', 1, 'cal: KubeLab draws one month at a time: cal [MONTH YEAR]\n');
      const [month, year] = nums.length === 2 ? [Number(nums[0]) - 1, Number(nums[1])] : [now.getUTCMonth(), now.getUTCFullYear()];
      const title = `${new Date(Date.UTC(2000, month, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })} ${year}`;
      const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
      const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
      const cells = [...Array<string>(first).fill('  '), ...Array.from({ length: days }, (_, i) => String(i + 1).padStart(2))];
      // always six week rows: a week's row ends at its last day, a row without days is 21 blanks (busybox's layout)
      const weeks = Array.from(
        { length: 6 },
        (_, w) =>
          cells
            .slice(w * 7, w * 7 + 7)
            .join(' ')
            .trimEnd() || ' '.repeat(21),
      );
      return ok(`${' '.repeat(Math.floor((20 - title.length) / 2))}${title}\nSu Mo Tu We Th Fr Sa\n${weeks.join('\n')}\n`);
    }),
    defineCommand('uptime', async () => {
      const up = Math.floor((Date.now() - c.sandbox.createdAt) / 60_000);
      const now = new Date();
      const hh = (n: number) => String(n).padStart(2, '0');
      const since = up < 60 ? `${up} min` : `${Math.floor(up / 60)}:${hh(up % 60)}`;
      const load = c.cpuDemandCores().toFixed(2);
      return ok(` ${hh(now.getUTCHours())}:${hh(now.getUTCMinutes())}:${hh(now.getUTCSeconds())} up ${since},  0 users,  load average: ${load}, 0.00, 0.00\n`);
    }),
    defineCommand('stat', async (args, ctx) => {
      const fi = args.findIndex((a) => a === '-c' || a.startsWith('--format='));
      if (fi < 0) return ctx.origCommand!(args);
      const fmt = args[fi] === '-c' ? (args[fi + 1] ?? '') : args[fi].slice(9);
      const files = args.filter((_a, i) => i !== fi && !(args[fi] === '-c' && i === fi + 1) && !args[i].startsWith('-'));
      let out = '';
      let err = '';
      for (const f of files) {
        const path = ctx.fs.resolvePath(ctx.cwd, f);
        let st;
        try {
          st = await ctx.fs.lstat(path);
        } catch {
          err += bb ? `stat: can't stat '${f}': No such file or directory\n` : `stat: cannot statx '${f}': No such file or directory\n`;
          continue;
        }
        const dev = path.startsWith('/dev/') && deviceNumbers(path.slice(5));
        const type = st.isSymbolicLink
          ? 'symbolic link'
          : st.isDirectory
            ? 'directory'
            : dev
              ? 'character special file'
              : st.size
                ? 'regular file'
                : 'regular empty file';
        const perm = st.mode & 0o7777;
        const map: Record<string, string> = {
          s: String(st.isDirectory ? 4096 : (st.size ?? 0)),
          a: perm.toString(8),
          A: modeString(st, !!dev),
          U: 'root',
          G: 'root',
          u: '0',
          g: '0',
          F: type,
          n: f,
          N: `'${f}'`,
          h: st.isDirectory ? '2' : '1',
          Y: String(Math.floor((st.mtime?.getTime() ?? 0) / 1000)),
          '%': '%',
        };
        out += fmt.replace(/%(.)/g, (m, ch: string) => map[ch] ?? m) + '\n';
      }
      return ok(out, err ? 1 : 0, err);
    }),
    defineCommand('dd', async (args, ctx) => {
      const o: Record<string, string> = {};
      for (const a of args) {
        const i = a.indexOf('=');
        if (i > 0) o[a.slice(0, i)] = a.slice(i + 1);
      }
      const size = (v: string | undefined, d: number) => {
        if (!v) return d;
        const m = /^(\d+)([kKMG]?)/.exec(v);
        return m ? Number(m[1]) * ({ '': 1, k: 1024, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[m[2]] : d;
      };
      const bs = size(o.bs ?? o.ibs, 512);
      let data: Buffer;
      try {
        data = o.if ? Buffer.from(await ctx.fs.readFileBuffer(ctx.fs.resolvePath(ctx.cwd, o.if))) : bytesOf(ctx.stdin as any);
      } catch {
        return ok('', 1, bb ? `dd: can't open '${o.if}': No such file or directory\n` : `dd: failed to open '${o.if}': No such file or directory\n`);
      }
      const skip = Number(o.skip ?? 0) * bs;
      const count = o.count !== undefined ? Number(o.count) : Infinity;
      const chunk = data.subarray(skip, count === Infinity ? undefined : skip + count * bs);
      const full = Math.floor(chunk.length / bs);
      const part = chunk.length % bs ? 1 : 0;
      const started = performance.now();
      let stdout: Buffer | string = '';
      if (o.of) await ctx.fs.writeFile(ctx.fs.resolvePath(ctx.cwd, o.of), chunk);
      else stdout = chunk;
      const secs = Math.max((performance.now() - started) / 1000, 0.000001);
      const rate = chunk.length / secs;
      const summary =
        `${full}+${part} records in\n${full}+${part} records out\n` +
        (bb
          ? `${chunk.length} bytes (${chunk.length < 1024 ? `${chunk.length}B` : `${(chunk.length / 1024).toFixed(1)}KB`}) copied, ${secs.toFixed(6)} seconds, ${(rate / 1024 / 1024).toFixed(1)}MB/s\n`
          : `${chunk.length} bytes${chunk.length >= 1000 ? ` (${(chunk.length / 1000).toFixed(0)} kB, ${(chunk.length / 1024).toFixed(0)} KiB)` : ''} copied, ${secs.toFixed(6)} s, ${(rate / 1e6).toFixed(1)} MB/s\n`);
      return {
        stdout: typeof stdout === 'string' ? stdout : stdout.toString('latin1'),
        stderr: o.status === 'none' ? '' : summary,
        exitCode: 0,
        stdoutKind: 'bytes',
      } as ExecResult;
    }),
    // the multi-call binary itself: `busybox APPLET …` runs the applet, --list names them
    defineCommand('busybox', async (args, ctx) => {
      if (args[0] === '--list') return ok([...(await c.fs.readdir('/bin'))].join('\n') + '\n');
      if (!args.length) return ok('BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n', 0);
      return ctx.exec!(captured(args.map(shellQuote).join(' ')), {
        cwd: ctx.cwd,
        env: Object.fromEntries(ctx.env),
        replaceEnv: true,
        stdin: ctx.stdin as any,
        signal: ctx.signal,
      });
    }),
    defineCommand('umask', async (args) => ok(args.length ? '' : '0022\n')),
    defineCommand('ulimit', async (args) => ok(args.includes('-n') ? '1048576\n' : args.includes('-u') ? 'unlimited\n' : 'unlimited\n')),
  ];
}

async function input(files: string[], ctx: { fs: any; cwd: string; stdin?: any }): Promise<Buffer | string> {
  if (!files.length || files[0] === '-') return bytesOf(ctx.stdin);
  try {
    return Buffer.from(await ctx.fs.readFileBuffer(ctx.fs.resolvePath(ctx.cwd, files[0])));
  } catch {
    return files[0];
  }
}

function printable(b: Buffer): string {
  let s = '';
  for (const x of b) s += x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.';
  return s;
}

/** the POSIX cksum CRC: CRC-32 (0x04C11DB7, most significant bit first) over the data and then its length */
function posixCrc(data: Buffer): number {
  let crc = 0;
  const feed = (byte: number) => {
    crc ^= byte << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    crc >>>= 0;
  };
  for (const b of data) feed(b);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) feed(n & 0xff);
  return ~crc >>> 0;
}
