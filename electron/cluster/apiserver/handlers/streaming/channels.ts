// The channel.k8s.io WebSocket framing: every binary message starts with a channel byte
// (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize); v5 adds 255 = "close channel <next byte>" (stdin EOF).
import { AsyncResource } from 'node:async_hooks';
import type { WsLike } from '../../request';
import type { ChannelStatus } from './exec-status';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
const CLOSE = 255;

/** sends above this many unacknowledged messages pause the producer (kubectl cp of large files) */
const HIGH_WATER = 64;

export interface ChannelHandlers {
  stdin(data: Buffer): void;
  stdinEnd(): void;
  resize(size: { cols: number; rows: number }): void;
  /** the client went away (or we closed) */
  closed(): void;
}

export class ChannelConnection {
  private handlers: ChannelHandlers | undefined;
  private queued: Buffer[] = [];
  private pending = 0;
  private drainWaiters: (() => void)[] = [];
  private isClosed = false;
  /** the final Status is on its way: later output is dropped */
  private finishing = false;
  /** run once every sent message has been written to the socket */
  private idleWaiters: (() => void)[] = [];
  private closedNotified = false;
  readonly v5: boolean;

  constructor(
    private ws: WsLike,
    protocol: string,
  ) {
    this.v5 = protocol.startsWith('v5.');
    ws.on('message', (data: Buffer) => {
      if (this.handlers) this.dispatch(Buffer.from(data));
      else this.queued.push(Buffer.from(data));
    });
    ws.on('close', () => {
      this.isClosed = true;
      this.flushDrainWaiters();
      this.notifyClosed();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** starts delivering client messages (those that arrived early are replayed in order) */
  attach(h: ChannelHandlers): void {
    this.handlers = h;
    const q = this.queued;
    this.queued = [];
    for (const m of q) this.dispatch(m);
    if (this.isClosed) this.notifyClosed();
  }

  send(channel: number, data: Buffer): void {
    if (this.isClosed || this.finishing) return;
    this.pending++;
    this.ws.send(Buffer.concat([Buffer.from([channel]), data]), () => {
      this.pending--;
      if (this.pending < HIGH_WATER / 4) this.flushDrainWaiters();
      if (this.pending === 0) {
        const w = this.idleWaiters;
        this.idleWaiters = [];
        for (const f of w) f();
      }
    });
  }

  /** true when the producer should wait for drain() before sending more */
  get congested(): boolean {
    return this.pending >= HIGH_WATER;
  }

  drain(): Promise<void> {
    if (!this.congested || this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * writes the final Status on the error channel and closes normally, which kubectl reads as the end. The output
   * before it, the Status and the close frame each leave in their own socket write (so their own TLS record), as
   * Go's server writes them: clients that wait on the raw socket between frames (the Python client's select loop)
   * otherwise find the Status and the close buffered inside their TLS layer and miss the exit code.
   */
  finish(status: ChannelStatus): void {
    if (this.isClosed || this.finishing) return;
    this.finishing = true;
    // Bound to this (the relay's) async context: the write callbacks below may otherwise run in the context of a
    // simulated shell that produced the last output, where just-bash blocks the timers ws.close() needs.
    const close = AsyncResource.bind(() => {
      this.isClosed = true;
      this.ws.close(1000);
    });
    const writeStatus = AsyncResource.bind(() => {
      if (this.isClosed) return;
      this.pending++;
      // the next write starts only once this one has left: nothing is queued to be coalesced with it
      this.ws.send(Buffer.concat([Buffer.from([ERROR]), Buffer.from(JSON.stringify(status))]), () => {
        this.pending--;
        close();
      });
    });
    if (this.pending === 0) writeStatus();
    else this.idleWaiters.push(writeStatus);
  }

  private dispatch(m: Buffer): void {
    const h = this.handlers!;
    if (m.length === 0) return;
    const ch = m[0];
    const data = m.subarray(1);
    if (ch === STDIN) {
      if (data.length) h.stdin(data);
      return;
    }
    if (ch === RESIZE) {
      for (const s of parseResize(data)) h.resize(s);
      return;
    }
    if (ch === CLOSE && this.v5 && data[0] === STDIN) h.stdinEnd();
  }

  private flushDrainWaiters(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
  }

  private notifyClosed(): void {
    if (this.closedNotified || !this.handlers) return;
    this.closedNotified = true;
    this.handlers.closed();
  }
}

/** client-go encodes each resize as a JSON document with a trailing newline: {"Width":80,"Height":24} */
function parseResize(data: Buffer): { cols: number; rows: number }[] {
  const out: { cols: number; rows: number }[] = [];
  for (const line of data.toString('utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as { Width?: number; Height?: number };
      if (typeof v.Width === 'number' && typeof v.Height === 'number') out.push({ cols: v.Width, rows: v.Height });
    } catch {
      /* a malformed resize is ignored, as the kubelet logs and drops it */
    }
  }
  return out;
}
