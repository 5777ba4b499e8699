// The pure scheduling decision for one pod: filter, (preempt), score, pick. No I/O; the caller applies the result.
import { fitErrorMessage, newDiagnosis, type Diagnosis } from './fit-error';
import type { NodeInfo } from './node-info';
import { podInfo, type PodInfo } from './pod-info';
import { preempt, type PreemptionCandidate } from './preemption';
import { defaultProfile } from './profile';
import { runFiltersWithNominated, runPreFilters } from './run-filters';
import { buildSnapshot, type SnapshotInput } from './snapshot';
import { MAX_NODE_SCORE, type CycleState, type Pod, type Profile, type Snapshot } from './types';

export const ERR_NO_NODES = 'no nodes available to schedule pods';

export interface Scheduled {
  node: string;
  feasibleNodes: number;
  /** total weighted score per feasible node (absent when scoring was skipped) */
  scores?: Map<string, number>;
}

export interface Unschedulable {
  unschedulable: true;
  message: string;
  diagnosis: Diagnosis;
  /** true for internal errors (condition reason SchedulerError) rather than a fit failure */
  error?: boolean;
  /** set when preemption found victims: the caller evicts them and nominates the node */
  preemption?: PreemptionCandidate;
  /** string: nominate; null: clear; undefined: leave as is */
  nominatedNodeName?: string | null;
}

export type ScheduleResult = Scheduled | Unschedulable;

export interface ScheduleOptions {
  /** random source for breaking score ties (tests pass a fixed one) */
  random?: () => number;
}

const isSnapshot = (s: Snapshot | SnapshotInput): s is Snapshot => typeof (s as Snapshot).nodeInfos === 'function';

export function scheduleOne(pod: Pod, snapshot: Snapshot | SnapshotInput, profile: Profile = defaultProfile(), opts: ScheduleOptions = {}): ScheduleResult {
  const snap = isSnapshot(snapshot) ? snapshot : buildSnapshot(snapshot);
  const nodes = snap.nodeInfos();
  const diagnosis = newDiagnosis();
  if (nodes.length === 0) return { unschedulable: true, message: ERR_NO_NODES, diagnosis, error: true };
  const pi = podInfo(pod);
  const state: CycleState = new Map();

  const pre = runPreFilters(profile, state, pi, snap);
  if (pre) {
    diagnosis.preFilterMsg = pre.reasons.join(', ');
    diagnosis.absentNodesStatus = pre;
    if (pre.plugin) diagnosis.unschedulablePlugins.add(pre.plugin);
    return fail(profile, pi, snap, nodes.length, diagnosis);
  }

  // a node won by an earlier preemption is tried first and taken as is when it fits
  const nominated = pod.status?.nominatedNodeName;
  const nominatedNode = nominated ? snap.get(nominated) : undefined;
  if (nominatedNode && !runFiltersWithNominated(profile, state, pi, nominatedNode, snap)) {
    return { node: nominatedNode.name, feasibleNodes: 1 };
  }

  const feasible: NodeInfo[] = [];
  for (const node of nodes) {
    const st = runFiltersWithNominated(profile, state, pi, node, snap);
    if (!st) {
      feasible.push(node);
      continue;
    }
    diagnosis.nodeToStatus.set(node.name, st);
    if (st.plugin) diagnosis.unschedulablePlugins.add(st.plugin);
  }
  if (feasible.length === 0) return fail(profile, pi, snap, nodes.length, diagnosis);
  if (feasible.length === 1) return { node: feasible[0].name, feasibleNodes: 1 };

  const totals = scoreNodes(profile, state, pi, feasible, snap);
  return {
    node: selectHost(feasible, totals, opts.random ?? Math.random),
    feasibleNodes: feasible.length,
    scores: new Map(feasible.map((n, i) => [n.name, totals[i]])),
  };
}

function fail(profile: Profile, pi: PodInfo, snap: Snapshot, numNodes: number, diagnosis: Diagnosis): Unschedulable {
  const res: Unschedulable = { unschedulable: true, message: '', diagnosis };
  if (profile.preemption) {
    const out = preempt(profile, pi, snap, diagnosis);
    if (out.message) diagnosis.postFilterMsg = `preemption: ${out.message}`;
    res.preemption = out.candidate;
    res.nominatedNodeName = out.nominatedNodeName;
  }
  res.message = fitErrorMessage(numNodes, diagnosis);
  return res;
}

export function scoreNodes(profile: Profile, state: CycleState, pi: PodInfo, feasible: NodeInfo[], snap: Snapshot): number[] {
  const totals = new Array<number>(feasible.length).fill(0);
  for (const { plugin, weight } of profile.scorers) {
    if (plugin.preScore && !plugin.preScore(state, pi, feasible, snap)) continue;
    const scores = feasible.map((n) => plugin.score(state, pi, n, snap));
    plugin.normalize?.(state, pi, scores, feasible);
    for (let i = 0; i < scores.length; i++) totals[i] += Math.min(Math.max(scores[i], 0), MAX_NODE_SCORE) * weight;
  }
  return totals;
}

/** Highest total wins; ties go to a uniformly random one among them (reservoir sampling, like upstream). */
function selectHost(nodes: NodeInfo[], totals: number[], random: () => number): string {
  let best = -Infinity;
  let pick = 0;
  let ties = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (totals[i] > best) {
      best = totals[i];
      pick = i;
      ties = 1;
    } else if (totals[i] === best) {
      ties++;
      if (random() * ties < 1) pick = i;
    }
  }
  return nodes[pick].name;
}
