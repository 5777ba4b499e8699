// Output batching and acknowledged flow control between a pty and a (possibly slow) renderer.
// Like VS Code's and Tabby's terminals: output is coalesced into one message per short interval, the renderer
// acknowledges characters after xterm has parsed them, and the pty is paused while too much is unacknowledged,
// so `yes` or a huge `kubectl get -o yaml` cannot flood the IPC channel or the renderer's memory.

export interface FlowOptions {
  /** pause the producer above this many unacknowledged characters */
  high: number;
  /** resume it once unacknowledged characters fall below this */
  low: number;
  /** coalescing window for output */
  batchMs: number;
  /** flush early once a batch is this large */
  maxBatch: number;
  /** send output that follows a quiet spell (no send for batchMs) at once, and batch only what comes right after:
   * a keystroke's echo then skips the coalescing window, while a burst still goes out in few messages */
  leading?: boolean;
}
export const DEFAULT_FLOW: FlowOptions = { high: 100_000, low: 10_000, batchMs: 5, maxBatch: 64 * 1024, leading: true };

export interface FlowSink {
  send(data: string): void;
  pause(): void;
  resume(): void;
}

export class FlowController {
  private pending: string[] = [];
  private pendingLen = 0;
  private timer: NodeJS.Timeout | undefined;
  private unacked = 0;
  private paused = false;
  private lastSend = -Infinity;

  constructor(
    private sink: FlowSink,
    private opts: FlowOptions = DEFAULT_FLOW,
  ) {}

  get unacknowledged(): number {
    return this.unacked;
  }
  get isPaused(): boolean {
    return this.paused;
  }

  push(data: string): void {
    if (!data) return;
    this.pending.push(data);
    this.pendingLen += data.length;
    if (this.pendingLen >= this.opts.maxBatch) this.flush();
    else if (this.opts.leading && !this.timer && performance.now() - this.lastSend >= this.opts.batchMs) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.batchMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.pendingLen) return;
    const data = this.pending.join('');
    this.pending = [];
    this.pendingLen = 0;
    this.unacked += data.length;
    this.lastSend = performance.now();
    this.sink.send(data);
    if (!this.paused && this.unacked > this.opts.high) {
      this.paused = true;
      this.sink.pause();
    }
  }

  ack(chars: number): void {
    if (!(chars > 0)) return;
    this.unacked = Math.max(0, this.unacked - chars);
    if (this.paused && this.unacked < this.opts.low) {
      this.paused = false;
      this.sink.resume();
    }
  }

  /** a new receiver starts with a clean slate (after a renderer reload nothing sent earlier will be acknowledged) */
  resetAcks(): void {
    this.unacked = 0;
    if (this.paused) {
      this.paused = false;
      this.sink.resume();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Keeps the tail of the output so a reloaded renderer can repaint the screen. */
export class ReplayBuffer {
  private chunks: string[] = [];
  private len = 0;
  constructor(private max = 256 * 1024) {}
  append(s: string): void {
    this.chunks.push(s);
    this.len += s.length;
    while (this.len > this.max && this.chunks.length > 1) this.len -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = this.chunks.join('');
    if (all.length <= this.max) return all;
    // cut at a line start, and never between the halves of a surrogate pair
    let cut = all.length - this.max;
    const nl = all.indexOf('\n', cut);
    if (nl >= 0 && nl - cut < 4096) cut = nl + 1;
    else if (/[\uDC00-\uDFFF]/.test(all[cut] ?? '')) cut++;
    return all.slice(cut);
  }
}
