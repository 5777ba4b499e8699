// Service account issuer discovery (kube-apiserver's ServiceAccountIssuerDiscovery): the OpenID configuration and
// the JSON Web Key Set of the keys ServiceAccount tokens verify with, so a relying party (or a student at jwt.io)
// can check a token's signature. Readable by every ServiceAccount through the bootstrap
// system:service-account-issuer-discovery binding.
import type { KeyObject } from 'node:crypto';
import type { Pki } from '../../auth/pki';
import { serviceAccountAlg } from '../../auth/pki';
import { SERVICE_ACCOUNT_ISSUER, serviceAccountKeyId } from '../../auth/serviceaccount-token';
import type { ApiRequest, ApiResponse } from '../request';

export const OIDC_CONFIG_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

/** upstream lets clients cache both documents for an hour */
const CACHE = { 'cache-control': 'public, max-age=3600' };

/** a public key as go-jose writes a JWK: use, kty, kid, then the algorithm and the key's numbers */
function jwk(key: KeyObject): Record<string, string> {
  const j = key.export({ format: 'jwk' }) as Record<string, string>;
  const head = { use: 'sig', kty: j.kty, kid: serviceAccountKeyId(key) };
  const alg = serviceAccountAlg(key);
  return j.kty === 'RSA' ? { ...head, alg, n: j.n, e: j.e } : { ...head, crv: j.crv, alg, x: j.x, y: j.y };
}

export function oidcDiscoveryHandlers(pki: Pki, address: () => string): Record<string, (req: ApiRequest) => Promise<ApiResponse>> {
  const raw = (body: unknown, contentType: string): ApiResponse => ({ kind: 'raw', status: 200, body: JSON.stringify(body), contentType, headers: CACHE });
  return {
    [OIDC_CONFIG_PATH]: async () => {
      const { verifying } = await pki.serviceAccountReady;
      const algs = [...new Set(verifying.map(serviceAccountAlg))].sort();
      return raw(
        {
          issuer: SERVICE_ACCOUNT_ISSUER,
          jwks_uri: `https://${address()}${JWKS_PATH}`,
          response_types_supported: ['id_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: algs,
        },
        'application/json',
      );
    },
    [JWKS_PATH]: async () => raw({ keys: (await pki.serviceAccountReady).verifying.map(jwk) }, 'application/jwk-set+json'),
  };
}
