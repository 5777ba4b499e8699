// Probe workers: one timer loop per (container, probe type) while the container runs, as the kubelet's prober
// manager does. Results go back to the pod worker, which owns the consequences (restart, readiness, status).
import { runProbe, type ProbeTarget } from './probe-exec';

export type ProbeType = 'startup' | 'liveness' | 'readiness';

export interface ProbeOutcome {
  type: ProbeType;
  /** the threshold-filtered verdict: true = success, false = failure, undefined = no verdict yet */
  healthy: boolean | undefined;
  /** changed since the last outcome reported */
  changed: boolean;
  /** raw failure message of this run (Unhealthy event) */
  message?: string;
}

interface Worker {
  timer?: NodeJS.Timeout;
  stopped: boolean;
  successes: number;
  failures: number;
  last?: boolean;
}

export class ProbeWorkers {
  private workers = new Map<string, Worker>();
  private paused = false;

  /** `key` identifies a container instance (pod uid + container name + container id) */
  start(
    key: string,
    type: ProbeType,
    probe: any,
    startedAt: number,
    target: () => ProbeTarget | undefined,
    onRun: (o: ProbeOutcome) => void,
    gate: () => boolean,
  ): void {
    const k = `${key}/${type}`;
    if (this.workers.has(k)) return;
    const w: Worker = { stopped: false, successes: 0, failures: 0 };
    this.workers.set(k, w);
    const period = Math.max(1, probe.periodSeconds ?? 10) * 1000;
    const success = Math.max(1, probe.successThreshold ?? 1);
    const failure = Math.max(1, probe.failureThreshold ?? 3);
    const initial = (probe.initialDelaySeconds ?? 0) * 1000;
    const tick = async () => {
      if (w.stopped) return;
      if (!this.paused && gate()) {
        const t = target();
        if (t) {
          const r = await runProbe(probe, t);
          if (w.stopped) return;
          if (r.ok) {
            w.successes++;
            w.failures = 0;
          } else {
            w.failures++;
            w.successes = 0;
          }
          let healthy = w.last;
          if (r.ok && w.successes >= success) healthy = true;
          if (!r.ok && w.failures >= failure) healthy = false;
          const changed = healthy !== undefined && healthy !== w.last;
          if (healthy !== undefined) w.last = healthy;
          onRun({ type, healthy, changed, message: r.ok ? undefined : r.message });
          // a liveness/startup failure that triggered a restart starts counting afresh on the next container
          if (!r.ok && w.failures >= failure && type !== 'readiness') w.failures = 0;
        }
      }
      if (!w.stopped) {
        w.timer = setTimeout(() => void tick(), period);
        w.timer.unref();
      }
    };
    const wait = Math.max(0, startedAt + initial - Date.now());
    w.timer = setTimeout(() => void tick(), wait);
    w.timer.unref();
  }

  /** stops the workers under `keyPrefix`; with `containerId`, only that container instance's */
  stop(keyPrefix: string, containerId?: string): void {
    for (const [k, w] of [...this.workers]) {
      if (!k.startsWith(keyPrefix) || (containerId && !k.includes(`/${containerId}/`))) continue;
      w.stopped = true;
      if (w.timer) clearTimeout(w.timer);
      this.workers.delete(k);
    }
  }

  has(key: string, type: ProbeType): boolean {
    return this.workers.has(`${key}/${type}`);
  }

  /** node powered off: probes stop reporting but keep their state */
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  stopAll(): void {
    this.stop('');
  }
}
