// The running scheduler: informers feed the cache and queue; each popped pod gets a synchronous decision from the
// core, is assumed at once, then bound (or reported) asynchronously, like kube-scheduler's scheduling/binding cycles.
import type { Client, Informer, InformerFactory } from '../client/types';
import { R } from '../client/resources';
import { SchedulerCache } from './cache';
import { ASSIGNED_POD_ADD, ASSIGNED_POD_DELETE, assignedPodUpdateEvent, NAMESPACE_CHANGE, NODE_ADD, NODE_DELETE, nodeUpdateEvent } from './cluster-events';
import { EventRecorder } from '../client/event-recorder';
import { rfc3339 } from '../api/time';
import { podKey } from './pod-info';
import type { PreemptionCandidate } from './preemption';
import { DEFAULT_SCHEDULER_NAME, defaultProfile } from './profile';
import type { VolumeBindingHook } from './plugins/volume-binding';
import { SchedulingQueue, type ClusterEvent, type QueuedPod, type QueueOptions } from './queue';
import { scheduleOne, type Unschedulable } from './schedule-one';
import type { Node, Pod, PodDisruptionBudget } from './types';
import { bestEffort, componentLog } from '../best-effort';
import { isNotFound } from '../client/errors';

const log = componentLog('scheduler');

export interface SchedulerOptions {
  client: Client;
  informers: InformerFactory;
  schedulerName?: string;
  onError?: (e: Error) => void;
  /** storage's VolumeBinding logic; default accepts every node */
  volumeBinding?: VolumeBindingHook;
  queue?: QueueOptions;
  random?: () => number;
}

export interface Scheduler {
  start(): Promise<void>;
  stop(): void;
  /** lets other components (e.g. storage after a PV appears) retry pods a plugin rejected */
  requeue(event: ClusterEvent): void;
}

const GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';
const LEFTOVER_FLUSH_MS = 30_000;
// yield to the event loop every so many pods so informer events and binding replies get through
const PODS_PER_TICK = 100;

