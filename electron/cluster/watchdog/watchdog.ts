// The cluster process's watchdog. Everything here (API server, controllers, kubelets) shares one event loop, so
// one component that loops without yielding, or re-queues an object without pause, starves all the others and
// grows memory until the process dies. The watchdog
//  - logs heap use and event-loop lag periodically (debug level),
//  - warns when a controller's work queue runs away, naming the queue and the object,
//  - tells the health endpoints when the loop is or was blocked for seconds, so they answer unhealthy,
//  - has a helper thread that reports a loop blocked right now (the blocked thread cannot log it itself).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { liveQueues, type QueueStats } from '../controllers/workqueue';

export interface WatchdogOptions {
  /** warnings */
  log: (line: string) => void;
  /** periodic heap and lag lines; undefined = not logged */
  debug?: (line: string) => void;
  /** how often heap, lag and queues are sampled (default 5 s) */
  intervalMs?: number;
  /** a loop that did not run for this long is "blocked" (default 2 s) */
  blockedMs?: number;
  /** adds of one key per second above which its queue has run away (default 50) */
  hotKeyPerSec?: number;
  /** consecutive failures of one key after which it is reported (default 8: back-off near its maximum) */
  failuresToReport?: number;
  /** start the helper thread that reports a blocked loop while it is blocked (default true) */
  stallThread?: boolean;
}

export interface LoopHealth {
  /** undefined when healthy, else why not */
  problem(): string | undefined;
}

const HEARTBEAT_MS = 250;
// the delay histogram's samples include its own timer period, which is taken off again for the log
const LAG_RESOLUTION_MS = 10;
// a blocking episode keeps the process unhealthy this long after it ended, so a probe that was queued behind
// it (and is answered only once it ends) still sees it
const REMEMBER_MS = 10_000;
// one warning per queue and key in this long
const WARN_EVERY_MS = 60_000;

export class Watchdog implements LoopHealth {
  private readonly histogram: IntervalHistogram;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly sampler: NodeJS.Timeout;
  private lastBeat = Date.now();
  private lastBlock?: { at: number; ms: number };
  private readonly warned = new Map<string, number>();
  private stall?: Worker;
  private readonly beat = new Int32Array(new SharedArrayBuffer(4));
  private readonly blockedMs: number;
  private readonly intervalMs: number;

  constructor(private readonly opts: WatchdogOptions) {
    this.blockedMs = opts.blockedMs ?? 2000;
    this.intervalMs = opts.intervalMs ?? 5000;
    this.histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    this.histogram.enable();
    this.heartbeat = setInterval(() => this.onBeat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.sampler = setInterval(() => this.sample(), this.intervalMs);
    this.sampler.unref();
    if (opts.stallThread !== false) this.startStallThread();
  }

  problem(): string | undefined {
    const now = Date.now();
    const sinceBeat = now - this.lastBeat;
    if (sinceBeat >= this.blockedMs) return `event loop blocked for ${(sinceBeat / 1000).toFixed(1)}s`;
    if (this.lastBlock && now - this.lastBlock.at < REMEMBER_MS) return `event loop was blocked for ${(this.lastBlock.ms / 1000).toFixed(1)}s`;
    return undefined;
  }

  stop(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.sampler);
    this.histogram.disable();
    void this.stall?.terminate();
  }

  private onBeat(): void {
    const now = Date.now();
    const gap = now - this.lastBeat - HEARTBEAT_MS;
    if (gap >= this.blockedMs) {
      this.lastBlock = { at: now, ms: gap };
      this.opts.log(`watchdog: the event loop was blocked for ${(gap / 1000).toFixed(1)}s`);
    }
    this.lastBeat = now;
    Atomics.store(this.beat, 0, (Atomics.load(this.beat, 0) + 1) | 0);
  }

  private sample(): void {
    const mem = process.memoryUsage();
    const mb = (n: number) => `${Math.round(n / 2 ** 20)}MB`;
    const ms = (n: number) => `${Math.max(0, n / 1e6 - LAG_RESOLUTION_MS).toFixed(1)}ms`;
    this.opts.debug?.(
      `watchdog: heap ${mb(mem.heapUsed)}/${mb(mem.heapTotal)} rss ${mb(mem.rss)}; event-loop lag p50 ${ms(this.histogram.percentile(50))} p99 ${ms(this.histogram.percentile(99))} max ${ms(this.histogram.max)}`,
    );
    this.histogram.reset();
    for (const q of liveQueues) this.checkQueue(q.stats());
    const now = Date.now();
    for (const [k, at] of this.warned) if (now - at > WARN_EVERY_MS) this.warned.delete(k);
  }

  private checkQueue(s: QueueStats): void {
    const perSec = (n: number) => n / (this.intervalMs / 1000);
    const hot = s.hottest && perSec(s.hottest.count) > (this.opts.hotKeyPerSec ?? 50) ? s.hottest : undefined;
    if (hot) {
      this.warnOnce(
        `${s.name}\u0000${hot.key}`,
        `watchdog: controller queue "${s.name}" runs away: ${hot.key} was queued ${hot.count} times in ${this.intervalMs / 1000}s (${s.retries} failed syncs, ${s.depth} waiting)`,
      );
    } else if (s.maxFailures >= (this.opts.failuresToReport ?? 8)) {
      this.warnOnce(
        `${s.name}\u0000failures`,
        `watchdog: controller queue "${s.name}" keeps failing: a key failed ${s.maxFailures} times in a row (retried with back-off)`,
      );
    }
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.set(key, Date.now());
    this.opts.log(line);
  }

  /**
   * The helper thread watches the heartbeat counter; when it stops moving for the blocked threshold, the thread
   * writes the warning to stderr itself, once per episode. It is the one part that works while the loop is stuck.
   */
  private startStallThread(): void {
    const src = `
      const { workerData } = require('node:worker_threads');
      const { writeSync } = require('node:fs');
      const beat = new Int32Array(workerData.buf);
      let last = Atomics.load(beat, 0), since = Date.now(), reported = false;
      setInterval(() => {
        const v = Atomics.load(beat, 0);
        if (v !== last) { last = v; since = Date.now(); reported = false; return; }
        const ms = Date.now() - since;
        if (!reported && ms >= workerData.blockedMs) {
          reported = true;
          // straight to fd 2: a worker's process.stderr is relayed by the (blocked) main thread
          writeSync(2, workerData.prefix + 'watchdog: the event loop has been blocked for ' + (ms / 1000).toFixed(1) + 's (API requests and health checks wait until it runs again)\\n');
        }
      }, 250);`;
    try {
      this.stall = new Worker(src, {
        eval: true,
        workerData: { buf: this.beat.buffer, blockedMs: this.blockedMs, prefix: 'kubelab: ' },
        stdout: false,
        stderr: false,
      });
      this.stall.unref();
      this.stall.on('error', (err) => this.opts.log(`watchdog: the stall thread stopped: ${err.message}`));
    } catch (err) {
      this.opts.log(`watchdog: no stall thread: ${(err as Error).message}`);
    }
  }
}
