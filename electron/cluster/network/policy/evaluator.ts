// The reachability evaluator: which pod may open a connection to which, on one port, computed from the policy
// objects, pod labels and namespace labels alone. It shares no code with the engine the data path asks (engine.ts
// and compile.ts), so tests can hold one against the other. It scales by grouping pods into classes that no policy
// can tell apart — same namespace, same labels, same named ports for the port asked about — and deciding each pair
// of classes once; only ipBlock peers look at a pod's own address, and those are memoised per block and pod.
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';
import { labelSelectorMatcher } from '../../api/selectors';
import { cidrMatcher, parseIP } from './cidr';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface EvalPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** the first address is the one judged (ipBlock peers) */
  ips: string[];
  namedPorts: Map<string, { port: number; protocol: string }[]>;
}

export interface EvalModel {
  pods: EvalPod[];
  namespaceLabels: ReadonlyMap<string, Record<string, string>>;
  /** at least every policy of the pods' namespaces (no other policy can select them) */
  policies: NetworkPolicy[];
}

type Matcher = (labels: Record<string, string> | undefined) => boolean;
/** a selector peer remembers its answer per pod class (0 not asked, 1 picks, 2 does not): pairs of classes ask it again and again */
type SelectorPeer = { pods?: Matcher; namespaces?: Matcher; picks?: Uint8Array };
type Peer = { block: number } | SelectorPeer;
interface Rule {
  namespace: string;
  /** undefined: every peer */
  peers?: Peer[];
  /** undefined: every port */
  ports?: NetworkPolicyPort[];
}
interface Policy {
  namespace: string;
  selects: Matcher;
  ingress?: Rule[];
  egress?: Rule[];
}
interface PodClass {
  index: number;
  namespace: string;
  labels: Record<string, string>;
  namespaceLabels: Record<string, string>;
  /** names of this class's container ports that are the port asked about */
  portNames: Set<string>;
  members: number[];
  ingressIsolated: boolean;
  /** ingress rules of the selecting policies whose ports admit the port asked about */
  ingress: Rule[];
  egressIsolated: boolean;
  egress: Rule[];
}

/** a direction's verdict for a class pair: allowed, denied, or allowed only for the other end's addresses in these blocks */
type Decision = true | false | number[];

/** allowed[from][to] over model.pods (1 allowed, 0 denied); a pod always reaches itself */
export function evaluateReachability(model: EvalModel, port: number, protocol: Protocol = 'TCP'): Uint8Array[] {
  const blocks: ((ip: ReturnType<typeof parseIP> | null) => boolean)[] = [];
  const blockIds = new Map<string, number>();
  const blockOf = (cidr: string, except: string[]) => {
    const key = `${cidr}-${except.join(',')}`;
    let id = blockIds.get(key);
    if (id === undefined) {
      const inside = cidrMatcher(cidr);
      const outside = except.map(cidrMatcher);
      blocks.push((ip) => !!ip && inside(ip) && !outside.some((m) => m(ip)));
      blockIds.set(key, (id = blocks.length - 1));
    }
    return id;
  };

  const byNamespace = new Map<string, Policy[]>();
  for (const np of model.policies) {
    const p = toPolicy(np, blockOf);
    const list = byNamespace.get(p.namespace) ?? [];
    list.push(p);
    byNamespace.set(p.namespace, list);
  }

  const classes = classify(model, port, protocol, byNamespace);
  const classOf = new Int32Array(model.pods.length);
  classes.forEach((c, i) => c.members.forEach((m) => (classOf[m] = i)));

  // per block, per pod: 0 not yet asked, 1 inside, 2 outside
  const memo = blocks.map(() => new Uint8Array(model.pods.length));
  const addrs = new Array<ReturnType<typeof parseIP> | null>(model.pods.length).fill(null);
  const inBlocks = (ids: number[], pod: number): boolean => {
    // a plain loop: this runs per pod and class pair, and a callback per call is garbage the collector then chases
    for (const b of ids) {
      if (!memo[b][pod]) {
        if (addrs[pod] === null) addrs[pod] = parseIP(model.pods[pod].ips[0]);
        memo[b][pod] = blocks[b](addrs[pod]) ? 1 : 2;
      }
      if (memo[b][pod] === 1) return true;
    }
    return false;
  };

  // rows of 0/1: a 1000 × 1000 matrix of booleans in plain arrays costs more in allocation than the verdicts do
  const out = model.pods.map(() => new Uint8Array(model.pods.length));
  for (const src of classes) {
    for (const dst of classes) {
      const egress = egressDecision(src, dst, port, protocol, classes.length);
      const ingress = egress === false ? false : ingressDecision(src, dst, classes.length);
      if (egress === false || ingress === false) continue; // rows start denied
      // ingress's blocks judge the source's address, egress's the destination's: each once per pod, not per cell
      for (const i of src.members) {
        if (ingress !== true && !inBlocks(ingress, i)) continue;
        const row = out[i];
        if (egress === true) for (const j of dst.members) row[j] = 1;
        else for (const j of dst.members) row[j] = inBlocks(egress, j) ? 1 : 0;
      }
    }
  }
  out.forEach((row, i) => (row[i] = 1));
  return out;
}

