// The NetworkPolicy model the data path asks about every new connection: pods by IP, namespace labels and the
// compiled policies, with the policies selecting each pod cached until that pod, its namespace's policies or a
// namespace's labels change. A verdict costs O(policies selecting the two pods).
import type { Pod } from 'kubernetes-types/core/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import type { FilterVerdict, Flow, PacketFilter, PolicyDecision } from '../packet-filter';
import { compilePolicy, type CompiledPolicy, type CompiledPort, type CompiledRule, type PeerEndpoint } from './compile';
import { parseIP } from './cidr';

export interface PolicedPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ips: string[];
  /** the node's IP: traffic from it to the pod is the node's own (kubelet probes), never policed */
  hostIP?: string;
  /** container ports by name, for named ports in rules */
  namedPorts: Map<string, { port: number; protocol: string }[]>;
}

export interface DirectionVerdict {
  allowed: boolean;
  /** false when no policy selects the pod for this direction (or the end is not a policed pod) */
  isolated: boolean;
  /** namespace/name of every policy isolating the pod in this direction */
  policies: string[];
  /** the first policy and rule (0-based) that admitted the flow */
  allowedBy?: { policy: string; rule: number };
  /** why the direction was not policed when it was not (node-local, not a pod) */
  note?: string;
}

export interface Verdict {
  allowed: boolean;
  reason: string;
  /** namespace/name of each end when it is a policed pod */
  from?: string;
  to?: string;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
}

type Selecting = { ingress: CompiledPolicy[]; egress: CompiledPolicy[]; ingressIds: string[]; egressIds: string[] };
type Endpoint = { key?: string; pod?: PolicedPod; peer: PeerEndpoint };

export class PolicyEngine implements PacketFilter {
  private policies = new Map<string, CompiledPolicy>();
  /** the objects as written, for the evaluator (the matrix and draft previews), which compiles them its own way */
  private sources = new Map<string, NetworkPolicy>();
  private policiesByNs = new Map<string, Set<string>>();
  private pods = new Map<string, PolicedPod>();
  private podByIP = new Map<string, string>();
  private namespaces = new Map<string, Record<string, string>>();
  private selecting = new Map<string, Selecting>();
  private verdicts = new Map<string, Verdict>();
  /** an address's pod and parsed form, until the next change */
  private endpoints = new Map<string, Endpoint>();
  private listeners = new Set<() => void>();
  /** bumps on every change, so views can tell a stale matrix */
  generation = 0;

  check(flow: Flow): FilterVerdict {
    const v = this.explain(flow);
    const decisions: PolicyDecision[] = [];
    const decided = (direction: 'egress' | 'ingress', d: DirectionVerdict) =>
      d.isolated &&
      decisions.push({
        direction,
        allowed: d.allowed,
        policies: d.policies,
        allowedBy: d.allowedBy && `${d.allowedBy.policy} rule ${d.allowedBy.rule + 1}`,
      });
    decided('egress', v.egress);
    // a packet its source's egress dropped never reaches the destination's node
    if (v.egress.allowed) decided('ingress', v.ingress);
    return { allowed: v.allowed, reason: v.reason, decisions };
  }

  /** namespace/name of the policed pod with this IP (the policy log names the ends) */
  podName(ip: string): string | undefined {
    return this.podByIP.get(ip);
  }

