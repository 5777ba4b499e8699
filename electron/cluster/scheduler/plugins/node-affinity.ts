// NodeAffinity: nodeSelector plus required node affinity filter; preferred terms add their weights to the score.
import { podMatchesNodeSelectorAndAffinity, termMatchesNode } from '../node-selector';
import { MAX_NODE_SCORE, unresolvable, type FilterPlugin, type ScorePlugin } from '../types';
import { defaultNormalize } from './normalize';

export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  filter(_s, pod, node) {
    if (!node.node) return unresolvable(ERR_NODE_AFFINITY);
    return podMatchesNodeSelectorAndAffinity(pod.pod, node.node) ? null : unresolvable(ERR_NODE_AFFINITY);
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  preScore(_s, pod) {
    return (pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
  },
  score(_s, pod, node) {
    let sum = 0;
    for (const t of pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (t.weight !== 0 && node.node && termMatchesNode(t.preference, node.node)) sum += t.weight;
    }
    return sum;
  },
  normalize(_s, _p, scores) {
    defaultNormalize(MAX_NODE_SCORE, false, scores);
  },
};
