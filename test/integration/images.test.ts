// The image catalogue through a real cluster and kubectl: the course's pi Job, mysql's password check and
// readiness, and a pinned older nginx tag.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('images: skipped — no kubectl found (set KUBECTL or install kubectl)');

// digest of `perl -MMath::BigFloat -le 'print Math::BigFloat->bpi(2000)'` from a real perl 5.36, newline included
const PI_2000_SHA256 = 'acf68936c61dd66c8a1a5668b0c59c179fefe02bc5a7e8f4b86c5bf74936c28d';

const PI_JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
`;

const MYSQL = `apiVersion: v1
kind: Pod
metadata:
  name: mysql-nopw
spec:
  containers:
  - name: mysql
    image: mysql:8.0
---
apiVersion: v1
kind: Pod
metadata:
  name: mysql
spec:
  containers:
  - name: mysql
    image: mysql:8.4
    env:
    - name: MYSQL_ROOT_PASSWORD
      value: secret
    readinessProbe:
      tcpSocket:
        port: 3306
      periodSeconds: 1
    livenessProbe:
      exec:
        command: ["mysqladmin", "ping", "-h", "127.0.0.1"]
      periodSeconds: 2
`;

describe.skipIf(!kubectl)('image catalogue through kubectl', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it("the course pi Job on perl:5.34.0 completes quickly with perl bignum's 2000 digits", async () => {
    const t0 = Date.now();
    expect((await tc.kubectl(['apply', '-f', '-'], { input: PI_JOB })).code).toBe(0);
    const done = await tc.kubectl(['wait', '--for=condition=complete', 'job/pi', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(done.stdout).toContain('condition met');
    expect(Date.now() - t0).toBeLessThan(10_000);
    const logs = (await tc.kubectl(['logs', 'job/pi'])).stdout;
    expect(logs.length).toBe(2002);
    expect(createHash('sha256').update(logs).digest('hex')).toBe(PI_2000_SHA256);
  }, 60_000);

  it("mysql without a password crash-loops with the entrypoint's error; with one its tcpSocket probe makes it Ready and mysqladmin ping keeps it live", async () => {
    expect((await tc.kubectl(['apply', '-f', '-'], { input: MYSQL })).code).toBe(0);
    expect((await tc.kubectl(['wait', '--for=condition=Ready', 'pod/mysql', '--timeout=30s'], { timeoutMs: 40_000 })).code).toBe(0);
    await waitFor(
      async () =>
        (await tc.kubectl(['get', 'pod', 'mysql-nopw', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}'])).stdout === 'CrashLoopBackOff',
      { timeoutMs: 30_000, what: 'CrashLoopBackOff' },
    );
    const logs = (await tc.kubectl(['logs', 'mysql-nopw'])).stdout;
    expect(logs).toContain('[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified');
    expect((await tc.kubectl(['get', 'pod', 'mysql-nopw', '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}'])).stdout).toBe('1');
    expect((await tc.kubectl(['logs', 'mysql'])).stdout).toMatch(/\/usr\/sbin\/mysqld: ready for connections\. Version: '8\.4\.6'/);
    expect((await tc.kubectl(['get', 'pod', 'mysql', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).stdout).toBe('0');
  }, 90_000);

  it('nginx:1.19.8 reports its own version in nginx -v and the Server header', async () => {
    expect((await tc.kubectl(['run', 'web', '--image=nginx:1.19.8'])).code).toBe(0);
    expect((await tc.kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s'], { timeoutMs: 40_000 })).code).toBe(0);
    expect((await tc.kubectl(['exec', 'web', '--', 'nginx', '-v'])).stderr).toBe('nginx version: nginx/1.19.8\n');
    expect((await tc.kubectl(['exec', 'web', '--', 'curl', '-sI', 'http://localhost/'])).stdout).toMatch(/server: nginx\/1\.19\.8/i);
    const unknown = await tc.kubectl(['run', 'nope', '--image=nginx:1.19.99']);
    expect(unknown.code).toBe(0);
    await waitFor(
      async () =>
        /ErrImagePull|ImagePullBackOff/.test(
          (await tc.kubectl(['get', 'pod', 'nope', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}'])).stdout,
        ),
      { timeoutMs: 20_000, what: 'pull error' },
    );
    // the broken rollout of a practice set (https://github.com/dgkanatsios/CKAD-exercises, nginx:1.91): a tag the
    // registry never had is its NotFound, as containerd words it
    const failed = await waitFor(
      async () =>
        (await tc.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=nope,reason=Failed', '-o', 'jsonpath={.items[*].message}'])).stdout ||
        undefined,
      { timeoutMs: 20_000, what: 'Failed event' },
    );
    expect(failed).toContain(
      'Failed to pull image "nginx:1.19.99": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.19.99": failed to resolve reference "docker.io/library/nginx:1.19.99": docker.io/library/nginx:1.19.99: not found',
    );
  }, 60_000);

  it('nginx as a non-root user fails on /var/cache/nginx as the official image does, and runs with writable volumes there', async () => {
    const pod = (name: string, volumes: boolean) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  securityContext: {runAsUser: 101}
  containers:
  - name: nginx
    image: nginx
    ${volumes ? 'volumeMounts: [{name: cache, mountPath: /var/cache/nginx}, {name: run, mountPath: /var/run}]' : ''}
  ${volumes ? 'volumes: [{name: cache, emptyDir: {}}, {name: run, emptyDir: {}}]' : ''}
`;
    expect((await tc.kubectl(['apply', '-f', '-'], { input: pod('uid101', false) })).code).toBe(0);
    expect((await tc.kubectl(['apply', '-f', '-'], { input: pod('uid101-volumes', true) })).code).toBe(0);
    await waitFor(
      async () => (await tc.kubectl(['get', 'pod', 'uid101', '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}'])).stdout === '1',
      { timeoutMs: 30_000, what: 'nginx exits 1' },
    );
    const logs = (await tc.kubectl(['logs', 'uid101', '--previous'])).stdout;
    expect(logs).toContain(
      'nginx: [warn] the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:2',
    );
    expect(logs).toContain('nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (13: Permission denied)');
    expect((await tc.kubectl(['wait', '--for=condition=Ready', 'pod/uid101-volumes', '--timeout=30s'], { timeoutMs: 40_000 })).code).toBe(0);
  }, 60_000);

  it("the Kubernetes docs' busybox (registry.k8s.io, k8s.gcr.io and gcr.io/google-containers) runs the liveness example", async () => {
    const pod = (name: string, image: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers:
  - name: c
    image: ${image}
    args: [/bin/sh, -c, "touch /tmp/healthy; sleep 3600"]
    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 1}
`;
    const images = { docs: 'registry.k8s.io/busybox:1.27.2', old: 'k8s.gcr.io/busybox', gcr: 'gcr.io/google-containers/busybox:1.24' };
    for (const [name, image] of Object.entries(images)) expect((await tc.kubectl(['apply', '-f', '-'], { input: pod(name, image) })).code).toBe(0);
    for (const name of Object.keys(images))
      expect((await tc.kubectl(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=30s'], { timeoutMs: 40_000 })).code).toBe(0);
    expect((await tc.kubectl(['exec', 'docs', '--', 'busybox'])).stdout).toMatch(/^BusyBox v1\.27\.2 /);
    expect((await tc.kubectl(['get', 'pod', 'gcr', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).stdout).toBe('0');
  }, 60_000);
});
