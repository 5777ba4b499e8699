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
        const rec = await waitFor(() => events().find((e) => e.objectRef?.name === name && e.stage === 'ResponseComplete') ?? (events().length && undefined), {
          what: name,
        }).catch(() => undefined);
        return rec?.level === 'Request' ? rec : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'the Request policy to apply' },
    );
    expect(ev.requestObject).toMatchObject({ kind: 'ConfigMap', metadata: { name: ev.objectRef.name } });
  });

  let markers = 0;
  /** writes a policy and waits until it is in force: a marker ConfigMap is created until applied() accepts its events */
  async function usePolicy(policy: string, applied: (evs: Array<Record<string, any>>) => boolean): Promise<void> {
    writeFileSync(join(host, 'etc/kubernetes/audit-policy.yaml'), policy);
    await waitFor(
      async () => {
        const name = `stage-marker-${markers++}`;
        expect((await t.kubectl(['create', 'configmap', name, '-n', 'audited'])).code).toBe(0);
        return waitFor(
          () => {
            // a create's name is in its body, read after the request was received: the stages share the auditID
            const done = events().find((e) => e.objectRef?.resource === 'configmaps' && e.objectRef?.name === name && e.stage === 'ResponseComplete');
            return done && byId(done.auditID);
          },
          { what: name },
        ).then((evs) => applied(evs as never));
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'the new policy to apply' },
    );
  }
  const byId = (id: string) => events().filter((e) => e.auditID === id);

  it('writes RequestReceived, ResponseStarted for watch and exec, and ResponseComplete, one auditID per request', async () => {
    await usePolicy(
      `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Metadata
  resources: [{group: "", resources: ["pods/exec"]}]
- level: RequestResponse
  resources: [{group: "", resources: ["configmaps"]}]
  verbs: ["create", "watch"]
`,
      // the previous test's policy also records creates at Request with their RequestReceived stage: only this one's
      // level tells that it is in force
      (evs) => evs.some((e) => e.stage === 'RequestReceived' && e.level === 'RequestResponse'),
    );
    expect((await t.kubectl(['create', 'configmap', 'staged', '-n', 'audited', '--from-literal=a=b'])).code).toBe(0);
    const done = await waitFor(() => events().find((e) => e.objectRef?.name === 'staged' && e.stage === 'ResponseComplete'), { what: 'staged' });
    const [received, complete, ...more] = byId(done.auditID);
    expect(more).toEqual([]);
    // received before the handler decoded the body: no body, no status, stamped with the time it was received
    expect(received).toMatchObject({
      stage: 'RequestReceived',
      level: 'RequestResponse',
      verb: 'create',
      objectRef: { resource: 'configmaps', namespace: 'audited' },
    });
    expect([received.requestObject, received.responseStatus, received.stageTimestamp]).toEqual([undefined, undefined, received.requestReceivedTimestamp]);
    expect(complete).toMatchObject({ stage: 'ResponseComplete', responseStatus: { code: 201 }, requestObject: { data: { a: 'b' } } });
    expect(complete.requestReceivedTimestamp).toBe(received.requestReceivedTimestamp);

    // a watch is long-running: it starts when the server answers 200 and completes when the server ends it
    const watch = await t.kubectl(['get', '--raw', '/api/v1/namespaces/audited/configmaps?watch=true&timeoutSeconds=1']);
    expect(watch.code).toBe(0);
    const watchDone = await waitFor(
      () => events().find((e) => e.verb === 'watch' && e.objectRef?.resource === 'configmaps' && e.stage === 'ResponseComplete'),
      { what: 'the watch completing' },
    );
    const stages = byId(watchDone.auditID);
    expect(stages.map((e) => [e.stage, e.responseStatus?.code])).toEqual([
      ['RequestReceived', undefined],
      ['ResponseStarted', 200],
      ['ResponseComplete', 200],
    ]);
    expect(Date.parse(stages[2].stageTimestamp) - Date.parse(stages[1].stageTimestamp)).toBeGreaterThanOrEqual(900);

    // exec upgrades the connection: 101 when it starts, complete when the command's stream closes
    await waitFor(async () => (await t.kubectl(['get', 'pod', 'web', '-n', 'audited', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', {
      what: 'pod web running',
      timeoutMs: 30_000,
    });
    const exec = await t.kubectl(['exec', 'web', '-n', 'audited', '--', 'echo', 'hi']);
    expect([exec.code, exec.stdout.trim()]).toEqual([0, 'hi']);
    const execDone = await waitFor(() => events().find((e) => e.objectRef?.subresource === 'exec' && e.stage === 'ResponseComplete'), {
      what: 'the exec completing',
    });
    expect(byId(execDone.auditID).map((e) => [e.stage, e.level, e.responseStatus?.code])).toEqual([
      ['RequestReceived', 'Metadata', undefined],
      ['ResponseStarted', 'Metadata', 101],
      ['ResponseComplete', 'Metadata', 101],
    ]);
  });

  it('leaves out the stages omitStages names, for the whole policy and for one rule', async () => {
    await usePolicy(
      `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  resources: [{group: "", resources: ["pods/exec"]}]
  omitStages: ["ResponseStarted"]
- level: Metadata
  resources: [{group: "", resources: ["configmaps"]}]
`,
      (evs) => evs.length === 1 && evs[0].level === 'Metadata',
    );
    const before = new Set(events().map((e) => e.auditID));
    expect((await t.kubectl(['exec', 'web', '-n', 'audited', '--', 'true'])).code).toBe(0);
    const execDone = await waitFor(
      () => events().find((e) => !before.has(e.auditID) && e.objectRef?.subresource === 'exec' && e.stage === 'ResponseComplete'),
      { what: 'the exec completing' },
    );
    expect(byId(execDone.auditID).map((e) => e.stage)).toEqual(['ResponseComplete']);
    const watch = await t.kubectl(['get', '--raw', '/api/v1/namespaces/audited/configmaps?watch=true&timeoutSeconds=1']);
    expect(watch.code).toBe(0);
    const watchDone = await waitFor(() => events().find((e) => !before.has(e.auditID) && e.verb === 'watch' && e.stage === 'ResponseComplete'), {
      what: 'the watch completing',
    });
    expect(byId(watchDone.auditID).map((e) => e.stage)).toEqual(['ResponseStarted', 'ResponseComplete']);
  });

  it('records a Panic stage instead of ResponseComplete when a handler fails unexpectedly', async () => {
    await usePolicy(
      `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Request
  resources: [{group: "", resources: ["configmaps", "configmaps/explode"]}]
`,
      // the previous policy omitted RequestReceived
      (evs) => evs.some((e) => e.stage === 'RequestReceived' && e.level === 'Request'),
    );
    // no public input is known to make a handler throw (the fuzzer hunts for those): one that does is injected
    // behind the audit filter, reached through the HTTPS server like any subresource
    t.cluster.api.registerSpecial('', 'configmaps', 'explode', async () => {
      const broken: { spec?: { x: number } } = {};
      return { kind: 'json', status: 200, body: (broken.spec as { x: number }).x };
    });
    const r = await t.kubectl(['create', '--raw', '/api/v1/namespaces/audited/configmaps/boom/explode', '-f', '-'], { input: '{}' });
    expect([r.code, r.stderr.trim()]).toEqual([
      1,
      "Error from server (InternalError): Internal error occurred: Cannot read properties of undefined (reading 'x')",
    ]);
    const panic = await waitFor(() => events().find((e) => e.objectRef?.subresource === 'explode' && e.stage === 'Panic'), { what: 'the Panic event' });
    expect(panic).toMatchObject({
      level: 'Request',
      verb: 'create',
      objectRef: { resource: 'configmaps', namespace: 'audited', name: 'boom', subresource: 'explode' },
    });
    expect(panic.responseStatus).toEqual({
      metadata: {},
      status: 'Failure',
      message: "APIServer panic'd: Cannot read properties of undefined (reading 'x')",
      reason: 'InternalError',
      code: 500,
    });
    // the panic ends the request's events: no ResponseComplete follows
    expect(byId(panic.auditID).map((e) => e.stage)).toEqual(['RequestReceived', 'Panic']);
  });
});
