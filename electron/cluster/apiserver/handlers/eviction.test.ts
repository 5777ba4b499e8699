// pods/eviction and serviceaccounts/token through the full handler chain (admin client, kubectl 1.31, HTTPS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import https from 'node:https';
import { startTestCluster, waitFor, kubectlPath, type TestCluster } from '../../../../test/harness';
import { StatusError } from '../../api/errors';
import type { GVR, KObject } from '../../api/types';
import { R } from '../../client/resources';
import { createAuthenticator } from '../../auth/authenticator';
import { serviceAccountTokenAuthenticator, verifyServiceAccountToken } from '../../auth/serviceaccount-token';
import { startHttpServer, type RunningHttpServer } from '../http';
import { registerEvictionAndTokenHandlers } from './eviction';

const KUBECTL_131 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.31';
if (!process.env.KUBECTL && existsSync(KUBECTL_131)) process.env.KUBECTL = KUBECTL_131;

let t: TestCluster;
const NS = 'evict';
const lookup = {
  get(g: GVR, ns: string | undefined, name: string): KObject | undefined {
    const e = t.cluster.catalog.get(g.group, g.version, g.resource);
    return e ? t.cluster.api.registry.getStored(e, ns, name) : undefined;
  },
};

async function caught(run: () => Promise<unknown>): Promise<StatusError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const evict = (name: string, deleteOptions?: object) =>
  t.client.create(
    R.pods,
    NS,
    { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: NS }, deleteOptions },
    { subresource: 'eviction', name },
  );

/** kubectl must run asynchronously: the API server lives in this process */
function kubectl(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = t.kubectlSpawn(args);
  let stdout = '',
    stderr = '';
  child.stdout!.on('data', (c) => {
    stdout += c;
  });
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  const timer = setTimeout(() => child.kill(), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    }),
  );
}

