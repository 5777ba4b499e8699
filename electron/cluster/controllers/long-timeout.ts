// Node's timers hold at most 2^31-1 ms (~24.8 days); a longer delay fires after 1 ms instead, which would turn a
// yearly CronJob requeue or a long tolerationSeconds into an immediate one. Long delays are chained in steps.
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimeout {
  clear(): void;
}

/** setTimeout for any delay (unref'd: a pending controller timer never keeps the process alive) */
export function setLongTimeout(fn: () => void, ms: number): LongTimeout {
  let timer: NodeJS.Timeout;
  const arm = (left: number): void => {
    timer = left > MAX_TIMER_MS ? setTimeout(() => arm(left - MAX_TIMER_MS), MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
    timer.unref();
  };
  arm(ms);
  return { clear: () => clearTimeout(timer) };
}
