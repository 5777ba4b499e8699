// NodeName: a pod that names its node (spec.nodeName set before scheduling, or a nominated fit) only goes there.
import { unresolvable, type FilterPlugin } from '../types';

export const ERR_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: FilterPlugin = {
  name: 'NodeName',
  filter(_s, pod, node) {
    const want = pod.pod.spec?.nodeName;
    if (!want || want === node.name) return null;
    return unresolvable(ERR_NODE_NAME);
  },
};
