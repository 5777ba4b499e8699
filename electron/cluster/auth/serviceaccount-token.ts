// ServiceAccount tokens as kube-apiserver issues them: RS256 JWTs signed with the cluster's service-account key
// (kubeadm's RSA sa.key; ES256 where an older KubeLab's ECDSA key still verifies what it signed),
// bound to the account (and optionally a pod, secret or node) by uid, so deleting the owner revokes the token.
import { createHash, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { serviceAccountAlg, type Pki } from './pki';
import type { UserInfo } from './user';
import type { TokenAuthenticator } from './authenticator';
import type { AdmissionLookup } from '../admission/types';
import { R } from '../client/resources';

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** kube-apiserver's --api-audiences default: the issuer */
export const API_AUDIENCES = [SERVICE_ACCOUNT_ISSUER];
/** a token whose bound object was deleted longer ago than this is no longer accepted */
const DELETION_GRACE_S = 60;
const NOT_BEFORE_LEEWAY_S = 60;

export interface ObjectRef {
  name: string;
  uid: string;
}
export interface TokenSpec {
  namespace: string;
  serviceAccount: ObjectRef;
  audiences: string[];
  expirationSeconds: number;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  /** the lifetime after which a (deliberately extended) token should only be reported as stale */
  warnAfterSeconds?: number;
  now?: Date;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** upstream's key id: base64url(sha256(DER public key)) */
// every token names its key; exporting the key each time showed up in pod-burst profiles
const keyIds = new WeakMap<KeyObject, string>();

export function serviceAccountKeyId(pub: KeyObject): string {
  let kid = keyIds.get(pub);
  if (!kid) {
    kid = b64url(
      createHash('sha256')
        .update(pub.export({ type: 'spki', format: 'der' }))
        .digest(),
    );
    keyIds.set(pub, kid);
  }
  return kid;
}

/** JSON with keys sorted at every level, as go-jose emits claims */
function sortedJson(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(norm);
    if (x && typeof x === 'object')
      return Object.fromEntries(
        Object.keys(x)
          .sort()
          .filter((k) => (x as any)[k] !== undefined)
          .map((k) => [k, norm((x as any)[k])]),
      );
    return x;
  };
  return JSON.stringify(norm(v));
}

/** a compact JWS over `claims` with the signing key, its header naming the key as upstream does */
function signJwt(pki: Pki, claims: object): string {
  const { signing, verifying } = pki.serviceAccount;
  const header = b64url(JSON.stringify({ alg: serviceAccountAlg(signing), kid: serviceAccountKeyId(verifying[0]) }));
  const payload = b64url(sortedJson(claims));
  // ECDSA signatures in JWS are r||s, not DER; the option is ignored for RSA
  const sig = sign('sha256', Buffer.from(`${header}.${payload}`), { key: signing, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${b64url(sig)}`;
}

/** whether the signature verifies with one of the cluster's keys of the header's algorithm (the named key first) */
function signatureValid(pki: Pki, header: { alg?: unknown; kid?: unknown }, signed: string, sig: string): boolean {
  const keys = pki.serviceAccount.verifying.filter((k) => serviceAccountAlg(k) === header.alg);
  const named = keys.filter((k) => serviceAccountKeyId(k) === header.kid);
  for (const key of named.length ? named : keys) {
    try {
      if (verify('sha256', Buffer.from(signed), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'))) return true;
    } catch {
      // a malformed signature for this key type: not valid with it
    }
  }
  return false;
}

export function signServiceAccountToken(pki: Pki, spec: TokenSpec): { token: string; expiresAt: Date } {
  const now = Math.floor((spec.now ?? new Date()).getTime() / 1000);
  const exp = now + spec.expirationSeconds;
  const claims = {
    aud: spec.audiences,
    exp,
    iat: now,
    nbf: now,
    iss: SERVICE_ACCOUNT_ISSUER,
    jti: randomUUID(),
    sub: `system:serviceaccount:${spec.namespace}:${spec.serviceAccount.name}`,
    'kubernetes.io': {
      namespace: spec.namespace,
      serviceaccount: spec.serviceAccount,
      pod: spec.pod,
      secret: spec.secret,
      node: spec.node,
      warnafter: spec.warnAfterSeconds !== undefined ? now + spec.warnAfterSeconds : undefined,
    },
  };
  return { token: signJwt(pki, claims), expiresAt: new Date(exp * 1000) };
}

/** issuer of the non-expiring tokens the token controller writes into kubernetes.io/service-account-token Secrets */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

export function signLegacyServiceAccountToken(pki: Pki, ref: { namespace: string; serviceAccount: ObjectRef; secretName: string }): string {
  const claims = {
    iss: LEGACY_ISSUER,
    'kubernetes.io/serviceaccount/namespace': ref.namespace,
    'kubernetes.io/serviceaccount/secret.name': ref.secretName,
    'kubernetes.io/serviceaccount/service-account.name': ref.serviceAccount.name,
    'kubernetes.io/serviceaccount/service-account.uid': ref.serviceAccount.uid,
    sub: `system:serviceaccount:${ref.namespace}:${ref.serviceAccount.name}`,
  };
  return signJwt(pki, claims);
}

/** a legacy token is valid while its Secret still holds it and its ServiceAccount is the one it names */
function verifyLegacy(token: string, claims: any, lookup: Pick<AdmissionLookup, 'get'>): UserInfo | null {
  const ns: string | undefined = claims['kubernetes.io/serviceaccount/namespace'];
  const saName: string | undefined = claims['kubernetes.io/serviceaccount/service-account.name'];
  const secretName: string | undefined = claims['kubernetes.io/serviceaccount/secret.name'];
  if (!ns || !saName || !secretName || claims.sub !== `system:serviceaccount:${ns}:${saName}`) return null;
  const secret = lookup.get(R.secrets, ns, secretName);
  if (!secret || secret.metadata.deletionTimestamp || Buffer.from(String(secret.data?.token ?? ''), 'base64').toString('utf8') !== token) return null;
  const sa = lookup.get(R.serviceaccounts, ns, saName);
  if (!sa || sa.metadata.uid !== claims['kubernetes.io/serviceaccount/service-account.uid'] || sa.metadata.deletionTimestamp) return null;
  return { name: `system:serviceaccount:${ns}:${saName}`, uid: sa.metadata.uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`] };
}

function decodePart(s: string): any {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function deletedTooLongAgo(obj: { metadata: { deletionTimestamp?: string } }, nowMs: number): boolean {
  const dt = obj.metadata.deletionTimestamp;
  return !!dt && Date.parse(dt) < nowMs - DELETION_GRACE_S * 1000;
}

/**
 * The user a ServiceAccount token stands for. undefined: not a token this cluster issues (let other authenticators
 * try); null: ours but invalid (bad signature, expired, wrong audience, or its account/bound object is gone).
 */
export function verifyServiceAccountToken(token: string, pki: Pki, lookup: Pick<AdmissionLookup, 'get'>, now = new Date()): UserInfo | null | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  if (!header || !claims || typeof claims !== 'object' || (claims.iss !== SERVICE_ACCOUNT_ISSUER && claims.iss !== LEGACY_ISSUER)) return undefined;
  // the first moments of a start, before the key is read or made: no token of ours can be checked yet (401)
  if (!pki.serviceAccountLoaded || !signatureValid(pki, header, `${parts[0]}.${parts[1]}`, parts[2])) return null;
  if (claims.iss === LEGACY_ISSUER) return verifyLegacy(token, claims, lookup);
  const nowS = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= nowS) return null;
  if (typeof claims.nbf === 'number' && claims.nbf > nowS + NOT_BEFORE_LEEWAY_S) return null;
  const aud: string[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => API_AUDIENCES.includes(a))) return null;

  const k = claims['kubernetes.io'];
  const ns: string | undefined = k?.namespace;
  const saRef: ObjectRef | undefined = k?.serviceaccount;
  if (!ns || !saRef?.name || claims.sub !== `system:serviceaccount:${ns}:${saRef.name}`) return null;
  const sa = lookup.get(R.serviceaccounts, ns, saRef.name);
  if (!sa || sa.metadata.uid !== saRef.uid || deletedTooLongAgo(sa, now.getTime())) return null;
  const extra: Record<string, string[]> = {};
  for (const [kind, gvr, namespaced] of [
    ['pod', R.pods, true],
    ['secret', R.secrets, true],
    ['node', R.nodes, false],
  ] as const) {
    const ref: ObjectRef | undefined = k[kind];
    if (!ref) continue;
    const o = lookup.get(gvr, namespaced ? ns : undefined, ref.name);
    if (!o || o.metadata.uid !== ref.uid || deletedTooLongAgo(o, now.getTime())) return null;
    if (kind !== 'secret') {
      extra[`authentication.kubernetes.io/${kind}-name`] = [ref.name];
      extra[`authentication.kubernetes.io/${kind}-uid`] = [ref.uid];
    }
  }
  if (typeof claims.jti === 'string') extra['authentication.kubernetes.io/credential-id'] = [`JTI=${claims.jti}`];
  return {
    name: `system:serviceaccount:${ns}:${saRef.name}`,
    uid: sa.metadata.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`],
    extra,
  };
}

export function serviceAccountTokenAuthenticator(pki: Pki, lookup: Pick<AdmissionLookup, 'get'>): TokenAuthenticator {
  return { authenticateToken: (token) => verifyServiceAccountToken(token, pki, lookup) };
}
