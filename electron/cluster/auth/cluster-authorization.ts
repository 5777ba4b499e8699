// --authorization-mode=Node,RBAC as this cluster wires it: system:masters first (upstream's privileged-group
// authorizer), then the Node authorizer, then RBAC over the stored roles and bindings.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from 'kubernetes-types/rbac/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { AdmissionLookup } from '../admission/types';
import type { Registry } from '../apiserver/registry';
import type { Catalog } from '../apiserver/catalog';
import { mastersAuthorizer, type Authorizer } from './authorizer';
import { nodeAuthorizer } from './node-authorizer';
import { RbacResolver, rbacAuthorizer } from './rbac/authorizer';
import { CLUSTER_ROLES } from './rbac/bootstrap-policy';

const RBAC = 'rbac.authorization.k8s.io';
const gvr = (resource: string) => ({ group: RBAC, version: 'v1', resource });
const NODE_RULES: PolicyRule[] = CLUSTER_ROLES.find((r) => r.metadata?.name === 'system:node')?.rules ?? [];

export interface ClusterAuthorization {
  authorizer: Authorizer;
  resolver: RbacResolver;
  /** follow RBAC writes (call once the registry exists) */
  start(registry: Registry, catalog: Catalog): { stop(): void };
}

export function createClusterAuthorization(lookup: AdmissionLookup): ClusterAuthorization {
  const resolver = new RbacResolver({
    role: (ns, name) => lookup.get(gvr('roles'), ns, name) as Role | undefined,
    clusterRole: (name) => lookup.get(gvr('clusterroles'), undefined, name) as ClusterRole | undefined,
    clusterRoleBindings: () => lookup.list(gvr('clusterrolebindings')) as ClusterRoleBinding[],
    roleBindings: () => lookup.list(gvr('rolebindings')) as RoleBinding[],
  });
  const pods = { group: '', version: 'v1', resource: 'pods' };
  const node = nodeAuthorizer(
    {
      podsOn: (n) => (lookup.list(pods) as Pod[]).filter((p) => p.spec?.nodeName === n),
      volumeOfClaim: (ns, claim) => lookup.get({ group: '', version: 'v1', resource: 'persistentvolumeclaims' }, ns, claim)?.spec?.volumeName,
    },
    () => NODE_RULES,
  );
  const rbac = rbacAuthorizer(resolver);
  const chain = [mastersAuthorizer, node, rbac];
  const authorizer: Authorizer = {
    // like upstream's union authorizer: the first decision wins; a refusal carries every reason given
    authorize(a) {
      const reasons: string[] = [];
      for (const z of chain) {
        const d = z.authorize(a);
        if (d.decision !== 'noopinion') return d;
        if (d.reason) reasons.push(d.reason);
      }
      return { decision: 'noopinion', reason: reasons.length ? reasons.join(', ') : undefined };
    },
    rulesFor: (user, ns) => resolver.rulesFor(user, ns),
  };
  return {
    authorizer,
    resolver,
    start(registry, catalog) {
      const watches = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'].map((r) => {
        const e = catalog.get(RBAC, 'v1', r)!;
        return registry.watch(e, undefined, {}, () => resolver.invalidate());
      });
      return {
        stop: () => {
          for (const w of watches) w.cancel();
        },
      };
    },
  };
}
