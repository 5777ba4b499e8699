// kubectl inside pods (bitnami/kubectl, registry.k8s.io/kubectl): the in-cluster config of the pod's
// ServiceAccount, so RBAC answers the pod as it would on a real cluster — word for word, since the program runs
// the real kubectl binary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('pod-kubectl: skipped — no kubectl found (set KUBECTL or install kubectl)');

const SETUP = `apiVersion: v1
kind: Namespace
metadata: {name: kc}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: bot, namespace: kc}
---
apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: kc}
spec:
  serviceAccountName: bot
  containers:
  - name: kubectl
    image: bitnami/kubectl:1.33
    command: [sleep, infinity]
---
apiVersion: v1
kind: Pod
metadata: {name: once, namespace: kc}
spec:
  automountServiceAccountToken: false
  restartPolicy: Never
  containers:
  - name: kubectl
    image: registry.k8s.io/kubectl:v1.33.4
    args: [get, pods]
`;

describe.skipIf(!kubectl)('kubectl in a pod', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    expect((await tc.kubectl(['apply', '-f', '-'], { input: SETUP })).code).toBe(0);
    expect((await tc.kubectl(['-n', 'kc', 'wait', '--for=condition=Ready', 'pod/tool', '--timeout=40s'], { timeoutMs: 50_000 })).code).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it("is the pod's ServiceAccount: forbidden with RBAC's message until a RoleBinding grants it", async () => {
    const who = await tc.kubectl(['-n', 'kc', 'exec', 'tool', '--', 'kubectl', 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    expect(who.stdout).toBe('system:serviceaccount:kc:bot');
    const denied = await tc.kubectl(['-n', 'kc', 'exec', 'tool', '--', 'kubectl', 'get', 'pods']);
    expect(denied.code).toBe(1);
    // from the image's shell too, with kubectl's exit status
    const viaShell = await tc.kubectl(['-n', 'kc', 'exec', 'tool', '--', 'sh', '-c', 'kubectl get secrets >/dev/null 2>&1; echo "status $?"']);
    expect(viaShell.stdout).toBe('status 1\n');
    expect(denied.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:kc:bot" cannot list resource "pods" in API group "" in the namespace "kc"',
    );
    expect((await tc.kubectl(['-n', 'kc', 'create', 'rolebinding', 'bot-view', '--clusterrole=view', '--serviceaccount=kc:bot'])).code).toBe(0);
    const listed = await waitFor(
      async () => {
        const r = await tc.kubectl(['-n', 'kc', 'exec', 'tool', '--', 'kubectl', 'get', 'pods', '-o', 'name']);
        return r.code === 0 && r.stdout;
      },
      { timeoutMs: 15_000, what: 'pods listed from the pod' },
    );
    expect(listed).toContain('pod/tool');
    // the namespace comes from the mounted namespace file; other namespaces stay closed
    const other = await tc.kubectl(['-n', 'kc', 'exec', 'tool', '--', 'kubectl', 'get', 'pods', '-n', 'default']);
    expect(other.stderr).toContain('User "system:serviceaccount:kc:bot" cannot list resource "pods" in API group "" in the namespace "default"');
  }, 60_000);

  it('without a mounted token there is no in-cluster config: kubectl falls back to localhost:8080', async () => {
    await waitFor(async () => (await tc.kubectl(['-n', 'kc', 'get', 'pod', 'once', '-o', 'jsonpath={.status.phase}'])).stdout === 'Failed', {
      timeoutMs: 30_000,
      what: 'pod once to fail',
    });
    expect((await tc.kubectl(['-n', 'kc', 'logs', 'once'])).stdout).toBe(
      'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n',
    );
  }, 40_000);
});
