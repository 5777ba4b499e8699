// ValidatingAdmissionPolicy through the API: a bound policy's CEL validations deny or warn in upstream's words,
// only for the requests its rules and selectors match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';

let t: TestCluster;
const AR = { group: 'admissionregistration.k8s.io', version: 'v1' };
const VAP = { ...AR, resource: 'validatingadmissionpolicies' };
const VAPB = { ...AR, resource: 'validatingadmissionpolicybindings' };
const deploy = (name: string, replicas: number, image = 'nginx:1') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } } },
});
async function rejection(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: number; message: string };
  }
  throw new Error('expected a rejection');
}

/** a policy and a Deny binding of the same name, for the requests of one namespace */
async function denyIn(ns: string, name: string, spec: Record<string, unknown>): Promise<void> {
  await t.client.create(VAP, undefined, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec });
  await t.client.create(VAPB, undefined, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName: name, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } } },
  });
}

/** a namespace of its own and a Deny policy for the ConfigMaps created there */
async function denyConfigMapsIn(ns: string, name: string, spec: Record<string, unknown>): Promise<void> {
  await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await denyIn(ns, name, {
    matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
    ...spec,
  });
}

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  for (const [name, env] of [
    ['vap-test', 'test'],
    ['vap-prod', 'prod'],
  ]) {
    await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { environment: env } } });
  }
  await t.client.create(VAP, undefined, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'replicas' },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
      variables: [{ name: 'images', expression: 'object.spec.template.spec.containers.map(c, c.image)' }],
      validations: [
        { expression: 'object.spec.replicas <= 5' },
        { expression: "variables.images.all(i, i.contains(':'))", messageExpression: "'untagged images: ' + variables.images.join(', ')", reason: 'Forbidden' },
      ],
    },
  });
  await t.client.create(VAPB, undefined, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'replicas-test' },
    spec: { policyName: 'replicas', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { environment: 'test' } } } },
  });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('ValidatingAdmissionPolicy', () => {
  it('denies a failed expression as Invalid, and uses messageExpression and reason', async () => {
    const e = await rejection(t.client.create(R.deployments, 'vap-test', deploy('big', 7)));
    expect([e.code, e.message]).toEqual([
      422,
      `deployments.apps "big" is invalid: : ValidatingAdmissionPolicy 'replicas' with binding 'replicas-test' denied request: failed expression: object.spec.replicas <= 5`,
    ]);
    const f = await rejection(t.client.create(R.deployments, 'vap-test', deploy('untagged', 1, 'nginx')));
    expect([f.code, f.message]).toEqual([
      403,
      `deployments.apps "untagged" is forbidden: ValidatingAdmissionPolicy 'replicas' with binding 'replicas-test' denied request: untagged images: nginx`,
    ]);
  });

  it('lets through what passes, and what the binding does not select', async () => {
    await t.client.create(R.deployments, 'vap-test', deploy('small', 2));
    await t.client.create(R.deployments, 'vap-prod', deploy('big', 9));
  });

  it('checks updates too', async () => {
    const cur = await t.client.get(R.deployments, 'vap-test', 'small');
    const e = await rejection(t.client.update(R.deployments, 'vap-test', { ...cur, spec: { ...cur.spec, replicas: 6 } }));
    expect(e.code).toBe(422);
  });

  it.skipIf(!kubectlPath())('a Warn binding answers with a Warning header and admits the request', async () => {
    await t.client.create(VAPB, undefined, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'replicas-prod' },
      spec: { policyName: 'replicas', validationActions: ['Warn'], matchResources: { namespaceSelector: { matchLabels: { environment: 'prod' } } } },
    });
    const r = (await waitFor(
      async () => {
        const x = await t.kubectl(['-n', 'vap-prod', 'patch', 'deploy/big', '-p', '{"spec":{"replicas":8}}']);
        return x.stderr.includes('Warning') ? x : undefined;
      },
      { what: 'warning from the prod binding' },
    )) as { code: number; stderr: string };
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `Warning: Validation failed for ValidatingAdmissionPolicy 'replicas' with binding 'replicas-prod': failed expression: object.spec.replicas <= 5`,
    );
  });
});

describe('ValidatingAdmissionPolicy validation', () => {
  it('refuses a policy whose expression does not compile, with a 422', async () => {
    const e = await rejection(
      t.client.create(VAP, undefined, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'broken' },
        spec: {
          matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] },
          validations: [{ expression: 'object.spec.replicas <= ' }],
        },
      }),
    );
    expect(e.code).toBe(422);
    expect(e.message).toContain('spec.validations[0].expression: Invalid value: "object.spec.replicas <= ": compilation failed');
  });
});

