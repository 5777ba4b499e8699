import { interruptibleSleep } from '../process';
import { bpiRun } from './pi';
import { waitForAbort, type Program } from './types';
import { perlVersionBanner } from './perl-version';

/** sleep's duration syntax: 5, 0.5, 10s, 2m, 1h, 1d, infinity; several arguments add up */
export function parseDuration(args: string[]): number | undefined {
  let total = 0;
  for (const a of args) {
    if (a === 'inf' || a === 'infinity') return Infinity;
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) return undefined;
    total += Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]]! * 1000;
  }
  return total;
}

export const sleep: Program = async (ctx) => {
  const ms = parseDuration(ctx.argv.slice(1));
  if (ms === undefined || ctx.argv.length < 2) {
    ctx.err(ctx.argv.length < 2 ? 'sleep: missing operand\n' : `sleep: invalid number '${ctx.argv[1]}'\n`);
    return 1;
  }
  if (ms === Infinity) await waitForAbort(ctx.signal);
  else await interruptibleSleep(ms, ctx.signal);
  return 0;
};

export const pause: Program = async (ctx) => {
  for (const s of ['TERM', 'INT'] as const) ctx.proc.handle(s, () => ctx.proc.terminate(0));
  await waitForAbort(ctx.signal);
  return 0;
};

const SIZE = /^(\d+(?:\.\d+)?)([bBkKmMgG]?)$/;
function bytes(s: string): number {
  const m = SIZE.exec(s);
  if (!m) return NaN;
  return Number(m[1]) * ({ '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as Record<string, number>)[m[2].toLowerCase()];
}

/** polinux/stress: cpu hogs raise the container's CPU demand; vm hogs allocate memory (the OOM killer watches). */
export const stress: Program = async (ctx) => {
  const a = ctx.argv.slice(1);
  const opt = (names: string[], def?: string) => {
    for (const n of names) {
      const i = a.indexOf(n);
      if (i >= 0) return a[i + 1];
    }
    return def;
  };
  if (a.length === 0 || a.includes('--help') || a.includes('-?')) {
    ctx.out(
      "`stress' imposes certain types of compute stress on your system\n\nUsage: stress [OPTION [ARG]] ...\n -?, --help         show this help statement\n     --version      show version statement\n -v, --verbose      be verbose\n -q, --quiet        be quiet\n -n, --dry-run      show what would have been done\n -t, --timeout N    timeout after N seconds\n -c, --cpu N        spawn N workers spinning on sqrt()\n -i, --io N         spawn N workers spinning on sync()\n -m, --vm N         spawn N workers spinning on malloc()/free()\n     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)\n     --vm-hang N    sleep N secs before free (default none, 0 is inf)\n",
    );
    return a.length === 0 ? 1 : 0;
  }
  const cpu = Number(opt(['-c', '--cpu'], '0'));
  const io = Number(opt(['-i', '--io'], '0'));
  const vm = Number(opt(['-m', '--vm'], '0'));
  const vmBytes = bytes(opt(['--vm-bytes'], '256M')!);
  const timeout = opt(['-t', '--timeout']);
  const pid = ctx.proc.pid;
  ctx.err(`stress: info: [${pid}] dispatching hogs: ${cpu} cpu, ${io} io, ${vm} vm, 0 hdd\n`);
  ctx.proc.cpuDemand = cpu + vm * 0.5;
  // allocate in steps, as malloc+touch does, so memory.current climbs before the OOM kill
  const target = vm * vmBytes;
  for (let step = 1; step <= 4 && !ctx.signal.aborted; step++) {
    ctx.proc.setMemory(Math.round((target * step) / 4));
    await interruptibleSleep(25, ctx.signal);
  }
  const ms = timeout ? (parseDuration([timeout]) ?? Infinity) : Infinity;
  if (ms === Infinity) await waitForAbort(ctx.signal);
  else await interruptibleSleep(ms, ctx.signal);
  if (ctx.proc.pendingKillCode === undefined) {
    ctx.err(`stress: info: [${pid}] successful run completed in ${Math.round(ms / 1000)}s\n`);
    return 0;
  }
  ctx.err(
    `stress: FAIL: [${pid}] (415) <-- worker ${pid + 1} got signal 9\nstress: WARN: [${pid}] (417) now reaping child worker processes\nstress: FAIL: [${pid}] (451) failed run completed in 1s\n`,
  );
  return 1;
};

/** Just enough Perl for the course: `perl -Mbignum=bpi -wle 'print bpi(N)'`, print/exit one-liners, -v. */
export const perl: Program = async (ctx) => {
  const a = ctx.argv.slice(1);
  if (a.includes('-v')) {
    ctx.out(perlVersionBanner(ctx.container.image.image));
    return 0;
  }
  const ei = a.findIndex((x) => /^-\w*e$/.test(x));
  if (ei < 0) {
    ctx.err(a.length ? `Can't open perl script "${a[0]}": No such file or directory\n` : '');
    return a.length ? 2 : 0;
  }
  const lineMode = a.slice(0, ei + 1).some((x) => /^-\w*l/.test(x));
  const nl = lineMode ? '\n' : '';
  let code = 0;
  for (const stmt of a[ei + 1]
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^print\s+bpi\((\d+)\)$/.exec(stmt))) {
      const n = Number(m[1]);
      const digits = await bpiRun(ctx.proc, n, ctx.signal);
      if (digits === undefined) return 0;
      ctx.out(digits + nl);
    } else if ((m = /^print\s+(?:"((?:[^"\\]|\\.)*)"|'([^']*)')$/.exec(stmt))) {
      ctx.out(
        (m[1] !== undefined
          ? m[1]
              .replace(/\\n/g, '\n')
              .replace(/\\t/g, '\t')
              .replace(/\$(\w+)/g, '')
          : m[2]) + nl,
      );
    } else if ((m = /^print\s+([\d+\-*/ ().]+)$/.exec(stmt)) && /^[\d+\-*/ ().]+$/.test(m[1])) {
      ctx.out(String(Function(`"use strict";return (${m[1]})`)()) + nl);
    } else if ((m = /^exit\s*\(?\s*(\d+)\s*\)?$/.exec(stmt))) {
      code = Number(m[1]);
      break;
    } else if ((m = /^sleep\s*\(?\s*(\d+)\s*\)?$/.exec(stmt))) {
      await interruptibleSleep(Number(m[1]) * 1000, ctx.signal);
    } else {
      ctx.err(`KubeLab's perl understands only a few one-liners (print bpi(N), print "…", sleep, exit); got: ${stmt}\n`);
      return 255;
    }
  }
  return code;
};
