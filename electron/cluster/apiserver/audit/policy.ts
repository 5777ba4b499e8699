// audit.k8s.io/v1 Policy: the first rule that matches a request decides its level (None when none does).
import YAML from 'yaml';
import type { UserInfo } from '../../auth/user';
import type { RequestInfo } from '../request';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
const LEVELS: AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];

interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}
export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: string[];
}
export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages?: string[];
}

/** what a freshly started cluster audits: writes at Metadata, without reads, leases, events or kubelets' traffic */
export const DEFAULT_AUDIT_POLICY = `# KubeLab's audit policy (kube-apiserver --audit-policy-file). Edit it here on the control-plane node;
# the API server reads it again when it changes. Events go to /var/log/kubernetes/audit/audit.log.
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  - level: None
    verbs: ["get", "list", "watch"]
  - level: None
    resources:
      - group: coordination.k8s.io
        resources: ["leases"]
      - group: ""
        resources: ["events"]
      - group: events.k8s.io
        resources: ["events"]
  - level: None
    userGroups: ["system:nodes"]
  - level: Metadata
`;

/** a policy file's rules; throws with the reason when it is no audit.k8s.io/v1 Policy */
export function parseAuditPolicy(text: string): AuditPolicy {
  const doc = YAML.parse(text) as { apiVersion?: string; kind?: string; rules?: PolicyRule[]; omitStages?: string[] } | null;
  if (!doc || doc.kind !== 'Policy' || !/^audit\.k8s\.io\/v1(beta1|alpha1)?$/.test(doc.apiVersion ?? '')) throw new Error('not an audit.k8s.io/v1 Policy');
  const rules = doc.rules ?? [];
  if (!rules.length) throw new Error('policy.rules: Required value: at least one rule is required');
  rules.forEach((r, i) => {
    if (!LEVELS.includes(r?.level)) throw new Error(`rules[${i}].level: Unsupported value: "${r?.level}"`);
  });
  return { rules, omitStages: doc.omitStages };
}

const listed = (list: string[] | undefined, v: string) => !list?.length || list.includes(v);

function resourceMatches(rs: GroupResources[] | undefined, info: RequestInfo): boolean {
  if (!rs?.length) return true;
  if (!info.isResourceRequest) return false;
  const full = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  return rs.some(
    (r) =>
      (r.group ?? '') === info.apiGroup &&
      (!r.resources?.length ||
        r.resources.some(
          (x) =>
            x === full ||
            x === info.resource ||
            x === '*' ||
            (x === `${info.resource}/*` && !!info.subresource) ||
            (x === `*/${info.subresource}` && !!info.subresource),
        )) &&
      listed(r.resourceNames, info.name ?? ''),
  );
}

export function ruleFor(policy: AuditPolicy, user: UserInfo, info: RequestInfo, path: string): PolicyRule | undefined {
  return policy.rules.find((r) => {
    if (!listed(r.users, user.name)) return false;
    if (r.userGroups?.length && !r.userGroups.some((g) => user.groups.includes(g))) return false;
    if (!listed(r.verbs, info.verb)) return false;
    if (r.nonResourceURLs?.length)
      return !info.isResourceRequest && r.nonResourceURLs.some((u) => u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
    if (r.namespaces?.length && !(info.isResourceRequest && r.namespaces.includes(info.namespace ?? ''))) return false;
    return resourceMatches(r.resources, info);
  });
}