const errOf = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));
const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const { client, informers } = opts;
  const schedulerName = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const onError = (e: unknown) => opts.onError?.(errOf(e));
  const profile = defaultProfile({ schedulerName, volumeBinding: opts.volumeBinding });
  const cache = new SchedulerCache();
  const queue = new SchedulingQueue(opts.queue);
  cache.nominatedLookup = (node) => queue.nominatedPods(node);
  const recorder = new EventRecorder(client, {
    component: schedulerName,
    reportingInstance: `${schedulerName}-kubelab`,
    involvedKind: { apiVersion: 'v1', kind: 'Pod' },
  });

  let running = false;
  let wake: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let leftoverTimer: ReturnType<typeof setInterval> | null = null;
  queue.onReady = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  const responsible = (p: Pod) =>
    (p.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === schedulerName && !p.spec?.nodeName && !p.metadata?.deletionTimestamp && !isTerminal(p);

  const move = (ev: ClusterEvent | null) => {
    if (ev) queue.moveOnEvent(ev);
  };

  // ---- pod events ----
  function podAdded(pod: Pod): void {
    if (pod.spec?.nodeName) {
      queue.done(podKey(pod));
      if (cache.observePod(pod)) move(ASSIGNED_POD_ADD);
      return;
    }
    if (!responsible(pod)) return;
    if (pod.spec?.schedulingGates?.length) return void markGated(pod);
    queue.add(pod);
  }

  function podUpdated(oldPod: Pod, pod: Pod): void {
    const key = podKey(pod);
    if (pod.spec?.nodeName) {
      queue.done(key);
      const wasCounted = cache.nodeOfPod(key) !== undefined;
      const counted = cache.observePod(pod);
      if (wasCounted && !counted) move(ASSIGNED_POD_DELETE);
      else if (!oldPod.spec?.nodeName || !wasCounted) move(ASSIGNED_POD_ADD);
      else move(assignedPodUpdateEvent(oldPod, pod));
      return;
    }
    if (!responsible(pod)) {
      queue.delete(pod);
      return;
    }
    if (pod.spec?.schedulingGates?.length) {
      queue.delete(pod);
      return void markGated(pod);
    }
    if (queue.has(key)) queue.update(oldPod, pod);
    else queue.add(pod);
  }

  function podDeleted(pod: Pod): void {
    queue.delete(pod);
    if (cache.forgetPod(pod)) move(ASSIGNED_POD_DELETE);
  }

  // ---- the scheduling cycle ----
  function attempt(qp: QueuedPod): void {
    const pod = qp.pod;
    let res;
    try {
      res = scheduleOne(pod, cache, profile, { random: opts.random });
    } catch (e) {
      onError(e);
      queue.failed(qp, new Set(), { error: true });
      return;
    }
    if ('node' in res) {
      cache.assume(pod, res.node);
      queue.binding(qp);
      void bind(qp, pod, res.node);
      return;
    }
    if (res.preemption) queue.nominate(pod, res.preemption.nodeName);
    else if (res.nominatedNodeName === null) queue.nominate(pod, null);
    queue.failed(qp, res.diagnosis.unschedulablePlugins, { error: res.error });
    void reportFailure(pod, res);
    if (res.preemption) void evict(pod, res.preemption);
  }

  async function bind(qp: QueuedPod, pod: Pod, node: string): Promise<void> {
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    try {
      await opts.volumeBinding?.preBind?.(pod, node).catch((e: Error & { code?: number }) => {
        // upstream's framework names the plugin whose PreBind failed in the pod's FailedScheduling message
        throw e.code === 404 ? e : new Error(`running PreBind plugin "VolumeBinding": ${e.message}`);
      });
      await client.create(
        R.pods,
        ns,
        {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace: ns, uid: pod.metadata?.uid },
          target: { apiVersion: 'v1', kind: 'Node', name: node },
        },
        { subresource: 'binding', name },
      );
      queue.done(qp.key);
      recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`, { action: 'Binding' });
    } catch (e) {
      cache.forget(qp.key);
      move(ASSIGNED_POD_DELETE);
      if ((e as { code?: number }).code === 404) {
        queue.done(qp.key);
        return;
      }
      queue.failed(qp, new Set(), { error: true });
      onError(e);
      await reportFailure(pod, {
        unschedulable: true,
        error: true,
        message: errOf(e).message.startsWith('running PreBind') ? errOf(e).message : `Binding rejected: ${errOf(e).message}`,
        diagnosis: { nodeToStatus: new Map(), unschedulablePlugins: new Set() },
      });
    }
  }

  async function reportFailure(pod: Pod, res: Unschedulable): Promise<void> {
    const reason = res.error ? 'SchedulerError' : 'Unschedulable';
    const status: Record<string, unknown> = {};
    const prev = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (!prev || prev.status !== 'False' || prev.reason !== reason || prev.message !== res.message) {
      status.conditions = [
        {
          type: 'PodScheduled',
          status: 'False',
          reason,
          message: res.message,
          lastProbeTime: null,
          lastTransitionTime: prev?.status === 'False' && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(),
        },
      ];
    }
    const nominated = res.preemption?.nodeName ?? (res.nominatedNodeName === null && pod.status?.nominatedNodeName ? null : undefined);
    if (nominated !== undefined && nominated !== pod.status?.nominatedNodeName) status.nominatedNodeName = nominated;
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    try {
      if (Object.keys(status).length) await client.patch(R.pods, ns, name, 'strategic', { status }, { subresource: 'status' });
      recorder.event(pod, 'Warning', 'FailedScheduling', res.message, { action: 'Scheduling' });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) onError(e);
    }
  }

  async function evict(preemptor: Pod, c: PreemptionCandidate): Promise<void> {
    await Promise.all(
      c.victims.map(async (victim) => {
        const ns = victim.metadata?.namespace ?? 'default';
        const name = victim.metadata?.name ?? '';
        try {
          await bestEffort(
            client.patch(
              R.pods,
              ns,
              name,
              'strategic',
              {
                status: {
                  conditions: [
                    {
                      type: 'DisruptionTarget',
                      status: 'True',
                      reason: 'PreemptionByScheduler',
                      message: `${schedulerName}: preempting to accommodate a higher priority pod`,
                      lastTransitionTime: rfc3339(),
                    },
                  ],
                },
              },
              { subresource: 'status' },
            ),
            `marking victim ${ns}/${name} DisruptionTarget`,
            log,
            { expected: isNotFound },
          );
          await client.delete(R.pods, ns, name, {
            gracePeriodSeconds: victim.spec?.terminationGracePeriodSeconds ?? 30,
            preconditions: victim.metadata?.uid ? { uid: victim.metadata.uid } : undefined,
          });
          recorder.event(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata?.uid} on node ${c.nodeName}`, {
            action: 'Preempting',
            related: preemptor,
          });
        } catch (e) {
          if ((e as { code?: number }).code !== 404) onError(e);
        }
      }),
    );
  }

  async function markGated(pod: Pod): Promise<void> {
    const prev = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (prev?.reason === 'SchedulingGated') return;
    const cond = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'SchedulingGated',
      message: GATED_MESSAGE,
      lastProbeTime: null,
      lastTransitionTime: rfc3339(),
    };
    await client
      .patch(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', { status: { conditions: [cond] } }, { subresource: 'status' })
      .catch(onError);
  }

  // ---- the loop ----
  function waitForWork(): Promise<void> {
    return new Promise((resolve) => {
      wake = resolve;
      const next = queue.nextBackoffIn();
      if (next !== undefined) {
        timer = setTimeout(
          () => {
            timer = null;
            const w = wake;
            wake = null;
            w?.();
          },
          Math.max(next, 10),
        );
        timer.unref?.();
      }
    });
  }

  async function loop(): Promise<void> {
    let n = 0;
    while (running) {
      const qp = queue.pop();
      if (!qp) {
        await waitForWork();
        if (timer) {
          clearTimeout(timer);
          timer = null;
        }
        continue;
      }
      attempt(qp);
      if (++n % PODS_PER_TICK === 0) await new Promise<void>((r) => setImmediate(r));
    }
  }

  function wire<T>(inf: Informer, add: (o: T) => void, upd: (a: T, b: T) => void, del: (o: T) => void): void {
    const guard =
      <A extends unknown[]>(fn: (...a: A) => void) =>
      (...a: A) => {
        try {
          fn(...a);
        } catch (e) {
          onError(e);
        }
      };
    inf.onAdd(guard((o) => add(o as unknown as T)));
    inf.onUpdate(guard((a, b) => upd(a as unknown as T, b as unknown as T)));
    inf.onDelete(guard((o) => del(o as unknown as T)));
  }

  return {
    async start() {
      if (running) return;
      running = true;
      const nodes = informers.informer(R.nodes);
      const pods = informers.informer(R.pods);
      const namespaces = informers.informer(R.namespaces);
      const pdbs = informers.informer(R.poddisruptionbudgets);
      wire<Node>(
        nodes,
        (n) => {
          cache.upsertNode(n);
          move(NODE_ADD);
        },
        (a, b) => {
          cache.upsertNode(b);
          move(nodeUpdateEvent(a, b));
        },
        (n) => {
          cache.removeNode(n.metadata?.name ?? '');
          move(NODE_DELETE);
        },
      );
      wire<Pod>(pods, podAdded, podUpdated, podDeleted);
      const nsSet = (o: { metadata?: { name?: string; labels?: Record<string, string> } }) => {
        cache.setNamespace(o.metadata?.name ?? '', o.metadata?.labels);
        move(NAMESPACE_CHANGE);
      };
      wire(
        namespaces,
        nsSet,
        (_a, b) => nsSet(b as never),
        (o: { metadata?: { name?: string } }) => cache.deleteNamespace(o.metadata?.name ?? ''),
      );
      const pdbSync = () => cache.setPDBs(pdbs.list() as unknown as PodDisruptionBudget[]);
      wire(pdbs, pdbSync, pdbSync, pdbSync);
      // like client-go's factory, start() only starts informers not yet running
      informers.start();
      await Promise.all([nodes.synced(), pods.synced(), namespaces.synced(), pdbs.synced()]);
      if (!running) return;
      // informers started before we registered may not replay their initial list
      for (const n of nodes.list()) cache.upsertNode(n as unknown as Node);
      for (const ns of namespaces.list()) cache.setNamespace(ns.metadata.name ?? '', ns.metadata.labels);
      pdbSync();
      for (const p of pods.list()) podAdded(p as unknown as Pod);
      leftoverTimer = setInterval(() => queue.flushUnschedulableLeftover(), LEFTOVER_FLUSH_MS);
      leftoverTimer.unref?.();
      void loop().catch(onError);
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      if (leftoverTimer) clearInterval(leftoverTimer);
      timer = leftoverTimer = null;
      const w = wake;
      wake = null;
      w?.();
    },
    requeue(event) {
      queue.moveOnEvent(event);
    },
  };
}
