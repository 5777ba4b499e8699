// "View as" against a real cluster: the API server authorizes the impersonated lists, so a ServiceAccount with a
// RoleBinding sees its namespace only, and the refusals are the API server's own messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test/harness';
import { viewAs } from './view-as';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ nodes: 1 });
  expect((await tc.kubectl(['create', 'namespace', 'team-a'])).code).toBe(0);
}, 60_000);
afterAll(async () => {
  await tc?.stop();
});

describe('viewAs', () => {
  it('lists as a ServiceAccount: forbidden cluster-wide, allowed in the RoleBinding namespace', async () => {
    const apply = (yaml: string) => tc.kubectl(['apply', '-f', '-'], { input: yaml });
    expect(
      (
        await apply(`apiVersion: v1
kind: ServiceAccount
metadata: {name: bot, namespace: team-a}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bot-view, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: bot, namespace: team-a}]
---
apiVersion: v1
kind: Pod
metadata: {name: mine, namespace: team-a}
spec: {containers: [{name: c, image: busybox, command: [sleep, "3600"]}]}
`)
      ).code,
    ).toBe(0);
    const r = await viewAs(tc.kubeconfig, { kind: 'ServiceAccount', namespace: 'team-a', name: 'bot' });
    expect(r.user).toBe('system:serviceaccount:team-a:bot');
    expect(r.groups).toEqual(expect.arrayContaining(['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated']));
    expect(r.snapshot.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['team-a/mine']);
    expect(r.snapshot.nodes).toEqual([]);
    const pods = r.forbidden.find((f) => f.resource === 'pods')!;
    expect(pods.message).toBe('pods is forbidden: User "system:serviceaccount:team-a:bot" cannot list resource "pods" in API group "" at the cluster scope');
    expect(pods.allowedIn).toEqual(['team-a']);
    expect(r.forbidden.find((f) => f.resource === 'nodes')?.allowedIn).toEqual([]);
    // a user in system:masters (impersonated groups) sees everything and nothing is forbidden
    const admin = await viewAs(tc.kubeconfig, { kind: 'User', name: 'root', groups: ['system:masters'] });
    expect(admin.forbidden).toEqual([]);
    expect(admin.snapshot.pods.some((p) => p.namespace === 'kube-system')).toBe(true);
    // a group alone is viewed through a placeholder user in that group
    const group = await viewAs(tc.kubeconfig, { kind: 'Group', name: 'nobody-binds-this' });
    expect(group.groups).toContain('nobody-binds-this');
    expect(group.snapshot.pods).toEqual([]);
  }, 60_000);
});