  /** the verdict with both directions' reasoning (the reachability matrix's hover text) */
  explain(flow: Flow): Verdict {
    const k = `${flow.protocol}|${flow.srcIP}|${flow.dstIP}|${flow.dstPort}`;
    let v = this.verdicts.get(k);
    if (!v) {
      v = this.evaluate(flow);
      // bounded: a scan over many ports must not grow the cache without end
      if (this.verdicts.size > 50_000) this.verdicts.clear();
      this.verdicts.set(k, v);
    }
    return v;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  setPolicy(np: NetworkPolicy): void {
    const c = compilePolicy(np);
    this.policies.set(c.id, c);
    this.sources.set(c.id, np);
    let s = this.policiesByNs.get(c.namespace);
    if (!s) this.policiesByNs.set(c.namespace, (s = new Set()));
    s.add(c.id);
    this.invalidateNamespace(c.namespace);
  }

  deletePolicy(np: NetworkPolicy): void {
    const id = `${np.metadata?.namespace ?? 'default'}/${np.metadata?.name ?? ''}`;
    if (!this.policies.delete(id)) return;
    this.sources.delete(id);
    this.policiesByNs.get(np.metadata?.namespace ?? 'default')?.delete(id);
    this.invalidateNamespace(np.metadata?.namespace ?? 'default');
  }

  setPod(pod: Pod): void {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    this.dropPod(key);
    const phase = pod.status?.phase;
    // a hostNetwork pod has the node's IP and is not a policy endpoint; a finished pod has given its IP back
    if (pod.spec?.hostNetwork || phase === 'Succeeded' || phase === 'Failed') return this.changed();
    const ips = (pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : [])).filter((ip): ip is string => !!ip);
    if (!ips.length) return this.changed();
    const namedPorts = new Map<string, { port: number; protocol: string }[]>();
    for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
      for (const p of c.ports ?? []) {
        if (!p.name) continue;
        const list = namedPorts.get(p.name) ?? [];
        list.push({ port: p.containerPort, protocol: p.protocol ?? 'TCP' });
        namedPorts.set(p.name, list);
      }
    }
    const info: PolicedPod = {
      namespace: pod.metadata?.namespace ?? 'default',
      name: pod.metadata?.name ?? '',
      labels: { ...(pod.metadata?.labels ?? {}) },
      ips,
      hostIP: pod.status?.hostIP,
      namedPorts,
    };
    this.pods.set(key, info);
    for (const ip of ips) this.podByIP.set(ip, key);
    this.changed();
  }

  deletePod(pod: Pod): void {
    this.dropPod(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
    this.changed();
  }

  setNamespace(name: string, labels: Record<string, string> | undefined): void {
    this.namespaces.set(name, { ...(labels ?? {}) });
    // namespace labels only matter to peers, which are evaluated per verdict: the verdict cache is all that goes
    this.changed();
  }

  deleteNamespace(name: string): void {
    this.namespaces.delete(name);
    this.changed();
  }

  /** the policed pods (the matrix's rows and columns) */
  listPods(namespaces?: string[]): PolicedPod[] {
    const want = namespaces?.length ? new Set(namespaces) : undefined;
    // plain code-unit order: localeCompare costs microseconds a call, and the live matrix sorts every refresh
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return [...this.pods.values()].filter((p) => !want || want.has(p.namespace)).sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
  }

  /** what the evaluator needs for a matrix over the pods of `namespaces` (default: all): only policies of those namespaces can select them */
  model(namespaces?: string[]): { pods: PolicedPod[]; namespaceLabels: ReadonlyMap<string, Record<string, string>>; policies: NetworkPolicy[] } {
    const pods = this.listPods(namespaces);
    const nss = new Set(pods.map((p) => p.namespace));
    const policies: NetworkPolicy[] = [];
    for (const ns of nss) for (const id of this.policiesByNs.get(ns) ?? []) policies.push(this.sources.get(id)!);
    return { pods, namespaceLabels: this.namespaces, policies };
  }

  /** the namespaces that have policed pods */
  podNamespaces(): string[] {
    return [...new Set([...this.pods.values()].map((p) => p.namespace))].sort();
  }

  /** the policed pod by namespace/name */
  pod(key: string): PolicedPod | undefined {
    return this.pods.get(key);
  }

  policyCount(): number {
    return this.policies.size;
  }

  /** the resourceVersion of the policy as the engine enforces it (undefined: not enforced) */
  policyResourceVersion(namespace: string, name: string): string | undefined {
    return this.policies.get(`${namespace}/${name}`)?.resourceVersion;
  }

  /** the labels the engine knows a pod and a namespace by (tests wait on them after a relabel) */
  podLabels(namespace: string, name: string): Record<string, string> | undefined {
    return this.pods.get(`${namespace}/${name}`)?.labels;
  }
  namespaceLabels(name: string): Record<string, string> | undefined {
    return this.namespaces.get(name);
  }

  private dropPod(key: string): void {
    const old = this.pods.get(key);
    if (!old) return;
    this.pods.delete(key);
    for (const ip of old.ips) if (this.podByIP.get(ip) === key) this.podByIP.delete(ip);
    this.selecting.delete(key);
  }

  private invalidateNamespace(ns: string): void {
    for (const [key, pod] of this.pods) if (pod.namespace === ns) this.selecting.delete(key);
    this.changed();
  }

  private changed(): void {
    this.verdicts.clear();
    this.endpoints.clear();
    this.generation++;
    for (const fn of this.listeners) {
      try {
        fn();
      } catch (err) {
        process.stderr.write(`network policy listener failed: ${(err as Error).stack}\n`);
      }
    }
  }

  private selectingPolicies(key: string, pod: PolicedPod): Selecting {
    let s = this.selecting.get(key);
    if (!s) {
      const ingress: CompiledPolicy[] = [],
        egress: CompiledPolicy[] = [];
      for (const id of this.policiesByNs.get(pod.namespace) ?? []) {
        const p = this.policies.get(id)!;
        if (!p.selects(pod.labels)) continue;
        if (p.ingress) ingress.push(p);
        if (p.egress) egress.push(p);
      }
      s = { ingress, egress, ingressIds: ingress.map((p) => p.id), egressIds: egress.map((p) => p.id) };
      this.selecting.set(key, s);
    }
    return s;
  }

  private endpoint(ip: string): Endpoint {
    let e = this.endpoints.get(ip);
    if (e) return e;
    const key = this.podByIP.get(ip);
    const pod = key ? this.pods.get(key) : undefined;
    e =
      !key || !pod
        ? { peer: { ip, addr: parseIP(ip) } }
        : {
            key,
            pod,
            peer: { ip, addr: parseIP(ip), pod: { namespace: pod.namespace, labels: pod.labels }, namespaceLabels: this.namespaces.get(pod.namespace) ?? {} },
          };
    if (this.endpoints.size > 50_000) this.endpoints.clear();
    this.endpoints.set(ip, e);
    return e;
  }

  /** the verdict without the per-flow cache (a matrix asks each flow once) */
  evaluate(flow: Flow): Verdict {
    const src = this.endpoint(flow.srcIP);
    const dst = this.endpoint(flow.dstIP);
    const from = src.pod ? `${src.pod.namespace}/${src.pod.name}` : undefined;
    const to = dst.pod ? `${dst.pod.namespace}/${dst.pod.name}` : undefined;

    let egress: DirectionVerdict;
    if (!src.key || !src.pod)
      egress = { allowed: true, isolated: false, policies: [], note: `${flow.srcIP} is not a pod (node or hostNetwork traffic is not policed on egress)` };
    else {
      const s = this.selectingPolicies(src.key, src.pod);
      egress = this.direction(s.egress, s.egressIds, 'egress', dst.peer, dst.pod, flow);
    }

    let ingress: DirectionVerdict;
    if (!dst.key || !dst.pod) ingress = { allowed: true, isolated: false, policies: [], note: `${flow.dstIP} is not a policed pod` };
    else if (dst.pod.hostIP && dst.pod.hostIP === flow.srcIP)
      ingress = { allowed: true, isolated: false, policies: [], note: `traffic from the pod's own node (${flow.srcIP}) is always allowed` };
    else {
      const s = this.selectingPolicies(dst.key, dst.pod);
      ingress = this.direction(s.ingress, s.ingressIds, 'ingress', src.peer, dst.pod, flow);
    }

    const allowed = egress.allowed && ingress.allowed;
    // the text is built when someone reads it: the matrix of a large cluster needs only the booleans
    let reason: string | undefined;
    return {
      allowed,
      from,
      to,
      egress,
      ingress,
      get reason() {
        return (reason ??= reasonText(flow, from ?? flow.srcIP, to ?? flow.dstIP, egress, ingress));
      },
    };
  }

  private direction(
    policies: CompiledPolicy[],
    ids: string[],
    dir: 'ingress' | 'egress',
    peer: PeerEndpoint,
    dstPod: PolicedPod | undefined,
    flow: Flow,
  ): DirectionVerdict {
    if (!policies.length) return NOT_ISOLATED;
    for (const p of policies) {
      const rules = p[dir]!;
      for (let i = 0; i < rules.length; i++) {
        if (ruleAdmits(rules[i], p.namespace, peer, dstPod, flow))
          return { allowed: true, isolated: true, policies: ids, allowedBy: { policy: p.id, rule: i } };
      }
    }
    return { allowed: false, isolated: true, policies: ids };
  }
}

