import { parse } from 'just-bash';
import type { SimContainer } from '../container';
import type { SimProcess } from '../process';
import { runShell, type ShellSession } from './run-shell';
import { hostShellAt, type HostShell } from '../host-root';
import { lineEditor } from './live-stdin';

/** `chroot DIR` or `chroot DIR /bin/sh`: an interactive shell inside the new root */
const CHROOT_SHELL = /^\s*chroot\s+(\S+)(?:\s+(?:\/usr)?(?:\/bin\/)?(?:ba|da)?sh)?\s*$/;

export interface Terminal {
  tty: boolean;
  rows?: number;
  cols?: number;
}

/**
 * A shell reading commands from stdin (`kubectl exec -i … -- sh`, `kubectl run -it`). State that just-bash
 * resets between calls (cwd, variables) is carried from one command to the next. With a TTY it echoes input,
 * prints the prompt and handles backspace, Ctrl-C and Ctrl-D.
 */
export async function interactiveShell(c: SimContainer, proc: SimProcess, input: NodeJS.ReadableStream, term: Terminal, argv0: string): Promise<number> {
  const session: ShellSession = { traps: new Map(), tty: term.tty, rows: term.rows, cols: term.cols };
  let env = { ...c.env };
  let cwd = c.workingDir;
  let status = 0;
  const root = c.id.uid === 0;
  // the node's shell after `chroot /host` in a node debugging pod, until its `exit`
  let chrooted: HostShell | undefined;
  const prompt = () => {
    // /bin/sh on a node is dash, whose prompt is "# " for root
    if (term.tty && chrooted) proc.stdout('# ');
    else if (term.tty)
      proc.stdout(argv0 === 'bash' ? `${root ? 'root' : 'user'}@${c.sandbox.config.hostname}:${cwd}${root ? '#' : '$'} ` : `${cwd} ${root ? '#' : '$'} `);
  };
  let pending = '';
  let interrupt: AbortController | undefined;
  const queue: (string | null)[] = [];
  let wake: (() => void) | undefined;
  const push = (x: string | null) => {
    queue.push(x);
    wake?.();
  };

  const edit = lineEditor(proc, {
    line: push,
    // Ctrl-D ends the shell on an empty line only
    eof: (typed) => {
      if (!typed) push(null);
      return false;
    },
    interrupt: () => {
      if (interrupt) interrupt.abort();
      else {
        proc.stdout('^C\r\n');
        prompt();
      }
    },
  });
  const feed = (text: string) => {
    if (!term.tty) {
      pending += text;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      parts.forEach(push);
      return;
    }
    // a full-screen program (top, less, vi) reads the keys itself
    if (session.keys) {
      session.keys(text);
      return;
    }
    edit(text);
  };
  session.unread = feed;
  input.on('data', (d: Buffer | string) => feed(typeof d === 'string' ? d : d.toString('utf8')));
  input.on('end', () => {
    if (pending) push(pending);
    pending = '';
    push(null);
  });
  input.on('error', () => push(null));
  proc.signal.addEventListener('abort', () => push(null));

  prompt();
  let script = '';
  while (true) {
    if (!queue.length)
      await new Promise<void>((r) => {
        wake = r;
      });
    wake = undefined;
    const next = queue.shift();
    if (next === undefined) continue;
    if (next === null || proc.signal.aborted) break;
    script += (script ? '\n' : '') + next;
    const exit = /^\s*exit(?:\s+(\d+))?\s*$/.exec(script);
    if (chrooted) {
      const line = script;
      script = '';
      if (exit) {
        chrooted = undefined;
        status = exit[1] ? Number(exit[1]) : status;
      } else if (line.trim()) {
        const r = await chrooted.run(line);
        if (r.stdout) proc.stdout(r.stdout);
        if (r.stderr) proc.stderr(r.stderr);
        status = r.exitCode;
      }
      prompt();
      continue;
    }
    const into = root ? CHROOT_SHELL.exec(script) : null;
    const hostShell = into ? hostShellAt(c, into[1], cwd) : undefined;
    if (hostShell) {
      chrooted = hostShell;
      script = '';
      prompt();
      continue;
    }
    if (exit) {
      status = exit[1] ? Number(exit[1]) : status;
      script = '';
      return status;
    }
    if (!script.trim()) {
      script = '';
      prompt();
      continue;
    }
    if (incomplete(script)) {
      if (term.tty) proc.stdout('> ');
      continue;
    }
    // the terminal may have been resized since the last command (stty size, $COLUMNS-aware tools)
    session.rows = term.rows;
    session.cols = term.cols;
    interrupt = new AbortController();
    const r = await runShell(c, proc, script, { env, cwd, session, interrupt: interrupt.signal, argv0, untilExit: true });
    interrupt = undefined;
    script = '';
    status = r.exitCode;
    if (r.shellExited) return status;
    env = { ...r.env };
    cwd = r.cwd;
    prompt();
  }
  return status;
}

function incomplete(script: string): boolean {
  try {
    parse(script);
    return false;
  } catch (e: any) {
    return /end of file|unexpected end|EOF|unterminated|expected/i.test(String(e?.message));
  }
}
