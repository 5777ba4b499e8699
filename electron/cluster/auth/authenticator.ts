// Authentication: x509 client certificates (CN = user, O = groups), bearer tokens (static and ServiceAccount JWTs),
// then impersonation (kubectl --as/--as-group) when the real user is allowed to impersonate.
import type { PeerCertificate } from 'node:tls';
import { ANONYMOUS, type UserInfo } from './user';
import type { Authorizer } from './authorizer';
import { statusError, errForbidden } from '../api/errors';

export interface AuthInput {
  peerCertificate?: PeerCertificate;
  authorization?: string;
  impersonate?: { user?: string; groups: string[]; uid?: string };
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
            if (r) { user = withAuthenticated(r); break; }
          }
          if (!user) return undefined;
        }
      }
      if (!user) user = ANONYMOUS;
      const imp = input.impersonate;
      if (imp && (imp.user || imp.groups.length)) {
        if (!imp.user) throw statusError(500, 'InternalError', 'Internal error occurred: requested [{Group  ' + imp.groups.join(' ') + '  }] without impersonating a user');
        const z = opts.authorizer();
        const check = (resource: string, name: string) => {
          const d = z.authorize({ user, verb: 'impersonate', resourceRequest: true, apiGroup: resource === 'serviceaccounts' ? '' : '', resource, name });
          if (d.decision !== 'allow') {
            throw errForbidden(`${resource} "${name}" is forbidden: User "${user!.name}" cannot impersonate resource "${resource}" in API group "" at the cluster scope`);
          }
        };
        const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(imp.user);
        check(sa ? 'serviceaccounts' : 'users', sa ? sa[2] : imp.user);
        for (const g of imp.groups) check('groups', g);
        const groups = [...imp.groups];
        if (sa) groups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
        return withAuthenticated({ name: imp.user, uid: imp.uid, groups });
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
