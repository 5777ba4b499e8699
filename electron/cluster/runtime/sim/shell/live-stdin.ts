import { StringDecoder } from 'node:string_decoder';
import type { SimProcess } from '../process';
import type { ShellSession } from './run-shell';

/**
 * A script's standard input while it arrives (a pipe kept open, a terminal). The engine takes input as one text,
 * so the commands that read the shell's own stdin are pointed at files backed by this feed (see
 * `liveStdinPlugin`): `read` takes one line as soon as it is there, as sh reading a pipe byte by byte does, and
 * a utility that drains its input (cat, wc) takes the rest once the writer closes it.
 */
export class LiveInput {
  private buf = '';
  /** how much of buf was read: taking a line must not copy what follows it (a long input read line by line) */
  private pos = 0;
  private ended = false;
  /** end-of-file marks a terminal's Ctrl-D leaves on an empty line: each ends one read, the terminal stays open */
  private eofs = 0;
  private wake: (() => void)[] = [];

  constructor(signal: AbortSignal) {
    signal.addEventListener('abort', () => this.end(), { once: true });
  }

  push(text: string): void {
    this.buf += text;
    this.notify();
  }
  end(): void {
    this.ended = true;
    this.notify();
  }
  eof(): void {
    this.eofs++;
    this.notify();
  }

  /** the next line (with its newline), what is left at the end, or '' at end of file; '' too once `stop` aborts */
  async line(stop: AbortSignal): Promise<string> {
    for (;;) {
      const nl = this.buf.indexOf('\n', this.pos);
      if (nl >= 0) return this.take(nl + 1);
      if (this.eofs || this.ended) return this.pos < this.buf.length ? this.take(this.buf.length) : (this.consumeEof(), '');
      if (stop.aborted) return '';
      await this.next(stop);
    }
  }

  /** everything up to end of file */
  async rest(stop: AbortSignal): Promise<string> {
    while (!this.eofs && !this.ended && !stop.aborted) await this.next(stop);
    if (stop.aborted) return '';
    this.consumeEof();
    return this.take(this.buf.length);
  }

  /** what was not read yet up to index `end` of buf */
  private take(end: number): string {
    const s = this.buf.slice(this.pos, end);
    this.pos = end;
    if (this.pos === this.buf.length || (this.pos > 65536 && this.pos > this.buf.length / 2)) {
      this.buf = this.buf.slice(this.pos);
      this.pos = 0;
    }
    return s;
  }
  private consumeEof(): void {
    if (this.eofs) this.eofs--;
  }
  private next(stop: AbortSignal): Promise<void> {
    return new Promise((r) => {
      const done = () => {
        stop.removeEventListener('abort', done);
        r();
      };
      this.wake.push(done);
      stop.addEventListener('abort', done, { once: true });
    });
  }
  private notify(): void {
    const w = this.wake;
    this.wake = [];
    w.forEach((r) => r());
  }
}

/** a process's stdin as a LiveInput: a pipe's bytes as they come, its close as end of file */
export function pipeInput(stream: NodeJS.ReadableStream, proc: SimProcess): LiveInput {
  const input = new LiveInput(proc.signal);
  // a character may come split across two chunks
  const utf8 = new StringDecoder('utf8');
  stream.on('data', (d: Buffer | string) => input.push(typeof d === 'string' ? d : utf8.write(d)));
  stream.on('end', () => input.end());
  stream.on('error', () => input.end());
  return input;
}

/** what a terminal's line editing hands on: a finished line, Ctrl-D (with the text typed so far), Ctrl-C */
export interface LineEvents {
  line(text: string): void;
  /** returns whether the typed text was taken (else it stays on the line) */
  eof(typed: string): boolean;
  interrupt(): void;
}

/**
 * A terminal in canonical mode: typed characters are echoed and edited (backspace) on the line until Enter hands
 * the line over; Ctrl-C discards it. Returns what feeds it the typed text.
 */
export function lineEditor(proc: SimProcess, on: LineEvents): (text: string) => void {
  let line = '';
  return (text) => {
    for (const ch of text) {
      if (ch === '\x03') {
        line = '';
        on.interrupt();
      } else if (ch === '\x04') {
        if (on.eof(line)) line = '';
      } else if (ch === '\x7f' || ch === '\b') {
        if (line) {
          line = line.slice(0, -1);
          proc.stdout('\b \b');
        }
      } else if (ch === '\r' || ch === '\n') {
        proc.stdout('\r\n');
        on.line(line);
        line = '';
      } else if (ch >= ' ' || ch === '\t') {
        line += ch;
        proc.stdout(ch);
      }
    }
  };
}

/**
 * A terminal between the keyboard and a process (see lineEditor): Ctrl-D on an empty line is end of file (with
 * text on the line, it hands that over without a newline), Ctrl-C interrupts the foreground process. Keys typed
 * before anyone reads wait in the line buffer, echoed at once. A full-screen program (top, less, vi) switches the
 * terminal to raw mode: it gets the keys as they are typed.
 */
export function terminalInput(
  stream: NodeJS.ReadableStream,
  proc: SimProcess,
  session: ShellSession,
  interrupt: () => void,
): { input: LiveInput; detach: () => void } {
  const input = new LiveInput(proc.signal);
  const utf8 = new StringDecoder('utf8');
  const edit = lineEditor(proc, {
    line: (l) => input.push(l + '\n'),
    eof: (typed) => {
      if (typed) input.push(typed);
      else input.eof();
      return true;
    },
    interrupt: () => {
      proc.stdout('^C');
      interrupt();
    },
  });
  const onData = (d: Buffer | string) => {
    const text = typeof d === 'string' ? d : utf8.write(d);
    if (session.keys) session.keys(text);
    else edit(text);
  };
  // keys typed after a full-screen program ended are the line's again
  session.unread = edit;
  stream.on('data', onData);
  const onEnd = () => input.end();
  stream.on('end', onEnd);
  return {
    input,
    detach: () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
    },
  };
}
