/** every node's pod CIDR (10.244.<index>.0/24) is inside it, so the kubelet's IPAM picks addresses on it */
export const POD_SUBNET = '10.244.0.0/16';
/** the host's address on the pods' bridge: their default route, and where the Service proxy listens */
export const POD_GATEWAY = '10.244.255.254';
