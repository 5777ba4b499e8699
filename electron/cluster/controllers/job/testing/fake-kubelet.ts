// Test-only stand-in for a kubelet: registers a Node (with a Lease it keeps renewing), and "runs" the pods bound to
// it by patching their status through the status subresource: Running+Ready, then Succeeded/Failed with a
// terminated containerStatus, as a real kubelet reports them. Pods being deleted are finished off with grace 0.
import type { Client, WatchHandle } from '../../../client/types';
import { R } from '../../../client/resources';
import type { KObject } from '../../../api/types';
import { buildNode, nodeStatus } from '../../../kubelet/node-object';

export interface PodOutcome {
  /** exit code of every container once the pod finishes; undefined keeps it running (and Ready) forever */
  exitCode?: number;
  /** how long the pod runs before finishing */
  runMs?: number;
  /** report the pod Running but not Ready */
  unready?: boolean;
}

export interface FakeKubelet {
  nodeName: string;
  /** highest number of pods running at once, per value of the given label */
  maxRunning(labelValue: string): number;
  /** stop renewing the lease (the node "loses power"); pods are left as they are */
  stopHeartbeat(): void;
  startHeartbeat(): Promise<void>;
  stop(): void;
}

const ts = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const micro = () => new Date().toISOString().replace(/Z$/, '000Z');

export async function startFakeKubelet(client: Client, nodeName: string, decide: (pod: KObject) => PodOutcome,
  opts: { index?: number; countLabel?: string; leaseRenewMs?: number } = {}): Promise<FakeKubelet> {
  const index = opts.index ?? 9;
  const cfg = { name: nodeName, index, controlPlane: false, taintControlPlane: false, runtimeVersion: 'fake://1.0.0' };
  await client.create(R.nodes, undefined, buildNode(cfg));
  const renew = async () => {
    const cur = await client.get(R.nodes, undefined, nodeName);
    await client.patch(R.nodes, undefined, nodeName, 'merge', { status: nodeStatus(cfg, true, ts(), cur) }, { subresource: 'status' });
    try {
      await client.patch(R.leases, 'kube-node-lease', nodeName, 'merge', { spec: { renewTime: micro() } });
    } catch {
      await client.create(R.leases, 'kube-node-lease', {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: nodeName, namespace: 'kube-node-lease' },
        spec: { holderIdentity: nodeName, leaseDurationSeconds: 40, renewTime: micro() },
      }).catch(() => undefined);
    }
  };
  await renew();
  let beat: NodeJS.Timeout | undefined;
  const startBeat = () => { beat ??= setInterval(() => void renew().catch(() => undefined), opts.leaseRenewMs ?? 1000); };
  startBeat();

  const countLabel = opts.countLabel ?? 'batch.kubernetes.io/job-name';
  const running = new Map<string, Set<string>>();
  const maxes = new Map<string, number>();
  const started = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let nextIp = 2;
  let stopped = false;

  const patchStatus = (pod: KObject, status: Record<string, unknown>) =>
    client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status }, { subresource: 'status' }).catch(() => undefined);
  const markRunning = (pod: KObject, on: boolean) => {
    const v = pod.metadata.labels?.[countLabel] ?? '';
    const s = running.get(v) ?? new Set<string>();
    running.set(v, s);
    if (on) s.add(pod.metadata.uid!); else s.delete(pod.metadata.uid!);
    maxes.set(v, Math.max(maxes.get(v) ?? 0, s.size));
  };
  const containers = (pod: KObject, state: Record<string, unknown>, ready: boolean) =>
    (pod.spec?.containers ?? []).map((c: any) => ({ name: c.name, image: c.image, imageID: '', containerID: `fake://${c.name}`, ready, restartCount: 0, started: ready, state }));
  const conds = (ready: boolean, reason?: string) => ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
    type, status: (type === 'Ready' || type === 'ContainersReady') && !ready ? 'False' : 'True', lastTransitionTime: ts(), ...(reason && (type === 'Ready' || type === 'ContainersReady') ? { reason } : {}),
  }));

  const finish = async (pod: KObject, exitCode: number) => {
    markRunning(pod, false);
    const term = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: ts(), finishedAt: ts() } };
    await patchStatus(pod, { phase: exitCode === 0 ? 'Succeeded' : 'Failed', conditions: conds(false, 'PodCompleted'), containerStatuses: containers(pod, term, false) });
  };

  const handle = async (pod: KObject) => {
    if (stopped || pod.spec?.nodeName !== nodeName) return;
    const uid = pod.metadata.uid!;
    if (pod.metadata.deletionTimestamp) {
      if (started.has(uid) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') await finish(pod, 137);
      started.delete(uid);
      await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
      return;
    }
    if (started.has(uid)) return;
    started.add(uid);
    const out = decide(pod);
    markRunning(pod, true);
    const ready = !out.unready;
    await patchStatus(pod, {
      phase: 'Running', hostIP: `172.18.0.${index + 2}`, podIP: `10.244.${index}.${nextIp}`, podIPs: [{ ip: `10.244.${index}.${nextIp++}` }], startTime: ts(),
      conditions: conds(ready), containerStatuses: containers(pod, { running: { startedAt: ts() } }, ready),
    });
    if (out.exitCode === undefined) return;
    const t = setTimeout(() => { timers.delete(t); if (!stopped) void finish(pod, out.exitCode!); }, out.runMs ?? 50);
    timers.add(t);
  };

  let watch: WatchHandle | undefined;
  const startWatch = () => {
    watch = client.watch(R.pods, undefined, {}, (ev) => {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') void handle(ev.object);
    }, () => { if (!stopped) setTimeout(startWatch, 50); });
  };
  startWatch();

  return {
    nodeName,
    maxRunning: (v) => maxes.get(v) ?? 0,
    stopHeartbeat() { if (beat) clearInterval(beat); beat = undefined; },
    async startHeartbeat() { await renew(); startBeat(); },
    stop() {
      stopped = true;
      watch?.stop();
      if (beat) clearInterval(beat);
      for (const t of timers) clearTimeout(t);
    },
  };
}
