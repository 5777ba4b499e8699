// The cluster's own parts and its pods as upstream identities: controllers act as their kube-system ServiceAccounts
// under the system:controller:* roles (so a broken binding breaks them), and pods reach the API server through the
// kubernetes Service with their mounted token, answered with RBAC's 403 for system:serviceaccount:<ns>:<sa>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import type { KObject } from '../api/types';

let t: TestCluster;
const NS = 'ids';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

async function canI(user: string, verb: string, resource: string, group = ''): Promise<boolean> {
  const r = await t.client.create({ group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews' }, undefined, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: {},
    spec: {
      user,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      resourceAttributes: { verb, resource, group, namespace: NS },
    },
  });
  return r.status.allowed === true;
}

describe('controllers as their upstream ServiceAccounts', () => {
  it('has a ServiceAccount, a system:controller ClusterRole and its binding per controller, with upstream rules', async () => {
    const sa = await t.client.get(R.serviceaccounts, 'kube-system', 'deployment-controller');
    expect(sa.metadata.name).toBe('deployment-controller');
    const b = await t.client.get(R.clusterrolebindings, undefined, 'system:controller:deployment-controller');
    expect(b.roleRef.name).toBe('system:controller:deployment-controller');
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'deployment-controller', namespace: 'kube-system' }]);
    const dc = 'system:serviceaccount:kube-system:deployment-controller';
    expect(await canI(dc, 'update', 'pods')).toBe(true);
    expect(await canI(dc, 'delete', 'pods')).toBe(false);
    expect(await canI(dc, 'create', 'replicasets', 'apps')).toBe(true);
    expect(await canI('system:serviceaccount:kube-system:job-controller', 'create', 'pods')).toBe(true);
    expect(await canI('system:serviceaccount:kube-system:job-controller', 'create', 'deployments', 'apps')).toBe(false);
  });

  it('a ReplicaSet controller whose role lost `create pods` fails as upstream, and recovers once the rule is back', async () => {
    const name = 'system:controller:replicaset-controller';
    const role = await t.client.get(R.clusterroles, undefined, name);
    const rules = role.rules as { resources?: string[]; verbs: string[] }[];
    await t.client.update(R.clusterroles, undefined, {
      ...role,
      metadata: { ...role.metadata, annotations: { ...role.metadata.annotations, 'rbac.authorization.kubernetes.io/autoupdate': 'false' } },
      rules: rules.filter((r) => !r.resources?.includes('pods')),
    });
    await t.client.create(R.replicasets, NS, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'rs' } },
        template: { metadata: { labels: { app: 'rs' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    const failure = await waitFor(
      async () => {
        const rs = await t.client.get(R.replicasets, NS, 'rs');
        return (rs.status?.conditions ?? []).find((c: { type: string }) => c.type === 'ReplicaFailure');
      },
      { what: 'ReplicaFailure condition' },
    );
    expect(failure.message).toContain(
      // the name of a generateName create is not known when authorizing, so upstream names none
      `pods is forbidden: User "system:serviceaccount:kube-system:replicaset-controller" cannot create resource "pods" in API group "" in the namespace "${NS}"`,
    );
    expect((await t.client.list(R.pods, NS)).items).toHaveLength(0);
    const now = await t.client.get(R.clusterroles, undefined, name);
    await t.client.update(R.clusterroles, undefined, { ...now, rules });
    await waitFor(async () => (await t.client.list(R.pods, NS)).items.length === 1, { what: 'the pod once the rule is back', timeoutMs: 30_000 });
  }, 60_000);
});

