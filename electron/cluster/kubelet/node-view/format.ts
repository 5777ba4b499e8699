// Output helpers shared by the node's programs: Go's tabwriter as crictl configures it, and "N minutes ago".

/** crictl's table: tabwriter with minwidth 20, padding 3 */
export function crictlTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length + 3), 20));
  return rows
    .map(
      (r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
          .join('')
          .trimEnd() + '\n',
    )
    .join('');
}

/** go-units HumanDuration with " ago", as crictl prints creation times */
export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.floor((now - ms) / 1000));
  let d: string;
  if (s < 1) d = 'Less than a second';
  else if (s === 1) d = '1 second';
  else if (s < 60) d = `${s} seconds`;
  else if (Math.floor(s / 60) === 1) d = 'About a minute';
  else if (s < 3600) d = `${Math.floor(s / 60)} minutes`;
  else if (Math.round(s / 3600) === 1) d = 'About an hour';
  else if (s < 48 * 3600) d = `${Math.round(s / 3600)} hours`;
  else d = `${Math.floor(s / 86400)} days`;
  return `${d} ago`;
}

export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}
