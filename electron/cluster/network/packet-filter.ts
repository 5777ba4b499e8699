/**
 * The seam between the cluster's data path and whatever filters it (NetworkPolicy today). The data path asks the
 * filter about the real pod-to-pod hop, after Service translation, as a CNI plugin's dataplane sees it: a policy
 * selects pods, never Service VIPs.
 */
export interface Flow {
  srcIP: string;
  dstIP: string;
  dstPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface FilterVerdict {
  allowed: boolean;
  /** which policies decided and why, for the connection tester and the reachability matrix */
  reason?: string;
  /** each direction a policy isolated, in the order the packet meets them (the CNI's policy log) */
  decisions?: PolicyDecision[];
}

export interface PolicyDecision {
  direction: 'egress' | 'ingress';
  allowed: boolean;
  /** namespace/name of the policy and rule (1-based) that admitted the flow */
  allowedBy?: string;
  /** namespace/name of every policy isolating the pod for this direction */
  policies: string[];
}

export interface PacketFilter {
  check(flow: Flow): FilterVerdict;
  /** namespace/name of the pod behind an address, when the filter knows it (log lines name the ends) */
  podName?(ip: string): string | undefined;
}

export const allowAllFilter: PacketFilter = { check: () => ({ allowed: true }) };
