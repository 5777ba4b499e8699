// The connection tester: the path a new TCP connection from a pod would take, hop by hop, without opening it —
// the pod's resolver (its resolv.conf search path), kube-proxy's Service translation, the portmap plugin, the
// route between nodes, NetworkPolicy on the real pod-to-pod hop, and what listens at the end.
import { isIP } from 'node:net';
import type { Client } from '../client/types';
import { R } from '../client/resources';
import { statusError } from '../api/errors';
import type { KObject } from '../api/types';
import { internalIP, type ClusterNetwork } from './cluster-network';
import type { PolicyEngine } from './policy/engine';
import { podDnsSettings } from './dns/pod-dns';
import type { ConnectionHop, ConnectionTarget, ConnectionTestQuery, ConnectionTestResult } from './connection-test-types';

export type { ConnectionHop, ConnectionTarget, ConnectionTestQuery, ConnectionTestResult } from './connection-test-types';

export interface ConnectionTestDeps {
  client: Client;
  network: ClusterNetwork;
  policy?: PolicyEngine;
}

const bad = (message: string) => statusError(400, 'BadRequest', message);

function checkPort(port: unknown): number {
  const p = Number(port);
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw bad(`port must be between 1 and 65535, inclusive (got ${String(port)})`);
  return p;
}

async function targetHost(d: ConnectionTestDeps, src: KObject, to: ConnectionTarget): Promise<string> {
  switch (to?.kind) {
    case 'pod': {
      const pod = await d.client.get(R.pods, to.namespace, to.name);
      const ip = pod.status?.podIP;
      if (!ip) throw bad(`pod ${to.namespace}/${to.name} has no IP yet`);
      return ip;
    }
    case 'service':
      await d.client.get(R.services, to.namespace, to.name);
      return to.namespace === src.metadata.namespace ? to.name : `${to.name}.${to.namespace}`;
    case 'node': {
      const ip = internalIP(await d.client.get(R.nodes, undefined, to.name));
      if (!ip) throw bad(`node ${to.name} has no InternalIP`);
      return ip;
    }
    case 'address':
      if (typeof to.host !== 'string' || !to.host.trim()) throw bad('a target address or DNS name is required');
      return to.host.trim();
    default:
      throw bad(`target kind must be one of pod, service, node, address (got ${String((to as { kind?: unknown })?.kind)})`);
  }
}

export async function testConnection(d: ConnectionTestDeps, q: ConnectionTestQuery): Promise<ConnectionTestResult> {
  if (!q?.from?.namespace || !q.from.name) throw bad('a source pod (namespace and name) is required');
  const port = checkPort(q.to?.port);
  const src = await d.client.get(R.pods, q.from.namespace, q.from.name);
  const srcIP: string | undefined = src.status?.podIP;
  if (!srcIP || src.status?.phase !== 'Running') throw bad(`pod ${q.from.namespace}/${q.from.name} is not running`);
  const host = await targetHost(d, src, q.to);
  const srcNode = src.spec?.nodeName as string | undefined;
  const result: ConnectionTestResult = {
    from: `${q.from.namespace}/${q.from.name} (${srcIP})`,
    target: `${host}:${port}`,
    outcome: 'connected',
    hops: [{ kind: 'source', ok: true, text: `${q.from.namespace}/${q.from.name} ${srcIP}${srcNode ? ` on ${srcNode}` : ''}` }],
    policies: [],
  };

  let ip = host;
  if (!isIP(host)) {
    const dns = podDnsSettings(src);
    const ips = await d.network.resolve(host, {
      namespace: q.from.namespace,
      searches: dns.searches,
      podIP: srcIP,
      nameservers: dns.servers,
      options: dns.options,
    });
    if (!ips.length) {
      result.hops.push({ kind: 'dns', ok: false, text: `${host}: no answer (search ${dns.searches.join(' ') || '<none>'}): bad address '${host}'` });
      result.outcome = 'unresolved';
      return result;
    }
    ip = ips[0];
    result.hops.push({ kind: 'dns', ok: true, text: `${host} → ${ips.join(', ')}` });
  }

  const t = d.network.trace({ ip: srcIP, node: srcNode, internal: true }, ip, port);
  const last = t.path.at(-1);
  // kube-proxy's and the portmap plugin's translations; a Service without (local) endpoints ends the path there
  for (const s of t.path) if (s.step === 'service' || s.step === 'hostPort') result.hops.push({ kind: s.step, ok: s !== last || t.ok, text: s.detail });
  // past kube-proxy: the hop between nodes, the policy, the listener
  if (t.path.some((s) => s.step === 'filter' || s.step === 'deliver')) {
    result.hops.push(routeHop(d.network, t.srcIP, t.dstIP, srcNode));
    if (d.policy) {
      const v = d.policy.explain({ srcIP: t.srcIP, dstIP: t.dstIP, dstPort: t.dstPort, protocol: 'TCP' });
      const denied = [v.egress, v.ingress].filter((x) => !x.allowed);
      result.policies = denied.length
        ? denied.flatMap((x) => x.policies)
        : [v.egress.allowedBy?.policy, v.ingress.allowedBy?.policy].filter((x): x is string => !!x);
      result.hops.push({ kind: 'policy', ok: v.allowed, text: `NetworkPolicy: ${v.reason}` });
    }
    const end = t.path.find((s) => s.step === 'deliver');
    if (end) result.hops.push({ kind: 'deliver', ok: t.ok, text: end.detail });
  }
  result.outcome = t.ok ? 'connected' : t.code === 'ECONNREFUSED' ? 'refused' : 'timeout';
  return result;
}

/** the hop between the client's node and the destination's: the node bridge, or the route to the other node's pod CIDR */
function routeHop(net: ClusterNetwork, from: string, to: string, srcNode: string | undefined): ConnectionHop {
  const a = srcNode ?? net.nodeOf(from);
  const b = net.nodeOf(to);
  if (!b) return { kind: 'route', ok: true, text: `${to} is outside the pod network` };
  if (a === b) return { kind: 'route', ok: true, text: `${from} → ${to}: same node (${b}), across its cni0 bridge` };
  const via = net.nodeIPOf(b);
  const cidr = net.podCIDROf(b);
  return { kind: 'route', ok: true, text: `${a ?? from} → ${b}: ${cidr ? `route ${cidr} ` : ''}via ${via ?? '?'} (node to node)` };
}
