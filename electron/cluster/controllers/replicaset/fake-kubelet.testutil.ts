// Test-only stand-in for the kubelets: pods bound to a node become Running and Ready, pods being deleted are
// removed at once. `hold` keeps matching pods un-ready so a test can watch a rollout step by step.
import type { Client, WatchHandle } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';

export interface FakeKubelet {
  /** pods for which this returns true stay Pending/un-ready until `hold` changes and `resync()` runs */
  hold: (pod: KObject) => boolean;
  resync(): Promise<void>;
  stop(): void;
}

const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function startFakeKubelet(client: Client): FakeKubelet {
  let ip = 10;
  const busy = new Set<string>();
  const again = new Map<string, KObject>();
  const fk: FakeKubelet = {
    hold: () => false,
    async resync() {
      for (const p of (await client.list(R.pods)).items) await handle(p);
    },
    stop() { handle_.stop(); },
  };

  async function handle(pod: KObject): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (busy.has(key)) { again.set(key, pod); return; }
    busy.add(key);
    try {
      if (pod.metadata.deletionTimestamp) {
        await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
        return;
      }
      if (!pod.spec?.nodeName || fk.hold(pod)) return;
      const ready = (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
      if (ready) return;
      const t = stamp();
      const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
      const status = {
        phase: 'Running',
        conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
        hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }],
        podIP: `10.244.9.${ip}`, podIPs: [{ ip: `10.244.9.${ip++ % 250}` }],
        startTime: t,
        containerStatuses: (pod.spec.containers ?? []).map((c: { name: string; image: string }) => ({
          name: c.name, image: c.image, imageID: `docker.io/library/${c.image}@sha256:0`, containerID: `containerd://${c.name}`,
          ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } },
        })),
      };
      await client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status }, { subresource: 'status' }).catch(() => undefined);
    } finally {
      busy.delete(key);
      const next = again.get(key);
      if (next) { again.delete(key); void handle(next); }
    }
  }

  const handle_: WatchHandle = client.watch(R.pods, undefined, {}, (ev) => {
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') void handle(ev.object);
  });
  return fk;
}

