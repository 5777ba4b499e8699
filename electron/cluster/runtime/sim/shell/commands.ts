import { defineCommand, decodeBytesToUtf8, type Command, type ExecResult } from 'just-bash';
import type { SimContainer } from '../container';
import { interruptibleSleep, parseSignal, type SimProcess } from '../process';
import { parseDuration } from '../programs/basic';
import { networkCommands } from './net-commands';
import { dnsCommands } from './dns-commands';
import { tailCommand } from './tail';
import { chrootCommand } from './chroot';
import { imageFiles } from '../images/rootfs';
import { profileFor } from './profiles';
import { stripLeadingSlash } from './tar-args';
import { BG_COMMAND, LASTBG_COMMAND, TRAP_COMMAND, WAIT_COMMAND } from './stream-transform';

export interface ShellHost {
  container: SimContainer;
  proc: SimProcess;
  /** aborted when the running script must stop (signal, stop, Ctrl-C) */
  run: AbortSignal;
  traps: Map<string, string>;
  /** the shell's dialect (how `kill -l` lists signals, whether `%job` names a process group) */
  dialect?: 'ash' | 'dash' | 'bash';
  /** the shell reads a terminal (job control on) */
  tty?: boolean;
  /** background jobs this shell started (`cmd &`), in start order */
  jobs: Job[];
  /** starts `script` as a new process of the container running concurrently with this shell */
  startJob(script: string, env: Record<string, string>, cwd: string): SimProcess;
}

export interface Job {
  id: number;
  proc: SimProcess;
  command: string;
}

const ok = (stdout = '', exitCode = 0, stderr = ''): ExecResult => ({ stdout, stderr, exitCode });
const fail = (stderr: string, exitCode = 1): ExecResult => ({ stdout: '', stderr, exitCode });

function userName(c: SimContainer, uid: number): string | undefined {
  return uid === c.id.uid ? c.id.userName : undefined;
}
function groupNames(c: SimContainer): Map<number, string> {
  const m = new Map<number, string>();
  const raw = imageFiles(c.image.image).get('/etc/group') ?? '';
  for (const l of raw.split('\n')) {
    const f = l.split(':');
    if (f.length >= 3) m.set(Number(f[2]), f[0]);
  }
  return m;
}

/** `%1`, `%%`, `%+` or a PID naming one of this shell's jobs */
function jobRef(h: ShellHost, ref: string): Job | undefined {
  if (ref === '%%' || ref === '%+' || ref === '%') return h.jobs.at(-1);
  if (ref === '%-') return h.jobs.at(-2);
  if (ref.startsWith('%')) return h.jobs.find((j) => j.id === Number(ref.slice(1)));
  return h.jobs.find((j) => j.proc.pid === Number(ref));
}

/** a job's exit status, or 128+SIGINT-style early return when this shell itself is stopped */
function untilExit(p: SimProcess, run: AbortSignal): Promise<number> {
  if (!p.alive) return Promise.resolve(p.exitCode ?? 0);
  return new Promise((resolve) => {
    const stop = () => resolve(130);
    run.addEventListener('abort', stop, { once: true });
    void p.wait().then((code) => {
      run.removeEventListener('abort', stop);
      resolve(code);
    });
  });
}

// signal names by number (Linux x86)
const SIGNALS =
  'HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS'.split(
    ' ',
  );

/** `kill -l`: busybox numbers its list (and calls IO POLL), dash prints one name a line from 0, bash a table */
function signalList(d: ShellHost['dialect']): string {
  if (d === 'ash') return SIGNALS.map((s, i) => `${String(i + 1).padStart(2)}) ${s === 'IO' ? 'POLL' : s}\n`).join('');
  const rt = [
    ...Array.from({ length: 16 }, (_, i) => (i ? `RTMIN+${i}` : 'RTMIN')),
    ...Array.from({ length: 15 }, (_, i) => (i < 14 ? `RTMAX-${14 - i}` : 'RTMAX')),
  ];
  if (d === 'dash') return ['0', ...SIGNALS.map((s) => (s === 'STKFLT' ? '16' : s)), '32', '33', ...rt].join('\n') + '\n';
  const all = [...SIGNALS, ...rt].map((s, i) => ({ n: i < 31 ? i + 1 : i + 3, s }));
  let out = '';
  all.forEach(({ n, s }, i) => (out += `${String(n).padStart(2)}) SIG${s}${i % 5 === 4 || i === all.length - 1 ? '\n' : '\t'}`));
  return out;
}

