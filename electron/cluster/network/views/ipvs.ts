// `ipvsadm -Ln` on a node in kube-proxy's ipvs mode: one virtual server per Service address and port (cluster IP,
// external and LoadBalancer IPs, NodePort on the node's IP), round robin, with persistence for ClientIP affinity.
import { ipToInt } from '../addresses';
import { endpointsFor, usableEndpoints, type ServicePortRule } from '../rules';

export function ipvsadmList(input: { rules: ServicePortRule[]; node: string; nodeIP?: string }): string {
  const lines = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  const servers: { proto: string; addr: string; ip: string; port: number; rule: ServicePortRule; external: boolean }[] = [];
  for (const r of input.rules) {
    if (!r.clusterIP) continue;
    servers.push({ proto: r.protocol, addr: `${r.clusterIP}:${r.port}`, ip: r.clusterIP, port: r.port, rule: r, external: false });
    for (const ip of [...r.externalIPs, ...r.loadBalancerIPs])
      servers.push({ proto: r.protocol, addr: `${ip}:${r.port}`, ip, port: r.port, rule: r, external: true });
    if (r.nodePort && input.nodeIP)
      servers.push({ proto: r.protocol, addr: `${input.nodeIP}:${r.nodePort}`, ip: input.nodeIP, port: r.nodePort, rule: r, external: true });
  }
  servers.sort((a, b) => a.proto.localeCompare(b.proto) || ipToInt(a.ip) - ipToInt(b.ip) || a.port - b.port);
  for (const s of servers) {
    const r = s.rule;
    lines.push(`${s.proto.padEnd(4)} ${s.addr} rr${r.affinitySeconds !== undefined ? ` persistent ${r.affinitySeconds}` : ''}`);
    const local = s.external ? r.externalLocal : r.internalLocal;
    const eps = local ? endpointsFor(r, true, input.node) : usableEndpoints(r);
    for (const e of eps) lines.push(`  -> ${`${e.ip}:${e.port}`.padEnd(28)} ${'Masq'.padEnd(7)} ${'1'.padEnd(6)} ${'0'.padEnd(10)} 0         `);
  }
  return lines.join('\n') + '\n';
}
