// The admission chain as students meet it: real kubectl 1.31 (when installed) and the admin client against a cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { startTestCluster, waitFor, kubectlPath, type TestCluster } from '../../../test/harness';
import type { KObject } from '../api/types';
import { R } from '../client/resources';

const KUBECTL_131 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.31';
if (!process.env.KUBECTL && existsSync(KUBECTL_131)) process.env.KUBECTL = KUBECTL_131;

let t: TestCluster;

/** kubectl must run asynchronously: the API server lives in this process */
function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = t.kubectlSpawn(args);
  let stdout = '',
    stderr = '';
  child.stdout!.on('data', (c) => {
    stdout += c;
  });
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  child.stdin!.end(input ?? '');
  const timer = setTimeout(() => child.kill(), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    }),
  );
}

async function namespace(name: string): Promise<void> {
  await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await waitFor(() => t.client.get(R.serviceaccounts, name, 'default'), { what: `default service account in ${name}` });
}

const cpuPod = (name: string, cpu: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeSelector: {nowhere: "true"}
  containers:
  - name: c
    image: nginx
    resources: {requests: {cpu: ${cpu}}}
`;

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('admission through the API', () => {
  it('a plain pod gets its service account, API credentials, tolerations and priority', async () => {
    await namespace('adm');
    const p = await t.client.create(R.pods, 'adm', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'plain' },
      spec: { nodeSelector: { nowhere: 'true' }, containers: [{ name: 'c', image: 'nginx' }] },
    });
    expect(p.spec.serviceAccountName).toBe('default');
    expect(p.spec.volumes.map((v: any) => v.name)).toEqual([expect.stringMatching(/^kube-api-access-\w{5}$/)]);
    expect(p.spec.containers[0].volumeMounts[0]).toEqual({
      name: p.spec.volumes[0].name,
      readOnly: true,
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    });
    expect(p.spec.tolerations.map((x: any) => `${x.key}:${x.effect}:${x.tolerationSeconds}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute:300',
      'node.kubernetes.io/unreachable:NoExecute:300',
    ]);
    expect([p.spec.priority, p.spec.preemptionPolicy]).toEqual([0, 'PreemptLowerPriority']);
    const critical = await t.client.create(R.pods, 'adm', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'critical' },
      spec: { priorityClassName: 'system-node-critical', nodeSelector: { nowhere: 'true' }, containers: [{ name: 'c', image: 'nginx' }] },
    });
    expect(critical.spec.priority).toBe(2000001000);
  });

  it.skipIf(!kubectlPath())('kubectl sees RuntimeClass and LimitRange rejections as Forbidden with upstream messages', async () => {
    const r = await kubectl(['-n', 'adm', 'run', 'ghost', '--image=busybox', '--overrides={"spec":{"runtimeClassName":"does-not-exist"}}']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Error from server (Forbidden): pods "ghost" is forbidden: pod rejected: RuntimeClass "does-not-exist" not found');

    await namespace('limits');
    await t.client.create(R.limitranges, 'limits', {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'cpu' },
      spec: { limits: [{ type: 'Container', max: { cpu: '800m' }, defaultRequest: { cpu: '100m' } }] },
    });
    const ok = await kubectl(['-n', 'limits', 'create', '-f', '-'], cpuPod('small', '200m').replace('resources: {requests: {cpu: 200m}}', 'resources: {}'));
    expect(ok.stdout).toBe('pod/small created\n');
    const small: KObject = await t.client.get(R.pods, 'limits', 'small');
    expect(small.spec.containers[0].resources).toEqual({ limits: { cpu: '800m' }, requests: { cpu: '100m' } });
    expect(small.metadata.annotations?.['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu request for container c; cpu limit for container c');
    const big = await kubectl(
      ['-n', 'limits', 'create', '-f', '-'],
      cpuPod('big', '1').replace('{requests: {cpu: 1}}', '{requests: {cpu: 1}, limits: {cpu: 1500m}}'),
    );
    expect(big.stderr).toBe(
      'Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: maximum cpu usage per Container is 800m, but limit is 1500m\n',
    );
  });

  it.skipIf(!kubectlPath())('ResourceQuota refuses what exceeds it and charges what it admits', async () => {
    await namespace('quota');
    // real usage of 1 CPU exists before the quota does, so any quota controller agrees with the status set below
    await t.client.create(R.pods, 'quota', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'existing' },
      spec: { nodeSelector: { nowhere: 'true' }, containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '1' } } }] },
    });
    const q = await t.client.create(R.resourcequotas, 'quota', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q' },
      spec: { hard: { 'requests.cpu': '1200m' } },
    });
    q.status = { hard: { 'requests.cpu': '1200m' }, used: { 'requests.cpu': '1' } };
    await t.client.updateStatus(R.resourcequotas, 'quota', q);

    const r = await kubectl(['-n', 'quota', 'create', '-f', '-'], cpuPod('p', '500m'));
    expect(r.stderr).toBe(
      'Error from server (Forbidden): error when creating "STDIN": pods "p" is forbidden: exceeded quota: q, requested: requests.cpu=500m, used: requests.cpu=1, limited: requests.cpu=1200m\n',
    );
    const bare = await kubectl(['-n', 'quota', 'run', 'bare', '--image=nginx']);
    expect(bare.stderr).toBe('Error from server (Forbidden): pods "bare" is forbidden: failed quota: q: must specify requests.cpu\n');

    // the cluster's chain has the status writer, so admitted pods are charged at once
    expect((await kubectl(['-n', 'quota', 'create', '-f', '-'], cpuPod('fits', '150m'))).code).toBe(0);
    expect((await t.client.get(R.resourcequotas, 'quota', 'q')).status.used).toEqual({ 'requests.cpu': '1150m' });
    const next = await kubectl(['-n', 'quota', 'create', '-f', '-'], cpuPod('next', '100m'));
    expect(next.stderr).toContain('exceeded quota: q, requested: requests.cpu=100m, used: requests.cpu=1150m, limited: requests.cpu=1200m');
  });
});
