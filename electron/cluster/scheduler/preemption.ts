// DefaultPreemption (PostFilter): find the node where evicting the fewest/least important lower-priority pods
// makes the pod fit, preferring victims whose eviction keeps PodDisruptionBudgets intact.
import { labelSelectorMatcher } from '../api/selectors';
import { fitErrorMessage, statusCodeOf, type Diagnosis } from './fit-error';
import type { NodeInfo } from './node-info';
import { podStartTime, type PodInfo } from './pod-info';
import { runFilters, runPreFilters } from './run-filters';
import { OverlaySnapshot } from './snapshot';
import { Code, unresolvable, type Pod, type PodDisruptionBudget, type Profile, type Snapshot, type Status } from './types';

export const ERR_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const ERR_NOT_HELPFUL = 'Preemption is not helpful for scheduling';

export interface PreemptionCandidate {
  nodeName: string;
  /** most important first */
  victims: Pod[];
  numPDBViolations: number;
}

export interface PreemptionOutcome {
  candidate?: PreemptionCandidate;
  /** message for the FailedScheduling summary, without the "preemption: " prefix; '' on success */
  message: string;
  /** string: nominate; null: clear the pod's nominatedNodeName; undefined: leave it */
  nominatedNodeName?: string | null;
}

/** upstream's MoreImportantPod: higher priority, then the one that started earlier */
export function moreImportant(a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return podStartTime(a.pod) < podStartTime(b.pod);
}

function fitsOn(profile: Profile, pod: PodInfo, node: NodeInfo, snap: Snapshot): Status | null {
  const view = new OverlaySnapshot(snap, new Map([[node.name, node]]));
  const state = new Map<string, unknown>();
  const pre = runPreFilters(profile, state, pod, view);
  if (pre) return pre;
  return runFilters(profile, state, pod, node, view);
}

/** Splits victims (kept in order) into those whose eviction would exceed a PDB's allowed disruptions and the rest. */
export function splitByPDBViolation(victims: PodInfo[], pdbs: PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const matchers = pdbs.map((p) => (p.spec?.selector ? labelSelectorMatcher(p.spec.selector as Parameters<typeof labelSelectorMatcher>[0]) : null));
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const v of victims) {
    let violated = false;
    if (Object.keys(v.labels).length) {
      pdbs.forEach((pdb, i) => {
        const sel = pdb.spec?.selector;
        const empty = !sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length);
        if (pdb.metadata?.namespace !== v.namespace || empty || !matchers[i]?.(v.labels)) return;
        if (pdb.status?.disruptedPods && v.name in pdb.status.disruptedPods) return;
        if (--allowed[i] < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(v);
  }
  return { violating, nonViolating };
}

function selectVictimsOnNode(profile: Profile, pod: PodInfo, node: NodeInfo, snap: Snapshot): { victims: PodInfo[]; violations: number } | Status {
  const work = node.clone();
  const potential = [...work.pods.values()].filter((p) => p.priority < pod.priority);
  if (potential.length === 0) return unresolvable(ERR_NO_VICTIMS);
  for (const p of potential) work.removePod(p.key);
  const st = fitsOn(profile, pod, work, snap);
  if (st) return st;
  potential.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
  const { violating, nonViolating } = splitByPDBViolation(potential, snap.pdbs());
  const victims: PodInfo[] = [];
  let violations = 0;
  // give back as many pods as possible, PDB-protected ones first, most important first
  const reprieve = (p: PodInfo): boolean => {
    work.addPod(p);
    if (!fitsOn(profile, pod, work, snap)) return true;
    work.removePod(p.key);
    victims.push(p);
    return false;
  };
  for (const p of violating) if (!reprieve(p)) violations++;
  for (const p of nonViolating) reprieve(p);
  if (violating.length && nonViolating.length) victims.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
  return { victims, violations };
}

interface Candidate {
  node: string;
  victims: PodInfo[];
  violations: number;
}

/** Fewest PDB violations, lowest top victim priority, lowest priority sum, fewest victims, latest start. */
export function pickOneNodeForPreemption(cands: Candidate[]): Candidate | undefined {
  if (cands.length <= 1) return cands[0];
  const earliestTopStart = (c: Candidate) => {
    const top = c.victims[0].priority;
    let t = Infinity;
    for (const v of c.victims) if (v.priority === top) t = Math.min(t, podStartTime(v.pod));
    return t;
  };
  const scorers: ((c: Candidate) => number)[] = [
    (c) => -c.violations,
    (c) => -c.victims[0].priority,
    (c) => -c.victims.reduce((s, v) => s + v.priority + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => earliestTopStart(c),
  ];
  let pool = cands;
  for (const f of scorers) {
    let best = -Infinity;
    let next: Candidate[] = [];
    for (const c of pool) {
      const s = f(c);
      if (s > best) {
        best = s;
        next = [c];
      } else if (s === best) next.push(c);
    }
    if (next.length === 1) return next[0];
    pool = next;
  }
  return pool[0];
}

export function preempt(profile: Profile, pod: PodInfo, snap: Snapshot, diagnosis: Diagnosis): PreemptionOutcome {
  const spec = pod.pod.spec;
  if (spec?.preemptionPolicy === 'Never') return { message: 'not eligible due to preemptionPolicy=Never.' };
  const nominated = pod.pod.status?.nominatedNodeName;
  if (nominated && statusCodeOf(diagnosis, nominated) !== Code.UnschedulableAndUnresolvable) {
    const ni = snap.get(nominated);
    // victims of an earlier preemption are still leaving: wait for them rather than evicting more
    if (ni && [...ni.pods.values()].some((p) => p.priority < pod.priority && p.pod.metadata?.deletionTimestamp)) {
      return { message: 'not eligible due to a terminating pod on the nominated node.' };
    }
  }
  const all = snap.nodeInfos();
  const nodeStatuses = new Map<string, Status>();
  const candidates: Candidate[] = [];
  const violatingCandidates: Candidate[] = [];
  for (const node of all) {
    if (statusCodeOf(diagnosis, node.name) !== Code.Unschedulable) continue;
    const r = selectVictimsOnNode(profile, pod, node, snap);
    if ('code' in r) {
      nodeStatuses.set(node.name, r);
      continue;
    }
    if (r.victims.length === 0) {
      nodeStatuses.set(node.name, { code: Code.Error, reasons: [`expected at least one victim pod on node "${node.name}"`] });
      continue;
    }
    (r.violations === 0 ? candidates : violatingCandidates).push({ node: node.name, victims: r.victims, violations: r.violations });
  }
  const best = pickOneNodeForPreemption([...candidates, ...violatingCandidates]);
  if (!best) {
    const msg = fitErrorMessage(all.length, {
      nodeToStatus: nodeStatuses,
      absentNodesStatus: unresolvable(ERR_NOT_HELPFUL),
      unschedulablePlugins: new Set(),
    });
    return { message: msg, nominatedNodeName: null };
  }
  return {
    candidate: { nodeName: best.node, victims: best.victims.map((v) => v.pod), numPDBViolations: best.violations },
    message: '',
    nominatedNodeName: best.node,
  };
}
