// The proxy subresources through the real kubectl (get --raw, kubectl proxy) against simulated pods and kubelets.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { deploymentYaml } from '../../../../../test/manifests';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../../../test/harness';

const hasKubectl = !!kubectlPath();
if (!hasKubectl) console.warn('kubectl not installed: skipping the proxy subresource tests');

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe.skipIf(!hasKubectl)('proxy subresources', () => {
  let tc: TestCluster;
  let proxy: ChildProcess | undefined;
  let pod = '';

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    const manifest =
      deploymentYaml('web', [
        '{ name: nginx, image: nginx, ports: [{ containerPort: 80, name: http }] }',
        '{ name: echo, image: hashicorp/http-echo, args: ["-text=echoed", "-listen=:5678"] }',
      ]) +
      `
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports:
  - { name: http, port: 80, targetPort: http }
  - { name: echo, port: 8080, targetPort: 5678 }
---
apiVersion: v1
kind: Service
metadata: { name: empty }
spec:
  selector: { app: nothing }
  ports: [{ port: 80 }]
`;
    await waitFor(async () => (await tc.kubectl(['apply', '-f', '-'], { input: manifest })).code === 0, { what: 'apply' });
    expect((await tc.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 })).code).toBe(0);
    pod = (await tc.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    await waitFor(
      async () =>
        (await tc.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[0].endpoints[0].conditions.ready}']))
          .stdout === 'true',
      { what: 'ready endpoint' },
    );
  }, 120_000);

  afterAll(async () => {
    if (proxy && proxy.exitCode === null) proxy.kill('SIGKILL');
    await tc?.stop();
  });

  const raw = (path: string) => tc.kubectl(['get', '--raw', path]);

  it('services/NAME[:PORT]/proxy reaches a ready endpoint of the chosen port, by number or name', async () => {
    expect((await raw('/api/v1/namespaces/default/services/web:80/proxy/')).stdout).toContain('<title>Welcome to nginx!</title>');
    expect((await raw('/api/v1/namespaces/default/services/web:echo/proxy/')).stdout).toBe('echoed\n');
    expect((await raw('/api/v1/namespaces/default/services/http:web:8080/proxy/anything')).stdout).toBe('echoed\n');
    // without a port, the first one
    expect((await raw('/api/v1/namespaces/default/services/web/proxy/')).stdout).toContain('Welcome to nginx!');
  });

  it('answers with upstream errors for a missing port, no endpoints, a missing service and a closed pod port', async () => {
    expect((await raw('/api/v1/namespaces/default/services/web:81/proxy/')).stderr).toBe(
      'Error from server (ServiceUnavailable): no service port "81" found for service "web"\n',
    );
    expect((await raw('/api/v1/namespaces/default/services/empty:80/proxy/')).stderr).toBe(
      'Error from server (ServiceUnavailable): no endpoints available for service "empty"\n',
    );
    expect((await raw('/api/v1/namespaces/default/services/nope/proxy/')).stderr).toBe('Error from server (NotFound): services "nope" not found\n');
    const ip = (await tc.kubectl(['get', 'pod', pod, '-o', 'jsonpath={.status.podIP}'])).stdout;
    expect((await raw(`/api/v1/namespaces/default/pods/${pod}:81/proxy/`)).stderr).toBe(
      `Error from server (ServiceUnavailable): error trying to reach service: dial tcp ${ip}:81: connect: connection refused\n`,
    );
  });

  it('pods/NAME[:PORT]/proxy goes to the pod IP, by default on the first declared container port', async () => {
    expect((await raw(`/api/v1/namespaces/default/pods/${pod}/proxy/index.html`)).stdout).toContain('Welcome to nginx!');
    expect((await raw(`/api/v1/namespaces/default/pods/${pod}:5678/proxy/`)).stdout).toBe('echoed\n');
  });

  it('nodes/NAME/proxy serves the kubelet endpoints', async () => {
    const node = (await tc.kubectl(['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}'])).stdout;
    expect((await raw(`/api/v1/nodes/${node}/proxy/healthz`)).stdout).toBe('ok');
    const pods = JSON.parse((await raw(`/api/v1/nodes/${node}/proxy/pods`)).stdout) as { kind: string; items: { metadata: { name: string } }[] };
    expect(pods.kind).toBe('PodList');
    expect(pods.items.map((p) => p.metadata.name)).toContain(pod);
    const summary = JSON.parse((await raw(`/api/v1/nodes/${node}/proxy/stats/summary`)).stdout) as {
      node: { nodeName: string; memory: { workingSetBytes: number } };
      pods: { podRef: { name: string }; containers: { name: string }[] }[];
    };
    expect(summary.node.nodeName).toBe(node);
    expect(summary.node.memory.workingSetBytes).toBeGreaterThan(0);
    expect(
      summary.pods
        .find((p) => p.podRef.name === pod)
        ?.containers.map((c) => c.name)
        .sort(),
    ).toEqual(['echo', 'nginx']);
    const metrics = (await raw(`/api/v1/nodes/${node}/proxy/metrics/resource`)).stdout;
    expect(metrics).toMatch(new RegExp(`^container_memory_working_set_bytes\\{container="nginx",namespace="default",pod="${pod}"\\} \\d+ \\d+$`, 'm'));
    expect(metrics).toMatch(/^node_cpu_usage_seconds_total [\d.e-]+ \d+$/m);
    const configz = JSON.parse((await raw(`/api/v1/nodes/${node}/proxy/configz`)).stdout) as { kubeletconfig: { staticPodPath: string; clusterDNS: string[] } };
    expect(configz.kubeletconfig.staticPodPath).toBe('/etc/kubernetes/manifests');
    expect((await raw(`/api/v1/nodes/${node}/proxy/nothing-here`)).stderr).toContain('NotFound');
  });

  it('RBAC guards the proxy subresources separately from the objects', async () => {
    const as = ['--as', 'jane'];
    const denied = await tc.kubectl(['get', '--raw', '/api/v1/namespaces/default/services/web:80/proxy/', ...as]);
    expect(denied.stderr).toBe(
      'Error from server (Forbidden): services "web:80" is forbidden: User "jane" cannot get resource "services/proxy" in API group "" in the namespace "default"\n',
    );
    expect((await tc.kubectl(['create', 'role', 'svc-proxy', '--verb=get', '--resource=services/proxy'])).code).toBe(0);
    expect((await tc.kubectl(['create', 'rolebinding', 'jane-proxy', '--role=svc-proxy', '--user=jane'])).code).toBe(0);
    await waitFor(
      async () => (await tc.kubectl(['get', '--raw', '/api/v1/namespaces/default/services/web:80/proxy/', ...as])).stdout.includes('Welcome to nginx!'),
      { what: 'jane allowed' },
    );
    expect((await tc.kubectl(['get', 'services', ...as])).stderr).toContain('cannot list resource "services"');
  });

  it('kubectl proxy + plain HTTP, as in the upstream tutorials; the bare .../proxy path redirects to .../proxy/', async () => {
    proxy = tc.kubectlSpawn(['proxy', '--port=0']);
    let out = '';
    proxy.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const m = await waitFor(() => /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out), { what: 'kubectl proxy' });
    const port = Number(m![1]);
    const r = await get(`http://127.0.0.1:${port}/api/v1/namespaces/default/services/web:80/proxy/`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html');
    expect(r.body).toContain('Welcome to nginx!');
    const bare = await get(`http://127.0.0.1:${port}/api/v1/namespaces/default/services/web:80/proxy`);
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/api/v1/namespaces/default/services/web:80/proxy/');
  });
});
