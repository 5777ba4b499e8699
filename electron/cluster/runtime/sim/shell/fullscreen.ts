import { decodeBytesToUtf8, defineCommand, type Command, type CommandContext, type ExecResult } from 'just-bash';
import type { SimContainer } from '../container';
import type { ShellHost } from './commands';
import type { UserlandProfile } from './profiles';

/** what a full-screen program needs of the shell that runs it: the terminal and its keyboard */
export interface ScreenHost extends ShellHost {
  tty?: boolean;
  rows?: number;
  cols?: number;
  /** while set, the terminal's keystrokes go to this program instead of the shell's line editor */
  keys?: (text: string) => void;
  /** gives keys typed after the program ended back to the shell (type-ahead) */
  unread?: (text: string) => void;
}

const ok = (stdout = '', exitCode = 0, stderr = ''): ExecResult => ({ stdout, stderr, exitCode });
const CLEAR = '\x1b[H\x1b[2J';
const at = (row: number, col = 1) => `\x1b[${row};${col}H`;

/** splits terminal input into keys: escape sequences (arrows, page keys) stay whole */
export function splitKeys(text: string): string[] {
  return text.match(/\x1b\[[0-9;]*[A-Za-z~]|\x1bO[A-Z]|[\s\S]/g) ?? [];
}

/**
 * Runs a full-screen program: draws, hands each key to `onKey` (true ends it), redraws, and also redraws every
 * `refreshMs`. Ends when the shell's run is stopped (a signal, the exec closing) too.
 */
async function screen(h: ScreenHost, ctx: CommandContext, draw: () => string, onKey: (k: string) => boolean | Promise<boolean>, refreshMs = 0): Promise<void> {
  const paint = () => h.proc.stdout(draw());
  paint();
  await new Promise<void>((resolve) => {
    const timer = refreshMs ? setInterval(paint, refreshMs) : undefined;
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      if (timer) clearInterval(timer);
      h.keys = undefined;
      h.run.removeEventListener('abort', done);
      ctx.signal?.removeEventListener('abort', done);
      resolve();
    };
    // keys are handled in order; one that needs the filesystem (vi's :w) holds back those typed after it
    const queue: string[] = [];
    let waiting = false;
    const drain = () => {
      while (queue.length && !waiting && !ended) {
        const k = queue.shift()!;
        const r = onKey(k);
        if (r instanceof Promise) {
          waiting = true;
          void r.then((quit) => {
            waiting = false;
            if (quit) done();
            else paint();
            drain();
          });
        } else if (r) done();
      }
      if (ended && queue.length) h.unread?.(queue.splice(0).join(''));
      else if (!waiting && !ended) paint();
    };
    h.keys = (text) => {
      queue.push(...splitKeys(text));
      drain();
    };
    h.run.addEventListener('abort', done, { once: true });
    ctx.signal?.addEventListener('abort', done, { once: true });
  });
}

const size = (h: ScreenHost) => ({ rows: h.rows ?? 24, cols: h.cols ?? 80 });

async function readOperands(c: SimContainer, ctx: CommandContext, files: string[]): Promise<{ text: string; err: string }> {
  if (!files.length) return { text: decodeBytesToUtf8(ctx.stdin) ?? '', err: '' };
  let text = '';
  let err = '';
  for (const f of files) {
    try {
      text += await c.fs.readFile(c.fs.resolvePath(ctx.cwd, f));
    } catch {
      err += `${f}: No such file or directory\n`;
    }
  }
  return { text, err };
}

/** a pager over `lines`: less keeps going until q, more ends at the last page */
function pager(h: ScreenHost, ctx: CommandContext, lines: string[], name: string, kind: 'less' | 'more'): Promise<void> {
  let top = 0;
  const page = () => size(h).rows - 1;
  const last = () => Math.max(0, lines.length - page());
  const draw = () => {
    const { cols } = size(h);
    const shown = lines.slice(top, top + page()).map((l) => l.slice(0, cols));
    const end = top >= last();
    const status =
      kind === 'more'
        ? `--More--(${Math.min(100, Math.round((100 * (top + page())) / Math.max(1, lines.length)))}%)`
        : end
          ? '(END)'
          : top === 0 && name
            ? name
            : ':';
    return `${CLEAR}${shown.join('\r\n')}${'\r\n'.repeat(Math.max(0, page() - shown.length))}\r\n\x1b[7m${status}\x1b[0m`;
  };
  return screen(h, ctx, draw, (k) => {
    if (k === 'q' || k === 'Q' || k === '\x03') return true;
    if (k === ' ' || k === 'f' || k === '\x1b[6~') top = Math.min(last(), top + page());
    else if (k === 'b' || k === '\x1b[5~') top = Math.max(0, top - page());
    else if (k === 'j' || k === '\r' || k === '\n' || k === '\x1b[B' || k === '\x1bOB') top = Math.min(last(), top + 1);
    else if (k === 'k' || k === '\x1b[A' || k === '\x1bOA') top = Math.max(0, top - 1);
    else if (k === 'g' || k === '<') top = 0;
    else if (k === 'G' || k === '>') top = last();
    // more ends once the last page is on the screen
    return kind === 'more' && top >= last();
  });
}

