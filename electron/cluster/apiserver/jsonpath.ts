// The small JSONPath subset CRD printer columns use: .a.b, .a[0].b, .a[*].b, ['dotted.key'] and filters
// [?(@.type=="Ready")] (==, !=, <, <=, >, >= against a quoted string or a number; [?(@.x)] for presence). Like
// upstream's table convertor, a column shows the first value a filter selects.
interface Filter {
  filter: string[];
  op?: string;
  value?: string | number;
}

function parseFilter(body: string): Filter | undefined {
  const m = /^@((?:\.[A-Za-z0-9_-]+)+)\s*(?:(==|!=|<=|>=|<|>)\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?)))?$/.exec(body.trim());
  if (!m) return undefined;
  const value = m[3] ?? m[4] ?? (m[5] !== undefined ? Number(m[5]) : undefined);
  return { filter: m[1].slice(1).split('.'), op: m[2], value };
}

function filterMatches(item: unknown, f: Filter): boolean {
  let v: unknown = item;
  for (const k of f.filter) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  if (!f.op) return v !== undefined && v !== null && v !== false;
  const a = v as string | number;
  const b = f.value as string | number;
  switch (f.op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

export function evalJsonPath(obj: unknown, path: string): unknown {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const tokens: (string | number | '*' | Filter)[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\*\]|\['([^']+)'\]|\["([^"]+)"\]|\[\?\((.*?)\)\]/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < p.length && (m = re.exec(p))) {
    if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) tokens.push(Number(m[2]));
    else if (m[3] !== undefined) tokens.push(m[3]);
    else if (m[4] !== undefined) tokens.push(m[4]);
    else if (m[5] !== undefined) {
      const f = parseFilter(m[5]);
      if (!f) return undefined;
      tokens.push(f);
    } else tokens.push('*');
  }
  let cur: unknown[] = [obj];
  let multi = false;
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (c == null) continue;
      if (typeof t === 'object') {
        if (Array.isArray(c)) next.push(...c.filter((x) => filterMatches(x, t)));
      } else if (t === '*') {
        if (Array.isArray(c)) {
          next.push(...c);
          multi = true;
        }
      } else if (typeof t === 'number') {
        if (Array.isArray(c) && t < c.length) next.push(c[t]);
      } else if (typeof c === 'object') {
        const v = (c as Record<string, unknown>)[t];
        if (v !== undefined) next.push(v);
      }
    }
    cur = next;
  }
  if (cur.length === 0) return undefined;
  return multi ? cur.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',') : cur[0];
}
