// The sample operator (docker.io/kubelab/webapp-operator) end to end with real kubectl: installed from lab 24's
// manifest, it turns a WebApp into an owned Deployment + Service and reports status; a spec change reaches the
// children; a deleted child comes back; and once its Role loses services its log shows the API server's 403 word for
// word (it talks to the API as its pod's ServiceAccount), until the Role is repaired.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('webapp-operator: skipped — no kubectl found (set KUBECTL or install kubectl)');

const NS = 'lab-24';
const MANIFEST = join(__dirname, '../../labs/24-operators/operator.yaml');

describe.skipIf(!kubectl)('webapp-operator', () => {
  let tc: TestCluster;
  const k = async (args: string[], input?: string) => {
    const r = await tc.kubectl(args, { input });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  const json = async (args: string[]) => JSON.parse(await k([...args, '-o', 'json']));
  const ready = async () => (await json(['-n', NS, 'get', 'webapp', 'hello'])).status?.conditions?.find((c: { type: string }) => c.type === 'Ready');

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    await k(['create', 'namespace', NS]);
    await k(['apply', '-f', MANIFEST]);
    await k(['-n', NS, 'rollout', 'status', 'deploy/webapp-operator', '--timeout=60s']);
  }, 120_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('reconciles a WebApp into an owned Deployment and Service and reports Ready', async () => {
    await k(['-n', NS, 'apply', '-f', '-'], 'apiVersion: demo.kubelab.io/v1\nkind: WebApp\nmetadata: {name: hello}\nspec: {replicas: 2, message: hi}\n');
    await waitFor(async () => (await ready())?.status === 'True', { what: 'WebApp hello Ready', timeoutMs: 60_000 });
    const app = await json(['-n', NS, 'get', 'webapp', 'hello']);
    expect(app.status).toMatchObject({ observedGeneration: 1, readyReplicas: 2 });
    const dep = await json(['-n', NS, 'get', 'deployment', 'hello']);
    expect(dep.metadata.ownerReferences).toEqual([
      { apiVersion: 'demo.kubelab.io/v1', kind: 'WebApp', name: 'hello', uid: app.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(dep.spec.template.spec.containers[0]).toMatchObject({ image: 'hashicorp/http-echo:1.0.0', args: ['-text=hi', '-listen=:5678'] });
    const svc = await json(['-n', NS, 'get', 'service', 'hello']);
    expect(svc.metadata.ownerReferences[0].uid).toBe(app.metadata.uid);
    // the printer columns' filter picks the Ready condition's reason
    expect(await k(['-n', NS, 'get', 'webapp', 'hello', '--no-headers'])).toMatch(/^hello\s+2\s+2\s+5678\s+Available\s+\d+s\n$/);
    const log = await k(['-n', NS, 'logs', 'deploy/webapp-operator']);
    expect(log).toMatch(/\tINFO\tcreated Deployment\t\{"controller": "webapp", .*"Deployment": "hello"\}/);
  }, 90_000);

  it('follows spec changes and re-creates a deleted child', async () => {
    await k(['-n', NS, 'patch', 'webapp', 'hello', '--type=merge', '-p', '{"spec":{"port":8080}}']);
    await waitFor(async () => (await json(['-n', NS, 'get', 'service', 'hello'])).spec.ports[0].port === 8080, { what: 'Service on 8080' });
    const before = (await json(['-n', NS, 'get', 'service', 'hello'])).metadata.uid;
    await k(['-n', NS, 'delete', 'service', 'hello']);
    await waitFor(
      async () => {
        const r = await tc.kubectl(['-n', NS, 'get', 'service', 'hello', '-o', 'jsonpath={.metadata.uid}']);
        return r.code === 0 && r.stdout !== before && r.stdout !== '';
      },
      { what: 'Service hello re-created' },
    );
  }, 60_000);

  it('logs the API server 403 when its Role loses services, and recovers once the Role is repaired', async () => {
    await k([
      '-n',
      NS,
      'patch',
      'role',
      'webapp-operator',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/rules/4/resources","value":["services"]},{"op":"remove","path":"/rules/4"}]',
    ]);
    await k(['-n', NS, 'patch', 'webapp', 'hello', '--type=merge', '-p', '{"spec":{"message":"rbac matters"}}']);
    const forbidden =
      'services \\"hello\\" is forbidden: User \\"system:serviceaccount:lab-24:webapp-operator\\" cannot get resource \\"services\\" in API group \\"\\" in the namespace \\"lab-24\\"';
    await waitFor(async () => (await k(['-n', NS, 'logs', 'deploy/webapp-operator'])).includes(`\tERROR\tReconciler error\t`), {
      what: 'a Reconciler error in the log',
    });
    expect(await k(['-n', NS, 'logs', 'deploy/webapp-operator'])).toContain(`"error": "${forbidden}"`);
    expect(await ready()).toMatchObject({ status: 'False', reason: 'ReconcileError', message: forbidden.replace(/\\"/g, '"') });

    await k(['apply', '-f', MANIFEST]);
    await waitFor(async () => (await ready())?.status === 'True', { what: 'WebApp hello Ready again', timeoutMs: 30_000 });
    const dep = await json(['-n', NS, 'get', 'deployment', 'hello']);
    expect(dep.spec.template.spec.containers[0].args).toEqual(['-text=rbac matters', '-listen=:8080']);
  }, 60_000);
});
