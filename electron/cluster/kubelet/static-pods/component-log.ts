// What the control plane's processes print: the in-process API server, scheduler and controller manager report
// notable moments here as klog lines, and the static pods' containers on the control-plane node stream them, so
// `kubectl logs -n kube-system kube-scheduler-<node>` shows the scheduler's own log as on a kubeadm cluster.
// Lines are buffered (bounded) while no container of the component runs, and handed over in batches.

export type ControlPlaneComponent = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd';

type Severity = 'I' | 'W' | 'E' | 'F';
type Sink = (text: string) => void;

/** lines kept per component while nobody streams them (a restarting container still gets recent history) */
const BUFFER_LINES = 500;
/** lines of one component written in one go: a burst of requests costs one log write, not one per request */
const BATCH_MS = 50;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** klog's text header: `I1203 04:15:48.123456       1 file.go:123] ` (severity, date, time, thread id, caller) */
export function klogHeader(severity: Severity, caller: string, at = performance.timeOrigin + performance.now()): string {
  const now = new Date(Math.floor(at));
  const micros = pad(Math.floor((at % 1000) * 1000), 6);
  return `${severity}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())} ${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}.${micros} ${String(1).padStart(7)} ${caller}] `;
}

/** klog's structured form: the message quoted, then key=value pairs (strings quoted, numbers bare) */
export function klogStructured(msg: string, kv: Record<string, string | number | undefined> = {}): string {
  const pairs = Object.entries(kv)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? v : JSON.stringify(v)}`);
  return [JSON.stringify(msg), ...pairs].join(' ');
}

class Channel {
  private buffered: string[] = [];
  private pending: string[] = [];
  private timer?: NodeJS.Timeout;
  readonly sinks = new Set<Sink>();

  push(line: string): void {
    if (!this.sinks.size) {
      this.buffered.push(line);
      if (this.buffered.length > BUFFER_LINES) this.buffered.splice(0, this.buffered.length - BUFFER_LINES);
      return;
    }
    this.pending.push(line);
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
    this.timer.unref?.();
  }

  attach(sink: Sink): () => void {
    this.sinks.add(sink);
    if (this.buffered.length) {
      sink(this.buffered.join(''));
      this.buffered = [];
    }
    return () => {
      this.flush();
      this.sinks.delete(sink);
    };
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const text = this.pending.join('');
    this.pending = [];
    for (const s of this.sinks) s(text);
  }
}

export class ComponentLog {
  private readonly channels = new Map<ControlPlaneComponent, Channel>();

  private channel(c: ControlPlaneComponent): Channel {
    let ch = this.channels.get(c);
    if (!ch) {
      ch = new Channel();
      this.channels.set(c, ch);
    }
    return ch;
  }

  /** one klog line; `body` is already formatted (klogStructured or plain text) */
  klog(component: ControlPlaneComponent, severity: Severity, caller: string, body: string): void {
    this.channel(component).push(klogHeader(severity, caller) + body + '\n');
  }

  /** a raw line (etcd logs JSON, not klog) */
  line(component: ControlPlaneComponent, text: string): void {
    this.channel(component).push(text.endsWith('\n') ? text : text + '\n');
  }

  /** streams the component's lines to `sink` (what was buffered first); returns the detach function */
  attach(component: ControlPlaneComponent, sink: Sink): () => void {
    return this.channel(component).attach(sink);
  }
}
