// The FailedScheduling summary, built like upstream's FitError.Error().
import { Code, type Status } from './types';

export interface Diagnosis {
  /** node name → why it was rejected (only nodes that were evaluated) */
  nodeToStatus: Map<string, Status>;
  /** status for nodes absent from nodeToStatus (e.g. all of them when PreFilter rejected the pod) */
  absentNodesStatus?: Status;
  unschedulablePlugins: Set<string>;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

export const newDiagnosis = (): Diagnosis => ({ nodeToStatus: new Map(), unschedulablePlugins: new Set() });

// Go's sort.Strings compares bytes; JS's default sort compares UTF-16 units, the same for these ASCII strings.
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** "0/N nodes are available: <prefilter>. <count reason, …>. <postfilter>" */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    for (const st of d.nodeToStatus.values()) for (const r of st.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.nodeToStatus.size;
    if (absent > 0 && d.absentNodesStatus) for (const r of d.absentNodesStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort(byteOrder);
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

export const statusCodeOf = (d: Diagnosis, node: string): Code =>
  d.nodeToStatus.get(node)?.code ?? d.absentNodesStatus?.code ?? Code.UnschedulableAndUnresolvable;
