// PodTopologySpread: hard constraints (DoNotSchedule) filter by skew; soft ones (ScheduleAnyway) score.
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1';
import { labelSelectorMatcher } from '../../api/selectors';
import type { NodeInfo } from '../node-info';
import { podMatchesNodeSelectorAndAffinity } from '../node-selector';
import type { PodInfo } from '../pod-info';
import { doNotSchedule, firstUntolerated } from '../tolerations';
import { MAX_NODE_SCORE, unresolvable, unschedulable, type CycleState, type FilterPlugin, type ScorePlugin, type Snapshot } from '../types';

export const ERR_SPREAD = "node(s) didn't match pod topology spread constraints";
export const ERR_SPREAD_MISSING_LABEL = `${ERR_SPREAD} (missing required label)`;
const HOSTNAME = 'kubernetes.io/hostname';

interface Constraint {
  topologyKey: string;
  maxSkew: number;
  minDomains: number;
  selector: (labels: Record<string, string> | undefined) => boolean;
  honorAffinity: boolean;
  honorTaints: boolean;
}

function constraintsOf(pod: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const out: Constraint[] = [];
  for (const c of (pod.pod.spec?.topologySpreadConstraints ?? []) as TopologySpreadConstraint[]) {
    if (c.whenUnsatisfiable !== when) continue;
    // matchLabelKeys narrows the selector to pods sharing this pod's values (e.g. pod-template-hash)
    const exprs = [...(c.labelSelector?.matchExpressions ?? [])];
    for (const k of c.matchLabelKeys ?? []) if (k in pod.labels) exprs.push({ key: k, operator: 'In', values: [pod.labels[k]] });
    const sel = c.labelSelector ? { matchLabels: c.labelSelector.matchLabels, matchExpressions: exprs } : exprs.length ? { matchExpressions: exprs } : null;
    out.push({
      topologyKey: c.topologyKey,
      maxSkew: c.maxSkew,
      minDomains: c.minDomains ?? 1,
      selector: labelSelectorMatcher(sel as Parameters<typeof labelSelectorMatcher>[0]),
      honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    });
  }
  return out;
}

const hasAllKeys = (node: NodeInfo, cs: Constraint[]) => cs.every((c) => c.topologyKey in node.labels);

function nodeIncluded(c: Constraint, pod: PodInfo, node: NodeInfo): boolean {
  if (!node.node) return false;
  if (c.honorAffinity && !podMatchesNodeSelectorAndAffinity(pod.pod, node.node)) return false;
  if (c.honorTaints && firstUntolerated(node.node.spec?.taints, pod.pod.spec?.tolerations, doNotSchedule)) return false;
  return true;
}

function countMatching(node: NodeInfo, c: Constraint, namespace: string): number {
  let n = 0;
  for (const pi of node.pods.values()) {
    if (pi.namespace !== namespace || pi.pod.metadata?.deletionTimestamp) continue;
    if (c.selector(pi.labels)) n++;
  }
  return n;
}

interface FilterState {
  constraints: Constraint[];
  /** per constraint: domain value → matching pods */
  counts: Map<string, number>[];
}

const FILTER_KEY = 'PodTopologySpread/filter';

export const podTopologySpreadFilter: FilterPlugin = {
  name: 'PodTopologySpread',
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot) {
    const constraints = constraintsOf(pod, 'DoNotSchedule');
    const counts = constraints.map(() => new Map<string, number>());
    if (constraints.length) {
      for (const node of snapshot.nodeInfos()) {
        if (!hasAllKeys(node, constraints)) continue;
        constraints.forEach((c, i) => {
          if (!nodeIncluded(c, pod, node)) return;
          const v = node.labels[c.topologyKey];
          counts[i].set(v, (counts[i].get(v) ?? 0) + countMatching(node, c, pod.namespace));
        });
      }
    }
    state.set(FILTER_KEY, { constraints, counts } satisfies FilterState);
    return null;
  },
  filter(state, pod, node) {
    const s = state.get(FILTER_KEY) as FilterState | undefined;
    if (!s || s.constraints.length === 0) return null;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      if (!(c.topologyKey in node.labels)) return unresolvable(ERR_SPREAD_MISSING_LABEL);
      const domains = s.counts[i];
      let min = Infinity;
      for (const n of domains.values()) if (n < min) min = n;
      // fewer eligible domains than minDomains: the global minimum counts as 0
      if (min === Infinity || domains.size < c.minDomains) min = 0;
      const self = c.selector(pod.labels) ? 1 : 0;
      const skew = (domains.get(node.labels[c.topologyKey]) ?? 0) + self - min;
      if (skew > c.maxSkew) return unschedulable(ERR_SPREAD);
    }
    return null;
  },
};

interface ScoreState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  weights: number[];
  ignored: Set<string>;
}
const SCORE_KEY = 'PodTopologySpread/score';

export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  preScore(state, pod, feasible, snapshot) {
    const constraints = constraintsOf(pod, 'ScheduleAnyway');
    if (!constraints.length) return false;
    const ignored = new Set<string>();
    const domains = constraints.map(() => new Set<string>());
    for (const n of feasible) {
      if (!hasAllKeys(n, constraints)) {
        ignored.add(n.name);
        continue;
      }
      constraints.forEach((c, i) => domains[i].add(n.labels[c.topologyKey]));
    }
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of snapshot.nodeInfos()) {
      if (!hasAllKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (c.topologyKey === HOSTNAME || !nodeIncluded(c, pod, node)) return;
        const v = node.labels[c.topologyKey];
        if (!domains[i].has(v)) return;
        counts[i].set(v, (counts[i].get(v) ?? 0) + countMatching(node, c, pod.namespace));
      });
    }
    // more domains make each pod's weight count more, as log(domains + 2)
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? feasible.length - ignored.size : domains[i].size) + 2));
    state.set(SCORE_KEY, { constraints, counts, weights, ignored } satisfies ScoreState);
    return true;
  },
  score(state, pod, node) {
    const s = state.get(SCORE_KEY) as ScoreState;
    if (s.ignored.has(node.name)) return 0;
    let score = 0;
    s.constraints.forEach((c, i) => {
      const cnt = c.topologyKey === HOSTNAME ? countMatching(node, c, pod.namespace) : (s.counts[i].get(node.labels[c.topologyKey]) ?? 0);
      score += cnt * s.weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalize(state, _pod, scores, nodes) {
    const s = state.get(SCORE_KEY) as ScoreState;
    let min = Infinity;
    let max = -Infinity;
    nodes.forEach((n, i) => {
      if (s.ignored.has(n.name)) return;
      min = Math.min(min, scores[i]);
      max = Math.max(max, scores[i]);
    });
    nodes.forEach((n, i) => {
      if (s.ignored.has(n.name)) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i])) / max);
    });
  },
};
