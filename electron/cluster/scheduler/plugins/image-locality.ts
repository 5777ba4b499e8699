// ImageLocality: prefer nodes that already hold the pod's images, scaled by how widespread each image is.
import { MAX_NODE_SCORE, type ScorePlugin } from '../types';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

// images are matched by the name as written and with the implicit ":latest" tag
function normalizedImage(name: string): string {
  const lastSlash = name.lastIndexOf('/');
  return name.includes('@') || name.slice(lastSlash + 1).includes(':') ? name : `${name}:latest`;
}

export const imageLocality: ScorePlugin = {
  name: 'ImageLocality',
  preScore(state, _pod, _feasible, snapshot) {
    const all = snapshot.nodeInfos();
    const spread = new Map<string, { size: number; nodes: number }>();
    for (const n of all) {
      for (const img of n.node?.status?.images ?? []) {
        for (const nm of img.names ?? []) {
          const k = normalizedImage(nm);
          const e = spread.get(k) ?? { size: img.sizeBytes ?? 0, nodes: 0 };
          e.nodes++;
          spread.set(k, e);
        }
      }
    }
    state.set('ImageLocality', { spread, total: all.length });
    return spread.size > 0;
  },
  score(state, pod, node) {
    const st = state.get('ImageLocality') as { spread: Map<string, { size: number; nodes: number }>; total: number };
    const have = new Set<string>();
    for (const img of node.node?.status?.images ?? []) for (const nm of img.names ?? []) have.add(normalizedImage(nm));
    const containers = [...(pod.pod.spec?.initContainers ?? []), ...(pod.pod.spec?.containers ?? [])];
    let sum = 0;
    for (const c of containers) {
      const k = normalizedImage(c.image ?? '');
      const e = st.spread.get(k);
      if (e && have.has(k)) sum += Math.trunc(e.size * (e.nodes / st.total));
    }
    const maxThreshold = MAX_CONTAINER_THRESHOLD * Math.max(1, containers.length);
    const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), maxThreshold);
    return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
  },
};
