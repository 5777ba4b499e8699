// The RBAC authorizer and its rule resolver: which rules apply to a user in a namespace, from ClusterRoleBindings
// (everywhere) and the namespace's RoleBindings. Bindings are indexed by subject and rebuilt when RBAC objects change,
// so a request costs a few map lookups however many bindings exist.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from 'kubernetes-types/rbac/v1';
import type { Authorizer, AuthorizationAttributes } from '../authorizer';
import type { UserInfo } from '../user';
import { ruleAllows } from './rules';

/** read access to the stored RBAC objects (shared parses: never modified here) */
export interface RbacSource {
  role(namespace: string, name: string): Role | undefined;
  clusterRole(name: string): ClusterRole | undefined;
  clusterRoleBindings(): ClusterRoleBinding[];
  roleBindings(): RoleBinding[];
}

type AnyBinding = RoleBinding | ClusterRoleBinding;

interface Index {
  cluster: Map<string, ClusterRoleBinding[]>;
  byNamespace: Map<string, Map<string, RoleBinding[]>>;
}

function subjectKey(s: Subject, bindingNs: string | undefined): string | undefined {
  if (s.kind === 'User') return `u:${s.name}`;
  if (s.kind === 'Group') return `g:${s.name}`;
  if (s.kind === 'ServiceAccount') return `u:system:serviceaccount:${s.namespace || bindingNs || ''}:${s.name}`;
  return undefined;
}

function userKeys(u: UserInfo): string[] {
  return [`u:${u.name}`, ...u.groups.map((g) => `g:${g}`)];
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (l) {
    if (!l.includes(v)) l.push(v);
  } else m.set(k, [v]);
}

function describeSubject(s: Subject, bindingNs?: string): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name}/${s.namespace || bindingNs}"`;
  return `${s.kind} "${s.name}"`;
}

export class RbacResolver {
  private index: Index | undefined;
  constructor(private source: RbacSource) {}

  /** RBAC objects changed: the next request rebuilds the subject index */
  invalidate(): void {
    this.index = undefined;
  }

  private idx(): Index {
    if (this.index) return this.index;
    const cluster = new Map<string, ClusterRoleBinding[]>();
    for (const b of this.source.clusterRoleBindings()) {
      for (const s of b.subjects ?? []) {
        const k = subjectKey(s, undefined);
        if (k) push(cluster, k, b);
      }
    }
    const byNamespace = new Map<string, Map<string, RoleBinding[]>>();
    for (const b of this.source.roleBindings()) {
      const ns = b.metadata?.namespace ?? '';
      let m = byNamespace.get(ns);
      if (!m) byNamespace.set(ns, (m = new Map()));
      for (const s of b.subjects ?? []) {
        const k = subjectKey(s, ns);
        if (k) push(m, k, b);
      }
    }
    this.index = { cluster, byNamespace };
    return this.index;
  }

  private rulesOfRef(b: AnyBinding, ns: string | undefined): { rules: PolicyRule[]; error?: string } {
    const ref = b.roleRef;
    if (ref.kind === 'ClusterRole') {
      const r = this.source.clusterRole(ref.name);
      return r ? { rules: r.rules ?? [] } : { rules: [], error: `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found` };
    }
    const r = ns ? this.source.role(ns, ref.name) : undefined;
    return r ? { rules: r.rules ?? [] } : { rules: [], error: `role.rbac.authorization.k8s.io "${ref.name}" not found` };
  }

  /**
   * Calls visit for every rule that applies to the user in the namespace ('' = cluster scope: ClusterRoleBindings
   * only); stops when visit returns true. Returns the errors met (missing roles), as upstream's visitor does.
   */
  visitRules(user: UserInfo, namespace: string | undefined, visit: (rule: PolicyRule, source: string) => boolean): string[] {
    const { cluster, byNamespace } = this.idx();
    const errors: string[] = [];
    const keys = userKeys(user);
    const seen = new Set<AnyBinding>();
    const walk = (b: AnyBinding, ns: string | undefined, kind: string): boolean => {
      if (seen.has(b)) return false;
      seen.add(b);
      const { rules, error } = this.rulesOfRef(b, ns);
      if (error) errors.push(error);
      const subject = (b.subjects ?? []).find((s) => keys.includes(subjectKey(s, ns) ?? ''));
      const name = ns ? `${b.metadata?.name}/${ns}` : b.metadata?.name;
      const source = `${kind} "${name}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${subject ? describeSubject(subject, ns) : 'subject'}`;
      for (const r of rules) if (visit(r, source)) return true;
      return false;
    };
    for (const k of keys) for (const b of cluster.get(k) ?? []) if (walk(b, undefined, 'ClusterRoleBinding')) return errors;
    if (namespace) {
      const m = byNamespace.get(namespace);
      if (m) for (const k of keys) for (const b of m.get(k) ?? []) if (walk(b, namespace, 'RoleBinding')) return errors;
    }
    return errors;
  }

  rulesFor(user: UserInfo, namespace: string | undefined): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors = this.visitRules(user, namespace, (r) => {
      rules.push(r);
      return false;
    });
    return { rules, errors };
  }
}

function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}

export function rbacAuthorizer(resolver: RbacResolver): Authorizer {
  return {
    authorize(a: AuthorizationAttributes) {
      let allowedBy: string | undefined;
      const errors = resolver.visitRules(a.user, a.resourceRequest ? a.namespace : undefined, (rule, source) => {
        if (ruleAllows(a, rule)) {
          allowedBy = source;
          return true;
        }
        return false;
      });
      if (allowedBy) return { decision: 'allow', reason: `RBAC: allowed by ${allowedBy}` };
      return { decision: 'noopinion', reason: errors.length ? `RBAC: ${aggregate([...new Set(errors)])}` : undefined };
    },
  };
}
