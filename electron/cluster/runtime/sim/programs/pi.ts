import { interruptibleSleep } from '../process';

/**
 * π to `digits` significant digits, rounded like Math::BigFloat's bpi (Machin's formula in BigInt fixed point).
 * The series runs in slices that hand the event loop back every few milliseconds, so a large bpi(N) in a pod
 * never stalls the API server; 2000 digits take a few milliseconds in all.
 */
export async function piDigitsSliced(digits: number, signal?: AbortSignal, sliceMs = 8): Promise<string | undefined> {
  const guard = 10;
  const scale = 10n ** BigInt(digits + guard);
  let sliceStart = performance.now();
  const arctanInv = async (x: bigint): Promise<bigint | undefined> => {
    let sum = 0n;
    let term = scale / x;
    const x2 = x * x;
    for (let n = 1n, sign = 1n, i = 0; term !== 0n; n += 2n, sign = -sign, i++) {
      sum += sign * (term / n);
      term /= x2;
      if ((i & 63) === 63 && performance.now() - sliceStart > sliceMs) {
        await new Promise((r) => setImmediate(r));
        if (signal?.aborted) return undefined;
        sliceStart = performance.now();
      }
    }
    return sum;
  };
  const a = await arctanInv(5n);
  const b = a === undefined ? undefined : await arctanInv(239n);
  if (a === undefined || b === undefined) return undefined;
  return format(16n * a - 4n * b, digits, guard);
}

/**
 * `bpi(N)` as a process sees it: one core busy while the digits are computed, and the run lasting at least a
 * modelled time (N²/4·10⁶ s, so bpi(2000) takes 1 s, capped at 5 s) so the Job's pod is seen Running and uses
 * CPU — real perl takes several seconds for 2000 digits. Undefined when the process is stopped first.
 */
export async function bpiRun(proc: { cpuDemand: number }, digits: number, signal: AbortSignal): Promise<string | undefined> {
  const modelled = Math.min(5000, (digits * digits) / 4000);
  const t0 = performance.now();
  proc.cpuDemand = 1;
  try {
    const out = await piDigitsSliced(digits, signal);
    const left = modelled - (performance.now() - t0);
    if (out !== undefined && left > 0) await interruptibleSleep(left, signal);
    return signal.aborted ? undefined : out;
  } finally {
    proc.cpuDemand = 0;
  }
}

/** keeps `digits` significant digits (one before the point), rounding half up on the guard digits */
function format(pi: bigint, digits: number, guard: number): string {
  const s = ((pi + 5n * 10n ** BigInt(guard)) / 10n ** BigInt(guard + 1)).toString();
  return digits <= 1 ? s : `${s[0]}.${s.slice(1, digits)}`;
}
