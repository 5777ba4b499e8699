// RBAC privilege-escalation prevention (upstream does this in the rbac registry's policy-based storage): a user may
// write a Role or ClusterRole only with rules they already hold, unless they have `escalate` on it; and may bind a
// role only when they hold its rules or have `bind` on it. system:masters is exempt, as upstream.
import type { PolicyRule, RoleRef, Subject } from 'kubernetes-types/rbac/v1';
import type { Authorizer } from '../auth/authorizer';
import type { RbacResolver } from '../auth/rbac/authorizer';
import { compactString, quotedList, uncoveredRules } from '../auth/rbac/rules';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types';
import { admissionForbidden, aggregateMessage } from './forbidden';

const RBAC = 'rbac.authorization.k8s.io';

export interface EscalationDeps {
  authorizer: () => Authorizer;
  resolver: () => RbacResolver;
}

function allowedTo(deps: EscalationDeps, a: AdmissionAttributes, verb: string, resource: string, name: string, namespace: string | undefined): boolean {
  return deps.authorizer().authorize({ user: a.user, verb, resourceRequest: true, apiGroup: RBAC, resource, name, namespace }).decision === 'allow';
}

function confirmNoEscalation(deps: EscalationDeps, a: AdmissionAttributes, wanted: PolicyRule[]): void {
  const { rules, errors } = deps.resolver().rulesFor(a.user, a.namespace);
  const missing = uncoveredRules(rules, wanted);
  if (!missing.length) return;
  let why = `user ${JSON.stringify(a.user.name)} (groups=${quotedList(a.user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.map(compactString).join('\n')}`;
  if (errors.length) why += `; resolution errors: ${aggregateMessage(errors)}`;
  throw admissionForbidden(a, why);
}

function refRules(lookup: AdmissionLookup, ref: RoleRef, namespace: string | undefined): PolicyRule[] | undefined {
  const o =
    ref.kind === 'ClusterRole'
      ? lookup.get({ group: RBAC, version: 'v1', resource: 'clusterroles' }, undefined, ref.name)
      : lookup.get({ group: RBAC, version: 'v1', resource: 'roles' }, namespace, ref.name);
  return o ? ((o.rules ?? []) as PolicyRule[]) : undefined;
}

const sameJson = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);

export function rbacEscalation(deps: EscalationDeps): AdmissionPlugin {
  return {
    name: 'RBACEscalation',
    validate(a, lookup) {
      if (a.gvr.group !== RBAC || a.subresource || !a.object || (a.operation !== 'CREATE' && a.operation !== 'UPDATE')) return;
      if (a.user.groups.includes('system:masters')) return;
      const obj = a.object;
      const name = obj.metadata?.name ?? a.name;
      if (a.gvr.resource === 'roles' || a.gvr.resource === 'clusterroles') {
        if (a.operation === 'UPDATE' && sameJson(a.oldObject?.rules, obj.rules) && sameJson(a.oldObject?.aggregationRule, obj.aggregationRule)) return;
        if (allowedTo(deps, a, 'escalate', a.gvr.resource, name, a.namespace)) return;
        confirmNoEscalation(deps, a, (obj.rules ?? []) as PolicyRule[]);
        return;
      }
      if (a.gvr.resource === 'rolebindings' || a.gvr.resource === 'clusterrolebindings') {
        const ref = obj.roleRef as RoleRef | undefined;
        if (!ref) return;
        if (a.operation === 'UPDATE' && sameJson(a.oldObject?.roleRef, ref) && sameJson(a.oldObject?.subjects as Subject[] | undefined, obj.subjects)) return;
        if (allowedTo(deps, a, 'bind', ref.kind === 'ClusterRole' ? 'clusterroles' : 'roles', ref.name, a.namespace)) return;
        const rules = refRules(lookup, ref, a.namespace);
        if (!rules) {
          const kind = ref.kind === 'ClusterRole' ? 'clusterrole' : 'role';
          throw admissionForbidden(a, `${kind}.rbac.authorization.k8s.io "${ref.name}" not found`);
        }
        confirmNoEscalation(deps, a, rules);
      }
    },
  };
}
