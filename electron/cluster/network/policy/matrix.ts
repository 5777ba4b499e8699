// The reachability matrix students look at: every policed pod to every policed pod on one port, from the evaluator
// (policy objects and labels only, grouped into pod classes), so a change recolours a 60-pod view in milliseconds.
// Why a cell is what it is comes from the data path's own engine, one cell at a time, when someone asks.
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import type { PolicyEngine } from './engine';
import { evaluateReachability, type Protocol } from './evaluator';

export interface MatrixOptions {
  /** only pods of these namespaces (default: every namespace with policed pods) */
  namespaces?: string[];
  port: number;
  protocol?: Protocol;
}

export interface MatrixCell {
  allowed: boolean;
  /** a draft preview: the cell differs from the matrix the cluster enforces now */
  changed?: boolean;
}

export interface ReachabilityMatrix {
  /** `namespace/name`, rows (from) and columns (to) in this order */
  pods: string[];
  /** namespaces that have policed pods, for the view's filter */
  namespaces: string[];
  port: number;
  protocol: Protocol;
  /** cells[from][to]; the diagonal is loopback, never policed */
  cells: MatrixCell[][];
  policies: number;
}

export interface CellExplanation {
  allowed: boolean;
  reason: string;
  /** namespace/name of the policies isolating either end for the flow's direction */
  policies: string[];
}

export function reachabilityMatrix(engine: PolicyEngine, opts: MatrixOptions): ReachabilityMatrix {
  const model = engine.model(opts.namespaces?.length ? opts.namespaces : undefined);
  const allowed = evaluateReachability(model, opts.port, opts.protocol ?? 'TCP');
  return shape(
    engine,
    model.pods,
    opts,
    allowed.map((row) => Array.from(row, (a) => ({ allowed: a === 1 }))),
  );
}

/** the matrix `draft` would produce if it were applied (created, or replacing the policy of its name), cells that change marked */
export function previewMatrix(engine: PolicyEngine, draft: NetworkPolicy, opts: MatrixOptions): ReachabilityMatrix {
  const model = engine.model(opts.namespaces?.length ? opts.namespaces : undefined);
  const id = (p: NetworkPolicy) => `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}`;
  const now = evaluateReachability(model, opts.port, opts.protocol ?? 'TCP');
  const policies = [...model.policies.filter((p) => id(p) !== id(draft)), draft];
  const next = evaluateReachability({ ...model, policies }, opts.port, opts.protocol ?? 'TCP');
  const m = shape(
    engine,
    model.pods,
    opts,
    next.map((row, i) => Array.from(row, (a, j) => (a === now[i][j] ? { allowed: a === 1 } : { allowed: a === 1, changed: true }))),
  );
  return { ...m, policies: engine.policyCount() + (engine.policyResourceVersion(draft.metadata?.namespace ?? 'default', draft.metadata?.name ?? '') ? 0 : 1) };
}

/** the engine's verdict for one cell, with the policies that decided it (the view asks when a cell is clicked) */
export function explainCell(engine: PolicyEngine, from: string, to: string, port: number, protocol: Protocol = 'TCP'): CellExplanation {
  const src = engine.pod(from),
    dst = engine.pod(to);
  if (!src || !dst) throw new Error(`no policed pod ${!src ? from : to} (a pod needs an IP and must not use the host network)`);
  if (from === to) return { allowed: true, reason: 'loopback: a pod reaching itself is not policed', policies: [] };
  const v = engine.explain({ srcIP: src.ips[0], dstIP: dst.ips[0], dstPort: port, protocol });
  return { allowed: v.allowed, reason: v.reason, policies: [...new Set([...v.egress.policies, ...v.ingress.policies])] };
}

function shape(engine: PolicyEngine, pods: { namespace: string; name: string }[], opts: MatrixOptions, cells: MatrixCell[][]): ReachabilityMatrix {
  return {
    pods: pods.map((p) => `${p.namespace}/${p.name}`),
    namespaces: engine.podNamespaces(),
    port: opts.port,
    protocol: opts.protocol ?? 'TCP',
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
