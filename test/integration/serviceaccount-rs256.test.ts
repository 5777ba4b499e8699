// ServiceAccount tokens signed like a kubeadm cluster's: RS256 with an RSA 2048 key (sa.key / sa.pub), the kid
// upstream derives from the public key, the issuer discovery documents serving that key, and a data dir an older
// KubeLab left with an ECDSA key still verifying the ES256 tokens it issued.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('serviceaccount-rs256: skipped — no kubectl found (set KUBECTL or install kubectl)');

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const part = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString('utf8'));
const kidOf = (pub: KeyObject) =>
  createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('base64url');

async function tokenReview(tc: TestCluster, token: string): Promise<any> {
  const r = await tc.kubectl(['create', '-o', 'json', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
  });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout).status;
}

async function jwks(tc: TestCluster): Promise<any[]> {
  return JSON.parse((await tc.kubectl(['get', '--raw', '/openid/v1/jwks'])).stdout).keys;
}

/** whether one of the JWKS keys verifies the token's signature (what jwt.io does with the published key) */
function verifiesWith(keys: any[], token: string): boolean {
  const [h, p, s] = token.split('.');
  const header = part(token, 0);
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk || jwk.alg !== header.alg) return false;
  return verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
}

describe.skipIf(!kubectl)('ServiceAccount tokens: RS256 like kubeadm', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('signs `kubectl create token` with RS256 and the key id upstream computes from sa.pub', async () => {
    const token = (await tc.kubectl(['create', 'token', 'default'])).stdout.trim();
    const header = part(token, 0);
    expect(header.alg).toBe('RS256');
    const pub = createPublicKey(readFileSync(join(tc.dataDir, 'pki', 'sa.pub'), 'utf8'));
    expect(pub.asymmetricKeyType).toBe('rsa');
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(header.kid).toBe(kidOf(pub));
    expect(readFileSync(join(tc.dataDir, 'pki', 'sa.key'), 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(await tokenReview(tc, token)).toMatchObject({
      authenticated: true,
      user: { username: 'system:serviceaccount:default:default', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] },
      audiences: [ISSUER],
    });
    // a signature that does not verify authenticates no one
    expect(await tokenReview(tc, token.slice(0, -6) + 'AAAAAA')).toEqual({ user: {} });
  });

  it('serves the OpenID configuration and the RSA key as a JWK that verifies the tokens', async () => {
    const conf = JSON.parse((await tc.kubectl(['get', '--raw', '/.well-known/openid-configuration'])).stdout);
    expect(conf).toEqual({
      issuer: ISSUER,
      jwks_uri: `${new URL(tc.cluster.server).origin}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const keys = await jwks(tc);
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0])).toEqual(['use', 'kty', 'kid', 'alg', 'n', 'e']);
    expect(keys[0]).toMatchObject({ use: 'sig', kty: 'RSA', alg: 'RS256', e: 'AQAB' });
    const token = (await tc.kubectl(['create', 'token', 'default', '--audience', 'vault'])).stdout.trim();
    expect(verifiesWith(keys, token)).toBe(true);
  });

  it("mounts an RS256 projected token in a pod's kube-api-access volume, and writes sa.key/sa.pub in the control-plane node's /etc/kubernetes/pki", async () => {
    expect((await tc.kubectl(['run', 'tok', '--image=busybox', '--', 'sleep', '3600'])).code).toBe(0);
    await waitFor(async () => (await tc.kubectl(['get', 'pod', 'tok', '-o', 'jsonpath={.status.containerStatuses[0].ready}'])).stdout === 'true', {
      what: 'tok ready',
      timeoutMs: 30_000,
    });
    const token = (await tc.kubectl(['exec', 'tok', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'])).stdout;
    expect(part(token, 0).alg).toBe('RS256');
    expect(verifiesWith(await jwks(tc), token)).toBe(true);
    expect((await tokenReview(tc, token)).authenticated).toBe(true);
    const nodePki = join(tc.dataDir, 'nodes', 'kubelab-control-plane', 'host', 'etc', 'kubernetes', 'pki');
    expect(readFileSync(join(nodePki, 'sa.pub'), 'utf8')).toBe(readFileSync(join(tc.dataDir, 'pki', 'sa.pub'), 'utf8'));
    expect(existsSync(join(nodePki, 'sa.key'))).toBe(true);
  }, 60_000);
});

describe.skipIf(!kubectl)('a data dir an older KubeLab made with an ECDSA service-account key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-ec-sa-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts, keeps verifying its ES256 tokens and signs new ones with a new RSA key', async () => {
    let tc = await startTestCluster({ nodes: 1, dataDir });
    let legacy: string;
    let bound: string;
    try {
      const sa = JSON.parse((await tc.kubectl(['create', 'serviceaccount', 'old', '-o', 'json'])).stdout);
      // what the older version left: an ECDSA P-256 sa.key (PKCS#8) and no sa.pub, its tokens ES256 JWTs
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jws = (claims: object) => {
        const h = Buffer.from(JSON.stringify({ alg: 'ES256', kid: kidOf(ec.publicKey) })).toString('base64url');
        const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
        return `${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
      };
      const now = Math.floor(Date.now() / 1000);
      bound = jws({
        aud: [ISSUER],
        exp: now + 3600,
        iat: now,
        nbf: now,
        iss: ISSUER,
        jti: randomUUID(),
        sub: 'system:serviceaccount:default:old',
        'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'old', uid: sa.metadata.uid } },
      });
      legacy = jws({
        iss: 'kubernetes/serviceaccount',
        'kubernetes.io/serviceaccount/namespace': 'default',
        'kubernetes.io/serviceaccount/secret.name': 'old-token',
        'kubernetes.io/serviceaccount/service-account.name': 'old',
        'kubernetes.io/serviceaccount/service-account.uid': sa.metadata.uid,
        sub: 'system:serviceaccount:default:old',
      });
      // the token controller fills a service-account-token Secret only when it has no token: this one keeps the old
      const secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'old-token', annotations: { 'kubernetes.io/service-account.name': 'old', 'kubernetes.io/service-account.uid': sa.metadata.uid } },
        type: 'kubernetes.io/service-account-token',
        data: { token: Buffer.from(legacy).toString('base64') },
      };
      expect((await tc.kubectl(['create', '-f', '-'], { input: JSON.stringify(secret) })).code).toBe(0);
      await tc.stop();
      writeFileSync(join(dataDir, 'pki', 'sa.key'), ec.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      unlinkSync(join(dataDir, 'pki', 'sa.pub'));

      tc = await startTestCluster({ nodes: 1, dataDir });
      for (const t of [bound, legacy]) expect((await tokenReview(tc, t)).user?.username).toBe('system:serviceaccount:default:old');
      const fresh = (await tc.kubectl(['create', 'token', 'old'])).stdout.trim();
      expect(part(fresh, 0).alg).toBe('RS256');
      const keys = await jwks(tc);
      expect(keys.map((k) => k.alg)).toEqual(['RS256', 'ES256']);
      for (const t of [fresh, bound, legacy]) expect(verifiesWith(keys, t)).toBe(true);
      expect(JSON.parse((await tc.kubectl(['get', '--raw', '/.well-known/openid-configuration'])).stdout).id_token_signing_alg_values_supported).toEqual([
        'ES256',
        'RS256',
      ]);
      await tc.stop();

      // the next start keeps both keys
      tc = await startTestCluster({ nodes: 1, dataDir });
      expect((await tokenReview(tc, bound)).authenticated).toBe(true);
      expect((await tokenReview(tc, fresh)).authenticated).toBe(true);
    } finally {
      await tc.stop();
    }
  }, 120_000);
});
