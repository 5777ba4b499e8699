// Everything a shell on a node shows about the network, computed from the node list, the proxy rules and the CNI
// records: pure functions, so the node shell (and tests) just print them.
import type { KObject } from '../../api/types';
import type { ServicePortRule } from '../rules';
import type { Attachment } from '../cni';
import type { ProxyMode } from '../kube-proxy/config';
import { iptablesSave } from './iptables';
import { ipvsadmList } from './ipvs';
import { nodeAddresses, nodeIpAddr, nodeIpRoute } from './ip';
import { cniConflist, CNI_CONFLIST_PATH } from './cni-conf';

export { iptablesSave, statisticProbability } from './iptables';
export { ipvsadmList } from './ipvs';
export { nodeIpAddr, nodeIpRoute, nodeAddresses } from './ip';
export { cniConflist, CNI_CONFLIST_PATH } from './cni-conf';

export interface NodeViews {
  mode: ProxyMode;
  /** `iptables-save` (in ipvs mode kube-proxy still writes its KUBE-* chains; the Service rules live in IPVS) */
  iptablesSave(): string;
  /** `ipvsadm -Ln`; empty tables in iptables mode */
  ipvsadm(): string;
  ipRoute(): string;
  ipAddr(): string;
  /** files under /etc/cni/net.d */
  cniFiles(): Record<string, string>;
  /** files under /var/log/kubelab-cni: the policy verdict log and its rotated predecessor */
  policyLog(): Record<string, string>;
}

export function nodeViews(o: {
  node: string;
  nodes: KObject[];
  rules: ServicePortRule[];
  mode: ProxyMode;
  attachments: Attachment[];
  policyLog?: () => Record<string, string>;
}): NodeViews {
  const all = nodeAddresses(o.nodes);
  const self = all.find((n) => n.name === o.node) ?? { name: o.node, ip: '' };
  const vips = () => [...new Set(o.rules.flatMap((r) => (r.clusterIP ? [r.clusterIP, ...r.externalIPs, ...r.loadBalancerIPs] : [])))];
  return {
    mode: o.mode,
    iptablesSave: () => iptablesSave({ rules: o.mode === 'iptables' ? o.rules : [], node: o.node }),
    ipvsadm: () => ipvsadmList({ rules: o.mode === 'ipvs' ? o.rules : [], node: o.node, nodeIP: self.ip }),
    ipRoute: () => nodeIpRoute(self, all),
    ipAddr: () => nodeIpAddr(self, o.attachments, o.mode === 'ipvs' ? vips() : []),
    policyLog: () => o.policyLog?.() ?? { 'policy.log': '' },
    cniFiles: (): Record<string, string> => (self.podCIDR ? { [CNI_CONFLIST_PATH]: cniConflist(self.podCIDR) } : {}),
  };
}
