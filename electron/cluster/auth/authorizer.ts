// Authorization: the decision chain the API server asks for every request. RBAC plugs in as one more Authorizer.
import type { UserInfo } from './user';

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;                // get list watch create update patch delete deletecollection; or http verbs for non-resource
  resourceRequest: boolean;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;               // non-resource requests
}

export type Decision = 'allow' | 'deny' | 'noopinion';
export interface Authorizer {
  authorize(a: AuthorizationAttributes): { decision: Decision; reason?: string };
}

/** system:masters may do anything, as upstream's privileged group. */
export const mastersAuthorizer: Authorizer = {
  authorize: (a) => (a.user.groups.includes('system:masters') ? { decision: 'allow' } : { decision: 'noopinion' }),
};

const PUBLIC_PATHS = new Set(['/livez', '/readyz', '/healthz', '/version', '/version/']);
const DISCOVERY_PREFIXES = ['/api', '/apis', '/openapi'];

/**
 * Upstream's bootstrap roles system:public-info-viewer (health and version for everyone) and system:discovery +
 * system:basic-user (discovery and self reviews for authenticated users).
 */
export const bootstrapPolicyAuthorizer: Authorizer = {
  authorize(a) {
    if (!a.resourceRequest && a.path) {
      const p = a.path;
      if (PUBLIC_PATHS.has(p) || p.startsWith('/livez/') || p.startsWith('/readyz/') || p.startsWith('/healthz/')) return { decision: 'allow' };
      if (a.user.groups.includes('system:authenticated') && a.verb === 'get' && DISCOVERY_PREFIXES.some((d) => p === d || p.startsWith(d + '/'))) return { decision: 'allow' };
    }
    if (a.resourceRequest && a.user.groups.includes('system:authenticated') && a.verb === 'create' &&
        ((a.apiGroup === 'authorization.k8s.io' && (a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews')) ||
         (a.apiGroup === 'authentication.k8s.io' && a.resource === 'selfsubjectreviews'))) {
      return { decision: 'allow' };
    }
    return { decision: 'noopinion' };
  },
};

export function chainAuthorizers(list: Authorizer[]): Authorizer {
  return {
    authorize(a) {
      for (const z of list) {
        const d = z.authorize(a);
        if (d.decision !== 'noopinion') return d;
      }
      return { decision: 'noopinion' };
    },
  };
}

/** The message upstream's authorization filter puts in a 403. */
export function forbiddenMessage(a: AuthorizationAttributes): string {
  const who = `User "${a.user.name}"`;
  if (!a.resourceRequest) return `forbidden: ${who} cannot ${a.verb} path "${a.path}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const gr = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const target = a.name ? `${gr} "${a.name}"` : gr;
  let msg = `${target} is forbidden: ${who} cannot ${a.verb} resource "${res}" in API group "${a.apiGroup ?? ''}"`;
  msg += a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  return msg;
}
