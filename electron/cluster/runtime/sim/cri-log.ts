import * as fs from 'node:fs';
import * as path from 'node:path';

/** RFC3339 with nanoseconds, like containerd's log timestamps. */
export function rfc3339Nano(ms: number, subMs: number): string {
  const iso = new Date(ms).toISOString();
  const frac = String(ms % 1000).padStart(3, '0') + String(subMs).padStart(6, '0');
  return iso.slice(0, 19) + '.' + frac + 'Z';
}

/**
 * Writes a container's stdout/stderr to its log file in the CRI format ("<time> <stream> <F|P> <line>").
 * Lines are split at newlines; an unterminated tail is flushed as a partial (P) record on close.
 */
export class CriLogWriter {
  private readonly pending: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  private fd?: number;
  private closed = false;
  private seq = 0;

  // the file (and its folder) is made on the first line: most containers of a large rollout never print one,
  // and readers treat a missing file as an empty log
  constructor(
    readonly logPath: string,
    private readonly now: () => number,
  ) {}

  write(stream: 'stdout' | 'stderr', chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const buf = this.pending[stream] + text;
    const lines = buf.split('\n');
    this.pending[stream] = lines.pop() ?? '';
    if (lines.length)
      this.emit(
        stream,
        lines.map((l) => [l.replace(/\r$/, ''), 'F'] as const),
      );
  }

  close(): void {
    for (const s of ['stdout', 'stderr'] as const) {
      if (this.pending[s]) this.emit(s, [[this.pending[s], 'P']]);
      this.pending[s] = '';
    }
    this.closed = true;
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private open(): number | undefined {
    if (this.fd === undefined && this.logPath && !this.closed) {
      fs.mkdirSync(path.dirname(this.logPath), { recursive: true });
      this.fd = fs.openSync(this.logPath, 'a');
    }
    return this.fd;
  }

  private emit(stream: 'stdout' | 'stderr', lines: readonly (readonly [string, 'F' | 'P'])[]): void {
    const fd = this.open();
    if (fd === undefined) return;
    const ms = this.now();
    // a per-writer counter keeps timestamps strictly increasing within a millisecond (since/tail rely on order)
    const out = lines.map(([l, tag]) => `${rfc3339Nano(ms, (this.seq++ % 1000) * 1000)} ${stream} ${tag} ${l}\n`).join('');
    fs.writeSync(fd, out);
  }
}
