// A cluster restart is a node reboot for the kubelet: pods it finds bound to its node whose containers the new
// runtime does not have are restarted (restartCount + 1, lastState Unknown/255), keeping their IPs.
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../cluster';
import { waitFor } from '../../../test/harness';
import { R } from '../client/resources';
import type { KObject } from '../api/types';

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-restart-'));
let cluster: Cluster | undefined;
afterAll(async () => {
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const admin = (c: Cluster) => c.client({ name: 'kubernetes-admin', groups: ['system:masters'] }, 'test');
const running = (c: Cluster, name: string) =>
  waitFor(
    async () => {
      const p = await admin(c).get(R.pods, 'default', name);
      return p.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
    },
    { what: `${name} running` },
  ) as Promise<KObject>;

it('restarts the pods of a rebooted node with restartCount + 1', async () => {
  cluster = await startCluster({ dataDir, port: 0, nodes: 2 });
  const spec = (name: string, restartPolicy: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeName: 'kubelab-worker',
      restartPolicy,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }],
    },
  });
  await admin(cluster).create(R.pods, 'default', spec('keep', 'Always'));
  await admin(cluster).create(R.pods, 'default', spec('once', 'Never'));
  const before = await running(cluster, 'keep');
  await running(cluster, 'once');
  await cluster.nodes.kubelet('kubelab-worker').flush();
  await cluster.stop();

  cluster = await startCluster({ dataDir, port: 0 });
  const after = (await waitFor(
    async () => {
      const p = await admin(cluster!).get(R.pods, 'default', 'keep');
      const cs = p.status?.containerStatuses?.[0];
      return cs?.state?.running && cs.restartCount === 1 ? p : undefined;
    },
    { what: 'keep restarted' },
  )) as KObject;
  const cs = after.status.containerStatuses[0];
  expect(cs.lastState.terminated).toMatchObject({ exitCode: 255, reason: 'Unknown' });
  expect(cs.containerID).not.toBe(before.status.containerStatuses[0].containerID);
  expect(after.status.podIP).toBe(before.status.podIP);
  const once = (await waitFor(
    async () => {
      const p = await admin(cluster!).get(R.pods, 'default', 'once');
      return p.status?.phase === 'Failed' ? p : undefined;
    },
    { what: 'Never pod failed' },
  )) as KObject;
  expect(once.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137, reason: 'ContainerStatusUnknown' });
}, 60_000);
