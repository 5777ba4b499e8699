// The ingress-nginx add-on end to end: installed at start like kind's deploy, routing HTTP and HTTPS by host and
// path from the student's machine (the controller's ports on 127.0.0.1) and from a pod (wget with a Host header),
// TLS from kubernetes.io/tls Secrets, the status ADDRESS, class filtering and ingress-nginx's own answers.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';
import { selfSignedServerCert } from '../../electron/cluster/auth/pki';

const kubectl = kubectlPath();
if (!kubectl) console.log('ingress: skipped — no kubectl found (set KUBECTL or install kubectl)');

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  cn?: string;
}

function request(scheme: 'http' | 'https', port: number, host: string, path: string, sni?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, path, headers: { Host: host }, agent: false as const };
    const done = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          cn: (res.socket as TLSSocket).getPeerCertificate?.()?.subject?.CN as string | undefined,
        }),
      );
    };
    const req = scheme === 'http' ? http.request(opts, done) : https.request({ ...opts, servername: sni ?? '', rejectUnauthorized: false }, done); // '' sends no SNI (Node would take the Host header);
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${scheme} ${host}${path}: timed out`)));
    req.end();
  });
}

const NS = 'shop';

describe.skipIf(!kubectl)('ingress-nginx', () => {
  let tc: TestCluster;
  let httpPort = 0;
  let httpsPort = 0;
  const k = (args: string[], input?: string) => tc.kubectl(args, { input });
  const apply = async (yaml: string) => {
    const r = await k(['apply', '-n', NS, '-f', '-'], yaml);
    expect(r.code, r.stderr).toBe(0);
  };
  const get = (host: string, path: string) => request('http', httpPort, host, path);

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    await k(['create', 'namespace', NS]);
    for (const [name, text] of [
      ['web', 'web'],
      ['api', 'api'],
      ['www', 'wildcard'],
      ['fallback', 'fallback'],
    ])
      await apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: echo, image: hashicorp/http-echo, args: ["-text=${text}"]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {selector: {app: ${name}}, ports: [{name: http, port: 80, targetPort: 5678}]}
`);
    await apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: httpbin}
spec:
  selector: {matchLabels: {app: httpbin}}
  template:
    metadata: {labels: {app: httpbin}}
    spec: {containers: [{name: httpbin, image: kennethreitz/httpbin}]}
