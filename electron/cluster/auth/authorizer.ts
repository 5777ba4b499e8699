// Authorization: the decision chain the API server asks for every request. RBAC plugs in as one more Authorizer.
import type { PolicyRule } from 'kubernetes-types/rbac/v1';
import type { UserInfo } from './user';

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string; // get list watch create update patch delete deletecollection; or http verbs for non-resource
  resourceRequest: boolean;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string; // non-resource requests
}

export type Decision = 'allow' | 'deny' | 'noopinion';
export interface Authorizer {
  authorize(a: AuthorizationAttributes): { decision: Decision; reason?: string };
  /** the rules that apply to a user in a namespace (SelfSubjectRulesReview); authorizers without rule lists omit it */
  rulesFor?(user: UserInfo, namespace: string | undefined): { rules: PolicyRule[]; errors: string[] };
}

/** system:masters may do anything, as upstream's privileged group. */
export const mastersAuthorizer: Authorizer = {
  authorize: (a) => (a.user.groups.includes('system:masters') ? { decision: 'allow' } : { decision: 'noopinion' }),
};

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
