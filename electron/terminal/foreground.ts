// Is a terminal's shell at its prompt, or does a command run in the foreground? "Run in terminal" must never type
// into a running `kubectl get pods -w` or an editor. An interactive shell with job control gives each command its
// own process group and hands it the terminal, so the terminal's foreground group differs from the shell's own.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { IPty } from 'node-pty';

/** Linux: fields 5 and 8 of /proc/PID/stat are the shell's process group and the terminal's foreground group */
function linuxBusy(pid: number): boolean | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // the shell has just exited (or /proc is not mounted): fall back to the name node-pty reports
  }
  // the command name in parentheses may itself hold spaces and parentheses: fields are counted after the last ')'
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(f[2]);
  const tpgid = Number(f[5]);
  return tpgid > 0 && tpgid !== pgrp;
}

export function foregroundBusy(proc: IPty, shellFile: string): boolean {
  const viaProc = process.platform === 'linux' ? linuxBusy(proc.pid) : undefined;
  if (viaProc !== undefined) return viaProc;
  // elsewhere node-pty names the foreground process (on Windows always the shell: never busy)
  const name = (p: string) => basename(p.trim().split(/\s+/)[0] ?? '').replace(/\.exe$/i, '');
  return name(proc.process) !== name(shellFile);
}
