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
  private ended = false;
  /** end-of-file marks a terminal's Ctrl-D leaves on an empty line: each ends one read, the terminal stays open */
  private eofs = 0;
  private wake: (() => void)[] = [];

  constructor(private readonly signal: AbortSignal) {
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
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) return this.take(nl + 1);
      if (this.eofs || this.ended) return this.buf ? this.take(this.buf.length) : (this.consumeEof(), '');
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

  private take(n: number): string {
    const s = this.buf.slice(0, n);
    this.buf = this.buf.slice(n);
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

/**
 * A terminal in canonical mode between the keyboard and a process: typed characters are echoed and edited
 * (backspace) on the line until Enter hands the line over; Ctrl-D on an empty line is end of file, Ctrl-C
 * interrupts the foreground process. Keys typed before anyone reads wait in the line buffer, echoed at once.
 * A full-screen program (top, less, vi) switches the terminal to raw mode: it gets the keys as they are typed.
 */
export function terminalInput(
  stream: NodeJS.ReadableStream,
  proc: SimProcess,
  session: ShellSession,
  interrupt: () => void,
): { input: LiveInput; detach: () => void } {
  const input = new LiveInput(proc.signal);
  const utf8 = new StringDecoder('utf8');
  let line = '';
  const onData = (d: Buffer | string) => {
    const text = typeof d === 'string' ? d : utf8.write(d);
    if (session.keys) {
      session.keys(text);
      return;
    }
    for (const ch of text) {
      if (ch === '\x03') {
        proc.stdout('^C');
        line = '';
        interrupt();
      } else if (ch === '\x04') {
        // with text on the line, Ctrl-D hands it over without a newline; on an empty line it is end of file
        if (line) input.push(line);
        else input.eof();
        line = '';
      } else if (ch === '\x7f' || ch === '\b') {
        if (line) {
          line = line.slice(0, -1);
          proc.stdout('\b \b');
        }
      } else if (ch === '\r' || ch === '\n') {
        proc.stdout('\r\n');
        input.push(line + '\n');
        line = '';
      } else if (ch >= ' ' || ch === '\t') {
        line += ch;
        proc.stdout(ch);
      }
    }
  };
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
