// Kubelet behaviour seen through the real kubectl: image changes restart containers, `logs -f` ends with its
// container, the control plane's static pods in kube-system, and a StatefulSet mounting its claim template.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('kubelet-kubectl: skipped — no kubectl found (set KUBECTL or install kubectl)');

const CP = 'kubelab-control-plane';

describe.skipIf(!kubectl)('kubelet behaviour with kubectl', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    await tc.kubectl(['create', 'namespace', 'kl']);
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });
  const k = (...args: string[]) => tc.kubectl(['-n', 'kl', ...args]);
  const out = async (...args: string[]) => (await k(...args)).stdout.trim();
  const jp = (what: string, path: string) => out('get', what, '-o', `jsonpath=${path}`);

  /** runs kubectl until it exits by itself; resolves with its output, or undefined if it still runs after `ms` */
  const untilExit = (args: string[], ms: number) =>
    new Promise<string | undefined>((resolve) => {
      const p = tc.kubectlSpawn(args);
      let text = '';
      p.stdout!.on('data', (c) => {
        text += c;
      });
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        resolve(undefined);
      }, ms);
      p.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });

  it('restarts a running container whose image changed and keeps the old run for logs -p', async () => {
    await k('run', 'img', '--image=nginx:1.26');
    await waitFor(async () => (await jp('pod/img', '{.status.containerStatuses[0].ready}')) === 'true', { what: 'img ready', timeoutMs: 30_000 });
    const firstId = await jp('pod/img', '{.status.containerStatuses[0].containerID}');
    expect((await k('set', 'image', 'pod/img', 'img=nginx:1.27')).code).toBe(0);
    await waitFor(
      async () =>
        (await jp('pod/img', '{.status.containerStatuses[0].restartCount}')) === '1' &&
        (await jp('pod/img', '{.status.containerStatuses[0].ready}')) === 'true',
      { what: 'restart with the new image', timeoutMs: 30_000 },
    );
    expect(await jp('pod/img', '{.status.containerStatuses[0].image}')).toBe('docker.io/library/nginx:1.27');
    expect(await jp('pod/img', '{.status.containerStatuses[0].lastState.terminated.containerID}')).toBe(firstId);
    const events = await out(
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=img',
      '-o',
      'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}',
    );
    expect(events).toContain('Killing: Container img definition changed, will be restarted');
    expect(events).toContain('Pulling: Pulling image "nginx:1.27"');
    expect(await out('logs', 'img', '-p')).toContain('signal 15 (SIGTERM) received');
  }, 90_000);

  it("runs a utility given as the container's command without a shell's variables, while a shell has them", async () => {
    // `kubectl run … -- env` as in https://github.com/dgkanatsios/CKAD-exercises (core concepts)
    await k('run', 'env', '--image=busybox', '--restart=Never', '--env=var1=val1', '--', 'env');
    await k('run', 'shenv', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'env');
    await waitFor(async () => (await jp('pod/env', '{.status.phase}')) === 'Succeeded', { what: 'env done', timeoutMs: 30_000 });
    await waitFor(async () => (await jp('pod/shenv', '{.status.phase}')) === 'Succeeded', { what: 'shenv done', timeoutMs: 30_000 });
    const names = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(0, l.indexOf('=')));
    const direct = names(await out('logs', 'env'));
    expect(direct).toEqual(expect.arrayContaining(['PATH', 'HOSTNAME', 'HOME', 'var1', 'KUBERNETES_SERVICE_HOST']));
    for (const shellOnly of ['PWD', 'OLDPWD', 'SHLVL']) expect(direct).not.toContain(shellOnly);
    expect(names(await out('logs', 'shenv'))).toEqual(expect.arrayContaining(['PWD', 'SHLVL']));
  }, 60_000);

  it('fails a running pod once a patched-in activeDeadlineSeconds has passed', async () => {
    await k('run', 'deadline', '--image=busybox', '--', 'sleep', '3600');
    await waitFor(async () => (await jp('pod/deadline', '{.status.containerStatuses[0].ready}')) === 'true', { what: 'deadline ready', timeoutMs: 30_000 });
    expect((await k('patch', 'pod', 'deadline', '-p', '{"spec":{"activeDeadlineSeconds":2}}')).code).toBe(0);
    await waitFor(async () => (await jp('pod/deadline', '{.status.phase}')) === 'Failed', { what: 'deadline Failed', timeoutMs: 30_000 });
    expect(await jp('pod/deadline', '{.status.reason}: {.status.message}')).toBe(
      'DeadlineExceeded: Pod was active on the node longer than the specified deadline',
    );
    expect(await jp('pod/deadline', '{.status.containerStatuses[0].state.terminated.reason}')).toBeTruthy();
  }, 60_000);

  it('ends logs -f when the container exits, for one or all containers, and when the pod is deleted', async () => {
    const spec = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'short' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          { name: 'a', image: 'busybox', command: ['sh', '-c', 'for i in 1 2 3; do echo a$i; sleep 1; done'] },
          { name: 'b', image: 'busybox', command: ['sh', '-c', 'for i in 1 2; do echo b$i; sleep 1; done'] },
        ],
      },
    };
    expect((await tc.kubectl(['-n', 'kl', 'apply', '-f', '-'], { input: JSON.stringify(spec) })).code).toBe(0);
    await waitFor(async () => (await jp('pod/short', '{.status.phase}')) === 'Running', { what: 'short running', timeoutMs: 30_000 });
    const [one, all] = await Promise.all([
      untilExit(['-n', 'kl', 'logs', '-f', 'short', '-c', 'a'], 20_000),
      untilExit(['-n', 'kl', 'logs', '-f', 'short', '--all-containers', '--prefix'], 20_000),
    ]);
    expect(one).toBe('a1\na2\na3\n');
    expect(all?.split('\n').filter(Boolean).sort()).toEqual([
      '[pod/short/a] a1',
      '[pod/short/a] a2',
      '[pod/short/a] a3',
      '[pod/short/b] b1',
      '[pod/short/b] b2',
    ]);

    await k('run', 'loop', '--image=busybox', '--', 'sh', '-c', 'trap "exit 0" TERM; while true; do echo tick; sleep 1; done');
    await waitFor(async () => (await jp('pod/loop', '{.status.containerStatuses[0].ready}')) === 'true', { what: 'loop ready', timeoutMs: 30_000 });
    const following = untilExit(['-n', 'kl', 'logs', '-f', 'loop'], 25_000);
    await waitFor(async () => (await out('logs', 'loop')).includes('tick'), { what: 'a tick', timeoutMs: 10_000 });
    await k('delete', 'pod', 'loop', '--wait=false');
    expect(await following).toContain('tick');
  }, 90_000);

  it("shows the control plane as static mirror pods in kube-system, with the components' own logs", async () => {
    const names = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((n) => `${n}-${CP}`);
    const sys = (...args: string[]) => tc.kubectl(['-n', 'kube-system', ...args]).then((r) => r.stdout.trim());
    // kube-system also holds the CoreDNS pods; the static pods are the ones labelled tier=control-plane
    await waitFor(
      async () =>
        (
          await sys(
            'get',
            'pods',
            '-l',
            'tier=control-plane',
            '-o',
            'jsonpath={range .items[*]}{.metadata.name}={.status.containerStatuses[0].ready}{" "}{end}',
          )
        )
          .split(' ')
          .filter((s) => s.endsWith('=true')).length === 4,
      { what: 'four Ready control-plane pods', timeoutMs: 60_000 },
    );
    expect((await sys('get', 'pods', '-l', 'tier=control-plane', '-o', 'name')).split('\n').sort()).toEqual(names.map((n) => `pod/${n}`));
    const api = JSON.parse(await sys('get', 'pod', `kube-apiserver-${CP}`, '-o', 'json'));
    const ann = api.metadata.annotations;
    expect(ann['kubernetes.io/config.source']).toBe('file');
    expect(ann['kubernetes.io/config.mirror']).toBe(ann['kubernetes.io/config.hash']);
    expect(api.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'v1', kind: 'Node', name: CP, controller: true })]);
    expect(api.metadata.labels).toEqual({ component: 'kube-apiserver', tier: 'control-plane' });
    expect(api.spec.priorityClassName).toBe('system-node-critical');
    expect(api.spec.containers[0].image).toMatch(/^registry\.k8s\.io\/kube-apiserver:v1\.33\.\d+$/);
    expect(api.spec.containers[0].command).toContain('--authorization-mode=Node,RBAC');

    await k('run', 'bound', '--image=nginx');
    await waitFor(async () => (await sys('logs', `kube-scheduler-${CP}`)).includes(`"Successfully bound pod to node" pod="kl/bound" node="${CP}"`), {
      what: 'scheduler log line',
      timeoutMs: 10_000,
    });
    await k('create', 'deployment', 'logged', '--image=nginx');
    await waitFor(
      async () => /event\.go:\d+\] "Event occurred" object="kl\/logged" .*reason="ScalingReplicaSet"/.test(await sys('logs', `kube-controller-manager-${CP}`)),
      { what: 'controller-manager event line', timeoutMs: 10_000 },
    );
    await waitFor(
      async () => /httplog\.go:\d+\] "HTTP" verb="LIST" URI="\/api\/v1\/namespaces\/kube-system\/pods/.test(await sys('logs', `kube-apiserver-${CP}`)),
      { what: 'request log line', timeoutMs: 10_000 },
    );

    // the kubelet deletes a deleted mirror at once and creates it again; the static pod keeps running
    const before = JSON.parse(await sys('get', 'pod', `kube-scheduler-${CP}`, '-o', 'json'));
    expect((await tc.kubectl(['-n', 'kube-system', 'delete', 'pod', `kube-scheduler-${CP}`], { timeoutMs: 20_000 })).code).toBe(0);
    const after = await waitFor(
      async () => {
        const r = await tc.kubectl(['-n', 'kube-system', 'get', 'pod', `kube-scheduler-${CP}`, '-o', 'json']);
        const p = r.code === 0 ? JSON.parse(r.stdout) : undefined;
        return p && p.metadata.uid !== before.metadata.uid && p.status?.containerStatuses?.[0]?.ready ? p : undefined;
      },
      { what: 'the mirror pod back', timeoutMs: 20_000 },
    );
    expect(after.status.containerStatuses[0].containerID).toBe(before.status.containerStatuses[0].containerID);
  }, 120_000);

  it('accepts a StatefulSet whose container mounts its volume claim template', async () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        replicas: 1,
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    const r = await tc.kubectl(['-n', 'kl', 'apply', '-f', '-'], { input: JSON.stringify(sts) });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('statefulset.apps/db created');
    await waitFor(async () => (await jp('pod/db-0', '{.spec.volumes[0].persistentVolumeClaim.claimName}')) === 'data-db-0', {
      what: 'pod db-0 with its claim',
      timeoutMs: 20_000,
    });
  }, 60_000);
});
