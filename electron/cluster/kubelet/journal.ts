// The kubelet's own log as the node's journal keeps it (journalctl -u kubelet): klog lines in a bounded ring,
// with the systemd prefix journalctl prints.
const DEFAULT_LINES = 5000;

export interface JournalEntry {
  at: Date;
  severity: 'I' | 'W' | 'E';
  source: string;
  message: string;
}

export class KubeletJournal {
  private entries: JournalEntry[] = [];
  /** the kubelet's pid on the node, as it appears in every klog header and in systemctl status */
  readonly pid = 700 + Math.floor(Math.random() * 300);
  readonly startedAt = new Date();

  constructor(private readonly max = DEFAULT_LINES) {}

  write(severity: JournalEntry['severity'], source: string, message: string): void {
    this.entries.push({ at: new Date(), severity, source, message });
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
  }

  all(): readonly JournalEntry[] {
    return this.entries;
  }

  /** klog's header: Lmmdd hh:mm:ss.uuuuuu pid file:line] msg */
  klog(e: JournalEntry): string {
    const d = e.at;
    const p2 = (n: number) => String(n).padStart(2, '0');
    const us = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
    return `${e.severity}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${us} ${String(this.pid).padStart(7)} ${e.source}] ${e.message}`;
  }
}
