// Pod-failure back-off per Job: after n consecutive failures the next pod waits base·2^(n-1), capped.
// Upstream: DefaultJobPodFailureBackOff 10 s, MaxJobPodFailureBackOff 10 min; a success resets the count.

export interface BackoffConfig {
  baseMs: number;
  maxMs: number;
}

export function backoffConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BackoffConfig {
  const raw = env.KUBELAB_JOB_BACKOFF_BASE_MS;
  const base = raw ? Number(raw) : NaN;
  return { baseMs: Number.isFinite(base) && base >= 0 ? base : 10_000, maxMs: 10 * 60_000 };
}

interface Record {
  failures: number;
  lastFailureMs: number;
}

export class BackoffStore {
  private records = new Map<string, Record>();
  constructor(private readonly cfg: BackoffConfig) {}

  recordFinished(key: string, newSucceeded: number, newFailed: number, failedAtMs: number): void {
    const r = this.records.get(key) ?? { failures: 0, lastFailureMs: 0 };
    if (newSucceeded > 0 && newFailed === 0) r.failures = 0;
    if (newFailed > 0) {
      r.failures += newFailed;
      r.lastFailureMs = Math.max(r.lastFailureMs, failedAtMs);
    }
    this.records.set(key, r);
  }

  /** ms until a new pod may be created (0: now) */
  remaining(key: string, nowMs: number): number {
    const r = this.records.get(key);
    if (!r || r.failures === 0) return 0;
    const delay = Math.min(this.cfg.maxMs, this.cfg.baseMs * 2 ** Math.min(30, r.failures - 1));
    return Math.max(0, r.lastFailureMs + delay - nowMs);
  }

  forget(key: string): void {
    this.records.delete(key);
  }
}
