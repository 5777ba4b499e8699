// Access control through the API server's real pipeline, with in-process clients acting as other users:
// RBAC Forbidden messages, the escalation check, aggregation, CSR approval and signing, legacy token Secrets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { verifyServiceAccountToken } from './serviceaccount-token';

let t: TestCluster;
const NS = 'ac';
const as = (name: string, groups: string[] = []) => t.cluster.client({ name, groups });
async function rejection(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: number; message: string };
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('RBAC through the API', () => {
  it('refuses an unbound user with upstream words, and allows once a RoleBinding grants it', async () => {
    const e = await rejection(as('amy').list(R.configmaps, NS));
    expect(e.code).toBe(403);
    expect(e.message).toBe(`configmaps is forbidden: User "amy" cannot list resource "configmaps" in API group "" in the namespace "${NS}"`);
    await t.client.create(R.rolebindings, NS, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'amy-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'amy' }],
    });
    await waitFor(() => as('amy').list(R.configmaps, NS), { what: 'view binding in effect' });
    expect((await rejection(as('amy').list(R.configmaps, 'default'))).code).toBe(403);
  });

  it('refuses to grant rules the writer does not hold, listing them as upstream', async () => {
    await t.client.create(R.roles, NS, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'role-writer' },
      rules: [
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['create'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      ],
    });
    await t.client.create(R.rolebindings, NS, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'ben-writer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'role-writer' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ben' }],
    });
    const ben = as('ben', ['system:authenticated']);
    const mk = (name: string, verbs: string[]) =>
      ben.create(R.roles, NS, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs }],
      });
    await waitFor(() => mk('ok', ['get']), { what: 'a role within what ben holds' });
    const e = await rejection(mk('too-much', ['get', 'delete']));
    expect(e.code).toBe(403);
    expect(e.message).toBe(
      `roles.rbac.authorization.k8s.io "too-much" is forbidden: user "ben" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}`,
    );
  });

  it('aggregates a labelled ClusterRole into view', async () => {
    await t.client.create(R.clusterroles, undefined, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'widgets-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }],
    });
    await waitFor(
      async () => {
        const admin = await t.client.get(R.clusterroles, undefined, 'admin');
        return admin.rules?.some((r: any) => r.resources.includes('widgets'));
      },
      { what: 'widgets rule aggregated up to admin' },
    );
  });
});

async function csrPem(cn: string, orgs: string[]): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: [`CN=${cn}`, ...orgs.map((o) => `O=${o}`)].join(', '), keys, signingAlgorithm: alg });
  return csr.toString('pem');
}

describe('CertificateSigningRequests', () => {
  const csr = async (name: string, pem: string, signerName = 'kubernetes.io/kube-apiserver-client') =>
    t.client.create(R.certificatesigningrequests, undefined, {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name },
      spec: { request: Buffer.from(pem).toString('base64'), signerName, usages: ['client auth'], expirationSeconds: 3600 },
    });
  const approve = (client: ReturnType<typeof as>, o: KObject) =>
    client.update(
      R.certificatesigningrequests,
      undefined,
      {
        ...o,
        status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Test', message: 'ok' }] },
      },
      { subresource: 'approval' },
    );

  it('approval needs approve on the signer; the approved request is signed for expirationSeconds', async () => {
    const o = await csr('kim', await csrPem('kim', ['devs']));
    expect(o.spec.username).toBe('kubernetes-admin');
    await t.client.create(R.clusterrolebindings, undefined, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'carl-csr' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'csr-updater' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carl' }],
    });
    await t.client.create(R.clusterroles, undefined, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'csr-updater' },
      rules: [
        { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests', 'certificatesigningrequests/approval'], verbs: ['get', 'update'] },
      ],
    });
    const e = await waitFor(
      async () => {
        const r = await rejection(approve(as('carl'), o));
        if (!r.message.includes('signerName')) throw new Error(`not yet: ${r.message}`);
        return r;
      },
      { what: 'carl reaches the signer check' },
    );
    expect(e.message).toBe(
      'certificatesigningrequests.certificates.k8s.io "kim" is forbidden: user not permitted to approve requests with signerName "kubernetes.io/kube-apiserver-client"',
    );
    await approve(t.client, o);
    const signed = await waitFor(
      async () => {
        const c = await t.client.get(R.certificatesigningrequests, undefined, 'kim');
        if (!c.status?.certificate) throw new Error('not signed yet');
        return c;
      },
      { what: 'certificate issued' },
    );
    const cert = new x509.X509Certificate(Buffer.from(signed.status.certificate, 'base64').toString('utf8'));
    expect(cert.subject).toBe('CN=kim, O=devs');
    const lifetime = (cert.notAfter.getTime() - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(3500);
    expect(lifetime).toBeLessThanOrEqual(3600);
  });

  it('a kubelet client signer refuses a subject that is not a node, with a Failed condition', async () => {
    const o = await csr('not-a-node', await csrPem('bob', []), 'kubernetes.io/kube-apiserver-client-kubelet');
    await approve(t.client, o);
    const failed = await waitFor(
      async () => {
        const c = await t.client.get(R.certificatesigningrequests, undefined, 'not-a-node');
        const f = c.status?.conditions?.find((x: any) => x.type === 'Failed');
        if (!f) throw new Error('not failed yet');
        return f;
      },
      { what: 'Failed condition' },
    );
    expect([failed.reason, failed.message]).toEqual(['SignerValidationFailure', 'subject organization is not system:nodes']);
  });

  it('refuses system:masters certificates from the client signer', async () => {
    const e = await rejection(csr('root', await csrPem('root', ['system:masters'])));
    expect(e.message).toBe(
      'certificatesigningrequests.certificates.k8s.io "root" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed',
    );
  });
});

