// /etc/cni/net.d/10-kubelab.conflist on a node: the plugin chain the runtime runs on sandbox create/delete
// (bridge with host-local IPAM over the node's pod CIDR, then portmap for hostPorts) and the MTU.
import { POD_MTU } from '../addresses';

export const CNI_CONFLIST_PATH = '/etc/cni/net.d/10-kubelab.conflist';

export function cniConflist(podCIDR: string): string {
  const gateway = podCIDR.replace(/\.0\/\d+$/, '.1');
  const conf = {
    cniVersion: '1.0.0',
    name: 'kubelab',
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        mtu: POD_MTU,
        ipam: { type: 'host-local', ranges: [[{ subnet: podCIDR, gateway }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return JSON.stringify(conf, null, 2) + '\n';
}
