// A NetworkPolicy compiled once per write into matchers, so a verdict never re-parses selectors or CIDRs.
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';
import { labelSelectorMatcher } from '../../api/selectors';
import { cidrMatcher, parseIP } from './cidr';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** what a peer rule is asked about: the other end of the flow, a pod when its IP is one */
export interface PeerEndpoint {
  ip: string;
  /** ip parsed once per verdict for ipBlock tests (undefined: not an IP address) */
  addr?: ReturnType<typeof parseIP>;
  pod?: { namespace: string; labels: Record<string, string> | undefined };
  namespaceLabels?: Record<string, string>;
}

export interface CompiledPeer {
  matches(peer: PeerEndpoint, policyNamespace: string): boolean;
}

export interface CompiledPort {
  protocol: Protocol;
  /** undefined: every port of the protocol */
  port?: number | string;
  endPort?: number;
}

export interface CompiledRule {
  /** undefined: every peer (an absent or empty from/to) */
  peers?: CompiledPeer[];
  /** undefined: every port */
  ports?: CompiledPort[];
}

export interface CompiledPolicy {
  namespace: string;
  name: string;
  /** namespace/name, how verdicts name it */
  id: string;
  resourceVersion?: string;
  selects: LabelMatcher;
  ingress?: CompiledRule[];
  egress?: CompiledRule[];
}

/** A pod is isolated for a direction only by policies listing that direction in (defaulted) policyTypes. */
export function compilePolicy(np: NetworkPolicy): CompiledPolicy {
  const namespace = np.metadata?.namespace ?? 'default';
  const name = np.metadata?.name ?? '';
  const spec = np.spec ?? { podSelector: {} };
  const types = effectivePolicyTypes(np);
  return {
    namespace,
    name,
    id: `${namespace}/${name}`,
    resourceVersion: np.metadata?.resourceVersion,
    // an absent podSelector is the empty selector (every pod of the namespace), as the API defaults it
    selects: labelSelectorMatcher(spec.podSelector ?? {}),
    ingress: types.includes('Ingress') ? (spec.ingress ?? []).map((r) => compileRule(r.from, r.ports)) : undefined,
    egress: types.includes('Egress') ? (spec.egress ?? []).map((r) => compileRule(r.to, r.ports)) : undefined,
  };
}

/** policyTypes as the API server defaults them, for objects that bypassed defaulting (tests, dry-run drafts) */
export function effectivePolicyTypes(np: NetworkPolicy): string[] {
  if (np.spec?.policyTypes?.length) return np.spec.policyTypes;
  return np.spec?.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
}

function compileRule(peers: NetworkPolicyPeer[] | undefined, ports: NetworkPolicyPort[] | undefined): CompiledRule {
  return {
    peers: peers?.length ? peers.map(compilePeer) : undefined,
    ports: ports?.length ? ports.map((p) => ({ protocol: (p.protocol ?? 'TCP') as Protocol, port: p.port, endPort: p.endPort })) : undefined,
  };
}

function compilePeer(peer: NetworkPolicyPeer): CompiledPeer {
  if (peer.ipBlock) {
    const block = ipBlockMatcher(peer.ipBlock.cidr, peer.ipBlock.except ?? []);
    return { matches: (p) => !!p.addr && block(p.addr) };
  }
  // podSelector alone: pods of the policy's namespace; namespaceSelector alone: every pod of the selected
  // namespaces; both in one peer: the selected pods of the selected namespaces (AND)
  const pods = peer.podSelector ? labelSelectorMatcher(peer.podSelector) : undefined;
  const nss = peer.namespaceSelector ? labelSelectorMatcher(peer.namespaceSelector) : undefined;
  return {
    matches(p, policyNamespace) {
      if (!p.pod) return false;
      if (nss ? !nss(p.namespaceLabels ?? {}) : p.pod.namespace !== policyNamespace) return false;
      return pods ? pods(p.pod.labels) : true;
    },
  };
}

/** cidr minus except; applied to any address, pod IPs included (Calico's reading of the API's "should") */
export function ipBlockMatcher(cidr: string, except: string[]): (ip: NonNullable<ReturnType<typeof parseIP>>) => boolean {
  const inside = cidrMatcher(cidr);
  const out = except.map(cidrMatcher);
  return (ip) => inside(ip) && !out.some((m) => m(ip));
}
