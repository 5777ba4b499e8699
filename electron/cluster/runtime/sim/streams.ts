import { PassThrough } from 'node:stream';
import type { StreamSession } from '../interface';

/** Output side of a session; with a TTY, newlines become CRLF as a terminal's line discipline would do. */
export function outputStream(tty: boolean): { stream: PassThrough; write: (chunk: string | Uint8Array) => void } {
  const stream = new PassThrough();
  const write = (chunk: string | Uint8Array) => {
    if (stream.writableEnded) return;
    if (tty) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      stream.write(text.replace(/\r?\n/g, '\r\n'));
    } else stream.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk));
  };
  return { stream, write };
}

export function makeSession(parts: {
  stdin?: PassThrough;
  stdout?: PassThrough;
  stderr?: PassThrough;
  exit: Promise<number>;
  onResize?: (s: { cols: number; rows: number }) => void;
  onClose: () => void;
}): StreamSession {
  const endAll = () => {
    parts.stdout?.end();
    parts.stderr?.end();
  };
  void parts.exit.then(endAll, endAll);
  return {
    stdin: parts.stdin,
    stdout: parts.stdout,
    stderr: parts.stderr,
    exit: parts.exit,
    resize: (s) => parts.onResize?.(s),
    close: () => {
      parts.onClose();
      endAll();
    },
  };
}
