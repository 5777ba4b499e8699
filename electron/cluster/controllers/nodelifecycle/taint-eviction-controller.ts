// Taint-based eviction (upstream's taint-eviction-controller, formerly the taint manager): pods on a node with
// NoExecute taints they do not tolerate are deleted at once; tolerated ones are deleted when the smallest
// tolerationSeconds has passed since the taint was added. Each eviction first marks the pod DisruptionTarget.
import { setLongTimeout, type LongTimeout } from '../long-timeout';
import type { Client, InformerFactory } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { EventRecorder } from '../../client/event-recorder';
import { rfc3339 } from '../../api/time';
import { evictionDelaySeconds, type Taint } from './taints';
import { bestEffort, componentLog } from '../../best-effort';
import { isNotFound } from '../../client/errors';

const log = componentLog('taint-eviction-controller');

const INDEX = 'taint-eviction:nodeName';

export function startTaintEvictionController(client: Client, informers: InformerFactory, opts: { now?: () => Date } = {}): { stop(): void } {
  const now = opts.now ?? (() => new Date());
  const nodes = informers.informer(R.nodes);
  const pods = informers.informer(R.pods);
  pods.addIndex(INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  const recorder = new EventRecorder(client, { component: 'taint-eviction-controller', now });
  const scheduled = new Map<string, { timer: LongTimeout; at: number }>();
  const evicting = new Set<string>();
  let stopped = false;

  const keyOf = (p: KObject) => `${p.metadata.namespace}/${p.metadata.name}`;
  const cancel = (pod: KObject, announce: boolean) => {
    const k = keyOf(pod);
    const s = scheduled.get(k);
    if (!s) return;
    s.timer.clear();
    scheduled.delete(k);
    if (announce) recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${k}`);
  };

  function process(pod: KObject): void {
    if (stopped) return;
    const node = pod.spec?.nodeName ? nodes.getByName(undefined, pod.spec.nodeName) : undefined;
    const noExecute: Taint[] = (node?.spec?.taints ?? []).filter((t: Taint) => t.effect === 'NoExecute');
    if (!node || !noExecute.length || pod.metadata.deletionTimestamp) {
      cancel(pod, !!node && !pod.metadata.deletionTimestamp);
      return;
    }
    const delay = evictionDelaySeconds(pod.spec?.tolerations ?? [], noExecute);
    if (delay === Infinity) {
      cancel(pod, true);
      return;
    }
    // the clock starts when the newest NoExecute taint was added (now, if the taint carries no time)
    const since = Math.max(...noExecute.map((t) => (t.timeAdded ? Date.parse(t.timeAdded) : now().getTime())));
    const at = delay === 0 ? now().getTime() : since + delay * 1000;
    const k = keyOf(pod);
    const prev = scheduled.get(k);
    if (prev && prev.at <= at) return;
    prev?.timer.clear();
    const timer = setLongTimeout(() => {
      scheduled.delete(k);
      void evict(k);
    }, at - now().getTime());
    scheduled.set(k, { timer, at });
  }

  async function evict(k: string): Promise<void> {
    const pod = pods.get(k);
    if (!pod || pod.metadata.deletionTimestamp || evicting.has(k) || stopped) return;
    evicting.add(k);
    try {
      recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${k}`);
      const conds: any[] = (pod.status?.conditions ?? []).filter((c: any) => c.type !== 'DisruptionTarget');
      conds.push({
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'DeletionByTaintManager',
        message: 'Taint manager: deleting due to NoExecute taint',
        lastTransitionTime: rfc3339(now()),
      });
      await bestEffort(
        client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status: { conditions: conds } }, { subresource: 'status' }),
        `marking pod ${k} DisruptionTarget`,
        log,
        { expected: isNotFound },
      );
      await bestEffort(client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!), `evicting pod ${k}`, log, { expected: isNotFound });
    } finally {
      evicting.delete(k);
    }
  }

  pods.onAdd(process);
  pods.onUpdate((_a, p) => process(p));
  pods.onDelete((p) => cancel(p, false));
  const nodeChanged = (n: KObject) => {
    for (const p of pods.byIndex(INDEX, n.metadata.name!)) process(p);
  };
  nodes.onAdd(nodeChanged);
  nodes.onUpdate((a, n) => {
    if (JSON.stringify(a.spec?.taints ?? []) !== JSON.stringify(n.spec?.taints ?? [])) nodeChanged(n);
  });

  return {
    stop: () => {
      stopped = true;
      for (const s of scheduled.values()) s.timer.clear();
      scheduled.clear();
    },
  };
}
