// The reachability matrix students look at: every policed pod to every policed pod on one port, each cell the
// verdict the data path would give a new connection, with the reasoning naming the deciding policies.
import type { PolicyEngine } from './engine';

export interface MatrixOptions {
  /** only pods of these namespaces (default: every namespace with policed pods) */
  namespaces?: string[];
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** false: cells carry only the verdict (a large matrix nobody hovers over); default true */
  reasons?: boolean;
}

export interface ReachabilityMatrix {
  /** `namespace/name`, rows (from) and columns (to) in this order */
  pods: string[];
  /** namespaces that have policed pods, for the view's filter */
  namespaces: string[];
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** cells[from][to]; the diagonal is loopback, never policed */
  cells: { allowed: boolean; reason: string; policies: string[] }[][];
  policies: number;
}

export function reachabilityMatrix(engine: PolicyEngine, opts: MatrixOptions): ReachabilityMatrix {
  const protocol = opts.protocol ?? 'TCP';
  const all = engine.listPods();
  const pods = opts.namespaces?.length ? engine.listPods(opts.namespaces) : all;
  const cells = pods.map((from) =>
    pods.map((to) => {
      if (from === to) return { allowed: true, reason: 'loopback: a pod reaching itself is not policed', policies: [] };
      const v = engine.evaluate({ srcIP: from.ips[0], dstIP: to.ips[0], dstPort: opts.port, protocol });
      if (opts.reasons === false) return { allowed: v.allowed, reason: '', policies: [] };
      return { allowed: v.allowed, reason: v.reason, policies: [...new Set([...v.egress.policies, ...v.ingress.policies])] };
    }),
  );
  return {
    pods: pods.map((p) => `${p.namespace}/${p.name}`),
    namespaces: [...new Set(all.map((p) => p.namespace))].sort(),
    port: opts.port,
    protocol,
    cells,
    policies: engine.policyCount(),
  };
}

/** Cyclonus's text form: rows from, columns to, '.' allowed, 'X' denied, '?' unknown (a probe that could not run) */
export function formatMatrix(m: Pick<ReachabilityMatrix, 'pods' | 'port' | 'protocol'> & { cells: { allowed?: boolean }[][] }): string {
  const w = Math.max(4, ...m.pods.map((p) => p.length)) + 1;
  const head = `${`${m.port}/${m.protocol}`.padEnd(w)}${m.pods.map((p) => p.padEnd(w)).join('')}`;
  const mark = (a?: boolean) => (a === undefined ? '?' : a ? '.' : 'X');
  const rows = m.pods.map((f, i) => `${f.padEnd(w)}${m.cells[i].map((c) => mark(c.allowed).padEnd(w)).join('')}`);
  return [head, ...rows].map((l) => l.trimEnd()).join('\n');
}
