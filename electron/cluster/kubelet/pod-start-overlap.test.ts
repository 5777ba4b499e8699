// A new pod's sandbox takes a real runtime hundreds of milliseconds to start (Docker: the pause container and its
// network). The kubelet prepares the pod's volumes and the status of its first containers' images meanwhile, and
// creates no container before the sandbox is ready. The simulator's sandbox is made slow here to see the order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ nodes: 2 });
}, 60_000);
afterAll(async () => {
  await tc?.stop();
});

it('sets up volumes and asks for image status while the sandbox starts, and creates containers only after it', async () => {
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
    if (k.states.get(uid)?.mounted?.has('scratch')) seen.push('volumes ready');
    const id = await orig.runPodSandbox.call(rt, config, handler);
    seen.push('sandbox ready');
    sandbox = id;
    return id;
  };
  rt.imageStatus = (image) => {
    if (image === 'busybox:1.36' && watching) seen.push(`image status ${image}`);
    return orig.imageStatus.call(rt, image);
  };
  rt.createContainer = (sandboxId, config) => {
    if (config.name === 'c' && watching) seen.push(`create ${config.name} in ${sandboxId === sandbox ? 'its' : 'another'} sandbox`);
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
        containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
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
  expect(seen).toEqual(['image status busybox:1.36', 'sandbox starting', 'volumes ready', 'sandbox ready', 'create c in its sandbox']);
});