---
apiVersion: v1
kind: Service
metadata: {name: httpbin}
spec: {selector: {app: httpbin}, ports: [{port: 8000, targetPort: 80}]}
`);
    const host = tc.cluster.nodes.clusterNetwork!.hostAccess!;
    await waitFor(
      async () => {
        await host.settled();
        const p = host.published();
        httpPort = p.find((x) => x.entry === 'http')?.hostPort ?? 0;
        httpsPort = p.find((x) => x.entry === 'https')?.hostPort ?? 0;
        return httpPort && httpsPort;
      },
      { what: "the ingress controller's host ports" },
    );
    await waitFor(async () => (await k(['-n', 'ingress-nginx', 'rollout', 'status', 'deploy/ingress-nginx-controller', '--timeout=5s'])).code === 0, {
      what: 'ingress-nginx rolled out',
      timeoutMs: 90_000,
    });
    await waitFor(async () => (await k(['-n', NS, 'rollout', 'status', 'deploy/httpbin', '--timeout=5s'])).code === 0, {
      what: 'backends ready',
      timeoutMs: 60_000,
    });
  }, 180_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it("installs kind's ingress-nginx: the default IngressClass, the controller's names, labels and RBAC", async () => {
    const ic = JSON.parse((await k(['get', 'ingressclass', 'nginx', '-o', 'json'])).stdout);
    expect(ic.spec.controller).toBe('k8s.io/ingress-nginx');
    expect(ic.metadata.annotations['ingressclass.kubernetes.io/is-default-class']).toBe('true');
    const pods = await k([
      '-n',
      'ingress-nginx',
      'get',
      'pods',
      '-l',
      'app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller',
      '-o',
      'name',
    ]);
    expect(pods.stdout).toMatch(/^pod\/ingress-nginx-controller-/);
    const svc = JSON.parse((await k(['-n', 'ingress-nginx', 'get', 'svc', 'ingress-nginx-controller', '-o', 'json'])).stdout);
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports.map((p: any) => `${p.name}:${p.port}`)).toEqual(['http:80', 'https:443']);
    const sa = '--as=system:serviceaccount:ingress-nginx:ingress-nginx';
    expect((await k(['auth', 'can-i', 'watch', 'ingresses.networking.k8s.io', '-A', sa])).stdout.trim()).toBe('yes');
    expect((await k(['auth', 'can-i', 'update', 'ingresses.networking.k8s.io', '--subresource=status', '-n', NS, sa])).stdout.trim()).toBe('yes');
    expect((await k(['auth', 'can-i', 'delete', 'pods', '-n', NS, sa])).stdout.trim()).toBe('no');
  });

  it('routes by host and path from 127.0.0.1 as ingress-nginx does, and fills the ADDRESS', async () => {
    await apply(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules:
  - host: shop.local
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
      - {path: /exact, pathType: Exact, backend: {service: {name: api, port: {number: 80}}}}
  - host: "*.shop.local"
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: www, port: {number: 80}}}}
`);
    // the DefaultIngressClass admission plugin named the class; the controller wrote kind's status address
    expect((await k(['-n', NS, 'get', 'ingress', 'shop', '-o', 'jsonpath={.spec.ingressClassName}'])).stdout).toBe('nginx');
    await waitFor(async () => (await k(['-n', NS, 'get', 'ingress', 'shop'])).stdout.match(/shop\s+nginx\s+shop\.local,\*\.shop\.local\s+localhost\s+80\s/), {
      what: 'ADDRESS localhost in kubectl get ingress',
    });
    await waitFor(async () => (await get('shop.local', '/')).body === 'web\n', { what: 'shop.local/ answered by web' });
    expect((await get('shop.local', '/api')).body).toBe('api\n');
    expect((await get('shop.local', '/api/v1/items?x=1')).body).toBe('api\n');
    // Prefix is element-wise: /apix is not under /api
    expect((await get('shop.local', '/apix')).body).toBe('web\n');
    expect((await get('shop.local', '/exact')).body).toBe('api\n');
    expect((await get('shop.local', '/exact/more')).body).toBe('web\n');
    expect((await get('a.shop.local', '/')).body).toBe('wildcard\n');
    expect((await get('SHOP.local:80', '/')).body).toBe('web\n');
    const miss = await get('nobody.example', '/');
    expect(miss.status).toBe(404);
    expect(miss.headers.server).toBe('nginx');
    expect(miss.body).toBe(
      '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    );
    const logs = await k(['-n', 'ingress-nginx', 'logs', 'deploy/ingress-nginx-controller']);
    expect(logs.stdout).toMatch(/"GET \/api\/v1\/items\?x=1 HTTP\/1.1" 200 4 .* \[shop-api-http\] \[\] 10\.244\.\d+\.\d+:5678 /);
    const events = await k(['-n', NS, 'get', 'events', '--field-selector', 'involvedObject.name=shop', '-o', 'jsonpath={.items[*].reason}']);
    expect(events.stdout).toContain('Sync');
  }, 60_000);

  it("answers with an Ingress's defaultBackend, 503 without endpoints, and ignores other classes", async () => {
    await apply(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: fallback}
spec:
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: other}
spec: {controller: example.com/other}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: not-ours}
spec:
  ingressClassName: other
  rules:
  - host: other.local
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`);
    await waitFor(async () => (await get('nobody.example', '/')).body === 'fallback\n', { what: 'the defaultBackend for unknown hosts' });
    // other.local is another controller's: the catch-all server's defaultBackend answers it
    expect((await get('other.local', '/')).body).toBe('fallback\n');
    expect(JSON.parse((await k(['-n', NS, 'get', 'ingress', 'not-ours', '-o', 'json'])).stdout).status?.loadBalancer?.ingress).toBeUndefined();
    await k(['-n', NS, 'scale', 'deploy/fallback', '--replicas=0']);
    await waitFor(async () => (await get('nobody.example', '/')).status === 503, { what: '503 once fallback has no endpoints' });
    const r = await get('nobody.example', '/');
    expect(r.body).toContain('<title>503 Service Temporarily Unavailable</title>');
  }, 60_000);

  it('terminates HTTPS with the Secret of a tls entry, redirects HTTP with 308, and serves the fake certificate otherwise', async () => {
    const pair = await selfSignedServerCert({ cn: 'secure.local', dns: ['secure.local'], days: 30 });
    await apply(`apiVersion: v1
