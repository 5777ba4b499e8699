import { profileFor } from './profiles';
import { defineCommand, latin1FromBytes, type Command, type ExecResult } from 'just-bash';
import { interruptibleSleep } from '../process';
import type { ShellHost } from './commands';

/** how often a followed file is checked for new data */
const FOLLOW_POLL_MS = 150;

interface TailOptions {
  lines: number;
  fromLine?: number;
  bytes?: number;
  follow: boolean;
  retry: boolean;
  headers?: boolean;
  files: string[];
}

function parseArgs(args: string[]): TailOptions | string {
  const o: TailOptions = { lines: 10, follow: false, retry: false, files: [] };
  const count = (v: string | undefined, what: 'lines' | 'bytes'): string | undefined => {
    if (v === undefined || !/^[+-]?\d+$/.test(v)) return `tail: invalid number '${v ?? ''}'\n`;
    if (what === 'bytes') {
      o.bytes = Math.abs(Number(v));
      return undefined;
    }
    if (v.startsWith('+')) o.fromLine = Number(v.slice(1));
    else {
      o.lines = Math.abs(Number(v));
      o.fromLine = undefined;
    }
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      o.files.push(...args.slice(i + 1));
      break;
    }
    if (a === '--follow' || a === '--follow=descriptor') {
      o.follow = true;
      continue;
    }
    if (a === '--follow=name' || a === '--retry') {
      o.follow = o.follow || a !== '--retry';
      o.retry = true;
      continue;
    }
    if (a.startsWith('--lines=')) {
      const e = count(a.slice(8), 'lines');
      if (e) return e;
      continue;
    }
    if (a.startsWith('--bytes=')) {
      const e = count(a.slice(8), 'bytes');
      if (e) return e;
      continue;
    }
    // the old forms `tail -5 file` and `tail +5 file`
    if (/^[-+]\d+$/.test(a) && !o.files.length) {
      const e = count(a.startsWith('-') ? a.slice(1) : a, 'lines');
      if (e) return e;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      o.files.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const ch = a[j];
      if (ch === 'f') o.follow = true;
      else if (ch === 'F') {
        o.follow = true;
        o.retry = true;
      } else if (ch === 'q') o.headers = false;
      else if (ch === 'v') o.headers = true;
      else if (ch === 'n' || ch === 'c' || ch === 's') {
        const v = a.length > j + 1 ? a.slice(j + 1) : args[++i];
        if (ch !== 's') {
          const e = count(v, ch === 'n' ? 'lines' : 'bytes');
          if (e) return e;
        }
        break;
      } else return `tail: invalid option -- '${ch}'\nBusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: tail [OPTIONS] [FILE]...\n`;
    }
  }
  return o;
}

/** the part of `data` tail prints first */
function initialPart(data: Buffer, o: TailOptions): Buffer {
  if (o.bytes !== undefined) return data.subarray(Math.max(0, data.length - o.bytes));
  let start = 0;
  if (o.fromLine !== undefined) {
    for (let n = 1; n < o.fromLine && start < data.length; n++) {
      const nl = data.indexOf(10, start);
      if (nl < 0) {
        start = data.length;
        break;
      }
      start = nl + 1;
    }
    return data.subarray(start);
  }
  let end = data.length;
  if (end && data[end - 1] === 10) end--;
  let seen = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (data[i] === 10 && ++seen === o.lines) {
      start = i + 1;
      break;
    }
  }
  return o.lines === 0 ? Buffer.alloc(0) : data.subarray(start);
}

/**
 * busybox tail, including -f/-F: following keeps the command running and streams appended data straight to the
 * process's stdout until the process is stopped (sidecars that `tail -f` a shared log file).
 */
export function tailCommand(h: ShellHost): Command {
  const fs = h.container.fs;
  const gnu = profileFor(h.container.image.image).family === 'debian';
  return defineCommand('tail', async (args, ctx): Promise<ExecResult> => {
    const o = parseArgs(args);
    if (typeof o === 'string') return { stdout: '', stderr: o, exitCode: 1 };
    const files = o.files.length ? o.files : ['-'];
    const headers = o.headers ?? files.length > 1;
    const header = (f: string, first: boolean) => (headers ? `${first ? '' : '\n'}==> ${f === '-' ? 'standard input' : f} <==\n` : '');
    const out: Buffer[] = [];
    let stderr = '';
    let status = 0;
    const positions = new Map<string, number>();
    const read = async (f: string): Promise<Buffer | undefined> => {
      try {
        return Buffer.from(await fs.readFileBuffer(fs.resolvePath(ctx.cwd, f)));
      } catch {
        return undefined;
      }
    };
    for (const [i, f] of files.entries()) {
      const data = f === '-' ? Buffer.from(latin1FromBytes(ctx.stdin), 'latin1') : await read(f);
      if (!data) {
        stderr += gnu ? `tail: cannot open '${f}' for reading: No such file or directory\n` : `tail: can't open '${f}': No such file or directory\n`;
        status = 1;
        continue;
      }
      out.push(Buffer.from(header(f, i === 0)), initialPart(data, o));
      positions.set(f, data.length);
    }
    const followed = files.filter((f) => f !== '-' && (positions.has(f) || o.retry));
    if (!o.follow || !followed.length) return { stdout: Buffer.concat(out).toString('latin1'), stderr, exitCode: status, stdoutKind: 'bytes' } as ExecResult;

    // from here on the output is live: it cannot wait for the command to end
    if (out.length) h.proc.stdout(Buffer.concat(out));
    if (stderr) h.proc.stderr(stderr);
    let last = files.length > 1 ? files[files.length - 1] : undefined;
    // the shell stopping, or a `timeout` around this command, ends the follow
    const stop = ctx.signal ? AbortSignal.any([h.run, ctx.signal]) : h.run;
    while (!stop.aborted) {
      await interruptibleSleep(FOLLOW_POLL_MS, stop);
      for (const f of followed) {
        if (stop.aborted) break;
        const data = await read(f);
        if (!data) continue;
        let pos = positions.get(f) ?? 0;
        if (data.length < pos) pos = 0; // truncated (log rotation): start again from the top
        if (data.length > pos) {
          if (headers && last !== f) h.proc.stdout(`\n==> ${f} <==\n`);
          last = f;
          h.proc.stdout(data.subarray(pos));
        }
        positions.set(f, data.length);
      }
    }
    return { stdout: '', stderr: '', exitCode: 0 };
  });
}
