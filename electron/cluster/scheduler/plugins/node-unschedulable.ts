// NodeUnschedulable: cordoned nodes take no new pods unless the pod tolerates the unschedulable taint.
import { toleratedBy } from '../tolerations';
import { unresolvable, type FilterPlugin } from '../types';

export const ERR_NODE_UNSCHEDULABLE = 'node(s) were unschedulable';
const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(_s, pod, node) {
    if (!node.node?.spec?.unschedulable) return null;
    if (toleratedBy(pod.pod.spec?.tolerations, UNSCHEDULABLE_TAINT)) return null;
    return unresolvable(ERR_NODE_UNSCHEDULABLE);
  },
};
