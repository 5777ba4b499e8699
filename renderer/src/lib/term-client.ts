// One xterm.js view of a main-process terminal: acknowledges output after xterm has parsed it (flow control),
// batching the acknowledgements so they cost one message per ~5 KB rather than one per chunk.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { api } from './bridge';

const ACK_EVERY = 5000;

export class TermView {
  readonly term: Terminal;
  private fit = new FitAddon();
  private unacked = 0;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private offs: (() => void)[] = [];
  private observer: ResizeObserver | undefined;

  constructor(
    public readonly id: string,
    fontSize: number,
    onExit: (code: number) => void,
  ) {
    this.term = new Terminal({
      fontSize,
      cursorBlink: true,
      scrollback: 5000,
      allowProposedApi: false,
      fontFamily: 'ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      theme: { background: '#0f1720', foreground: '#e6edf3', cursor: '#7dd3fc', selectionBackground: '#264f78' },
    });
    this.term.loadAddon(this.fit);
    this.offs.push(
      api.on('term.data', (m) => {
        if (m.id === this.id) this.write(m.data);
      }),
    );
    this.offs.push(
      api.on('term.exit', (m) => {
        if (m.id === this.id) onExit(m.code);
      }),
    );
    this.term.onData((d) => {
      void api.call('term.write', { id: this.id, data: d }).catch(() => undefined);
    });
    this.term.onResize(({ cols, rows }) => {
      void api.call('term.resize', { id: this.id, cols, rows }).catch(() => undefined);
    });
  }

  write(data: string): void {
    this.term.write(data, () => {
      this.unacked += data.length;
      if (this.unacked >= ACK_EVERY) this.flushAck();
      // small outputs (an echo) are acknowledged shortly after, so the count never lingers on a quiet screen
      else this.ackTimer ??= setTimeout(() => this.flushAck(), 50);
    });
  }

  private flushAck(): void {
    if (this.ackTimer) {
      clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
    }
    if (!this.unacked) return;
    const chars = this.unacked;
    this.unacked = 0;
    void api.call('term.ack', { id: this.id, chars }).catch(() => undefined);
  }

  open(el: HTMLElement): void {
    this.term.open(el);
    this.fitNow();
    this.observer = new ResizeObserver(() => this.fitNow());
    this.observer.observe(el);
  }

  fitNow(): void {
    try {
      this.fit.fit();
    } catch {
      /* not visible yet */
    }
  }
  get cols(): number {
    return this.term.cols;
  }
  get rows(): number {
    return this.term.rows;
  }

  dispose(): void {
    this.observer?.disconnect();
    if (this.ackTimer) clearTimeout(this.ackTimer);
    for (const f of this.offs) f();
    this.term.dispose();
  }
}
