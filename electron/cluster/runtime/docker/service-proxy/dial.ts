// The proxy's only ways into the cluster: through the simulated data path, as the Docker pod that opened the
// connection (its IP is the source), so endpoint choice, session affinity and NetworkPolicy egress apply as they
// do to a simulated client. Reaching endpoints that are themselves Docker pods is the data path's business
// (ClusterNetwork's delivery step), not this file's.
import type { Duplex } from 'node:stream';
import type { ClusterNetwork } from '../../../network/cluster-network';
import type { Question, Reply } from '../../../network/dns/message';

export function dialServiceAsPod(network: ClusterNetwork, podIP: string, vip: string, port: number): Promise<Duplex> {
  return network.connect({ podIP, namespace: '' }, vip, port);
}

/** the simulated network carries UDP only as DNS: a query to a Service VIP goes where CoreDNS's path sends it */
export async function dnsAsPod(network: ClusterNetwork, podIP: string, vip: string, port: number, q: Question): Promise<Reply | undefined> {
  return network.dnsExchange?.(podIP, { ip: vip, port }, q);
}
