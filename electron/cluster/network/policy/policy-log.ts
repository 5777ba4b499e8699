// The CNI's policy verdict log, one per node at /var/log/kubelab-cni/policy.log (Calico's Felix logs to syslog
// per node the same way when a policy has a Log rule): every connection a NetworkPolicy isolated, the direction
// that judged it, its ends and port, and the policy that admitted it or the policies that isolated the pod.
// Logged on the node that enforced the direction (egress: the source's node, ingress: the destination's).
// Bounded like logrotate's `size` + `rotate 1`: past maxBytes the file becomes policy.log.1 and a new one starts.
import type { FilterVerdict, Flow, PacketFilter } from '../packet-filter';

export const POLICY_LOG_DIR = '/var/log/kubelab-cni';

export class PolicyLog {
  private readonly nodes = new Map<string, { current: string[]; bytes: number; previous?: string }>();

  constructor(
    private readonly maxBytes = 256 * 1024,
    private readonly now = () => new Date(),
  ) {}

  record(node: string, line: string): void {
    let n = this.nodes.get(node);
    if (!n) this.nodes.set(node, (n = { current: [], bytes: 0 }));
    const text = `${this.now().toISOString()} ${line}\n`;
    if (n.bytes + text.length > this.maxBytes && n.current.length) {
      n.previous = n.current.join('');
      n.current = [];
      n.bytes = 0;
    }
    n.current.push(text);
    n.bytes += text.length;
  }

  /** the node's log files by name: policy.log always, policy.log.1 once rotated */
  files(node: string): Record<string, string> {
    const n = this.nodes.get(node);
    return { 'policy.log': n?.current.join('') ?? '', ...(n?.previous !== undefined ? { 'policy.log.1': n.previous } : {}) };
  }
}

/** `filter` with its policed verdicts logged on the node of the end that enforced each direction */
export function loggingFilter(filter: PacketFilter, log: PolicyLog, nodeOf: (ip: string) => string | undefined): PacketFilter {
  return {
    podName: (ip) => filter.podName?.(ip),
    check(flow: Flow): FilterVerdict {
      const v = filter.check(flow);
      for (const d of v.decisions ?? []) {
        const node = nodeOf(d.direction === 'egress' ? flow.srcIP : flow.dstIP);
        if (!node) continue;
        const end = (ip: string) => {
          const name = filter.podName?.(ip);
          return name ? `${ip}(${name})` : ip;
        };
        const by = d.allowed ? `policy=${d.allowedBy}` : `policy=${d.policies.join(',')} (isolated, no rule admits)`;
        log.record(
          node,
          `${d.allowed ? 'ALLOW' : 'DENY'} ${d.direction} src=${end(flow.srcIP)} dst=${end(flow.dstIP)} proto=${flow.protocol} dport=${flow.dstPort} ${by}`,
        );
      }
      return v;
    },
  };
}
