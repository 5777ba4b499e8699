// Node lifecycle (upstream nodelifecycle controller): a node whose Lease in kube-node-lease (or status heartbeat)
// has not been renewed for the grace period gets its conditions set to Unknown and its pods marked not ready;
// node taints follow the conditions (not-ready / unreachable, NoSchedule and NoExecute) and spec.unschedulable.
import type { Client, InformerFactory } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { EventRecorder } from '../../client/event-recorder';
import { isStatus } from '../../client/errors';
import { rfc3339 } from '../../api/time';
import { desiredTaints, readyStatus, sameTaints } from './taints';
import { clone } from '../../api/object';
import { bestEffort, componentLog } from '../../best-effort';
import { isNotFound } from '../../client/errors';

const log = componentLog('node-lifecycle-controller');

export interface NodeLifecycleOptions {
  /** node-monitor-grace-period; env KUBELAB_NODE_GRACE_MS, default 40 s */
  graceMs?: number;
  /** node-monitor-period (default 5 s, shorter with a short grace period) */
  monitorPeriodMs?: number;
  now?: () => Date;
}

export const POD_NODE_INDEX = 'nodelifecycle:nodeName';
const NODE_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function nodeGraceFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.KUBELAB_NODE_GRACE_MS ? Number(env.KUBELAB_NODE_GRACE_MS) : NaN;
  return Number.isFinite(v) && v > 0 ? v : 40_000;
}

export function startNodeLifecycleController(client: Client, informers: InformerFactory, opts: NodeLifecycleOptions = {}): { stop(): void } {
  const now = opts.now ?? (() => new Date());
  const grace = opts.graceMs ?? nodeGraceFromEnv();
  const period = opts.monitorPeriodMs ?? Math.max(100, Math.min(5000, Math.floor(grace / 4)));
  const nodes = informers.informer(R.nodes);
  const leases = informers.informer(R.leases, 'kube-node-lease');
  const pods = informers.informer(R.pods);
  pods.addIndex(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  const recorder = new EventRecorder(client, { component: 'node-controller', now });
  // local time at which each node last showed signs of life (lease renewal or a new status heartbeat)
  const probed = new Map<string, number>();

  const queue = new WorkQueue((name) => reconcile(name), { workers: 2, name: 'nodelifecycle' });
  nodes.onAdd((n) => {
    probed.set(n.metadata.name!, now().getTime());
    queue.add(n.metadata.name!);
  });
  nodes.onUpdate((a, n) => {
    if (heartbeat(a) !== heartbeat(n)) probed.set(n.metadata.name!, now().getTime());
    queue.add(n.metadata.name!);
  });
  nodes.onDelete((n) => probed.delete(n.metadata.name!));
  const leaseSeen = (l: KObject) => {
    probed.set(l.metadata.name!, now().getTime());
    queue.add(l.metadata.name!);
  };
  leases.onAdd(leaseSeen);
  leases.onUpdate((a, l) => {
    if (a.spec?.renewTime !== l.spec?.renewTime) leaseSeen(l);
  });

  const timer = setInterval(() => {
    for (const n of nodes.list()) queue.add(n.metadata.name!);
  }, period);
  timer.unref();

  async function reconcile(name: string): Promise<void> {
    let node: KObject;
    try {
      node = await client.get(R.nodes, undefined, name);
    } catch (err) {
      if (isStatus(err, 404)) return;
      throw err;
    }
    const t = now();
    const last = probed.get(name) ?? t.getTime();
    if (!probed.has(name)) probed.set(name, last);
    if (t.getTime() - last > grace && readyStatus(node) !== 'Unknown') {
      node = await markUnknown(node, t);
    }
    const taints = desiredTaints(node, rfc3339(t));
    if (!sameTaints(taints, node.spec?.taints ?? [])) {
      node = await client.update(R.nodes, undefined, { ...node, spec: { ...node.spec, taints: taints.length ? taints : undefined } });
    }
  }

  async function markUnknown(node: KObject, t: Date): Promise<KObject> {
    const ts = rfc3339(t);
    const conds: any[] = clone(node.status?.conditions ?? []);
    for (const type of NODE_CONDITIONS) {
      const c = conds.find((x) => x.type === type);
      if (!c) {
        conds.push({
          type,
          status: 'Unknown',
          reason: 'NodeStatusNeverUpdated',
          message: 'Kubelet never posted node status.',
          lastHeartbeatTime: node.metadata.creationTimestamp,
          lastTransitionTime: ts,
        });
      } else if (c.status !== 'Unknown') {
        Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: ts });
      }
    }
    const updated = await client.updateStatus(R.nodes, undefined, { ...node, status: { ...node.status, conditions: conds } });
    recorder.event(updated, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
    await markPodsNotReady(node.metadata.name!, ts);
    return updated;
  }

  /** pods on an unreachable node cannot be trusted to serve: their Ready condition goes False */
  async function markPodsNotReady(nodeName: string, ts: string): Promise<void> {
    for (const pod of pods.byIndex(POD_NODE_INDEX, nodeName)) {
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      const conds: any[] = clone(pod.status?.conditions ?? []);
      const ready = conds.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      Object.assign(ready, { status: 'False', lastTransitionTime: ts });
      delete ready.reason;
      delete ready.message;
      await bestEffort(
        client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status: { conditions: conds } }, { subresource: 'status' }),
        `marking pod ${pod.metadata.namespace}/${pod.metadata.name} not ready`,
        log,
        { expected: isNotFound },
      );
    }
  }

  return {
    stop: () => {
      clearInterval(timer);
      queue.stop();
    },
  };
}

function heartbeat(n: KObject): string | undefined {
  const c = (n.status?.conditions ?? []).find((x: any) => x.type === 'Ready');
  return c?.lastHeartbeatTime;
}
