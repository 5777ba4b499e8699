// A mutating webhook's JSONPatch on a CONNECT request's options object is what the API server connects with, as
// upstream's ConnectResource hands the admitted options to the connecter: a patched PodExecOptions command is what
// `kubectl exec` runs, a patched NodeProxyOptions path is where `kubectl get --raw` lands. The webhook server is this
// test's: it listens on the simulated pod network behind a selector-less Service, so the API server calls it as it
// calls any in-cluster webhook.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import { selfSignedServerCert } from '../../auth/pki';

const HOOK_IP = '10.244.0.250';
const HOOK_PORT = 8443;
let t: TestCluster;
let caBundle: string;
let unlisten: (() => void) | undefined;
/** what the webhook answers a review of this options kind with: a JSONPatch, or nothing to change */
const patches = new Map<string, unknown[]>();
const seen: { kind: string; object: Record<string, unknown> }[] = [];

function review(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const r = (JSON.parse(body) as { request: { uid: string; object: Record<string, unknown> } }).request;
    const kind = String(r.object.kind);
    seen.push({ kind, object: r.object });
    const patch = patches.get(kind);
    const response = { uid: r.uid, allowed: true, ...(patch ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') } : {}) };
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
  });
}

const connectRule = (resource: string) => ({ apiGroups: [''], apiVersions: ['v1'], operations: ['CONNECT'], resources: [resource] });

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  const cert = await selfSignedServerCert({ cn: 'connect-hook', dns: ['connect-hook.default.svc'], days: 1 });
  caBundle = Buffer.from(cert.certPem).toString('base64');
  const secureContext = tls.createSecureContext({ cert: cert.certPem, key: cert.keyPem });
  const http = createServer(review);
  unlisten = t.cluster.nodes.clusterNetwork!.network.listen(HOOK_IP, HOOK_PORT, 'tcp', (sock: Duplex) => {
    http.emit('connection', new tls.TLSSocket(sock as never, { isServer: true, secureContext }));
  });
  await t.client.create(R.services, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'connect-hook' },
    spec: { ports: [{ port: 443, targetPort: HOOK_PORT }] },
  });
  await t.client.create(R.endpointslices, 'default', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'connect-hook-1', labels: { 'kubernetes.io/service-name': 'connect-hook' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [HOOK_IP], conditions: { ready: true } }],
    ports: [{ port: HOOK_PORT, protocol: 'TCP' }],
  } as never);
  await t.client.create(R.pods, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'target' },
    spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
  });
  await waitFor(async () => (await t.client.get(R.pods, 'default', 'target')).status?.phase === 'Running', { timeoutMs: 60_000, what: 'target running' });
  const config = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'connect-hook' },
    webhooks: [
      {
        name: 'connect-hook.kubelab.dev',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        clientConfig: { service: { namespace: 'default', name: 'connect-hook', path: '/mutate' }, caBundle },
        rules: [connectRule('pods/exec'), connectRule('nodes/proxy')],
      },
    ],
  };
  const applied = await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify(config) });
  if (applied.code !== 0) throw new Error(applied.stderr);
}, 120_000);
afterAll(async () => {
  unlisten?.();
  await t?.stop();
});

describe.skipIf(!kubectlPath())('mutating webhooks on CONNECT', () => {
  it("runs the command a webhook's patch of PodExecOptions names", async () => {
    patches.delete('PodExecOptions');
    const plain = await t.kubectl(['exec', 'target', '--', 'echo', 'original']);
    expect([plain.code, plain.stdout, plain.stderr]).toEqual([0, 'original\n', '']);
    // the webhook saw the options the query gave, encoded as the versioned API does
    expect(seen.at(-1)).toEqual({
      kind: 'PodExecOptions',
      object: { kind: 'PodExecOptions', apiVersion: 'v1', stdout: true, stderr: true, container: 'c', command: ['echo', 'original'] },
    });

    patches.set('PodExecOptions', [{ op: 'replace', path: '/command', value: ['echo', 'patched by the webhook'] }]);
    const r = await t.kubectl(['exec', 'target', '--', 'echo', 'original']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'patched by the webhook\n', '']);
  });

  it('refuses an exec whose patched options the kubelet could not take, and a patch of the wrong type', async () => {
    patches.set('PodExecOptions', [{ op: 'remove', path: '/command' }]);
    const none = await t.kubectl(['exec', 'target', '--', 'echo', 'original']);
    expect([none.code, none.stdout, none.stderr.trim()]).toEqual([
      1,
      '',
      'Error from server (BadRequest): you must specify at least one command for the container',
    ]);

    patches.set('PodExecOptions', [{ op: 'replace', path: '/command', value: 'echo' }]);
    const wrong = await t.kubectl(['exec', 'target', '--', 'echo', 'original']);
    expect([wrong.code, wrong.stdout, wrong.stderr.trim()]).toEqual([
      1,
      '',
      'Error from server (InternalError): Internal error occurred: json: cannot unmarshal string into Go struct field PodExecOptions.command of type []string',
    ]);
    patches.delete('PodExecOptions');
  });

  it("proxies to the path a webhook's patch of NodeProxyOptions names", async () => {
    const node = t.cluster.config.nodes[0].name;
    patches.set('NodeProxyOptions', [{ op: 'replace', path: '/path', value: '/healthz' }]);
    const r = await t.kubectl(['get', '--raw', `/api/v1/nodes/${node}/proxy/configz`]);
    expect([r.code, r.stdout]).toEqual([0, 'ok']);
    expect(seen.at(-1)).toEqual({ kind: 'NodeProxyOptions', object: { kind: 'NodeProxyOptions', apiVersion: 'v1', path: '/configz' } });
    patches.delete('NodeProxyOptions');
  });

  it('refuses a dry run of a connection before admission is asked', async () => {
    const asked = seen.length;
    const r = await t.kubectl(['get', '--raw', `/api/v1/nodes/${t.cluster.config.nodes[0].name}/proxy/healthz?dryRun=All`]);
    expect([r.code, r.stderr.trim()]).toEqual([1, 'Error from server (BadRequest): dryRun is not supported']);
    expect(seen.length).toBe(asked);
  });
});