function toPolicy(np: NetworkPolicy, blockOf: (cidr: string, except: string[]) => number): Policy {
  const namespace = np.metadata?.namespace ?? 'default';
  const spec = np.spec;
  // policyTypes as the API server defaults them, for drafts that were never defaulted
  const types = spec?.policyTypes?.length ? spec.policyTypes : spec?.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  const rule = (peers: NetworkPolicyPeer[] | undefined, ports: NetworkPolicyPort[] | undefined): Rule => ({
    namespace,
    peers: peers?.length
      ? peers.map((p): Peer => {
          if (p.ipBlock) return { block: blockOf(p.ipBlock.cidr, p.ipBlock.except ?? []) };
          return {
            pods: p.podSelector ? labelSelectorMatcher(p.podSelector) : undefined,
            namespaces: p.namespaceSelector ? labelSelectorMatcher(p.namespaceSelector) : undefined,
          };
        })
      : undefined,
    ports: ports?.length ? ports : undefined,
  });
  return {
    namespace,
    selects: labelSelectorMatcher(spec?.podSelector ?? {}),
    ingress: types.includes('Ingress') ? (spec?.ingress ?? []).map((r) => rule(r.from, r.ports)) : undefined,
    egress: types.includes('Egress') ? (spec?.egress ?? []).map((r) => rule(r.to, r.ports)) : undefined,
  };
}

function classify(model: EvalModel, port: number, protocol: Protocol, byNamespace: Map<string, Policy[]>): PodClass[] {
  const classes = new Map<string, PodClass>();
  model.pods.forEach((pod, index) => {
    const portNames = [...pod.namedPorts].filter(([, list]) => list.some((p) => p.port === port && p.protocol === protocol)).map(([name]) => name);
    const labels = Object.keys(pod.labels)
      .sort()
      .map((k) => `${k}=${pod.labels[k]}`);
    const key = JSON.stringify([pod.namespace, labels, portNames.sort()]);
    let c = classes.get(key);
    if (!c) {
      const policies = (byNamespace.get(pod.namespace) ?? []).filter((p) => p.selects(pod.labels));
      const ingressPolicies = policies.filter((p) => p.ingress);
      const egressPolicies = policies.filter((p) => p.egress);
      c = {
        index: classes.size,
        namespace: pod.namespace,
        labels: pod.labels,
        namespaceLabels: model.namespaceLabels.get(pod.namespace) ?? {},
        portNames: new Set(portNames),
        members: [],
        ingressIsolated: ingressPolicies.length > 0,
        ingress: [],
        egressIsolated: egressPolicies.length > 0,
        egress: egressPolicies.flatMap((p) => p.egress!),
      };
      const target = c;
      // an ingress rule's ports are about this class (the destination): filter them once here
      c.ingress = ingressPolicies.flatMap((p) => p.ingress!).filter((r) => admitsPort(r, target, port, protocol));
      classes.set(key, c);
    }
    c.members.push(index);
  });
  return [...classes.values()];
}

function admitsPort(rule: Rule, dst: PodClass, port: number, protocol: Protocol): boolean {
  if (!rule.ports) return true;
  return rule.ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    // a named port is the destination pod's container port of that name
    if (typeof p.port === 'string') return dst.portNames.has(p.port);
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

/** does a selector peer of a policy in `namespace` pick the pods of class `c`? (ipBlock peers are answered per address) */
function selectorPeerPicks(peer: SelectorPeer, namespace: string, c: PodClass, classes: number): boolean {
  const memo = (peer.picks ??= new Uint8Array(classes));
  if (!memo[c.index]) {
    const nsOk = peer.namespaces ? peer.namespaces(c.namespaceLabels) : c.namespace === namespace;
    memo[c.index] = nsOk && (!peer.pods || peer.pods(c.labels)) ? 1 : 2;
  }
  return memo[c.index] === 1;
}

function decide(rules: Rule[], other: PodClass, classes: number): Decision {
  const blocks: number[] = [];
  for (const r of rules) {
    if (!r.peers) return true;
    for (const p of r.peers) {
      if ('block' in p) blocks.push(p.block);
      else if (selectorPeerPicks(p, r.namespace, other, classes)) return true;
    }
  }
  return blocks.length ? blocks : false;
}

function egressDecision(src: PodClass, dst: PodClass, port: number, protocol: Protocol, classes: number): Decision {
  if (!src.egressIsolated) return true;
  return decide(
    src.egress.filter((r) => admitsPort(r, dst, port, protocol)),
    dst,
    classes,
  );
}

function ingressDecision(src: PodClass, dst: PodClass, classes: number): Decision {
  return dst.ingressIsolated ? decide(dst.ingress, src, classes) : true;
}
