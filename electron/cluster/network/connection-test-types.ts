// The connection tester's question and answer, shared with the UI's typed API (browser-safe: types only).

export type ConnectionTarget =
  | { kind: 'pod'; namespace: string; name: string; port: number }
  /** by its DNS name from the source pod (`name` in the same namespace, `name.namespace` otherwise) */
  | { kind: 'service'; namespace: string; name: string; port: number }
  /** a NodePort (or hostPort) on a node's InternalIP */
  | { kind: 'node'; name: string; port: number }
  /** a DNS name or an IP address, as a program in the pod would dial it */
  | { kind: 'address'; host: string; port: number };

export interface ConnectionTestQuery {
  from: { namespace: string; name: string };
  to: ConnectionTarget;
}

export interface ConnectionHop {
  kind: 'source' | 'dns' | 'service' | 'hostPort' | 'route' | 'policy' | 'deliver';
  ok: boolean;
  text: string;
}

export interface ConnectionTestResult {
  /** `namespace/name (ip)` */
  from: string;
  /** what was dialled, `host:port` */
  target: string;
  /** what a TCP client in the pod would see */
  outcome: 'connected' | 'refused' | 'timeout' | 'unresolved';
  hops: ConnectionHop[];
  /** the NetworkPolicies that decided (namespace/name): the isolating ones on a drop, the admitting ones otherwise */
  policies: string[];
}
