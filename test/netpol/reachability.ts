// The expected side of upstream's truth-table method: a matrix of (from pod, to pod, port) → allowed, written by
// hand per case from what the policies say, never from the enforcement code. Selectors: 'x/a', 'x/*', '*/a', '*'.
export const NAMESPACES = ['x', 'y', 'z'];
export const PODS = ['a', 'b', 'c'];
export const PORTS = [80, 81];
export const ALL_PODS = NAMESPACES.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

const matches = (sel: string, pod: string) => {
  const [sns, sp] = sel === '*' ? ['*', '*'] : sel.split('/');
  const [ns, p] = pod.split('/');
  return (sns === '*' || sns === ns) && (sp === '*' || sp === p);
};

export class Reachability {
  private cells = new Map<string, boolean>();

  constructor(allowed = true) {
    for (const f of ALL_PODS) for (const t of ALL_PODS) for (const port of PORTS) this.cells.set(`${f}|${t}|${port}`, allowed);
  }

  /** every pair from → to (both selectors) on the ports (default: all) */
  set(from: string, to: string, allowed: boolean, ports = PORTS): this {
    for (const f of ALL_PODS)
      for (const t of ALL_PODS)
        for (const port of ports) {
          if (matches(from, f) && matches(to, t)) this.cells.set(`${f}|${t}|${port}`, allowed);
        }
    return this;
  }
  ingress(to: string, allowed: boolean, ports = PORTS): this {
    return this.set('*', to, allowed, ports);
  }
  egress(from: string, allowed: boolean, ports = PORTS): this {
    return this.set(from, '*', allowed, ports);
  }

  get(from: string, to: string, port: number): boolean {
    return this.cells.get(`${from}|${to}|${port}`)!;
  }

  /** Cyclonus's table: rows from, columns to, '.' allowed, 'X' denied; the diagonal (loopback) is not judged */
  render(port: number): string {
    const head = `${String(port).padEnd(4)} ${ALL_PODS.map((p) => p.padEnd(4)).join('')}`;
    const rows = ALL_PODS.map((f) => `${f.padEnd(4)} ${ALL_PODS.map((t) => (f === t ? '-' : this.get(f, t, port) ? '.' : 'X').padEnd(4)).join('')}`);
    return [head, ...rows].join('\n');
  }

  /** the cells that differ from `other`, loopback excluded */
  diff(other: Reachability): string[] {
    const out: string[] = [];
    for (const f of ALL_PODS)
      for (const t of ALL_PODS)
        for (const port of PORTS) {
          if (f !== t && this.get(f, t, port) !== other.get(f, t, port))
            out.push(`${f} -> ${t}:${port} expected ${this.get(f, t, port) ? 'allowed' : 'denied'}`);
        }
    return out;
  }
}
