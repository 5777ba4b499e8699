// The Node authorizer (--authorization-mode=Node): kubelets (system:node:<name> in system:nodes) may read only the
// secrets, configmaps, volume claims and ServiceAccount tokens of pods bound to their node; everything else they do is
// checked against the system:node role's rules, which upstream leaves unbound for that reason.
import type { Pod } from 'kubernetes-types/core/v1';
import type { PolicyRule } from 'kubernetes-types/rbac/v1';
import type { Authorizer, AuthorizationAttributes } from './authorizer';
import { ruleAllows } from './rbac/rules';

export interface NodeGraph {
  /** pods whose spec.nodeName is the node */
  podsOn(node: string): Pod[];
  /** the PV a claim is bound to */
  volumeOfClaim(namespace: string, claim: string): string | undefined;
}

function nodeName(a: AuthorizationAttributes): string | undefined {
  if (!a.user.groups.includes('system:nodes')) return undefined;
  const m = /^system:node:(.+)$/.exec(a.user.name);
  return m?.[1];
}

function podReferences(p: Pod, resource: string, name: string): boolean {
  const spec = p.spec;
  if (!spec) return false;
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...((spec.ephemeralContainers ?? []) as typeof spec.containers)];
  if (resource === 'secrets') {
    if (spec.imagePullSecrets?.some((s) => s.name === name)) return true;
    if (spec.volumes?.some((v) => v.secret?.secretName === name || v.projected?.sources?.some((s) => s.secret?.name === name))) return true;
    return containers.some((c) => c.envFrom?.some((e) => e.secretRef?.name === name) || c.env?.some((e) => e.valueFrom?.secretKeyRef?.name === name));
  }
  if (resource === 'configmaps') {
    if (spec.volumes?.some((v) => v.configMap?.name === name || v.projected?.sources?.some((s) => s.configMap?.name === name))) return true;
    return containers.some((c) => c.envFrom?.some((e) => e.configMapRef?.name === name) || c.env?.some((e) => e.valueFrom?.configMapKeyRef?.name === name));
  }
  if (resource === 'persistentvolumeclaims') return !!spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === name);
  if (resource === 'serviceaccounts') return (spec.serviceAccountName || 'default') === name;
  return false;
}

export function nodeAuthorizer(graph: NodeGraph, nodeRules: () => PolicyRule[]): Authorizer {
  return {
    authorize(a) {
      const node = nodeName(a);
      if (!node) return { decision: 'noopinion' };
      const noRelation = { decision: 'noopinion' as const, reason: `no relationship found between node '${node}' and this object` };
      if (
        a.resourceRequest &&
        a.apiGroup === '' &&
        !a.subresource &&
        ['secrets', 'configmaps', 'persistentvolumeclaims', 'persistentvolumes'].includes(a.resource ?? '')
      ) {
        if (a.verb !== 'get') return { decision: 'noopinion', reason: `can only get individual resources of this type` };
        if (!a.name) return noRelation;
        const pods = graph.podsOn(node);
        if (a.resource === 'persistentvolumes') {
          const ok = pods.some((p) =>
            p.spec?.volumes?.some((v) => v.persistentVolumeClaim && graph.volumeOfClaim(p.metadata!.namespace!, v.persistentVolumeClaim.claimName) === a.name),
          );
          return ok ? { decision: 'allow' } : noRelation;
        }
        return pods.some((p) => p.metadata?.namespace === a.namespace && podReferences(p, a.resource!, a.name!)) ? { decision: 'allow' } : noRelation;
      }
      if (a.resourceRequest && a.apiGroup === '' && a.resource === 'serviceaccounts' && a.subresource === 'token') {
        if (a.verb !== 'create') return { decision: 'noopinion', reason: `can only create tokens for individual service accounts` };
        return graph.podsOn(node).some((p) => p.metadata?.namespace === a.namespace && podReferences(p, 'serviceaccounts', a.name ?? ''))
          ? { decision: 'allow' }
          : noRelation;
      }
      return nodeRules().some((r) => ruleAllows(a, r)) ? { decision: 'allow' } : { decision: 'noopinion' };
    },
  };
}