/** busybox vi, enough to look at a file, change it and leave: normal, insert and `:` command modes */
async function vi(h: ScreenHost, ctx: CommandContext, c: SimContainer, file: string | undefined): Promise<ExecResult> {
  const path = file ? c.fs.resolvePath(ctx.cwd, file) : undefined;
  let lines = [''];
  let note = '';
  if (path) {
    try {
      const text = await c.fs.readFile(path);
      lines = text.replace(/\n$/, '').split('\n');
      note = `"${file}" ${lines.length}L, ${text.length}C`;
    } catch {
      note = `"${file}" [New file]`;
    }
  }
  let row = 0;
  let col = 0;
  let top = 0;
  let mode: 'normal' | 'insert' | 'command' = 'normal';
  let cmd = '';
  let pending = '';
  let modified = false;
  const clampCol = () => (col = Math.max(0, Math.min(col, Math.max(0, lines[row].length - (mode === 'insert' ? 0 : 1)))));
  const save = async (name = path) => {
    if (!name) {
      note = 'No current filename';
      return false;
    }
    const text = lines.join('\n') + '\n';
    await c.fs.writeFile(name, text);
    note = `"${file}" ${lines.length}L, ${text.length}C written`;
    modified = false;
    return true;
  };
  const draw = () => {
    const { rows, cols } = size(h);
    const text = rows - 1;
    if (row < top) top = row;
    if (row >= top + text) top = row - text + 1;
    const body: string[] = [];
    for (let i = 0; i < text; i++) body.push(top + i < lines.length ? lines[top + i].slice(0, cols) : '~');
    const status = mode === 'command' ? `:${cmd}` : mode === 'insert' ? '-- INSERT --' : note;
    return `${CLEAR}${body.join('\r\n')}\r\n${status}${at(row - top + 1, col + 1)}`;
  };
  await screen(h, ctx, draw, async (k) => {
    if (mode === 'command') {
      if (k === '\r' || k === '\n') {
        mode = 'normal';
        const [verb, arg] = cmd.trim().split(/\s+/);
        cmd = '';
        if (verb === 'q!') return true;
        if (verb === 'q') {
          if (!modified) return true;
          note = 'No write since last change (:quit! overrides)';
        } else if (verb === 'w') await save(arg ? c.fs.resolvePath(ctx.cwd, arg) : path);
        else if (verb === 'wq' || verb === 'x') return await save();
        else if (verb) note = `${verb}: Not an editor command`;
      } else if (k === '\x1b') {
        mode = 'normal';
        cmd = '';
      } else if (k === '\x7f' || k === '\b') {
        if (!cmd) mode = 'normal';
        cmd = cmd.slice(0, -1);
      } else if (k.length === 1) cmd += k;
      return false;
    }
    if (mode === 'insert') {
      if (k === '\x1b') {
        mode = 'normal';
        col = Math.max(0, col - 1);
      } else if (k === '\r' || k === '\n') {
        lines.splice(row + 1, 0, lines[row].slice(col));
        lines[row] = lines[row].slice(0, col);
        row++;
        col = 0;
        modified = true;
      } else if (k === '\x7f' || k === '\b') {
        if (col > 0) {
          lines[row] = lines[row].slice(0, col - 1) + lines[row].slice(col);
          col--;
        } else if (row > 0) {
          col = lines[row - 1].length;
          lines[row - 1] += lines[row];
          lines.splice(row, 1);
          row--;
        }
        modified = true;
      } else if (arrow(k)) move(k);
      else if (k.length === 1 && k >= ' ') {
        lines[row] = lines[row].slice(0, col) + k + lines[row].slice(col);
        col++;
        modified = true;
      }
      return false;
    }
    const two = pending + k;
    pending = '';
    if (two === 'ZZ') return !modified || (await save());
    if (two === 'dd') {
      lines.splice(row, 1);
      if (!lines.length) lines = [''];
      row = Math.min(row, lines.length - 1);
      modified = true;
    } else if (two === 'gg') row = 0;
    else if (k === 'Z' || k === 'd' || k === 'g') pending = k;
    else if (k === ':') mode = 'command';
    else if (k === 'i') mode = 'insert';
    else if (k === 'a') {
      mode = 'insert';
      col = Math.min(lines[row].length, col + 1);
    } else if (k === 'A') {
      mode = 'insert';
      col = lines[row].length;
    } else if (k === 'o' || k === 'O') {
      row += k === 'o' ? 1 : 0;
      lines.splice(row, 0, '');
      col = 0;
      mode = 'insert';
      modified = true;
    } else if (k === 'x') {
      lines[row] = lines[row].slice(0, col) + lines[row].slice(col + 1);
      modified = true;
    } else if (k === 'G') row = lines.length - 1;
    else if (k === '0') col = 0;
    else if (k === '$') col = lines[row].length;
    else move(k);
    clampCol();
    return false;
  });
  // leave the text on the screen and the cursor on a cleared last line, for the shell's prompt
  h.proc.stdout(`${at(size(h).rows)}\x1b[K`);
  return ok();

  function arrow(k: string) {
    return /^\x1b(\[|O)[ABCD]$/.test(k);
  }
  function move(k: string) {
    if (k === 'h' || /^\x1b[[O]D$/.test(k)) col--;
    else if (k === 'l' || k === ' ' || /^\x1b[[O]C$/.test(k)) col++;
    else if (k === 'j' || /^\x1b[[O]B$/.test(k)) row = Math.min(lines.length - 1, row + 1);
    else if (k === 'k' || /^\x1b[[O]A$/.test(k)) row = Math.max(0, row - 1);
    clampCol();
  }
}

/**
 * The full-screen programs the images have: busybox's `top`, `less`, `more` and `vi`, util-linux's `more` in
 * Debian. With a terminal they draw and read keys until the user leaves (q, `:q!`, Ctrl-C); without one they print
 * once, as these programs do when their output is not a terminal.
 */
export function fullscreenCommands(h: ScreenHost, p: UserlandProfile, topText: () => string): Command[] {
  const c = h.container;
  return [
    defineCommand('top', async (args, ctx) => {
      // -b (batch) or no terminal: one screen to stdout; -n N screens
      if (!h.tty || args.includes('-b')) return ok(topText());
      await screen(
        h,
        ctx,
        () => `${CLEAR}${topText().replace(/\n/g, '\r\n')}`,
        (k) => k === 'q' || k === 'Q' || k === '\x03',
        5000,
      );
      h.proc.stdout('\r\n');
      return ok();
    }),
    ...(['less', 'more'] as const).map((name) =>
      defineCommand(name, async (args, ctx) => {
        const bad = args.find((a) => a.startsWith('--'));
        if (bad && p.family === 'busybox') return ok('', 1, `${name}: unrecognized option '${bad}'\n`);
        const files = args.filter((a) => !a.startsWith('-'));
        const { text, err } = await readOperands(c, ctx, files);
        if (!h.tty) return ok(text, err ? 1 : 0, err.replace(/^/gm, `${name}: `).replace(/: $/, ''));
        const lines = text.replace(/\n$/, '').split('\n');
        // more prints what fits on one screen and ends, as a plain cat would
        if (name === 'more' && lines.length < size(h).rows) return ok(text);
        await pager(h, ctx, lines, files[0] ?? '', name);
        h.proc.stdout('\r\n');
        return ok();
      }),
    ),
    defineCommand('vi', async (args, ctx) => {
      if (args.includes('--help')) return ok('', 0, 'Usage: vi [-c CMD] [-R] [-H] [FILE]...\n');
      // no terminal (a script, a pipe): busybox vi draws once, finds no keyboard and gives up
      if (!h.tty) return ok('', 1, "vi: can't read user input\n");
      return vi(
        h,
        ctx,
        c,
        args.find((a) => !a.startsWith('-')),
      );
    }),
  ];
}
