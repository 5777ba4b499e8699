// Authentication: x509 client certificates (CN = user, O = groups), bearer tokens (static and ServiceAccount JWTs),
// then impersonation (kubectl --as/--as-group) when the real user is allowed to impersonate.
import type { PeerCertificate } from 'node:tls';
import { ANONYMOUS, type UserInfo } from './user';
import { forbiddenMessage, type Authorizer, type AuthorizationAttributes } from './authorizer';
import { statusError, errForbidden } from '../api/errors';

export interface AuthInput {
  peerCertificate?: PeerCertificate;
  authorization?: string;
  impersonate?: { user?: string; groups: string[]; uid?: string; extra?: Record<string, string[]> };
}

export interface TokenAuthenticator {
  /** undefined = not this authenticator's token; null = its token but invalid */
  authenticateToken(token: string): UserInfo | null | undefined;
}

export interface Authenticator {
  /** returns undefined when credentials were presented but are invalid (→ 401) */
  authenticate(input: AuthInput): UserInfo | undefined;
}

function withAuthenticated(u: UserInfo): UserInfo {
  const groups = u.groups.includes('system:authenticated') ? u.groups : [...u.groups, 'system:authenticated'];
  return { ...u, groups };
}

export function createAuthenticator(opts: { tokens: TokenAuthenticator[]; authorizer: () => Authorizer }): Authenticator {
  return {
    authenticate(input) {
      let user: UserInfo | undefined;
      const cert = input.peerCertificate;
      if (cert && cert.subject && Object.keys(cert.subject).length) {
        const cn = cert.subject.CN;
        const o = cert.subject.O;
        const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
        if (cn) user = withAuthenticated({ name: Array.isArray(cn) ? cn[0] : cn, groups });
      }
      if (!user && input.authorization) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(input.authorization);
        if (m) {
          for (const t of opts.tokens) {
            const r = t.authenticateToken(m[1]);
            if (r === null) return undefined;
            if (r) {
              user = withAuthenticated(r);
              break;
            }
          }
          if (!user) return undefined;
        }
      }
      if (!user) user = ANONYMOUS;
      const imp = input.impersonate;
      if (imp && (imp.user || imp.groups.length || imp.uid || imp.extra)) {
        if (!imp.user) {
          const what = imp.groups.length ? `[{Group  ${imp.groups.join(' ')}  }]` : imp.uid ? `[{UID  ${imp.uid}  }]` : '[{Extra}]';
          throw statusError(500, 'InternalError', `Internal error occurred: requested ${what} without impersonating a user`);
        }
        const z = opts.authorizer();
        const actor = user;
        // upstream's impersonation filter: one `impersonate` check per impersonated attribute
        const check = (a: Omit<AuthorizationAttributes, 'user' | 'verb' | 'resourceRequest'>) => {
          const attrs: AuthorizationAttributes = { user: actor, verb: 'impersonate', resourceRequest: true, ...a };
          const d = z.authorize(attrs);
          if (d.decision !== 'allow')
            throw errForbidden(forbiddenMessage(attrs) + (d.reason ? `: ${d.reason}` : ''), { name: a.name, group: a.apiGroup || undefined, kind: a.resource });
        };
        const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(imp.user);
        if (sa) check({ apiGroup: '', resource: 'serviceaccounts', namespace: sa[1], name: sa[2] });
        else check({ apiGroup: '', resource: 'users', name: imp.user });
        for (const g of imp.groups) check({ apiGroup: '', resource: 'groups', name: g });
        if (imp.uid) check({ apiGroup: 'authentication.k8s.io', resource: 'uids', name: imp.uid });
        for (const [k, vals] of Object.entries(imp.extra ?? {}))
          for (const v of vals) check({ apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: k, name: v });
        let groups = [...imp.groups];
        // a ServiceAccount's groups are fixed: they are added when no group is asked for
        if (sa && !groups.length) groups = ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`];
        if (imp.user === 'system:anonymous') {
          if (!groups.includes('system:unauthenticated')) groups.push('system:unauthenticated');
        } else if (!groups.includes('system:authenticated')) groups.push('system:authenticated');
        return { name: imp.user, uid: imp.uid, groups, ...(imp.extra ? { extra: imp.extra } : {}) };
      }
      return user;
    },
  };
}

/** tokens from <data-dir>/pki/tokens.csv (token,user,uid,"group1,group2") like kube-apiserver's --token-auth-file */
export function staticTokens(entries: { token: string; user: string; uid?: string; groups: string[] }[]): TokenAuthenticator {
  const m = new Map(entries.map((e) => [e.token, e]));
  return {
    authenticateToken(token) {
      const e = m.get(token);
      return e ? { name: e.user, uid: e.uid, groups: e.groups } : undefined;
    },
  };
}