/** one screen of busybox top: memory, CPU, load, then a line per process */
export function topText(c: SimContainer): string {
  const used = c.memoryUsage();
  const total = c.memoryLimit || 8 * 1024 ** 3;
  const rows = c.pidns
    .list()
    .map(
      (p) =>
        `${String(p.pid).padStart(5)} ${String(p.pid === 1 ? 0 : 1).padStart(5)} ${(userName(c, p.uid) ?? String(p.uid)).padEnd(8)} S    ${String(Math.round((p.memoryBytes + 350_000) / 1024)).padStart(6)}   0%   0 ${String(Math.round(p.cpuDemand * 100)).padStart(3)}% ${p.argv.join(' ')}`,
    );
  return `Mem: ${Math.round(used / 1024)}K used, ${Math.round((total - used) / 1024)}K free, 0K shrd, 0K buff, 0K cached\nCPU:   ${Math.round(c.cpuDemandCores() * 25)}% usr   0% sys   0% nic  ${100 - Math.round(c.cpuDemandCores() * 25)}% idle   0% io   0% irq   0% sirq\nLoad average: 0.00 0.00 0.00 1/${c.procs.size} ${c.procs.size}\n  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND\n${rows.join('\n')}\n`;
}

function fmtTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The commands a container shell needs beyond just-bash's built-ins. */
export function containerCommands(h: ShellHost): Command[] {
  const c = h.container;
  const k = c.sandbox.kernel;
  const cmds: Command[] = [
    defineCommand('sleep', async (args, ctx) => {
      const ms = parseDuration(args);
      if (!args.length || ms === undefined) {
        // coreutils words it as an interval and points at --help
        if (h.dialect !== 'ash' && profileFor(c.image.image).family === 'debian')
          return fail(`${!args.length ? 'sleep: missing operand' : `sleep: invalid time interval '${args[0]}'`}\nTry 'sleep --help' for more information.\n`);
        return fail(!args.length ? 'sleep: missing operand\n' : `sleep: invalid number '${args[0]}'\n`);
      }
      h.proc.cpuDemand = 0;
      // a timeout around this sleep aborts the command's own signal, a stop or Ctrl-C the shell's
      await interruptibleSleep(ms, ctx.signal ? AbortSignal.any([h.run, ctx.signal]) : h.run);
      return ok();
    }),
    defineCommand('__kubelab_yield', async () => {
      await yieldSlice(h);
      return ok();
    }),
    defineCommand(TRAP_COMMAND, async (args) => {
      if (!args.length) return ok([...h.traps].map(([s, a]) => `trap -- '${a}' ${s}\n`).join(''));
      const [action, ...sigs] = args;
      for (const s of sigs) {
        const sig = s === '0' || s.toUpperCase() === 'EXIT' ? 'EXIT' : parseSignal(s);
        if (!sig) return fail(`trap: ${s}: invalid signal specification\n`);
        if (action === '-') h.traps.delete(sig);
        else h.traps.set(sig, action);
      }
      return ok();
    }),
    defineCommand(BG_COMMAND, async (args, ctx) => {
      const env = Object.fromEntries(ctx.env);
      const proc = h.startJob(args[0] ?? '', env, ctx.cwd);
      h.jobs.push({ id: (h.jobs.at(-1)?.id ?? 0) + 1, proc, command: args[0] ?? '' });
      return ok();
    }),
    defineCommand(LASTBG_COMMAND, async () => ok(String(h.jobs.at(-1)?.proc.pid ?? ''))),
    defineCommand(WAIT_COMMAND, async (args) => {
      if (!args.length) {
        for (const j of h.jobs.splice(0)) await untilExit(j.proc, h.run);
        return ok();
      }
      let status = 0;
      for (const a of args) {
        const j = jobRef(h, a);
        if (!j) {
          status = 127;
          continue;
        }
        status = await untilExit(j.proc, h.run);
        h.jobs.splice(h.jobs.indexOf(j), 1);
      }
      // the shell reports a job that a signal ended, as it reaps it
      return ok('', status, status === 143 ? 'Terminated\n' : status === 137 ? 'Killed\n' : '');
    }),
    defineCommand('jobs', async (args) => {
      const live = h.jobs.filter((j) => j.proc.alive || true);
      const text = live
        .map((j, i) => {
          const mark = i === live.length - 1 ? '+' : i === live.length - 2 ? '-' : ' ';
          const state = j.proc.alive ? 'Running' : j.proc.exitCode === 0 ? 'Done' : `Done(${j.proc.exitCode})`;
          return args.includes('-p') ? `${j.proc.pid}\n` : `[${j.id}]${mark}  ${state.padEnd(22)}${j.command.trim()}\n`;
        })
        .join('');
      for (const j of live) if (!j.proc.alive) h.jobs.splice(h.jobs.indexOf(j), 1);
      return ok(text);
    }),
    defineCommand('ps', async () => {
      // TIME is CPU time, so a sleeping process shows 0:00 however long it has lived
      const rows = c.pidns
        .list()
        .map(
          (p) =>
            `${String(p.pid).padStart(5)} ${(userName(c, p.uid) ?? String(p.uid)).padEnd(8).slice(0, 8)} ${fmtTime((Date.now() - p.startedAt) * p.cpuDemand).padStart(5)} ${p.argv.join(' ')}`,
        );
      return ok(`PID   USER     TIME  COMMAND\n${rows.join('\n')}\n`);
    }),
    defineCommand('kill', async (args, ctx) => {
      let sig = parseSignal('TERM')!;
      let probe = false;
      const pids: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '-l') return ok(signalList(h.dialect));
        if (a === '-s') {
          sig = parseSignal(args[++i] ?? '') ?? sig;
          continue;
        }
        if (a.startsWith('-') && isNaN(Number(a))) {
          const s = parseSignal(a);
          if (!s) return fail(`sh: bad signal name '${a.slice(1)}'\n`, h.dialect === 'dash' ? 2 : 1);
          sig = s;
          continue;
        }
        if (a === '-0') {
          probe = true;
          continue;
        }
        if (/^-\d+$/.test(a)) {
          sig = parseSignal(a.slice(1)) ?? sig;
          continue;
        }
        pids.push(a);
      }
      let err = '';
      let handled = '';
      for (const p of pids) {
        // without job control (dash reading no terminal) a job has no process group of its own for %N to name
        const noGroups = h.dialect === 'dash' && !h.tty;
        const target = p.startsWith('%') ? (noGroups ? undefined : jobRef(h, p)?.proc) : c.pidns.get(Number(p));
        const handler = target === h.proc ? h.traps.get(sig) : undefined;
        if (!target) err += `sh: can't kill pid ${p}: No such process\n`;
        else if (probe) continue;
        // a shell that signals itself runs its trap as soon as kill returns and then goes on with the script; a
        // handler that exits ends the script instead, which the signal's own delivery does
        else if (handler !== undefined && !/\bexit\b/.test(handler) && ctx.exec) {
          const r = await ctx.exec(handler, { cwd: ctx.cwd } as any);
          handled += r.stdout;
          err += r.stderr;
        } else target.deliver(sig);
      }
      return err ? { stdout: handled, stderr: err, exitCode: 1 } : ok(handled);
    }),
    defineCommand('id', async (args) => {
      const flags = args
        .filter((a) => a.startsWith('-'))
        .join('')
        .replace(/-/g, '');
      const who = args.find((a) => !a.startsWith('-'));
      const names = groupNames(c);
      let g = { uid: c.id.uid, gid: c.id.gid, groups: c.id.groups };
      let un = c.id.userName;
      if (who) {
        const e = imageFiles(c.image.image)
          .get('/etc/passwd')
          ?.split('\n')
          .map((l) => l.split(':'))
          .find((f) => f[0] === who || f[2] === who);
        if (!e) return fail(profileFor(c.image.image).family === 'busybox' ? `id: unknown user ${who}\n` : `id: '${who}': no such user\n`);
        const members = (imageFiles(c.image.image).get('/etc/group') ?? '')
          .split('\n')
          .map((l) => l.split(':'))
          .filter((f) => (f[3] ?? '').split(',').includes(e[0]))
          .map((f) => Number(f[2]));
        g = { uid: Number(e[2]), gid: Number(e[3]), groups: [...new Set([Number(e[3]), ...members])] };
        un = e[0];
      }
      const name = flags.includes('n');
      if (flags.includes('u')) return ok((name ? (un ?? String(g.uid)) : String(g.uid)) + '\n');
      if (flags.includes('g')) return ok((name ? (names.get(g.gid) ?? String(g.gid)) : String(g.gid)) + '\n');
      if (flags.includes('G')) return ok(g.groups.map((x) => (name ? (names.get(x) ?? String(x)) : String(x))).join(' ') + '\n');
      const n = (id: number, nm?: string) => (nm ? `${id}(${nm})` : String(id));
      return ok(`uid=${n(g.uid, un)} gid=${n(g.gid, names.get(g.gid))} groups=${g.groups.map((x) => n(x, names.get(x))).join(',')}\n`);
    }),
    defineCommand('whoami', async () => (c.id.userName ? ok(c.id.userName + '\n') : fail(`whoami: unknown uid ${c.id.uid}\n`))),
    defineCommand('hostname', async (args) => {
      if (args.includes('-i')) return ok(c.sandbox.ip + '\n');
      if (args.length && !args[0].startsWith('-')) return fail('hostname: sethostname: Operation not permitted\n');
      return ok(c.sandbox.config.hostname + '\n');
    }),
    defineCommand('uname', async (args) => {
      const flags = args.join('').replace(/-/g, '');
      const host = c.sandbox.config.hostname;
      if (flags.includes('a')) return ok(`Linux ${host} ${k.release} ${k.version} x86_64 GNU/Linux\n`);
      const parts: string[] = [];
      if (!flags || flags.includes('s')) parts.push('Linux');
      if (flags.includes('n')) parts.push(host);
      if (flags.includes('r')) parts.push(k.release);
      if (flags.includes('v')) parts.push(k.version);
      if (flags.includes('m')) parts.push('x86_64');
      if (flags.includes('o')) parts.push('GNU/Linux');
      return ok(parts.join(' ') + '\n');
    }),
    defineCommand('dmesg', async () => {
      if (k.dmesg) return ok(k.dmesg(c.sandbox.createdAt));
      if (c.config.security.privileged) return ok('[    0.000000] Linux version ' + k.release + ' ' + k.version + '\n');
      return fail('dmesg: klogctl: Operation not permitted\n');
    }),
    defineCommand('mount', async () =>
      ok(
        c
          .mountTable()
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            const [dev, mp, type, opts] = l.split(' ');
            return `${dev} on ${mp} type ${type} (${opts})`;
          })
          .join('\n') + '\n',
      ),
    ),
    defineCommand('df', async (args) => {
      const human = args.some((a) => a.includes('h'));
      const size = (kb: number) => (human ? (kb >= 1048576 ? `${(kb / 1048576).toFixed(1)}G` : `${(kb / 1024).toFixed(1)}M`) : String(kb));
      const rows = [['overlay', 61_255_492, 18_412_224, '/']];
      for (const m of c.config.mounts)
        rows.push([
          m.tmpfs ? 'tmpfs' : '/dev/kubelab',
          m.sizeLimitBytes ? Math.floor(m.sizeLimitBytes / 1024) : m.tmpfs ? 8_131_584 : 61_255_492,
          12,
          m.containerPath,
        ]);
      const lines = rows.map(
        ([fs, total, used, mp]) =>
          `${String(fs).padEnd(20)} ${size(total as number).padStart(10)} ${size(used as number).padStart(9)} ${size((total as number) - (used as number)).padStart(9)} ${String(Math.ceil(((used as number) / (total as number)) * 100)).padStart(3)}% ${mp}`,
      );
      return ok(`Filesystem           ${human ? '     Size      Used Available' : '1K-blocks      Used Available'} Use% Mounted on\n${lines.join('\n')}\n`);
    }),
    defineCommand('free', async (args) => {
      const total = c.memoryLimit || 8 * 1024 ** 3;
      const used = c.memoryUsage();
      const div = args.includes('-m') ? 1024 ** 2 : args.includes('-g') ? 1024 ** 3 : 1024;
      const f = (b: number) => String(Math.floor(b / div)).padStart(12);
      return ok(
        `              total        used        free      shared  buff/cache   available\nMem:  ${f(total)}${f(used)}${f(total - used)}${f(0)}${f(0)}${f(total - used)}\nSwap: ${f(0)}${f(0)}${f(0)}\n`,
      );
    }),
    // tty answers on stdout either way; without a terminal stty's ioctl fails as each family words it
    defineCommand('tty', async () => ((h as any).tty ? ok('/dev/pts/0\n') : ok('not a tty\n', 1))),
    defineCommand('stty', async (args) =>
      (h as any).tty
        ? ok(args.includes('size') ? `${(h as any).rows ?? 24} ${(h as any).cols ?? 80}\n` : '')
        : fail(
            profileFor(c.image.image).family === 'busybox'
              ? 'stty: standard input: Inappropriate ioctl for device\n'
              : "stty: 'standard input': Inappropriate ioctl for device\n",
          ),
    ),
    defineCommand('printenv', async (args, ctx) => {
      const env = ctx.exportedEnv ?? Object.fromEntries(ctx.env);
      if (!args.length)
        return ok(
          Object.entries(env)
            .map(([a, b]) => `${a}=${b}\n`)
            .join(''),
        );
      const found = args.filter((a) => a in env);
      return ok(found.map((a) => env[a] + '\n').join(''), found.length === args.length ? 0 : 1);
    }),
    // kubectl cp runs `tar --no-same-permissions --no-same-owner -xmf - -C dir`; ownership is not modelled, so those are no-ops
    defineCommand('tar', async (args, ctx) => {
      const kept = args.filter((a) => a !== '--no-same-permissions' && a !== '--no-same-owner');
      if (!ctx.origCommand) return fail('tar: not available\n');
      const { args: relative, stripped } = stripLeadingSlash(kept);
      const r = await ctx.origCommand(relative);
      const bb = profileFor(c.image.image).family === 'busybox';
      const note = stripped ? (bb ? "tar: removing leading '/' from member names\n" : "tar: Removing leading `/' from member names\n") : '';
      // GNU tar gives up on a missing archive with status 2 and a second line; busybox says "can't open" and 1
      let stderr = r.stderr;
      let exitCode = r.exitCode;
      const missing = /^tar: (.+): Cannot open: No such file or directory$/m.exec(stderr);
      if (missing && bb) {
        stderr = `tar: can't open '${missing[1]}': No such file or directory\n`;
        exitCode = 1;
      } else if (missing && !/not recoverable/.test(stderr)) stderr += 'tar: Error is not recoverable: exiting now\n';
      return { ...r, stderr: note + stderr, exitCode };
    }),
    defineCommand('nproc', async () => ok(String(c.cpuLimitMillis ? Math.max(1, Math.ceil(c.cpuLimitMillis / 1000)) : 4) + '\n')),
    ...networkCommands(h),
    ...dnsCommands(h),
    tailCommand(h),
    chrootCommand(h),
  ];
  // programs (nginx, stress, perl…) are also reachable from scripts; servers touch files from socket callbacks,
  // outside just-bash's guarded command context, so they get the container's own filesystem
  for (const [name, program] of Object.entries(c.launcher.programs)) {
    if (name === 'sleep') continue;
    cmds.push(
      defineCommand(name, async (args, ctx) => {
        let out = '';
        let err = '';
        const live =
          (name === 'nginx' && !args.some((a) => ['-s', '-t', '-T', '-v', '-V', '-h', '-?'].includes(a))) ||
          ['httpd', 'httpd-foreground', 'redis-server', 'http-echo', 'agnhost'].includes(name);
        const code = await program({
          argv: [name, ...args],
          env: Object.fromEntries(ctx.env),
          cwd: ctx.cwd,
          fs: c.fs,
          container: c,
          proc: h.proc,
          out: (s) => {
            if (live) h.proc.stdout(s);
            else out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8');
          },
          err: (s) => {
            if (live) h.proc.stderr(s);
            else err += typeof s === 'string' ? s : Buffer.from(s).toString('utf8');
          },
          stdin: decodeBytesToUtf8(ctx.stdin),
          signal: h.run,
          run: (a) => c.launcher.run(a),
        });
        return { stdout: out, stderr: err, exitCode: code };
      }),
    );
  }
  return cmds;
}

/**
 * Busy shell loops run inside JavaScript's event loop: after a few milliseconds of work they give it back, and
 * under a CPU limit they pause long enough to match the quota (the simulated throttling).
 */
async function yieldSlice(h: ShellHost): Promise<void> {
  const st = ((h as any).slice ??= { since: Date.now(), spins: 0 });
  h.proc.cpuDemand = 1;
  const ran = Date.now() - st.since;
  if (ran < 5) return;
  const lim = h.container.cpuLimitMillis;
  const pauseMs = lim && lim < 1000 ? Math.min(200, (ran * (1000 - lim)) / lim) : 0;
  if (pauseMs > 0) {
    h.container.throttledPeriods++;
    await interruptibleSleep(pauseMs, h.run);
  } else await new Promise((r) => setImmediate(r));
  st.since = Date.now();
}
