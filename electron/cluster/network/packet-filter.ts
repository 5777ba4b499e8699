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
}

export interface PacketFilter {
  check(flow: Flow): FilterVerdict;
}

export const allowAllFilter: PacketFilter = { check: () => ({ allowed: true }) };