describe('the API server from inside a pod', () => {
  it.skipIf(!kubectlPath())(
    'answers curl with the mounted token: 403 for the ServiceAccount, 200 once RBAC grants it; curl verifies the CA',
    async () => {
      await t.client.create(R.pods, NS, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'curl' },
        spec: { containers: [{ name: 'c', image: 'curlimages/curl', command: ['sleep', '3600'] }] },
      });
      await waitFor(async () => (await t.client.get(R.pods, NS, 'curl')).status?.phase === 'Running', { what: 'curl pod running', timeoutMs: 30_000 });
      // kubernetes.default.svc resolves once CoreDNS serves: a cluster just started may not be there yet
      await waitFor(
        async () =>
          (await t.client.list(R.endpointslices, 'kube-system', { labelSelector: 'kubernetes.io/service-name=kube-dns' })).items.some((s) =>
            ((s as { endpoints?: { conditions?: { ready?: boolean } }[] }).endpoints ?? []).some((e) => e.conditions?.ready),
          ),
        { what: 'a ready kube-dns endpoint', timeoutMs: 60_000 },
      );
      const curl = (args: string) =>
        t.kubectl([
          'exec',
          '-n',
          NS,
          'curl',
          '--',
          'sh',
          '-c',
          `curl -sS ${args} -H "Authorization: Bearer $(cat ${SA_DIR}/token)" https://kubernetes.default.svc/api/v1/namespaces/${NS}/pods`,
        ]);
      const denied = await curl(`--cacert ${SA_DIR}/ca.crt`);
      expect(denied.code).toBe(0);
      const status = JSON.parse(denied.stdout);
      expect(status).toMatchObject({ kind: 'Status', code: 403, reason: 'Forbidden' });
      expect(status.message).toBe(
        `pods is forbidden: User "system:serviceaccount:${NS}:default" cannot list resource "pods" in API group "" in the namespace "${NS}"`,
      );

      const unverified = await curl('');
      expect(unverified.code).toBe(60);
      expect(unverified.stderr).toContain('curl: (60) SSL certificate problem: unable to get local issuer certificate');

      await t.client.create(R.rolebindings, NS, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'default-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: NS }],
      });
      const allowed = await waitFor(
        async () => {
          const r = await curl(`--cacert ${SA_DIR}/ca.crt`);
          const body = JSON.parse(r.stdout);
          return body.kind === 'PodList' ? body : undefined;
        },
        { what: 'the pod list once view is bound' },
      );
      expect(allowed.items.map((p: KObject) => p.metadata.name)).toContain('curl');
    },
    60_000,
  );
});

describe('NodeRestriction: a kubelet changes only its own Node and pods', () => {
  const NODE = 'kubelab-control-plane';
  const kubelet = () => t.cluster.client({ name: `system:node:${NODE}`, groups: ['system:nodes'] });
  const refused = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return e as { code: number; message: string };
    }
    throw new Error('expected a rejection');
  };

  it('the control-plane role label is there, set by kubeadm, not by the kubelet', async () => {
    const node = await t.client.get(R.nodes, undefined, NODE);
    expect(node.metadata.labels?.['node-role.kubernetes.io/control-plane']).toBe('');
  });

  it('refuses restricted labels, taints and other nodes with upstream words; allows its own unrestricted labels', async () => {
    const label = (key: string) => kubelet().patch(R.nodes, undefined, NODE, 'merge', { metadata: { labels: { [key]: 'x' } } });
    let e = await refused(label('node-role.kubernetes.io/worker'));
    expect(e.code).toBe(403);
    expect(e.message).toBe(`nodes "${NODE}" is forbidden: node "${NODE}" is not allowed to modify labels: node-role.kubernetes.io/worker`);
    e = await refused(label('node-restriction.kubernetes.io/pool'));
    expect(e.message).toBe(`nodes "${NODE}" is forbidden: node "${NODE}" is not allowed to modify labels: node-restriction.kubernetes.io/pool`);
    await label('example.com/rack');
    await label('topology.kubernetes.io/zone');
    e = await refused(kubelet().patch(R.nodes, undefined, NODE, 'merge', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }));
    expect(e.message).toBe(`nodes "${NODE}" is forbidden: node "${NODE}" is not allowed to modify taints`);

    await t.client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'other' } });
    e = await refused(kubelet().patch(R.nodes, undefined, 'other', 'merge', { metadata: { labels: { a: 'b' } } }));
    expect(e.message).toBe(`nodes "other" is forbidden: node "${NODE}" is not allowed to modify node "other"`);
    await t.client.delete(R.nodes, undefined, 'other');
  });

  it('creates only mirror pods bound to itself', async () => {
    const pod = (annotations: Record<string, string>, nodeName: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p-${Object.keys(annotations).length}-${nodeName.length}`, annotations },
      spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] },
    });
    let e = await refused(kubelet().create(R.pods, NS, pod({}, NODE)));
    expect(e.message).toBe(
      `pods "p-0-${NODE.length}" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "${NODE}" can only create mirror pods`,
    );
    e = await refused(kubelet().create(R.pods, NS, pod({ 'kubernetes.io/config.mirror': 'x' }, 'elsewhere')));
    expect(e.message).toBe(`pods "p-1-9" is forbidden: node "${NODE}" can only create pods with spec.nodeName set to itself`);
  });
});
