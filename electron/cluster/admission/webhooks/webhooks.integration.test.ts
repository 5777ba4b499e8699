// Admission webhooks end to end: webhook servers run as pods of the simulated cluster (the catalogue's
// kubelab/admission-webhook and agnhost webhook) behind Services, with a certificate made for their Service names;
// configurations are applied and checked with kubectl, so what a student sees is what is asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import { selfSignedServerCert, type KeyPair } from '../../auth/pki';

const NS = 'wh';
let t: TestCluster;
let cert: KeyPair;
let caBundle: string;
const hasKubectl = !!kubectlPath();

const server = (name: string, image: string, args: string[], port: number) => [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'webhook', image, args, volumeMounts: [{ name: 'certs', mountPath: '/certs', readOnly: true }] }],
          volumes: [{ name: 'certs', secret: { secretName: 'webhook-tls' } }],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { selector: { app: name }, ports: [{ port: 443, targetPort: port }] },
  },
];

/** a configuration of one webhook, in YAML-free JSON for kubectl apply */
function config(kind: 'Validating' | 'Mutating', name: string, hook: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: `${kind}WebhookConfiguration`,
    metadata: { name },
    webhooks: [
      {
        name: `${name}.kubelab.dev`,
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }],
        namespaceSelector: { matchLabels: { webhooks: 'on' } },
        ...hook,
      },
    ],
  });
}
const service = (name: string, path: string) => ({ clientConfig: { service: { namespace: NS, name, path }, caBundle } });
const configMap = (name: string, ns: string, labels: Record<string, string> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { a: 'b' } });

async function apply(doc: string) {
  const r = await t.kubectl(['apply', '-f', '-'], { input: doc });
  if (r.code !== 0) throw new Error(r.stderr);
}
async function remove(kind: string, name: string) {
  await t.kubectl(['delete', kind, name, '--ignore-not-found']);
}

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  cert = await selfSignedServerCert({ cn: 'webhooks', dns: ['label-webhook.wh.svc', 'agnhost.wh.svc', 'no-endpoints.wh.svc'], days: 1 });
  caBundle = Buffer.from(cert.certPem).toString('base64');
  for (const [name, labels] of [
    [NS, {}],
    ['wh-on', { webhooks: 'on' }],
    ['wh-off', {}],
  ] as const)
    await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  await t.client.create(R.secrets, NS, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'webhook-tls' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(cert.certPem).toString('base64'), 'tls.key': Buffer.from(cert.keyPem).toString('base64') },
  });
  const objects = [
    ...server(
      'label-webhook',
      'kubelab/admission-webhook:1.0.0',
      ['--require-label=team', '--add-label=team=platform', '--tls-cert-file=/certs/tls.crt', '--tls-private-key-file=/certs/tls.key'],
      8443,
    ),
    ...server(
      'agnhost',
      'registry.k8s.io/e2e-test-images/agnhost:2.53',
      ['webhook', '--tls-cert-file=/certs/tls.crt', '--tls-private-key-file=/certs/tls.key', '--port=8444'],
      8444,
    ),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'no-endpoints', namespace: NS }, spec: { selector: { app: 'nothing' }, ports: [{ port: 443 }] } },
  ];
  for (const o of objects) await t.client.create(o.kind === 'Service' ? R.services : R.deployments, NS, o as never);
  for (const name of ['label-webhook', 'agnhost'])
    await waitFor(
      async () => {
        const slices = await t.client.list(R.endpointslices, NS, { labelSelector: `kubernetes.io/service-name=${name}` });
        return slices.items.some((s: any) => (s.endpoints ?? []).some((e: any) => e.conditions?.ready));
      },
      { timeoutMs: 60_000, what: `${name} endpoints` },
    );
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

