// DefaultTolerationSeconds: pods tolerate a not-ready or unreachable node for 5 minutes before the taint manager
// evicts them, unless they already say how long they tolerate it.
import type { AdmissionPlugin } from './types';

const DEFAULT_SECONDS = 300;
const TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

export const defaultTolerationSeconds: AdmissionPlugin = {
  name: 'DefaultTolerationSeconds',
  mutate(a) {
    if (a.gvr.group !== '' || a.gvr.resource !== 'pods' || a.subresource || !a.object) return;
    if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
    const spec = (a.object.spec ??= {});
    const tolerations: any[] = spec.tolerations ?? [];
    for (const key of TAINTS) {
      const covered = tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
      if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_SECONDS });
    }
    spec.tolerations = tolerations;
  },
};