describe('legacy ServiceAccount token Secrets', () => {
  it('are filled by the tokens controller and authenticate as the account', async () => {
    await t.client.create(R.serviceaccounts, NS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    await t.client.create(R.secrets, NS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'robot-token', annotations: { 'kubernetes.io/service-account.name': 'robot' } },
      type: 'kubernetes.io/service-account-token',
    });
    const s = await waitFor(
      async () => {
        const x = await t.client.get(R.secrets, NS, 'robot-token');
        if (!x.data?.token) throw new Error('no token yet');
        return x;
      },
      { what: 'token filled' },
    );
    expect(Buffer.from(s.data.namespace, 'base64').toString()).toBe(NS);
    const lookup = {
      get: (r: any, ns: string | undefined, name: string) => t.cluster.api.registry.getShared(t.cluster.catalog.get(r.group, r.version, r.resource)!, ns, name),
    };
    const user = verifyServiceAccountToken(Buffer.from(s.data.token, 'base64').toString(), t.cluster.pki, lookup);
    expect(user?.name).toBe(`system:serviceaccount:${NS}:robot`);
    await t.client.delete(R.serviceaccounts, NS, 'robot');
    await waitFor(
      () =>
        t.client.get(R.secrets, NS, 'robot-token').then(
          () => false,
          (e) => e.code === 404,
        ),
      { what: 'token Secret deleted with its account' },
    );
  });
});

describe.skipIf(!kubectlPath())('Pod Security admission through kubectl', () => {
  it('enforce rejects, warn answers with a Warning, and a stricter enforce label warns about existing pods', async () => {
    await t.kubectl(['create', 'namespace', 'psa']);
    expect((await t.kubectl(['-n', 'psa', 'run', 'before', '--image=nginx'])).code).toBe(0);
    const labelled = await t.kubectl(['label', 'ns', 'psa', 'pod-security.kubernetes.io/enforce=baseline', 'pod-security.kubernetes.io/warn=restricted']);
    expect(labelled.stderr).toBe('');
    const warned = await t.kubectl(['-n', 'psa', 'run', 'plain', '--image=nginx']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "plain" must set securityContext.allowPrivilegeEscalation=false)',
    );
    const refused = await t.kubectl([
      '-n',
      'psa',
      'run',
      'priv',
      '--image=nginx',
      '--overrides={"spec":{"containers":[{"name":"priv","image":"nginx","securityContext":{"privileged":true}}]}}',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'Error from server (Forbidden): pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged (container "priv" must not set securityContext.privileged=true)',
    );
    const tightened = await t.kubectl(['label', 'ns', 'psa', 'pod-security.kubernetes.io/enforce=restricted', '--overwrite']);
    expect(tightened.stderr).toContain('Warning: existing pods in namespace "psa" violate the new PodSecurity enforce level "restricted:latest"');
    expect(tightened.stderr).toContain(
      'Warning: before (and 1 other pod): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    );
  });
});
