// NodePorts: two pods cannot claim the same hostPort/protocol on a node (0.0.0.0 conflicts with every IP).
import { unschedulable, type FilterPlugin } from '../types';

export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  filter(_s, pod, node) {
    for (const hp of pod.hostPorts) {
      const ips = node.usedPorts.get(`${hp.protocol}/${hp.port}`);
      if (!ips) continue;
      if (hp.ip === '0.0.0.0' || ips.has('0.0.0.0') || ips.has(hp.ip)) return unschedulable(ERR_NODE_PORTS);
    }
    return null;
  },
};
