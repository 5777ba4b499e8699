// Standard 5-field cron schedules as the CronJob controller reads them (robfig/cron v3 ParseStandard semantics):
// minute hour day-of-month month day-of-week, `*`, `?`, ranges, steps, lists, month/day names, @descriptors and @every.
// Error texts follow that parser because the API server returns them verbatim in `spec.schedule: Invalid value`.

export interface CronSchedule {
  /** The first fire time strictly after `after`, evaluated in `tz` (IANA name; UTC when absent). */
  next(after: Date, tz?: string): Date;
}

interface FieldSpec {
  min: number;
  max: number;
  names?: Record<string, number>;
}
const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface ParsedField {
  values: Set<number>;
  star: boolean;
}

function parseNumber(s: string, names: Record<string, number> | undefined): number {
  const named = names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^-?\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = parseInt(s, 10);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${s}`);
  return n;
}

function parseRange(expr: string, f: FieldSpec): { values: number[]; star: boolean } {
  const slash = expr.split('/');
  if (slash.length > 2) throw new Error(`too many slashes: ${expr}`);
  const dash = slash[0].split('-');
  if (dash.length > 2) throw new Error(`too many hyphens: ${expr}`);
  let start: number;
  let end: number;
  let star = false;
  if (dash[0] === '*' || dash[0] === '?') {
    start = f.min;
    end = f.max;
    star = true;
  } else {
    start = parseNumber(dash[0], f.names);
    end = dash.length === 2 ? parseNumber(dash[1], f.names) : start;
  }
  let step = 1;
  if (slash.length === 2) {
    step = parseNumber(slash[1], undefined);
    // "N/step" means N through the field's maximum
    if (dash.length === 1 && !star) end = f.max;
    if (step > 1) star = false;
  }
  if (start < f.min) throw new Error(`beginning of range (${start}) below minimum (${f.min}): ${expr}`);
  if (end > f.max) throw new Error(`end of range (${end}) above maximum (${f.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v);
  return { values, star };
}

function parseField(text: string, f: FieldSpec): ParsedField {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const r = parseRange(part, f);
    r.values.forEach((v) => values.add(v));
    star ||= r.star;
  }
  return { values, star };
}

/** Go duration strings as accepted by `@every` (h, m, s, ms; fractions allowed). */
function parseGoDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
  let total = 0;
  let pos = 0;
  if (!s) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
    const unit = { h: 3600e3, m: 60e3, s: 1e3, ms: 1 }[m[2] as 'h' | 'm' | 's' | 'ms'];
    total += parseFloat(m[1]) * unit;
    pos = re.lastIndex;
  }
  return total;
}

// ---- wall-clock arithmetic in a time zone -----------------------------------------------------------------------
const formatters = new Map<string, Intl.DateTimeFormat>();
function wallFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}
/** The wall clock of instant `t` in `tz`, encoded as a UTC timestamp (so Date.UTC arithmetic works on it). */
function wallOf(t: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const p of wallFormatter(tz).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = parseInt(p.value, 10);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}
/** The instant whose wall clock in `tz` is `wall` (the later one is not chosen on repeated hours). */
function instantOf(wall: number, tz: string): number {
  let t = wall - (wallOf(wall, tz) - wall);
  t = wall - (wallOf(t, tz) - t);
  return t;
}

/** True when `tz` is a zone Intl knows (what the API server checks for `spec.timeZone`). */
export function isKnownTimeZone(tz: string): boolean {
  try {
    wallFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

class FieldSchedule implements CronSchedule {
  constructor(private readonly f: ParsedField[]) {}

  private dayMatches(d: Date): boolean {
    const [, , dom, , dow] = this.f;
    const domOk = dom.values.has(d.getUTCDate());
    const dowOk = dow.values.has(d.getUTCDay());
    // either field being `*` means "AND", otherwise the two day fields are alternatives
    return dom.star || dow.star ? domOk && dowOk : domOk || dowOk;
  }

  next(after: Date, tz = 'UTC'): Date {
    const [minute, hour, , month] = this.f;
    let wall = wallOf(after.getTime(), tz);
    wall = wall - (wall % 60000) + 60000;
    const limit = wall + 5 * 366 * 86400e3;
    while (wall < limit) {
      const d = new Date(wall);
      if (!month.values.has(d.getUTCMonth() + 1)) {
        wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
        continue;
      }
      if (!this.dayMatches(d)) {
        wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
        continue;
      }
      if (!hour.values.has(d.getUTCHours())) {
        wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
        continue;
      }
      if (!minute.values.has(d.getUTCMinutes())) {
        wall += 60000;
        continue;
      }
      const t = instantOf(wall, tz);
      if (t > after.getTime()) return new Date(t);
      wall += 60000;
    }
    throw new Error('cron schedule has no fire time within five years');
  }
}

class EverySchedule implements CronSchedule {
  constructor(private readonly ms: number) {}
  next(after: Date): Date {
    // robfig rounds the delay to whole seconds (at least one) and the result down to the second
    const delay = Math.max(1000, Math.floor(this.ms / 1000) * 1000);
    return new Date(Math.floor((after.getTime() + delay) / 1000) * 1000);
  }
}

/** Parses a CronJob schedule; throws an Error whose message is the upstream parser's. */
export function parseCron(expr: string): CronSchedule {
  const text = expr.trim();
  if (text.length === 0) throw new Error('empty spec string');
  if (text.startsWith('@')) {
    if (text.startsWith('@every ')) {
      const ms = parseGoDuration(text.slice('@every '.length).trim());
      return new EverySchedule(ms);
    }
    const d = DESCRIPTORS[text];
    if (!d) throw new Error(`unrecognized descriptor: ${text}`);
    return parseCron(d);
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return new FieldSchedule(fields.map((t, i) => parseField(t, FIELDS[i])));
}
