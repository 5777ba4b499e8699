/** A simulated process: identity, declared resource use, stdio sinks and signal delivery. */
export type SignalName = 'TERM' | 'KILL' | 'INT' | 'HUP' | 'QUIT' | 'USR1' | 'USR2' | 'WINCH';
export const SIGNAL_NUMBERS: Record<SignalName, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15, WINCH: 28 };

export function parseSignal(s: string): SignalName | undefined {
  const up = s.toUpperCase().replace(/^-/, '').replace(/^SIG/, '');
  if (up in SIGNAL_NUMBERS) return up as SignalName;
  const n = Number(up);
  return (Object.keys(SIGNAL_NUMBERS) as SignalName[]).find((k) => SIGNAL_NUMBERS[k] === n);
}

export class SimProcess {
  readonly startedAt = Date.now();
  /** bytes the program says it has allocated (stress --vm-bytes, server buffers…) */
  memoryBytes = 0;
  /** CPU cores this process currently tries to use (busy loops, stress --cpu) */
  cpuDemand = 0;
  exitCode?: number;
  /** aborted when the process must stop (killed, or a signal's default action) */
  private readonly ctl = new AbortController();
  private readonly handlers = new Map<SignalName, (sig: SignalName) => void>();
  private readonly exitWaiters: ((code: number) => void)[] = [];

  constructor(
    readonly pid: number,
    readonly argv: string[],
    readonly uid: number,
    public stdout: (chunk: string | Uint8Array) => void,
    public stderr: (chunk: string | Uint8Array) => void,
    private readonly onMemoryChange: () => void,
  ) {}

  get signal(): AbortSignal {
    return this.ctl.signal;
  }
  get alive(): boolean {
    return this.exitCode === undefined;
  }

  setMemory(bytes: number): void {
    this.memoryBytes = bytes;
    this.onMemoryChange();
  }

  /** installs a handler; signals without one take their default action (terminate) */
  handle(sig: SignalName, fn: ((sig: SignalName) => void) | undefined): void {
    if (fn) this.handlers.set(sig, fn);
    else this.handlers.delete(sig);
  }

  deliver(sig: SignalName): void {
    if (!this.alive) return;
    const h = this.handlers.get(sig);
    if (sig !== 'KILL' && h) {
      h(sig);
      return;
    }
    if (sig === 'WINCH') return;
    this.terminate(128 + SIGNAL_NUMBERS[sig]);
  }

  /** ends the process now with the given status (used for signals and OOM kills) */
  terminate(code: number): void {
    if (!this.alive) return;
    this.pendingKillCode = code;
    this.ctl.abort();
  }
  pendingKillCode?: number;

  exited(code: number): void {
    if (!this.alive) return;
    this.exitCode = this.pendingKillCode ?? code;
    this.memoryBytes = 0;
    this.cpuDemand = 0;
    if (!this.ctl.signal.aborted) this.ctl.abort();
    for (const w of this.exitWaiters.splice(0)) w(this.exitCode);
    this.onMemoryChange();
  }

  wait(): Promise<number> {
    if (this.exitCode !== undefined) return Promise.resolve(this.exitCode);
    return new Promise((r) => this.exitWaiters.push(r));
  }
}

/** Resolves after ms, or early when the signal aborts (sleep is interruptible by signals). */
export function interruptibleSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