describe('ValidatingAdmissionPolicy params', () => {
  it('evaluates with the ConfigMap a binding names, in the request namespace; a missing one denies per parameterNotFoundAction', async () => {
    await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vap-params' } });
    await t.client.create(VAP, undefined, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'required-label' },
      spec: {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['services'] }] },
        validations: [
          {
            expression: 'has(object.metadata.labels) && params.data.label in object.metadata.labels',
            messageExpression: "'missing label ' + params.data.label",
          },
        ],
      },
    });
    await t.client.create(VAPB, undefined, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'required-label' },
      spec: {
        policyName: 'required-label',
        validationActions: ['Deny'],
        paramRef: { name: 'policy-params', parameterNotFoundAction: 'Deny' },
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vap-params' } } },
      },
    });
    const svc = (name: string, labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels },
      spec: { ports: [{ port: 80 }] },
    });
    const missing = await rejection(t.client.create(R.services, 'vap-params', svc('a', {})));
    expect(missing.message).toBe(
      `services "a" is invalid: : ValidatingAdmissionPolicy 'required-label' with binding 'required-label' denied request: failed to configure binding: no params found for policy binding with \`Deny\` parameterNotFoundAction`,
    );
    await t.client.create(R.configmaps, 'vap-params', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'policy-params' }, data: { label: 'team' } });
    const e = await rejection(t.client.create(R.services, 'vap-params', svc('b', { app: 'b' })));
    expect(e.message).toBe(
      `services "b" is invalid: : ValidatingAdmissionPolicy 'required-label' with binding 'required-label' denied request: missing label team`,
    );
    await t.client.create(R.services, 'vap-params', svc('c', { team: 'blue' }));
  });
});

describe('ValidatingAdmissionPolicy authorizer', () => {
  it.skipIf(!kubectlPath())('asks the authorizer about the requesting user', async () => {
    const ns = 'vap-authz';
    const docs = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'cm-writer', namespace: ns },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'cm-writer', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-writer' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' }],
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'secret-readers-only' },
        spec: {
          matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
          validations: [
            {
              expression: "authorizer.group('').resource('secrets').namespace(request.namespace).check('list').allowed()",
              messageExpression: "'user ' + request.userInfo.username + ' may not list secrets'",
            },
          ],
        },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'secret-readers-only' },
        spec: {
          policyName: 'secret-readers-only',
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } },
        },
      },
    ];
    expect((await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }) })).code).toBe(0);
    const jane = await t.kubectl(['create', 'configmap', 'by-jane', '-n', ns, '--as=jane']);
    expect(jane.stderr).toContain(
      `configmaps "by-jane" is invalid: : ValidatingAdmissionPolicy 'secret-readers-only' with binding 'secret-readers-only' denied request: user jane may not list secrets`,
    );
    expect((await t.kubectl(['create', 'configmap', 'by-admin', '-n', ns])).code).toBe(0);
  });
});