kind: Secret
metadata: {name: secure-tls}
type: kubernetes.io/tls
data: {tls.crt: ${Buffer.from(pair.certPem).toString('base64')}, tls.key: ${Buffer.from(pair.keyPem).toString('base64')}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure}
spec:
  tls: [{hosts: [secure.local], secretName: secure-tls}]
  rules:
  - host: secure.local
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`);
    await waitFor(async () => (await get('secure.local', '/x?y=1')).status === 308, { what: 'the HTTP to HTTPS redirect' });
    const redirect = await get('secure.local', '/x?y=1');
    expect(redirect.headers.location).toBe('https://secure.local/x?y=1');
    expect(redirect.body).toContain('<title>308 Permanent Redirect</title>');
    const secure = await request('https', httpsPort, 'secure.local', '/', 'secure.local');
    expect(secure).toMatchObject({ status: 200, body: 'web\n', cn: 'secure.local' });
    // no SNI (an address in the URL): ingress-nginx's default certificate
    const bare = await request('https', httpsPort, 'secure.local', '/');
    expect(bare).toMatchObject({ status: 200, body: 'web\n', cn: 'Kubernetes Ingress Controller Fake Certificate' });
    // a host without a tls entry gets the fake certificate too
    expect((await request('https', httpsPort, 'shop.local', '/', 'shop.local')).cn).toBe('Kubernetes Ingress Controller Fake Certificate');
  }, 60_000);

  it('rewrites with rewrite-target capture groups and forwards the X-Forwarded headers', async () => {
    await apply(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: rewrite
  annotations: {nginx.ingress.kubernetes.io/rewrite-target: /$2}
spec:
  rules:
  - host: bin.local
    http: {paths: [{path: /bin(/|$)(.*), pathType: ImplementationSpecific, backend: {service: {name: httpbin, port: {number: 8000}}}}]}
`);
    await waitFor(async () => (await get('bin.local', '/bin/anything?q=1')).status === 200, { what: 'the rewritten path reaching httpbin' });
    const any = JSON.parse((await get('bin.local', '/bin/anything?q=1')).body);
    expect(any.url).toBe('http://bin.local/anything?q=1');
    const headers = JSON.parse((await get('bin.local', '/BIN/headers')).body).headers;
    expect(headers).toMatchObject({ Host: 'bin.local', 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'bin.local', 'X-Forwarded-Port': '80' });
  }, 60_000);

  it('answers pods that call the controller Service with a Host header', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: busybox, command: [sleep, "3600"]}]}
`);
    await waitFor(async () => (await k(['-n', NS, 'wait', '--for=condition=Ready', 'pod/client', '--timeout=5s'])).code === 0, { what: 'client pod ready' });
    const ok = await k(['-n', NS, 'exec', 'client', '--', 'wget', '-qO-', '--header', 'Host: shop.local', 'http://ingress-nginx-controller.ingress-nginx/api']);
    expect(ok.stdout).toBe('api\n');
    await k(['-n', NS, 'delete', 'ingress', 'fallback']);
    await waitFor(async () => (await get('nobody.example', '/')).status === 404, { what: 'the default 404 again' });
    const miss = await k(['-n', NS, 'exec', 'client', '--', 'wget', '-qO-', '--header=Host: nobody.example', 'http://ingress-nginx-controller.ingress-nginx/']);
    expect(miss.code).toBe(1);
    expect(miss.stderr).toContain('wget: server returned error: HTTP/1.1 404 Not Found');
  }, 60_000);
});