const NOT_ISOLATED: DirectionVerdict = Object.freeze({ allowed: true, isolated: false, policies: [] });

function ruleAdmits(rule: CompiledRule, policyNamespace: string, peer: PeerEndpoint, dstPod: PolicedPod | undefined, flow: Flow): boolean {
  if (rule.ports && !rule.ports.some((p) => portMatches(p, dstPod, flow))) return false;
  return !rule.peers || rule.peers.some((p) => p.matches(peer, policyNamespace));
}

function portMatches(p: CompiledPort, dstPod: PolicedPod | undefined, flow: Flow): boolean {
  if (p.protocol !== flow.protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'number') return p.endPort !== undefined ? flow.dstPort >= p.port && flow.dstPort <= p.endPort : flow.dstPort === p.port;
  // a named port means the destination pod's container port of that name and protocol; a non-pod has none
  return !!dstPod?.namedPorts.get(p.port)?.some((np) => np.port === flow.dstPort && np.protocol === flow.protocol);
}

function reasonText(flow: Flow, from: string, to: string, egress: DirectionVerdict, ingress: DirectionVerdict): string {
  const what = `${flow.dstPort}/${flow.protocol}`;
  const part = (dir: string, who: string, v: DirectionVerdict, peer: string) => {
    if (!v.isolated) return v.note ?? `${who} is not isolated for ${dir}`;
    if (v.allowedBy) return `${dir} of ${who} allowed by ${v.allowedBy.policy} (${dir} rule ${v.allowedBy.rule + 1})`;
    return `${who} is isolated for ${dir} by ${v.policies.join(', ')}; no rule admits ${peer} on ${what}`;
  };
  const e = part('egress', from, egress, to);
  const i = part('ingress', to, ingress, from);
  if (!egress.allowed && !ingress.allowed) return `denied: ${e}; ${i}`;
  if (!egress.allowed) return `denied: ${e}`;
  if (!ingress.allowed) return `denied: ${i}`;
  return `allowed: ${e}; ${i}`;
}
