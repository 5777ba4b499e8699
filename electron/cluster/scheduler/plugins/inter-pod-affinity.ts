// InterPodAffinity: required pod (anti-)affinity of the incoming pod, existing pods' anti-affinity, and preferred terms.
import type { NodeInfo } from '../node-info';
import { termMatches, type AffinityTerm, type PodInfo } from '../pod-info';
import { MAX_NODE_SCORE, unresolvable, unschedulable, type CycleState, type FilterPlugin, type ScorePlugin, type Snapshot } from '../types';

export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/** "key\0value" → count */
type TopologyCounts = Map<string, number>;
const pair = (k: string, v: string) => `${k}\u0000${v}`;
const bump = (m: TopologyCounts, k: string, v: string, by: number) => {
  const p = pair(k, v);
  const n = (m.get(p) ?? 0) + by;
  if (n === 0) m.delete(p);
  else m.set(p, n);
};

interface FilterState {
  affinity: TopologyCounts;
  antiAffinity: TopologyCounts;
  existingAntiAffinity: TopologyCounts;
}
const FILTER_KEY = 'InterPodAffinity/filter';

const matchesAll = (terms: AffinityTerm[], target: PodInfo, nsLabels: Record<string, string> | undefined) =>
  terms.length > 0 && terms.every((t) => termMatches(t, target, nsLabels));

export const interPodAffinityFilter: FilterPlugin = {
  name: 'InterPodAffinity',
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot) {
    const s: FilterState = { affinity: new Map(), antiAffinity: new Map(), existingAntiAffinity: new Map() };
    const incomingNsLabels = snapshot.namespaceLabels(pod.namespace);
    const wantsPods = pod.requiredAffinity.length > 0 || pod.requiredAntiAffinity.length > 0;
    for (const node of snapshot.nodeInfos()) {
      const labels = node.labels;
      // existing pods whose required anti-affinity would reject the incoming pod in their domain
      for (const ex of node.podsWithRequiredAntiAffinity.values()) {
        for (const t of ex.requiredAntiAffinity) {
          if (t.topologyKey in labels && termMatches(t, pod, incomingNsLabels)) bump(s.existingAntiAffinity, t.topologyKey, labels[t.topologyKey], 1);
        }
      }
      if (!wantsPods) continue;
      for (const ex of node.pods.values()) {
        const exNs = snapshot.namespaceLabels(ex.namespace);
        // an existing pod counts for affinity only if it matches every required term
        if (matchesAll(pod.requiredAffinity, ex, exNs)) {
          for (const t of pod.requiredAffinity) if (t.topologyKey in labels) bump(s.affinity, t.topologyKey, labels[t.topologyKey], 1);
        }
        for (const t of pod.requiredAntiAffinity) {
          if (t.topologyKey in labels && termMatches(t, ex, exNs)) bump(s.antiAffinity, t.topologyKey, labels[t.topologyKey], 1);
        }
      }
    }
    state.set(FILTER_KEY, s);
    return null;
  },
  filter(state, pod, node, snapshot) {
    const s = state.get(FILTER_KEY) as FilterState;
    const labels = node.labels;
    if (pod.requiredAffinity.length) {
      let podsExist = true;
      for (const t of pod.requiredAffinity) {
        if (!(t.topologyKey in labels)) return unresolvable(ERR_AFFINITY);
        if ((s.affinity.get(pair(t.topologyKey, labels[t.topologyKey])) ?? 0) <= 0) podsExist = false;
      }
      // the first pod of a group with affinity to itself may go anywhere, or it would wait forever
      if (!podsExist && !(s.affinity.size === 0 && matchesAll(pod.requiredAffinity, pod, snapshot.namespaceLabels(pod.namespace)))) {
        return unresolvable(ERR_AFFINITY);
      }
    }
    for (const t of pod.requiredAntiAffinity) {
      if (t.topologyKey in labels && (s.antiAffinity.get(pair(t.topologyKey, labels[t.topologyKey])) ?? 0) > 0) return unschedulable(ERR_ANTI_AFFINITY);
    }
    if (s.existingAntiAffinity.size) {
      for (const [k, v] of Object.entries(labels)) if ((s.existingAntiAffinity.get(pair(k, v)) ?? 0) > 0) return unschedulable(ERR_EXISTING_ANTI_AFFINITY);
    }
    return null;
  },
};

const SCORE_KEY = 'InterPodAffinity/score';
// weight given to existing pods' *required* affinity terms that the incoming pod satisfies (upstream default)
const HARD_POD_AFFINITY_WEIGHT = 1;

export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  preScore(state, pod, _feasible, snapshot) {
    const hasPreferred = pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
    const scores: TopologyCounts = new Map();
    const incomingNs = snapshot.namespaceLabels(pod.namespace);
    let any = false;
    for (const node of snapshot.nodeInfos()) {
      const labels = node.labels;
      const pods = hasPreferred ? node.pods.values() : node.podsWithAffinity.values();
      for (const ex of pods) {
        const exNs = snapshot.namespaceLabels(ex.namespace);
        const add = (t: AffinityTerm, w: number) => {
          if (t.topologyKey in labels) {
            bump(scores, t.topologyKey, labels[t.topologyKey], w);
            any = true;
          }
        };
        for (const t of pod.preferredAffinity) if (termMatches(t, ex, exNs)) add(t, t.weight);
        for (const t of pod.preferredAntiAffinity) if (termMatches(t, ex, exNs)) add(t, -t.weight);
        for (const t of ex.requiredAffinity) if (termMatches(t, pod, incomingNs)) add(t, HARD_POD_AFFINITY_WEIGHT);
        for (const t of ex.preferredAffinity) if (termMatches(t, pod, incomingNs)) add(t, t.weight);
        for (const t of ex.preferredAntiAffinity) if (termMatches(t, pod, incomingNs)) add(t, -t.weight);
      }
    }
    state.set(SCORE_KEY, scores);
    return any;
  },
  score(state, _pod, node: NodeInfo) {
    const scores = state.get(SCORE_KEY) as TopologyCounts;
    let sum = 0;
    for (const [k, v] of Object.entries(node.labels)) sum += scores.get(pair(k, v)) ?? 0;
    return sum;
  },
  normalize(_s, _p, scores) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i] - min)) / diff) : 0;
  },
};
