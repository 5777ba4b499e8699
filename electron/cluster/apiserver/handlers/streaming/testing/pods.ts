// Test-only pods bound to the fake node, with the statuses the handlers look at.
import type { Client } from '../../../../client/types';
import type { KObject } from '../../../../api/types';
import { R } from '../../../../client/resources';
import { registerNode } from '../../../../../../test/fake-kubelet';

export const FAKE_NODE = 'fake-node';

/**
 * The fake node as a Ready Node with a renewed Lease: without one, pod GC force-deletes the test pods about a
 * minute after the cluster starts (their node "no longer exists"), which a slow machine reaches mid-suite.
 */
export function registerFakeNode(client: Client): Promise<{ stop(): void }> {
  return registerNode(client, FAKE_NODE, 9, 1000);
}

const running = (name: string, restarts = 0) => ({
  name,
  ready: true,
  restartCount: restarts,
  image: 'busybox',
  imageID: '',
  containerID: `containerd://${name}1`,
  state: { running: { startedAt: '2024-01-01T00:00:00Z' } },
  lastState: restarts
    ? {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          containerID: `containerd://${name}0`,
          startedAt: '2024-01-01T00:00:00Z',
          finishedAt: '2024-01-01T00:00:00Z',
        },
      }
    : {},
});

export async function createPod(
  client: Client,
  name: string,
  opts: {
    containers?: string[];
    initContainers?: string[];
    nodeName?: string | null;
    status?: 'running' | 'restarted' | 'creating';
  },
): Promise<void> {
  const containers = (opts.containers ?? ['app']).map((n) => ({ name: n, image: 'busybox' }));
  const pod: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers,
      ...(opts.initContainers ? { initContainers: opts.initContainers.map((n) => ({ name: n, image: 'busybox' })) } : {}),
      // an unscheduled test pod names a scheduler nobody runs, so the cluster's real scheduler leaves it alone
      ...(opts.nodeName === null ? { schedulerName: 'no-such-scheduler' } : { nodeName: opts.nodeName ?? FAKE_NODE }),
    },
  } as KObject;
  const created = (await client.create(R.pods, 'default', pod)) as KObject & { status?: Record<string, unknown> };
  if (!opts.status) return;
  const cs = containers.map((c) =>
    opts.status === 'creating'
      ? { name: c.name, ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} }
      : running(c.name, opts.status === 'restarted' ? 1 : 0),
  );
  created.status = { phase: opts.status === 'creating' ? 'Pending' : 'Running', containerStatuses: cs };
  await client.updateStatus(R.pods, 'default', created);
}
