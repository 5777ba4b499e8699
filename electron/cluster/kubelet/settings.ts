// Kubelet timings. Tests shorten them through the environment instead of waiting minutes.
function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export interface KubeletSettings {
  /** first CrashLoopBackOff / image pull back-off delay; doubles up to maxBackoffMs */
  backoffBaseMs: number;
  maxBackoffMs: number;
  /** a container that ran this long without crashing starts its back-off afresh */
  backoffResetMs: number;
  /** how often configMap/secret/projected/downwardAPI volume contents are refreshed */
  volumeSyncMs: number;
  /** upper bound on any one runtime call, so a stuck runtime never wedges a pod worker */
  runtimeTimeoutMs: number;
  heartbeatMs: number;
}

export function defaultSettings(): KubeletSettings {
  const base = envMs('KUBELAB_BACKOFF_BASE_MS', 10_000);
  return {
    backoffBaseMs: base,
    maxBackoffMs: Math.max(base, envMs('KUBELAB_BACKOFF_MAX_MS', 300_000)),
    backoffResetMs: envMs('KUBELAB_BACKOFF_RESET_MS', 600_000),
    volumeSyncMs: envMs('KUBELAB_VOLUME_SYNC_MS', 5_000),
    runtimeTimeoutMs: envMs('KUBELAB_RUNTIME_TIMEOUT_MS', 120_000),
    heartbeatMs: envMs('KUBELAB_HEARTBEAT_MS', 10_000),
  };
}

export class TimeoutError extends Error {}

/** rejects when `p` takes longer than `ms`; the underlying call keeps running but nobody waits for it */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new TimeoutError(`${what}: timed out after ${ms}ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
