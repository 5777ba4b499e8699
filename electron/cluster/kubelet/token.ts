// ServiceAccount tokens for projected volumes via the TokenRequest API (serviceaccounts/<name>/token).
// When the API server does not offer TokenRequest yet (404), the kubelet writes an unsigned placeholder JWT
// with the same claims, so `cat token` and the JWT's shape stay instructive; it does not authenticate.
import type { Client } from '../client/types';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { StatusError } from '../api/errors';
import type { TokenSource } from './volumes';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function placeholderToken(pod: KObject, audience: string | undefined, expirationSeconds: number, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const ns = pod.metadata.namespace ?? 'default';
  const sa = pod.spec?.serviceAccountName ?? 'default';
  const payload = {
    aud: [audience ?? 'https://kubernetes.default.svc.cluster.local'],
    exp: iat + expirationSeconds,
    iat,
    nbf: iat,
    iss: 'https://kubernetes.default.svc.cluster.local',
    'kubernetes.io': {
      namespace: ns,
      node: { name: pod.spec?.nodeName },
      pod: { name: pod.metadata.name, uid: pod.metadata.uid },
      serviceaccount: { name: sa },
    },
    sub: `system:serviceaccount:${ns}:${sa}`,
  };
  return `${b64url({ alg: 'none', kid: 'kubelab-placeholder' })}.${b64url(payload)}.`;
}

export function tokenRequestSource(client: Client, onFallback?: (msg: string) => void): TokenSource {
  let unsupported = false;
  return {
    async token(pod, audience, expirationSeconds) {
      const now = Date.now();
      if (!unsupported) {
        const sa = pod.spec?.serviceAccountName ?? 'default';
        const req: KObject = {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          metadata: { name: sa, namespace: pod.metadata.namespace },
          spec: {
            audiences: audience ? [audience] : [],
            expirationSeconds,
            boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name, uid: pod.metadata.uid },
          },
        };
        try {
          const res = await client.create(R.serviceaccounts, pod.metadata.namespace, req, { subresource: 'token', name: sa });
          const exp = Date.parse(res.status?.expirationTimestamp ?? '') || now + expirationSeconds * 1000;
          if (res.status?.token) return { token: res.status.token, expiresAt: exp };
        } catch (err) {
          if (err instanceof StatusError && (err.code === 404 || err.code === 405)) {
            // the ServiceAccount itself missing is a real error; a missing subresource means no TokenRequest support
            if (!/serviceaccounts? "/.test(err.message)) {
              unsupported = true;
              onFallback?.('TokenRequest is not served; writing placeholder tokens');
            } else throw new Error(`failed to fetch token: ${err.message}`);
          } else throw new Error(`failed to fetch token: ${(err as Error).message}`);
        }
      }
      return { token: placeholderToken(pod, audience, expirationSeconds, now), expiresAt: now + expirationSeconds * 1000 };
    },
  };
}
