// The kubelet's own log as the node's journal keeps it (journalctl -u kubelet): klog lines in a bounded ring,
// with the systemd prefix journalctl prints.
const DEFAULT_LINES = 5000;

export interface JournalEntry {
  at: Date;
  severity: 'I' | 'W' | 'E';
  source: string;
  message: string;
  /** the process that wrote it: the kubelet's pid at the time, or systemd's (1) for unit lines */
  pid: number;
  unit?: 'systemd';
}

export class KubeletJournal {
  private entries: JournalEntry[] = [];
  /** the kubelet's pid on the node, as it appears in every klog header and in systemctl status */
  pid = 700 + Math.floor(Math.random() * 300);
  startedAt = new Date();

  constructor(private readonly max = DEFAULT_LINES) {}

  write(severity: JournalEntry['severity'], source: string, message: string): void {
    this.push({ at: new Date(), severity, source, message, pid: this.pid });
  }

  /** systemd's own lines about the unit (Stopping…, Started…) */
  systemd(message: string): void {
    this.push({ at: new Date(), severity: 'I', source: '', message, pid: 1, unit: 'systemd' });
  }

  /** `systemctl restart kubelet`: the unit stops and starts again as a new process */
  restarted(): void {
    this.systemd('Stopping kubelet.service - kubelet: The Kubernetes Node Agent...');
    this.systemd('kubelet.service: Deactivated successfully.');
    this.systemd('Stopped kubelet.service - kubelet: The Kubernetes Node Agent.');
    this.pid += 1 + Math.floor(Math.random() * 200);
    this.startedAt = new Date();
    this.systemd('Started kubelet.service - kubelet: The Kubernetes Node Agent.');
  }

  private push(e: JournalEntry): void {
    this.entries.push(e);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
  }

  all(): readonly JournalEntry[] {
    return this.entries;
  }

  /** klog's header: Lmmdd hh:mm:ss.uuuuuu pid file:line] msg */
  klog(e: JournalEntry): string {
    if (e.unit === 'systemd') return e.message;
    const d = e.at;
    const p2 = (n: number) => String(n).padStart(2, '0');
    const us = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
    return `${e.severity}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${us} ${String(e.pid).padStart(7)} ${e.source}] ${e.message}`;
  }
}
