// TaintToleration: NoSchedule/NoExecute taints must be tolerated; PreferNoSchedule only lowers the score.
import { doNotSchedule, firstUntolerated, tolerates } from '../tolerations';
import { MAX_NODE_SCORE, unresolvable, type FilterPlugin, type ScorePlugin } from '../types';
import { defaultNormalize } from './normalize';

export const untoleratedTaintReason = (key: string, value: string | undefined): string => `node(s) had untolerated taint {${key}: ${value ?? ''}}`;

export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter(_s, pod, node) {
    const taint = firstUntolerated(node.node?.spec?.taints, pod.pod.spec?.tolerations, doNotSchedule);
    if (!taint) return null;
    return unresolvable(untoleratedTaintReason(taint.key, taint.value));
  },
};

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  score(_s, pod, node) {
    // tolerations without an effect cover PreferNoSchedule too
    const tols = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let n = 0;
    for (const taint of node.node?.spec?.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule' && !tols.some((t) => tolerates(t, taint))) n++;
    }
    return n;
  },
  normalize(_s, _p, scores) {
    defaultNormalize(MAX_NODE_SCORE, true, scores);
  },
};
