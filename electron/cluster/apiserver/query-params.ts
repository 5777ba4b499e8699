// Numeric query parameters and resourceVersion, parsed the way kube-apiserver's parameter codec and watch cache
// do: an unparsable integer is 400 with strconv's wording, an unparsable resourceVersion is 400 (upstream answers
// 500 for it, a known upstream bug; bad input is never a 500 here), and a read at a resourceVersion the store has
// not reached yet waits briefly for it, then answers 504 "Too large resource version" as the watch cache does.
import { errBadRequest, statusError } from '../api/errors';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
// how long a read waits for a resourceVersion ahead of the store (upstream's blockTimeout is 3 s)
const TOO_LARGE_WAIT_MS = 3000;
const POLL_MS = 25;

/** Go's strconv.ParseInt(v, 10, 64) */
function parseInt64(v: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw errBadRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = BigInt(v);
  if (n > INT64_MAX || n < INT64_MIN) throw errBadRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return Number(n);
}

/** an int64 query parameter (limit, timeoutSeconds, gracePeriodSeconds); undefined when absent or empty */
export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  return parseInt64(v);
}

/** the resourceVersion parameter, checked to be what this store issues (an unsigned integer) */
export function resourceVersionParam(q: URLSearchParams): string | undefined {
  const v = q.get('resourceVersion');
  if (v === null || v === '') return undefined;
  const bad = (why: string) => errBadRequest(`resourceVersion: Invalid value: ${JSON.stringify(v)}: strconv.ParseUint: parsing ${JSON.stringify(v)}: ${why}`);
  if (!/^\d+$/.test(v)) throw bad('invalid syntax');
  if (BigInt(v) > UINT64_MAX) throw bad('value out of range');
  return v;
}

/**
 * Waits until the store has reached `rv` (at most ~3 s), else throws upstream's 504. Reads at "0" or without
 * a resourceVersion never wait; `exact` matches are checked by the caller against the store's history.
 */
export async function waitForResourceVersion(rv: string | undefined, current: () => number): Promise<void> {
  if (rv === undefined) return;
  const want = Number(rv);
  if (want <= current()) return;
  const end = Date.now() + TOO_LARGE_WAIT_MS;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (want <= current()) return;
  }
  throw statusError(504, 'Timeout', `Too large resource version: ${rv}, current: ${current()}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}
