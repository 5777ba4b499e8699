// The small JSONPath subset CRD printer columns use: .a.b, .a[0].b, .a[*].b and ['dotted.key'].
export function evalJsonPath(obj: unknown, path: string): unknown {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const tokens: (string | number | '*')[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\*\]|\['([^']+)'\]|\["([^"]+)"\]/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < p.length && (m = re.exec(p))) {
    if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) tokens.push(Number(m[2]));
    else if (m[3] !== undefined) tokens.push(m[3]);
    else if (m[4] !== undefined) tokens.push(m[4]);
    else tokens.push('*');
  }
  let cur: unknown[] = [obj];
  let multi = false;
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (c == null) continue;
      if (t === '*') {
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
