// The CRI container log format the runtime writes: `<RFC3339Nano> <stdout|stderr> <F|P> <content>` per record.
// A record tagged P is a fragment of a longer line; fragments are joined until the closing F record.

export interface CriRecord {
  /** the timestamp exactly as written (RFC3339Nano) */
  timestamp: string;
  /** milliseconds since the epoch, for since/sinceTime filtering */
  time: number;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  content: string;
}

/** One logical log line: joined fragments, stamped with the time of its first fragment. */
export interface LogLine {
  timestamp: string;
  time: number;
  stream: 'stdout' | 'stderr';
  /** the line's text including its trailing newline */
  text: string;
}

/** Parses one record (without its newline); undefined for lines that are not CRI records. */
export function parseCriRecord(line: string): CriRecord | undefined {
  const a = line.indexOf(' ');
  if (a <= 0) return undefined;
  const b = line.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const timestamp = line.slice(0, a);
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) return undefined;
  // the tag field is optional in very old runtimes; treat its absence as a full line
  let partial = false;
  let content: string;
  const c = line.indexOf(' ', b + 1);
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  if (tag === 'P' || tag === 'F' || /^[PF](:[A-Za-z0-9]+)*$/.test(tag)) {
    partial = tag.startsWith('P');
    content = c < 0 ? '' : line.slice(c + 1);
  } else {
    content = line.slice(b + 1);
  }
  return { timestamp, time, stream, partial, content };
}

/** Joins fragments into lines; keeps an unfinished fragment run across calls (follow mode). */
export class LineAssembler {
  private pending: CriRecord[] = [];

  push(r: CriRecord): LogLine | undefined {
    if (r.partial) {
      this.pending.push(r);
      return undefined;
    }
    const first = this.pending[0] ?? r;
    const text = this.pending.map((p) => p.content).join('') + r.content + '\n';
    this.pending = [];
    return { timestamp: first.timestamp, time: first.time, stream: first.stream, text };
  }
}

/** Splits raw file bytes into complete records; returns the unterminated remainder (split on bytes so UTF-8 survives chunking). */
export function splitRecords(buf: Buffer): { records: CriRecord[]; rest: Buffer } {
  const records: CriRecord[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    const r = parseCriRecord(buf.toString('utf8', start, nl));
    if (r) records.push(r);
    start = nl + 1;
  }
  return { records, rest: buf.subarray(start) };
}
