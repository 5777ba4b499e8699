// The kubelet against a real in-process cluster and the container simulator. Pods are bound by spec.nodeName so the
// tests exercise the kubelet alone, independent of the scheduler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { StatusError } from '../api/errors';

process.env.KUBELAB_BACKOFF_BASE_MS = '300';
process.env.KUBELAB_VOLUME_SYNC_MS = '200';
process.env.KUBELAB_HEARTBEAT_MS = '200';

let tc: TestCluster;
const NS = 'default';
/** waitFor whose result is known to be present */
const until = async <T>(fn: () => Promise<T>, opts: { timeoutMs?: number; what?: string } = {}) => (await waitFor(fn, opts)) as NonNullable<T>;

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 2 });
}, 60_000);
afterAll(async () => {
  await tc?.stop();
});

const pod = (name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, ...meta },
  spec: { nodeName: 'kubelab-worker', terminationGracePeriodSeconds: 1, ...spec },
});
const get = (name: string) => tc.client.get(R.pods, NS, name);
const cs = (p: KObject, i = 0) => p.status?.containerStatuses?.[i];
async function events(name: string): Promise<KObject[]> {
  const l = await tc.client.list(R.events, NS);
  return l.items
    .filter((e) => e.involvedObject?.name === name)
    .sort(
      (a, b) =>
        a.metadata.creationTimestamp!.localeCompare(b.metadata.creationTimestamp!) || Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
    );
}
async function execIn(podName: string, container: string, cmd: string[]): Promise<string> {
  const p = await get(podName);
  const k = tc.cluster.nodes.kubelet(p.spec!.nodeName);
  const id = k.states.get(p.metadata.uid!)!.containers.get(container)!.id!;
  const r = await k.runtime.execSync(id, cmd, 5);
  return r.stdout;
}

