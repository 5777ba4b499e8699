// The API audit log on the control-plane node: Pod Security's audit mode shows up as an annotation of the
// request's audit.k8s.io/v1 Event, which the node shell reads at /var/log/kubernetes/audit/audit.log.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';

let t: TestCluster;
let host: string;
const events = () =>
  readFileSync(join(host, 'var/log/kubernetes/audit/audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  host = join(t.dataDir, 'nodes', t.cluster.config.nodes[0].name, 'host');
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe.skipIf(!kubectlPath())('audit log', () => {
  it('records a pod that violates the namespace audit level with the audit-violations annotation', async () => {
    expect((await t.kubectl(['create', 'namespace', 'audited'])).code).toBe(0);
    expect((await t.kubectl(['label', 'namespace', 'audited', 'pod-security.kubernetes.io/audit=restricted'])).code).toBe(0);
    const run = await t.kubectl(['run', 'web', '-n', 'audited', '--image=nginx']);
    // audit mode neither refuses nor warns
    expect([run.code, run.stderr]).toEqual([0, '']);
    const ev = await waitFor(
      () => events().find((e) => e.objectRef?.resource === 'pods' && !e.objectRef.subresource && e.objectRef?.name === 'web' && e.verb === 'create'),
      {
        what: 'the audit event of the pod',
      },
    );
    expect(ev).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/audited/pods?fieldManager=kubectl-run',
      user: { username: 'kubernetes-admin' },
      objectRef: { resource: 'pods', namespace: 'audited', name: 'web', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
    });
    expect(ev.annotations['pod-security.kubernetes.io/enforce-policy']).toBe('privileged:latest');
    expect(ev.annotations['pod-security.kubernetes.io/audit-violations']).toMatch(
      /^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "web" must set securityContext.allowPrivilegeEscalation=false\)/,
    );
    // the node shell sees the same file
    const shell = await t.cluster.connector
      .forNode(t.cluster.config.nodes[0].name)!
      .nodeShell('audit', 'grep -c audit-violations /var/log/kubernetes/audit/audit.log');
    expect(shell.stdout.trim()).toBe('1');
  });

  it("records a ValidatingAdmissionPolicy's Audit failures without denying", async () => {
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'need-owner' },
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
        validations: [{ expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels", message: 'an owner label is required' }],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'need-owner-audit' },
      spec: { policyName: 'need-owner', validationActions: ['Audit'] },
    };
    expect((await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [policy, binding] }) })).code).toBe(0);
    expect((await t.kubectl(['create', 'configmap', 'ownerless', '-n', 'audited'])).code).toBe(0);
    const ev = await waitFor(() => events().find((e) => e.objectRef?.resource === 'configmaps' && e.objectRef?.name === 'ownerless'), { what: 'the event' });
    expect(JSON.parse(ev.annotations['validation.policy.admission.k8s.io/validation_failure'])).toEqual([
      { message: 'an owner label is required', policy: 'need-owner', binding: 'need-owner-audit', expressionIndex: 0, validationActions: ['Audit'] },
    ]);
    await t.kubectl(['delete', 'validatingadmissionpolicybinding', 'need-owner-audit']);
  });

  it('follows the policy file: a Request rule adds the request body', async () => {
    writeFileSync(join(host, 'etc/kubernetes/audit-policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n  verbs: ["create"]\n');
    // the policy is read again at most once a second: markers are created until one is recorded at the new level
    let i = 0;
    const ev = await waitFor(
      async () => {
        const name = `marker-${i++}`;
        expect((await t.kubectl(['create', 'configmap', name, '-n', 'audited'])).code).toBe(0);
        const rec = await waitFor(() => events().find((e) => e.objectRef?.name === name) ?? (events().length && undefined), { what: name }).catch(
          () => undefined,
        );
        return rec?.level === 'Request' ? rec : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'the Request policy to apply' },
    );
    expect(ev.requestObject).toMatchObject({ kind: 'ConfigMap', metadata: { name: ev.objectRef.name } });
  });
});
