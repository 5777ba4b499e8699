// Two cron schedules are the same when every field selects the same values: "*/1 * * * *" and "* * * * *",
// "0,30 * * * *" and "*/30 * * * *", "@hourly" and "0 * * * *".
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];
const NAMES: Record<string, number>[] = [
  {},
  {},
  {},
  Object.fromEntries(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i + 1])),
  Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d, i) => [d, i])),
];

/** the set of values one field selects, or undefined when it does not parse */
function expand(field: string, i: number): string | undefined {
  const [lo, hi] = RANGES[i];
  const num = (t: string) => {
    const v = NAMES[i][t.toLowerCase()] ?? (/^\d+$/.test(t) ? Number(t) : NaN);
    return i === 4 && v === 7 ? 0 : v;
  };
  const picked = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|\?|[\w]+(?:-[\w]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const step = m[2] ? Number(m[2]) : 1;
    let a = lo,
      b = hi;
    if (m[1] !== '*' && m[1] !== '?') {
      const [x, y] = m[1].split('-');
      a = num(x);
      b = y !== undefined ? num(y) : m[2] ? hi : a;
    }
    if (!Number.isInteger(a) || !Number.isInteger(b) || step < 1 || a < lo || b > (i === 4 ? 7 : hi) || a > b) return undefined;
    for (let v = a; v <= b; v += step) picked.add(i === 4 && v === 7 ? 0 : v);
  }
  return [...picked].sort((x, y) => x - y).join(',');
}

export function sameCron(a: string, b: string): boolean {
  const norm = (s: string) => {
    const t = s.trim();
    const f = (MACROS[t.toLowerCase()] ?? t).split(/\s+/);
    if (f.length !== 5) return undefined;
    const out = f.map(expand);
    return out.some((x) => x === undefined) ? undefined : out.join(' ');
  };
  const x = norm(a),
    y = norm(b);
  return x !== undefined && x === y;
}