describe('kubelet', () => {
  it('runs a busybox pod: Running with upstream status fields and events in order', async () => {
    await tc.client.create(
      R.pods,
      NS,
      pod('box', { containers: [{ name: 'box', image: 'busybox:1.36', command: ['sh', '-c', 'echo hi; sleep 3600'] }] }, { labels: { app: 'box' } }),
    );
    const p = await until(
      async () => {
        const x = await get('box');
        return x.status?.phase === 'Running' && cs(x)?.ready ? x : undefined;
      },
      { what: 'box Running' },
    );
    const s = p.status;
    expect(s.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(s.podIPs).toEqual([{ ip: s.podIP }]);
    expect(s.hostIP).toMatch(/^172\.18\.0\.\d+$/);
    expect(s.startTime).toMatch(/Z$/);
    expect(s.qosClass).toBe('BestEffort');
    expect(s.conditions.map((c: any) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    const c = cs(p);
    expect(c).toMatchObject({ name: 'box', ready: true, started: true, restartCount: 0, lastState: {} });
    expect(c.state.running.startedAt).toMatch(/Z$/);
    expect(c.containerID).toMatch(/^kubelab-sim:\/\/[0-9a-f]{64}$/);
    expect(c.image).toContain('busybox');
    expect(c.imageID).toContain('@sha256:');
    const ev = await until(async () => {
      const e = await events('box');
      return e.some((x) => x.reason === 'Started') ? e : undefined;
    });
    const reasons = ev.map((e) => e.reason).filter((r) => r !== 'Scheduled');
    expect(reasons.slice(-3)).toEqual(['Pulled', 'Created', 'Started']);
    expect(ev.find((e) => e.reason === 'Created')!.message).toBe('Created container: box');
    expect(ev.find((e) => e.reason === 'Started')!.message).toBe('Started container box');
    expect(ev.find((e) => e.reason === 'Started')!.source).toEqual({ component: 'kubelet', host: p.spec!.nodeName });
    expect(await execIn('box', 'box', ['hostname'])).toBe('box\n');
  });

  it('backs off a crashing container: CrashLoopBackOff with the last exit code', async () => {
    await tc.client.create(R.pods, NS, pod('crash', { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo crashing; exit 2'] }] }));
    const p = await until(
      async () => {
        const x = await get('crash');
        return cs(x)?.state?.waiting?.reason === 'CrashLoopBackOff' ? x : undefined;
      },
      { what: 'CrashLoopBackOff' },
    );
    const c = cs(p);
    expect(c.lastState.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(c.restartCount).toBeGreaterThanOrEqual(1);
    expect(c.state.waiting.message).toMatch(/^back-off \d+(ms|s) restarting failed container=c pod=crash_default\(/);
    expect(p.status.phase).toBe('Running');
    const ev = await until(async () => (await events('crash')).find((e) => e.reason === 'BackOff'));
    expect(ev.message).toBe(`Back-off restarting failed container c in pod crash_default(${p.metadata.uid})`);
    const logs = await tc.cluster.connector.forNode(p.spec!.nodeName)!.logs(NS, 'crash', 'c', { previous: true });
    const text = await new Promise<string>((res) => {
      let b = '';
      logs.on('data', (d) => {
        b += d;
      });
      logs.on('end', () => res(b));
    });
    expect(text).toContain('crashing');
  });

  it('restartPolicy Never: pods end Succeeded or Failed and keep their exited containers', async () => {
    await tc.client.create(
      R.pods,
      NS,
      pod('ok', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo done'] }] }),
    );
    await tc.client.create(
      R.pods,
      NS,
      pod('bad', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'exit 3'] }] }),
    );
    const ok = await until(
      async () => {
        const x = await get('ok');
        return x.status?.phase === 'Succeeded' ? x : undefined;
      },
      { what: 'Succeeded' },
    );
    expect(cs(ok).state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(ok.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    const bad = await until(
      async () => {
        const x = await get('bad');
        return x.status?.phase === 'Failed' ? x : undefined;
      },
      { what: 'Failed' },
    );
    expect(cs(bad).state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(cs(bad).restartCount).toBe(0);
  });

  it('runs init containers in order before the app container', async () => {
    await tc.client.create(
      R.pods,
      NS,
      pod('init', {
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          { name: 'first', image: 'busybox:1.36', command: ['sh', '-c', 'echo first >> /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
          { name: 'second', image: 'busybox:1.36', command: ['sh', '-c', 'echo second >> /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        ],
        containers: [
          {
            name: 'app',
            image: 'busybox:1.36',
            command: ['sh', '-c', 'echo app >> /work/order; sleep 3600'],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          },
        ],
      }),
    );
    const p = await until(
      async () => {
        const x = await get('init');
        return x.status?.phase === 'Running' ? x : undefined;
      },
      { what: 'init Running' },
    );
    expect(p.status.initContainerStatuses.map((s: any) => [s.name, s.state.terminated?.reason, s.ready])).toEqual([
      ['first', 'Completed', true],
      ['second', 'Completed', true],
    ]);
    expect(
      await until(async () => {
        const o = await execIn('init', 'app', ['cat', '/work/order']);
        return o.includes('app') ? o : undefined;
      }),
    ).toBe('first\nsecond\napp\n');
  });

  it('restarts a container whose liveness exec probe fails', async () => {
    await tc.client.create(
      R.pods,
      NS,
      pod('live', {
        containers: [
          {
            name: 'c',
            image: 'busybox:1.36',
            command: ['sh', '-c', 'sleep 3600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    const p = await until(
      async () => {
        const x = await get('live');
        return cs(x)?.restartCount >= 1 ? x : undefined;
      },
      { what: 'liveness restart', timeoutMs: 30_000 },
    );
    expect(cs(p).lastState.terminated).toBeDefined();
    const ev = await events('live');
    expect(ev.some((e) => e.reason === 'Unhealthy' && e.message.startsWith('Liveness probe failed:'))).toBe(true);
    expect(ev.some((e) => e.reason === 'Killing' && e.message === 'Container c failed liveness probe, will be restarted')).toBe(true);
  });

  it('keeps a container unready while its readiness httpGet probe gets 404', async () => {
    await tc.client.create(
      R.pods,
      NS,
      pod('ready', {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            readinessProbe: { httpGet: { path: '/missing', port: 80 }, periodSeconds: 1 },
          },
        ],
      }),
    );
    const ev = await until(async () => (await events('ready')).find((e) => e.reason === 'Unhealthy'), { what: 'Unhealthy' });
    expect(ev.message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 404');
    const p = await until(
      async () => {
        const x = await get('ready');
        return x.status?.phase === 'Running' ? x : undefined;
      },
      { what: 'ready Running' },
    );
    expect(cs(p).ready).toBe(false);
    expect(p.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
  });

  it('resolves env from configMaps, secrets and the downward API, and updates configMap volumes live', async () => {
    await tc.client.create(R.configmaps, NS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
      data: { MODE: 'prod', 'app.conf': 'port=8080' },
    });
    await tc.client.create(R.secrets, NS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sec' },
      data: { password: Buffer.from('s3cr3t').toString('base64') },
    });
    await tc.client.create(
      R.pods,
      NS,
      pod(
        'app',
        {
          containers: [
            {
              name: 'app',
              image: 'busybox:1.36',
              command: ['sh', '-c', 'sleep 3600'],
              env: [
                { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
                { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'GREETING', value: 'mode=$(MODE) $$(MODE)' },
              ],
              envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
              volumeMounts: [
                { name: 'conf', mountPath: '/etc/app' },
                { name: 'info', mountPath: '/etc/podinfo' },
              ],
            },
          ],
          volumes: [
            { name: 'conf', configMap: { name: 'cfg' } },
            { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          ],
        },
        { labels: { tier: 'backend', app: 'x' } },
      ),
    );
    const p = await until(
      async () => {
        const x = await get('app');
        return x.status?.phase === 'Running' ? x : undefined;
      },
      { what: 'app Running' },
    );
    const env = await execIn('app', 'app', ['env']);
    expect(env).toContain('MODE=prod\n');
    expect(env).toContain('PASSWORD=s3cr3t\n');
    expect(env).toContain(`POD_IP=${p.status.podIP}\n`);
    expect(env).toContain('POD_NAME=app\n');
    expect(env).toContain('GREETING=mode=prod $(MODE)\n');
    expect(env).toContain('CFG_app.conf=port=8080');
    expect(await execIn('app', 'app', ['cat', '/etc/app/app.conf'])).toBe('port=8080');
    expect(await execIn('app', 'app', ['cat', '/etc/podinfo/labels'])).toBe('app="x"\ntier="backend"');
    await tc.client.patch(R.configmaps, NS, 'cfg', 'merge', { data: { 'app.conf': 'port=9090' } });
    await until(async () => (await execIn('app', 'app', ['cat', '/etc/app/app.conf'])) === 'port=9090', { what: 'live update', timeoutMs: 10_000 });
  });

  it('reports CreateContainerConfigError for a missing configMap', async () => {
    await tc.client.create(
      R.pods,
      NS,
      pod('nocfg', {
        containers: [
          { name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }] },
        ],
      }),
    );
    const p = await until(async () => {
      const x = await get('nocfg');
      return cs(x)?.state?.waiting?.reason === 'CreateContainerConfigError' ? x : undefined;
    });
    expect(cs(p).state.waiting.message).toBe('configmap "missing" not found');
  });

  it('deletes gracefully: containers stop, then the kubelet removes the pod', async () => {
    await tc.client.create(R.pods, NS, pod('gone', { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }] }));
    await until(async () => (await get('gone')).status?.phase === 'Running', { what: 'gone Running' });
    await tc.client.delete(R.pods, NS, 'gone');
    await until(
      async () => {
        try {
          await get('gone');
          return false;
        } catch (err) {
          return err instanceof StatusError && err.code === 404;
        }
      },
      { what: 'pod removed', timeoutMs: 15_000 },
    );
    const ev = await events('gone');
    expect(ev.some((e) => e.reason === 'Killing' && e.message === 'Stopping container c')).toBe(true);
  });

  it('fails sandbox creation for a RuntimeClass whose handler the node lacks', async () => {
    await tc.client.create(R.runtimeclasses, undefined, {
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: 'missing-handler' },
      handler: 'nosuchhandler',
    });
    await until(async () => (await tc.client.get(R.runtimeclasses, undefined, 'missing-handler')).metadata.uid);
    await tc.client.create(
      R.pods,
      NS,
      pod('broken', { runtimeClassName: 'missing-handler', containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }] }),
    );
    const ev = await until(async () => (await events('broken')).find((e) => e.reason === 'FailedCreatePodSandBox'), { what: 'FailedCreatePodSandBox' });
    expect(ev.type).toBe('Warning');
    expect(ev.message).toContain('nosuchhandler');
    // the kubelet records the event before it writes the pod's status
    const p = await until(
      async () => {
        const x = await get('broken');
        return cs(x)?.state ? x : undefined;
      },
      { what: 'container status' },
    );
    expect(p.status.phase).toBe('Pending');
    expect(cs(p).state.waiting.reason).toBe('ContainerCreating');
  });

  it('reports ErrImagePull then ImagePullBackOff for an image outside the catalogue', async () => {
    await tc.client.create(R.pods, NS, pod('nosuch', { containers: [{ name: 'c', image: 'registry.invalid/nope:1' }] }));
    await until(async () => cs(await get('nosuch'))?.state?.waiting?.reason === 'ErrImagePull', { what: 'ErrImagePull' });
    await until(async () => cs(await get('nosuch'))?.state?.waiting?.reason === 'ImagePullBackOff', { what: 'ImagePullBackOff' });
    const ev = await events('nosuch');
    expect(ev.some((e) => e.reason === 'Failed' && e.message.startsWith('Failed to pull image "registry.invalid/nope:1": '))).toBe(true);
    expect(ev.some((e) => e.reason === 'BackOff' && e.message === 'Back-off pulling image "registry.invalid/nope:1"')).toBe(true);
  });

  it('stops renewing the node Lease while powered off', async () => {
    const name = tc.cluster.nodes.names()[1];
    const renew = async () => (await tc.client.get(R.leases, 'kube-node-lease', name)).spec.renewTime as string;
    const first = await renew();
    await until(async () => (await renew()) !== first, { what: 'lease renewing' });
    await tc.cluster.nodes.powerOff(name);
    expect(tc.cluster.nodes.isRunning(name)).toBe(false);
    const frozen = await renew();
    await new Promise((r) => setTimeout(r, 800)); // several heartbeat periods must pass without a renewal
    expect(await renew()).toBe(frozen);
    await tc.client.patch(R.nodes, undefined, name, 'merge', { metadata: { annotations: { 'kubelab.io/power': 'on' } } });
    await until(async () => (await renew()) !== frozen, { what: 'lease renewing again' });
    expect(tc.cluster.nodes.isRunning(name)).toBe(true);
  });

  // a real runtime takes hundreds of ms to start a sandbox (Docker: the pause container and its network); the
  // kubelet prepares the pod's volumes and its first containers' image statuses meanwhile, and creates no container
  // before the sandbox is ready (the simulator's sandbox is made slow here to see the order)
  it('sets up volumes and asks for image status while the sandbox starts, shows ContainerCreating meanwhile, and creates containers only after it', async () => {
    const k = tc.cluster.nodes.kubelet('kubelab-worker');
    const rt = k.runtime;
    const seen: string[] = [];
    const orig = { runPodSandbox: rt.runPodSandbox, imageStatus: rt.imageStatus, createContainer: rt.createContainer };
    let uid = '';
    let sandbox = '';
    let watching = false;
    rt.runPodSandbox = async (config, handler) => {
      if (config.name !== 'slow-sandbox') return orig.runPodSandbox.call(rt, config, handler);
      seen.push('sandbox starting');
      uid = config.uid;
      await new Promise((r) => setTimeout(r, 300)); // the runtime's own work, as Docker's start takes
      const meanwhile = (await tc.client.get(R.pods, 'default', 'slow-sandbox')).status;
      seen.push(`api: ${meanwhile.phase} ${meanwhile.containerStatuses?.[0]?.state?.waiting?.reason} podIP=${meanwhile.podIP ?? ''}`);
      if (k.states.get(uid)?.mounted?.has('scratch')) seen.push('volumes ready');
      const id = await orig.runPodSandbox.call(rt, config, handler);
      seen.push('sandbox ready');
      sandbox = id;
      return id;
    };
    rt.imageStatus = (image) => {
      if (image === 'busybox:1.35.0-musl' && watching) seen.push(`image status ${image}`);
      return orig.imageStatus.call(rt, image);
    };
    rt.createContainer = (sandboxId, config) => {
      // other tests' pods on this node have containers named c too: only this pod's count (its log path names it)
      if (config.name === 'c' && watching && config.logPath.includes('slow-sandbox'))
        seen.push(`create ${config.name} in ${sandboxId === sandbox ? 'its' : 'another'} sandbox`);
      return orig.createContainer.call(rt, sandboxId, config);
    };
    try {
      watching = true;
      await tc.client.create(R.pods, 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'slow-sandbox', namespace: 'default' },
        spec: {
          nodeName: 'kubelab-worker',
          volumes: [{ name: 'scratch', emptyDir: {} }],
          containers: [{ name: 'c', image: 'busybox:1.35.0-musl', command: ['sleep', '3600'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
        },
      });
      const p = await waitFor(
        async () => {
          const x = await tc.client.get(R.pods, 'default', 'slow-sandbox');
          return x.status?.phase === 'Running' ? x : undefined;
        },
        { what: 'slow-sandbox Running' },
      );
      expect(p!.status.podIP).toMatch(/^10\.244\./);
      expect(p!.status.containerStatuses[0].state.running).toBeDefined();
    } finally {
      Object.assign(rt, orig);
    }
    expect(seen).toEqual([
      'image status busybox:1.35.0-musl',
      'sandbox starting',
      // kubectl shows ContainerCreating meanwhile, as on a real node
      'api: Pending ContainerCreating podIP=',
      'volumes ready',
      'sandbox ready',
      'create c in its sandbox',
    ]);
  });
});
