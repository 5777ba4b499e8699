// authorization.k8s.io and authentication.k8s.io reviews: `kubectl auth can-i`, `kubectl auth whoami`, and the
// TokenReview a webhook or a student uses to check a bearer token.
import type { KObject } from '../../api/types';
import type { Authorizer } from '../../auth/authorizer';
import type { SpecialHandler } from '../handler';
import type { Authenticator } from '../../auth/authenticator';
import { API_AUDIENCES } from '../../auth/serviceaccount-token';
import { errBadRequest } from '../../api/errors';

function userPayload(u: { name: string; uid?: string; groups: string[]; extra?: Record<string, string[]> }) {
  const o: Record<string, unknown> = { username: u.name, groups: u.groups };
  if (u.uid) o.uid = u.uid;
  if (u.extra) o.extra = u.extra;
  return o;
}

function decide(authorizer: Authorizer, user: { name: string; groups: string[] }, spec: any): { allowed: boolean; denied?: boolean; reason?: string } {
  const ra = spec.resourceAttributes,
    nra = spec.nonResourceAttributes;
  const d = ra
    ? authorizer.authorize({
        user: { name: user.name, groups: user.groups },
        verb: ra.verb ?? '',
        resourceRequest: true,
        apiGroup: ra.group ?? '',
        apiVersion: ra.version,
        resource: ra.resource,
        subresource: ra.subresource,
        namespace: ra.namespace,
        name: ra.name,
      })
    : authorizer.authorize({ user: { name: user.name, groups: user.groups }, verb: nra?.verb ?? '', resourceRequest: false, path: nra?.path });
  if (d.decision === 'allow') return { allowed: true, reason: d.reason };
  if (d.decision === 'deny') return { allowed: false, denied: true, reason: d.reason };
  return { allowed: false, reason: d.reason };
}

export function reviewHandlers(authorizer: () => Authorizer, authn: Authenticator): Record<string, SpecialHandler> {
  const created = (o: KObject) => ({ kind: 'json' as const, status: 201, body: o });
  return {
    'authorization.k8s.io/selfsubjectaccessreviews/': async ({ req, server }) => {
      const o = server.decodeAny(req);
      o.status = decide(authorizer(), req.user, o.spec ?? {});
      o.metadata = { creationTimestamp: null } as any;
      return created(o);
    },
    'authorization.k8s.io/subjectaccessreviews/': async ({ req, server }) => {
      const o = server.decodeAny(req);
      const s = o.spec ?? {};
      const groups = [...(s.groups ?? [])];
      o.status = decide(authorizer(), { name: s.user ?? '', groups }, s);
      o.metadata = { creationTimestamp: null } as any;
      return created(o);
    },
    'authorization.k8s.io/localsubjectaccessreviews/': async ({ req, info, server }) => {
      const o = server.decodeAny(req);
      const s = o.spec ?? {};
      if (s.resourceAttributes) s.resourceAttributes.namespace = info.namespace;
      o.status = decide(authorizer(), { name: s.user ?? '', groups: s.groups ?? [] }, s);
      o.metadata = { namespace: info.namespace, creationTimestamp: null } as any;
      return created(o);
    },
    'authorization.k8s.io/selfsubjectrulesreviews/': async ({ req, server }) => {
      const o = server.decodeAny(req);
      const ns = o.spec?.namespace ?? 'default';
      const { rules, errors } = authorizer().rulesFor?.(req.user, ns) ?? { rules: [], errors: [] };
      const resourceRules = rules
        .filter((r) => !r.nonResourceURLs?.length)
        .map((r) => ({
          verbs: r.verbs,
          apiGroups: r.apiGroups ?? [],
          resources: r.resources ?? [],
          ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
        }));
      const nonResourceRules = rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
      o.status = { resourceRules, nonResourceRules, incomplete: false, ...(errors.length ? { evaluationError: errors.join(', ') } : {}) };
      o.metadata = { creationTimestamp: null } as any;
      return created(o);
    },
    'authentication.k8s.io/tokenreviews/': async ({ req, server }) => {
      const o = server.decodeAny(req);
      const token: unknown = o.spec?.token;
      if (typeof token !== 'string' || !token) throw errBadRequest('token is required for TokenReview in authentication');
      // the API server's authenticators accept tokens for its own audiences: a review for others authenticates no one
      const asked: string[] = Array.isArray(o.spec.audiences) && o.spec.audiences.length ? o.spec.audiences : API_AUDIENCES;
      const audiences = asked.filter((a) => API_AUDIENCES.includes(a));
      const user = audiences.length ? authn.authenticate({ authorization: `Bearer ${token}` }) : undefined;
      o.metadata = { creationTimestamp: null } as any;
      o.status = user ? { authenticated: true, user: userPayload(user), audiences } : { user: {} };
      return created(o);
    },
    'authentication.k8s.io/selfsubjectreviews/': async ({ req, server }) => {
      const o = server.decodeAny(req);
      o.metadata = { creationTimestamp: null } as any;
      o.status = { userInfo: userPayload(req.user) };
      return created(o);
    },
  };
}