describe.skipIf(!hasKubectl)('admission webhooks', () => {
  it('refuses configurations as upstream validates them', async () => {
    const bad = JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'bad' },
      webhooks: [{ name: 'short', admissionReviewVersions: ['v2'], clientConfig: { url: 'http://x/y?z=1' } }],
    });
    const r = await t.kubectl(['create', '-f', '-'], { input: bad });
    expect(r.stderr.trim()).toBe(
      'The ValidatingWebhookConfiguration "bad" is invalid: \n' +
        '* webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots\n' +
        '* webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun\n' +
        `* webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]\n` +
        '* webhooks[0].clientConfig.url: Invalid value: "z=1": query parameters are not permitted in the URL\n' +
        '* webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1',
    );
  });

  it('denies, allows, and leaves namespaces the namespaceSelector excludes alone', async () => {
    await apply(config('Validating', 'require-team', service('label-webhook', '/validate')));
    const denied = await t.kubectl(['create', '-f', '-'], { input: configMap('plain', 'wh-on') });
    expect(denied.stderr.trim()).toBe(
      'Error from server (Forbidden): error when creating "STDIN": admission webhook "require-team.kubelab.dev" denied the request: missing required label "team"',
    );
    expect((await t.kubectl(['create', '-f', '-'], { input: configMap('labelled', 'wh-on', { team: 'a' }) })).code).toBe(0);
    expect((await t.kubectl(['create', '-f', '-'], { input: configMap('plain', 'wh-off') })).code).toBe(0);
    const out = await t.kubectl(['get', 'validatingwebhookconfigurations', 'require-team']);
    expect(out.stdout).toMatch(/^NAME\s+WEBHOOKS\s+AGE\nrequire-team\s+1\s+\S+\n$/);
  });

  it('mutates with a JSONPatch before the validating webhooks look, for objects its objectSelector picks', async () => {
    await apply(config('Mutating', 'add-team', { ...service('label-webhook', '/mutate'), objectSelector: { matchLabels: { mutate: 'yes' } } }));
    const created = await t.kubectl(['create', '-f', '-'], { input: configMap('mutated', 'wh-on', { mutate: 'yes' }) });
    // the webhook's warnings reach the client as Warning headers
    expect([created.code, created.stderr]).toEqual([0, 'Warning: admission-webhook: set label team=platform\n']);
    const cm = await t.client.get(R.configmaps, 'wh-on', 'mutated');
    expect(cm.metadata?.labels).toEqual({ mutate: 'yes', team: 'platform' });
    // not selected: nothing adds the label, so the validating webhook denies
    const r = await t.kubectl(['create', '-f', '-'], { input: configMap('unselected', 'wh-on', { mutate: 'no' }) });
    expect(r.stderr).toContain('admission webhook "require-team.kubelab.dev" denied the request: missing required label "team"');
    await remove('mutatingwebhookconfiguration', 'add-team');
    await remove('validatingwebhookconfiguration', 'require-team');
  });

  it('fails closed or open on a webhook it cannot call, in upstream words', async () => {
    await apply(config('Validating', 'missing', service('missing', '/validate')));
    const r = await t.kubectl(['create', '-f', '-'], { input: configMap('m1', 'wh-on') });
    expect(r.stderr.trim()).toBe(
      'Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "missing.kubelab.dev": failed to call webhook: Post "https://missing.wh.svc:443/validate?timeout=10s": service "missing" not found',
    );
    await apply(config('Validating', 'missing', { ...service('no-endpoints', '/validate'), timeoutSeconds: 3 }));
    const ip = (await t.client.get(R.services, NS, 'no-endpoints')).spec?.clusterIP;
    const refused = await t.kubectl(['create', '-f', '-'], { input: configMap('m2', 'wh-on') });
    expect(refused.stderr.trim()).toBe(
      `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "missing.kubelab.dev": failed to call webhook: Post "https://no-endpoints.wh.svc:443/validate?timeout=3s": dial tcp ${ip}:443: connect: connection refused`,
    );
    await apply(config('Validating', 'missing', { ...service('no-endpoints', '/validate'), failurePolicy: 'Ignore' }));
    expect((await t.kubectl(['create', '-f', '-'], { input: configMap('m3', 'wh-on') })).code).toBe(0);
    await remove('validatingwebhookconfiguration', 'missing');
  });

  it('gives up after timeoutSeconds, and checks the certificate against caBundle', async () => {
    await apply(config('Validating', 'slow', { ...service('agnhost', '/always-allow-delay-5s'), timeoutSeconds: 1 }));
    const slow = await t.kubectl(['create', '-f', '-'], { input: configMap('s1', 'wh-on') });
    expect(slow.stderr.trim()).toBe(
      'Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "slow.kubelab.dev": failed to call webhook: Post "https://agnhost.wh.svc:443/always-allow-delay-5s?timeout=1s": context deadline exceeded',
    );
    const other = await selfSignedServerCert({ cn: 'other', dns: ['agnhost.wh.svc'], days: 1 });
    await apply(
      config('Validating', 'slow', {
        clientConfig: { service: { namespace: NS, name: 'agnhost', path: '/always-deny' }, caBundle: Buffer.from(other.certPem).toString('base64') },
      }),
    );
    const untrusted = await t.kubectl(['create', '-f', '-'], { input: configMap('s2', 'wh-on') });
    expect(untrusted.stderr).toContain(
      'failed to call webhook: Post "https://agnhost.wh.svc:443/always-deny?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority',
    );
    await apply(config('Validating', 'slow', service('agnhost', '/always-deny')));
    const denied = await t.kubectl(['create', '-f', '-'], { input: configMap('s3', 'wh-on') });
    expect(denied.stderr.trim()).toBe(
      'Error from server: error when creating "STDIN": admission webhook "slow.kubelab.dev" denied the request: this webhook denies all requests',
    );
    await remove('validatingwebhookconfiguration', 'slow');
  });
  it('skips what matchConditions exclude, and reaches a URL with the certificate checked for its IP', async () => {
    await apply(
      config('Validating', 'cond', {
        ...service('agnhost', '/always-deny'),
        matchConditions: [{ name: 'not-exempt', expression: "!('exempt' in object.metadata.labels)" }],
      }),
    );
    expect((await t.kubectl(['create', '-f', '-'], { input: configMap('c1', 'wh-on', { exempt: 'x' }) })).code).toBe(0);
    expect((await t.kubectl(['create', '-f', '-'], { input: configMap('c2', 'wh-on', { other: 'x' }) })).stderr).toContain('this webhook denies all requests');
    // a condition that cannot be evaluated refuses the request (Forbidden, in cel-go's words) unless the webhook fails open
    const broken = { ...service('agnhost', '/always-deny'), matchConditions: [{ name: 'tier', expression: "object.data['tier'] == 'web'" }] };
    await apply(config('Validating', 'cond', broken));
    expect((await t.kubectl(['create', '-f', '-'], { input: configMap('c4', 'wh-on') })).stderr.trim()).toBe(
      `Error from server (Forbidden): error when creating "STDIN": configmaps "c4" is forbidden: expression 'object.data['tier'] == 'web'' resulted in error: no such key: tier`,
    );
    await apply(config('Validating', 'cond', { ...broken, failurePolicy: 'Ignore' }));
    expect((await t.kubectl(['create', '-f', '-'], { input: configMap('c5', 'wh-on') })).code).toBe(0);
    const pod = (await t.client.list(R.pods, NS, { labelSelector: 'app=agnhost' })).items[0];
    const ip = pod.status?.podIP;
    await apply(config('Validating', 'cond', { clientConfig: { url: `https://${ip}:8444/always-deny`, caBundle } }));
    const r = await t.kubectl(['create', '-f', '-'], { input: configMap('c3', 'wh-on') });
    expect(r.stderr.trim()).toBe(
      `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "cond.kubelab.dev": failed to call webhook: Post "https://${ip}:8444/always-deny?timeout=10s": tls: failed to verify certificate: x509: cannot validate certificate for ${ip} because it doesn't contain any IP SANs`,
    );
    await remove('validatingwebhookconfiguration', 'cond');
  });

  it('calls an IfNeeded webhook again when a later one changed the object', async () => {
    await apply(config('Mutating', 'a-team', { ...service('label-webhook', '/mutate'), reinvocationPolicy: 'IfNeeded' }));
    await apply(config('Mutating', 'b-agnhost', service('agnhost', '/add-label')));
    expect((await t.kubectl(['create', '-f', '-'], { input: configMap('reinvoked', 'wh-on') })).code).toBe(0);
    expect((await t.client.get(R.configmaps, 'wh-on', 'reinvoked')).metadata?.labels).toEqual({ team: 'platform', 'added-label': 'yes' });
    const logs = await t.kubectl(['logs', '-n', NS, 'deploy/label-webhook']);
    expect(logs.stdout.split('\n').filter((l) => l.includes('POST /mutate: CREATE ConfigMap wh-on/reinvoked'))).toHaveLength(2);
    await remove('mutatingwebhookconfiguration', 'a-team');
    await remove('mutatingwebhookconfiguration', 'b-agnhost');
  });

  it("asks validating webhooks about CONNECT: a denied exec or attach stops kubectl with the webhook's message", async () => {
    const pod = (name: string, container: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'wh-on' },
        spec: { containers: [{ name: container, image: 'busybox', command: ['sleep', '3600'] }] },
      });
    await apply(pod('execme', 'c'));
    await apply(pod('to-be-attached-pod', 'container1'));
    for (const name of ['execme', 'to-be-attached-pod'])
      await waitFor(async () => (await t.client.get(R.pods, 'wh-on', name)).status?.phase === 'Running', { timeoutMs: 60_000, what: `${name} running` });
    const connect = (resource: string) => ({ rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CONNECT'], resources: [resource] }] });
    await apply(config('Validating', 'deny-exec', { ...service('agnhost', '/always-deny'), ...connect('pods/exec') }));
    await apply(config('Validating', 'deny-attach', { ...service('agnhost', '/pods/attach'), ...connect('pods/attach') }));

    const exec = await t.kubectl(['exec', '-n', 'wh-on', 'execme', '--', 'echo', 'hi']);
    expect([exec.code, exec.stdout, exec.stderr.trim()]).toEqual([
      1,
      '',
      'Error from server: admission webhook "deny-exec.kubelab.dev" denied the request: this webhook denies all requests',
    ]);
    // the webhook saw a CONNECT of PodExecOptions for the pod
    const logs = await t.kubectl(['logs', '-n', NS, 'deploy/agnhost']);
    expect(logs.stdout).toContain('POST /always-deny: CONNECT PodExecOptions wh-on/execme allowed=false');

    // agnhost's /pods/attach reads the PodAttachOptions: stdin with container1 is refused, anything else let through
    const attach = await t.kubectl(['attach', '-n', 'wh-on', 'to-be-attached-pod', '-i', '-c=container1'], { input: '' });
    expect(attach.stderr).toContain(`admission webhook "deny-attach.kubelab.dev" denied the request: attaching to pod 'to-be-attached-pod' is not allowed`);
    // an exec the rules do not name (pods/attach only) is not asked about
    await remove('validatingwebhookconfiguration', 'deny-exec');
    const allowed = await t.kubectl(['exec', '-n', 'wh-on', 'to-be-attached-pod', '-c', 'container1', '--', 'echo', 'hi']);
    expect([allowed.code, allowed.stdout.trim()]).toEqual([0, 'hi']);
    await remove('validatingwebhookconfiguration', 'deny-attach');
  });
});