describe('ValidatingAdmissionPolicy with the url and format libraries', () => {
  it('parses URLs and validates names with format, in matchConditions and validations', async () => {
    await denyConfigMapsIn('vap-url', 'endpoints', {
      matchConditions: [{ name: 'has-endpoint', expression: "has(object.data) && 'endpoint' in object.data" }],
      validations: [
        { expression: "isURL(object.data.endpoint) && url(object.data.endpoint).getScheme() == 'https'", message: 'endpoint must be an https URL' },
        {
          expression: "url(object.data.endpoint).getPort() in ['', '443']",
          messageExpression: "'port ' + url(object.data.endpoint).getPort() + ' is closed'",
        },
        {
          expression: "!('owner' in object.data) || !format.named('dns1035Label').value().validate(object.data.owner).hasValue()",
          messageExpression: "'owner: ' + format.dns1035Label().validate(object.data.owner).value().join(', ')",
        },
      ],
    });
    const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
    const denied = `ValidatingAdmissionPolicy 'endpoints' with binding 'endpoints' denied request`;
    expect((await rejection(t.client.create(R.configmaps, 'vap-url', cm('plain', { endpoint: 'http://api.example.com/v1' })))).message).toBe(
      `configmaps "plain" is invalid: : ${denied}: endpoint must be an https URL`,
    );
    expect((await rejection(t.client.create(R.configmaps, 'vap-url', cm('port', { endpoint: 'https://api.example.com:8443/v1' })))).message).toBe(
      `configmaps "port" is invalid: : ${denied}: port 8443 is closed`,
    );
    expect((await rejection(t.client.create(R.configmaps, 'vap-url', cm('owner', { endpoint: 'https://api.example.com/', owner: '1st-team' })))).message).toBe(
      `configmaps "owner" is invalid: : ${denied}: owner: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    );
    await t.client.create(R.configmaps, 'vap-url', cm('good', { endpoint: 'https://api.example.com:443/v1', owner: 'team-a' }));
    await t.client.create(R.configmaps, 'vap-url', cm('unrelated', { other: 'not a url' }));
  });
});

describe('ValidatingAdmissionPolicy expressions that fail to evaluate', () => {
  it("deny in cel-go's words for a missing key, in validations and matchConditions alike", async () => {
    await denyConfigMapsIn('vap-nokey', 'owners', {
      matchConditions: [{ name: 'not-system', expression: "object.metadata.labels['tier'] != 'system'" }],
      validations: [{ expression: "object.data.owner != ''" }],
    });
    const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { tier: 'web' } }, data });
    const denied = `ValidatingAdmissionPolicy 'owners' with binding 'owners' denied request`;
    expect((await rejection(t.client.create(R.configmaps, 'vap-nokey', cm('ownerless', { a: '1' })))).message).toBe(
      `configmaps "ownerless" is invalid: : ${denied}: expression 'object.data.owner != ''' resulted in error: no such key: owner`,
    );
    const unlabelled = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unlabelled' }, data: { owner: 'me' } };
    expect((await rejection(t.client.create(R.configmaps, 'vap-nokey', unlabelled))).message).toBe(
      `configmaps "unlabelled" is invalid: : ${denied}: expression 'object.metadata.labels['tier'] != 'system'' resulted in error: no such key: labels`,
    );
    await t.client.create(R.configmaps, 'vap-nokey', cm('owned', { owner: 'me' }));
  });
});

describe('ValidatingAdmissionPolicy on CONNECT', () => {
  it.skipIf(!kubectlPath())('sees kubectl exec as a CONNECT of PodExecOptions and can refuse it', async () => {
    const ns = 'vap-exec';
    await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await t.client.create(R.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'shell' },
      spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
    });
    await denyIn(ns, 'no-shell', {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CONNECT'], resources: ['pods/exec'] }] },
      validations: [
        {
          expression: "request.operation == 'CONNECT' && request.kind.kind == 'PodExecOptions' && !(object.command[0] in ['sh', 'bash'])",
          messageExpression: "'no shells in ' + request.name + ' (' + object.container + ')'",
          reason: 'Forbidden',
        },
      ],
    });
    await waitFor(async () => (await t.client.get(R.pods, ns, 'shell')).status?.phase === 'Running', { timeoutMs: 60_000, what: 'pod running' });
    const sh = await t.kubectl(['exec', '-n', ns, 'shell', '-c', 'c', '--', 'sh', '-c', 'echo hi']);
    expect([sh.code, sh.stderr.trim()]).toEqual([
      1,
      `Error from server (Forbidden): pods "shell" is forbidden: ValidatingAdmissionPolicy 'no-shell' with binding 'no-shell' denied request: no shells in shell (c)`,
    ]);
    const echo = await t.kubectl(['exec', '-n', ns, 'shell', '--', 'echo', 'hi']);
    expect([echo.code, echo.stdout.trim()]).toEqual([0, 'hi']);

    // proxy and port-forward are CONNECTs too, with their own options kinds
    await denyIn(ns, 'no-tunnels', {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CONNECT'], resources: ['pods/proxy', 'pods/portforward'] }] },
      validations: [
        {
          expression: 'false',
          messageExpression: "'no ' + request.kind.kind + (has(object.path) ? ' ' + object.path : '')",
          reason: 'Forbidden',
        },
      ],
    });
    const proxy = await t.kubectl(['get', '--raw', `/api/v1/namespaces/${ns}/pods/shell/proxy/healthz`]);
    expect([proxy.code, proxy.stderr.trim()]).toEqual([
      1,
      `Error from server (Forbidden): pods "shell" is forbidden: ValidatingAdmissionPolicy 'no-tunnels' with binding 'no-tunnels' denied request: no PodProxyOptions /healthz`,
    ]);
    const pf = await t.kubectl(['port-forward', '-n', ns, 'pod/shell', '18080:80'], { timeoutMs: 20_000 });
    // kubectl sends the ports in the streams' headers, not in the URL: the options carry none
    expect([pf.code, pf.stderr.trim()]).toEqual([
      1,
      `error: error upgrading connection: pods "shell" is forbidden: ValidatingAdmissionPolicy 'no-tunnels' with binding 'no-tunnels' denied request: no PodPortForwardOptions`,
    ]);
  });
});
