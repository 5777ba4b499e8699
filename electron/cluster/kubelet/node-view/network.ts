// The cluster network's node-side views in the node shell: what kube-proxy and the CNI plugin left on this node.
import { fail, ok, registerNodeFile, registerNodeProgram, type NodeHost, type NodeProgramResult } from './table';
import { POLICY_LOG_DIR } from '../../network/policy/policy-log';
import type { NodeViews } from '../../network/views';

function withViews(run: (v: NodeViews, args: string[]) => NodeProgramResult): (args: string[], ctx: { node: NodeHost }) => Promise<NodeProgramResult> {
  return async (args, { node }) => {
    const views = node.network?.();
    return views ? run(views, args) : fail('this node has no cluster network (a test network is in use)\n');
  };
}

registerNodeProgram(
  'iptables-save',
  withViews((v) => ok(v.iptablesSave())),
);
registerNodeProgram(
  'ipvsadm',
  withViews((v, args) => {
    if (args.some((a) => !/^-[Ln]+$/.test(a))) return fail(`ipvsadm: only -L/-n (listing) is available on a KubeLab node\n`, 2);
    return ok(v.ipvsadm());
  }),
);
registerNodeProgram(
  'ip',
  withViews((v, args) => {
    const obj = args.find((a) => !a.startsWith('-'));
    if (obj && 'route'.startsWith(obj) && obj.length >= 1 && obj[0] === 'r') return ok(v.ipRoute());
    if (obj && ('addr'.startsWith(obj) || 'address'.startsWith(obj)) && obj[0] === 'a') return ok(v.ipAddr());
    return fail(`Object "${obj ?? ''}" is unknown, try "ip help".\n`, 255);
  }),
);

// the CNI's NetworkPolicy verdicts on this node, and the file they rotated into
for (const name of ['policy.log', 'policy.log.1']) registerNodeFile(`${POLICY_LOG_DIR}/${name}`, (node) => node.network?.().policyLog()[name]);