async function runningReadyPod(name: string, labels: Record<string, string>): Promise<KObject> {
  // placed directly on the node: this test is about eviction, not scheduling
  const node = (await t.client.list(R.nodes)).items[0].metadata.name;
  await t.client.create(R.pods, NS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
  });
  return waitFor<KObject | undefined>(
    async () => {
      const p = await t.client.get(R.pods, NS, name);
      return p.status?.phase === 'Running' && p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
    },
    { timeoutMs: 30_000, what: `pod ${name} ready` },
  ) as Promise<KObject>;
}

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  registerEvictionAndTokenHandlers(t.cluster.api, { pki: t.cluster.pki, registry: t.cluster.api.registry, catalog: t.cluster.catalog });
  await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await waitFor(() => lookup.get(R.serviceaccounts, NS, 'default'), { what: 'default service account' });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('pods/eviction', () => {
  it('answers 429 while the budget allows no disruption, then evicts and charges the budget', async () => {
    await runningReadyPod('guarded', { app: 'guarded' });
    await t.client.create(R.poddisruptionbudgets, NS, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'pdb' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
    });

    // not yet observed by a disruption controller
    let e = await caught(() => evict('guarded'));
    expect(e.code).toBe(429);
    expect(e.status.details?.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget pdb is still being processed by the server.' }]);

    const setStatus = async (allowed: number) => {
      const pdb = await t.client.get(R.poddisruptionbudgets, NS, 'pdb');
      pdb.status = { observedGeneration: pdb.metadata.generation, disruptionsAllowed: allowed, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 };
      await t.client.updateStatus(R.poddisruptionbudgets, NS, pdb);
    };
    await setStatus(0);
    e = await caught(() => evict('guarded'));
    expect(e.code).toBe(429);
    expect(e.status.reason).toBe('TooManyRequests');
    expect(e.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(e.status.details?.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget pdb needs 1 healthy pods and has 1 currently' }]);
    expect((await t.client.get(R.pods, NS, 'guarded')).metadata.deletionTimestamp).toBeUndefined();

    await setStatus(1);
    const ok = await evict('guarded', { gracePeriodSeconds: 0 });
    expect(ok).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    const pdb = await t.client.get(R.poddisruptionbudgets, NS, 'pdb');
    expect(pdb.status.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status.disruptedPods)).toEqual(['guarded']);
    expect(pdb.status.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' })]);
    await waitFor(async () => (await caught(() => t.client.get(R.pods, NS, 'guarded'))).code === 404, { what: 'evicted pod gone' });
  }, 60_000);

  it('evicts pods that are not running without consuming any budget', async () => {
    await t.client.create(R.pods, NS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pending', labels: { app: 'guarded' } },
      spec: { nodeSelector: { nowhere: 'true' }, containers: [{ name: 'c', image: 'busybox' }] },
    });
    await evict('pending');
    expect((await caught(() => t.client.get(R.pods, NS, 'pending'))).code).toBe(404);
    expect((await t.client.get(R.poddisruptionbudgets, NS, 'pdb')).status.disruptionsAllowed).toBe(0);
    expect((await caught(() => evict('no-such-pod'))).message).toBe('pods "no-such-pod" not found');
  });

  it.skipIf(!kubectlPath())(
    'lets kubectl drain evict the pods of a node',
    async () => {
      const p = await runningReadyPod('drained', { app: 'drain-me' });
      const r = await kubectl(['drain', p.spec.nodeName, '--pod-selector', 'app=drain-me', '--force', '--grace-period', '1', '--timeout', '60s'], 70_000);
      expect(r.stderr + r.stdout).toContain(`evicting pod ${NS}/drained`);
      expect(r.stdout).toContain('drained');
      expect(r.code).toBe(0);
      expect((await kubectl(['uncordon', p.spec.nodeName])).code).toBe(0);
    },
    90_000,
  );
});

describe('serviceaccounts/token', () => {
  let server: RunningHttpServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  const selfReview = (port: number, token: string) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
          ca: t.cluster.pki.ca.certPem,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        },
        (res) => {
          let data = '';
          res.on('data', (c) => {
            data += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it.skipIf(!kubectlPath())('issues a token with `kubectl create token` that authenticates over HTTPS', async () => {
    const r = await kubectl(['-n', NS, 'create', 'token', 'default', '--duration', '20m']);
    expect(r.stderr).toBe('');
    const token = r.stdout.trim();
    const [h, p] = token
      .split('.')
      .slice(0, 2)
      .map((s) => JSON.parse(Buffer.from(s, 'base64url').toString()) as any);
    const sa = lookup.get(R.serviceaccounts, NS, 'default')!;
    expect(h.alg).toBe('RS256');
    expect(p).toMatchObject({
      iss: 'https://kubernetes.default.svc.cluster.local',
      aud: ['https://kubernetes.default.svc.cluster.local'],
      sub: `system:serviceaccount:${NS}:default`,
      'kubernetes.io': { namespace: NS, serviceaccount: { name: 'default', uid: sa.metadata.uid } },
    });
    expect(p.exp - p.iat).toBe(1200);

    const authenticator = createAuthenticator({
      tokens: [serviceAccountTokenAuthenticator(t.cluster.pki, lookup)],
      authorizer: () => t.cluster.api.authorizerRef(),
    });
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      cert: t.cluster.pki.server.certPem + t.cluster.pki.ca.certPem,
      key: t.cluster.pki.server.keyPem,
      ca: t.cluster.pki.ca.certPem,
      api: t.cluster.api,
      authenticator,
    });
    const res = await selfReview(server.port, token);
    expect(res.status).toBe(201);
    expect(res.body.status.userInfo).toMatchObject({
      username: `system:serviceaccount:${NS}:default`,
      uid: sa.metadata.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
    });

    // a tampered or expired token is refused
    expect((await selfReview(server.port, token.slice(0, -4) + 'AAAA')).status).toBe(401);
    expect(verifyServiceAccountToken(token, t.cluster.pki, lookup, new Date(Date.now() + 21 * 60_000))).toBeNull();
    expect(verifyServiceAccountToken('not-a-jwt', t.cluster.pki, lookup)).toBeUndefined();
  });

  it('binds tokens to a pod and stops accepting them once the pod is gone', async () => {
    await t.client.create(R.serviceaccounts, NS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    const pod = await t.client.create(R.pods, NS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bound' },
      spec: { serviceAccountName: 'robot', nodeSelector: { nowhere: 'true' }, containers: [{ name: 'c', image: 'busybox' }] },
    });
    const tr = await t.client.create(
      R.serviceaccounts,
      NS,
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        metadata: {},
        spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bound' } },
      },
      { subresource: 'token', name: 'robot' },
    );
    expect(tr.spec).toMatchObject({ audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 });
    expect(Date.parse(tr.status.expirationTimestamp) - Date.now()).toBeGreaterThan(3500_000);
    const user = verifyServiceAccountToken(tr.status.token, t.cluster.pki, lookup);
    expect(user).toMatchObject({
      name: `system:serviceaccount:${NS}:robot`,
      extra: { 'authentication.kubernetes.io/pod-name': ['bound'], 'authentication.kubernetes.io/pod-uid': [pod.metadata.uid] },
    });

    await t.client.delete(R.pods, NS, 'bound');
    expect(verifyServiceAccountToken(tr.status.token, t.cluster.pki, lookup)).toBeNull();

    const short = await caught(() =>
      t.client.create(
        R.serviceaccounts,
        NS,
        { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: { expirationSeconds: 60 } },
        { subresource: 'token', name: 'robot' },
      ),
    );
    expect(short.message).toBe(
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    );
    expect(
      (
        await caught(() =>
          t.client.create(
            R.serviceaccounts,
            NS,
            { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: {} },
            { subresource: 'token', name: 'ghost' },
          ),
        )
      ).message,
    ).toBe('serviceaccounts "ghost" not found');
  });
});
