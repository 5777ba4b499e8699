// Test-only stand-in for kubelets. It "runs" pods by writing their status through the status subresource the way a
// kubelet reports it (Running and Ready, or Running but un-ready, then Succeeded/Failed with terminated containers),
// and finishes pods that are being deleted with grace period 0. Two ways to use it:
// - with `nodeName` it is the sole kubelet of a Node it registers (and whose Lease it keeps renewing): each pod bound
//   there is started once, so status written later by others (a controller marking pods NotReady, a test) stands;
// - without, it works beside the cluster's real kubelets on their nodes and re-asserts Running+Ready whenever a bound
//   pod the real kubelet has reported on is not Ready, unless `hold` keeps the pod back.
import type { Client, WatchHandle } from '../electron/cluster/client/types';
import { R } from '../electron/cluster/client/resources';
import type { KObject } from '../electron/cluster/api/types';
import { rfc3339, rfc3339Micro } from '../electron/cluster/api/time';
import { buildNode, nodeStatus } from '../electron/cluster/kubelet/node-object';

export interface PodOutcome {
  /** exit code of every container once the pod finishes; undefined keeps it running forever */
  exitCode?: number;
  /** how long the pod runs before finishing */
  runMs?: number;
  /** report the pod Running but not Ready */
  unready?: boolean;
}

export type FakeKubeletOptions =
  | {
      /** the Node to register and run pods on */
      nodeName: string;
      /** what becomes of each pod; default: runs, Ready, forever */
      decide?: (pod: KObject) => PodOutcome;
      /** the node's number: host IP 172.18.0.<index+2>, pod IPs 10.244.<index>.x (default 9) */
      index?: number;
      /** `maxRunning` counts running pods per value of this label (default: the Job name label) */
      countLabel?: string;
      leaseRenewMs?: number;
    }
  | { nodeName?: undefined };

export interface FakeKubelet {
  readonly nodeName: string | undefined;
  /** pods for which this returns true are left alone until `hold` changes and `resync()` runs */
  hold: (pod: KObject) => boolean;
  /** looks at every pod again (after `hold` changed) */
  resync(): Promise<void>;
  /** highest number of pods running at once, per value of the count label */
  maxRunning(labelValue: string): number;
  /** stop renewing the lease (the node "loses power"); pods are left as they are */
  stopHeartbeat(): void;
  startHeartbeat(): Promise<void>;
  stop(): void;
}

const DEFAULT_INDEX = 9;
const isReady = (pod: KObject) => (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
const isTerminal = (pod: KObject) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export async function startFakeKubelet(client: Client, opts: FakeKubeletOptions = {}): Promise<FakeKubelet> {
  const own = opts.nodeName !== undefined ? opts : undefined;
  const nodeName = own?.nodeName;
  const decide = own?.decide ?? ((): PodOutcome => ({}));
  const index = own?.index ?? DEFAULT_INDEX;
  const countLabel = own?.countLabel ?? 'batch.kubernetes.io/job-name';
  const heartbeat = own ? await registerNode(client, own.nodeName, index, own.leaseRenewMs ?? 1000) : undefined;

  const running = new Map<string, Set<string>>();
  const maxes = new Map<string, number>();
  const started = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const busy = new Set<string>();
  const again = new Map<string, KObject>();
  let podSeq = 0;
  let stopped = false;

  const patchStatus = (pod: KObject, status: Record<string, unknown>) =>
    client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status }, { subresource: 'status' }).catch(() => undefined);
  const markRunning = (pod: KObject, on: boolean) => {
    const v = pod.metadata.labels?.[countLabel] ?? '';
    const s = running.get(v) ?? new Set<string>();
    running.set(v, s);
    if (on) s.add(pod.metadata.uid!);
    else s.delete(pod.metadata.uid!);
    maxes.set(v, Math.max(maxes.get(v) ?? 0, s.size));
  };

  const finish = async (pod: KObject, exitCode: number) => {
    markRunning(pod, false);
    const t = rfc3339();
    const terminated = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: t, finishedAt: t } };
    await patchStatus(pod, {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      conditions: podConditions(t, { sandbox: false, ready: false, reason: 'PodCompleted' }),
      containerStatuses: containerStatuses(pod, terminated, false),
    });
  };

  const run = async (pod: KObject) => {
    const out = decide(pod);
    started.add(pod.metadata.uid!);
    markRunning(pod, true);
    const ready = !out.unready;
    const t = rfc3339();
    const podIP = `10.244.${index}.${2 + (podSeq++ % 250)}`;
    const hostIP = `172.18.0.${index + 2}`;
    await patchStatus(pod, {
      phase: 'Running',
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: t,
      conditions: podConditions(t, { sandbox: true, ready }),
      containerStatuses: containerStatuses(pod, { running: { startedAt: t } }, ready),
    });
    if (out.exitCode === undefined) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) void finish(pod, out.exitCode!);
    }, out.runMs ?? 50);
    timers.add(timer);
  };

  const sync = async (pod: KObject) => {
    const uid = pod.metadata.uid!;
    if (pod.metadata.deletionTimestamp) {
      // as the only kubelet of the pod, kill its containers first
      if (nodeName !== undefined && started.has(uid) && !isTerminal(pod)) await finish(pod, 137);
      started.delete(uid);
      await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
      return;
    }
    if (!pod.spec?.nodeName || fk.hold(pod)) return;
    // beside real kubelets: only after the real kubelet's first report (container statuses), so that its first write
    // (ContainerCreating, not ready) can never land after ours and flip a Ready pod back
    const reported = !!pod.status?.containerStatuses?.length || !!pod.status?.initContainerStatuses?.length;
    const due = nodeName !== undefined ? !started.has(uid) : !isReady(pod) && reported;
    if (due) await run(pod);
  };

  // one sync per pod at a time; the newest version seen meanwhile is synced next
  const handle = async (pod: KObject): Promise<void> => {
    if (stopped || (nodeName !== undefined && pod.spec?.nodeName !== nodeName)) return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (busy.has(key)) {
      again.set(key, pod);
      return;
    }
    busy.add(key);
    try {
      await sync(pod);
    } finally {
      busy.delete(key);
      const next = again.get(key);
      if (next) {
        again.delete(key);
        void handle(next);
      }
    }
  };

  let watch: WatchHandle | undefined;
  const startWatch = () => {
    watch = client.watch(
      R.pods,
      undefined,
      {},
      (ev) => {
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED') void handle(ev.object);
      },
      () => {
        if (!stopped) setTimeout(startWatch, 50);
      },
    );
  };
  startWatch();

  const fk: FakeKubelet = {
    nodeName,
    hold: () => false,
    async resync() {
      for (const p of (await client.list(R.pods)).items) await handle(p);
    },
    maxRunning: (v) => maxes.get(v) ?? 0,
    stopHeartbeat() {
      heartbeat?.stop();
    },
    async startHeartbeat() {
      await heartbeat?.start();
    },
    stop() {
      stopped = true;
      watch?.stop();
      heartbeat?.stop();
      for (const t of timers) clearTimeout(t);
    },
  };
  return fk;
}

/**
 * registers the Node as Ready and keeps its status and Lease fresh until stopped, so the node lifecycle
 * controller and pod GC leave the pods bound to it alone however long a test runs
 */
export async function registerNode(client: Client, name: string, index: number, renewMs: number): Promise<{ start(): Promise<void>; stop(): void }> {
  const cfg = { name, index, controlPlane: false, taintControlPlane: false, runtimeVersion: 'fake://1.0.0' };
  await client.create(R.nodes, undefined, buildNode(cfg));
  const renew = async () => {
    const cur = await client.get(R.nodes, undefined, name);
    await client.patch(R.nodes, undefined, name, 'merge', { status: nodeStatus(cfg, true, rfc3339(), cur) }, { subresource: 'status' });
    try {
      await client.patch(R.leases, 'kube-node-lease', name, 'merge', { spec: { renewTime: rfc3339Micro() } });
    } catch {
      await client
        .create(R.leases, 'kube-node-lease', {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace: 'kube-node-lease' },
          spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: rfc3339Micro() },
        })
        .catch(() => undefined);
    }
  };
  let beat: NodeJS.Timeout | undefined;
  const start = async () => {
    await renew();
    beat ??= setInterval(() => void renew().catch(() => undefined), renewMs);
  };
  await start();
  return {
    start,
    stop() {
      if (beat) clearInterval(beat);
      beat = undefined;
    },
  };
}

function podConditions(t: string, s: { sandbox: boolean; ready: boolean; reason?: string }) {
  const status = (type: string) => {
    if (type === 'PodReadyToStartContainers') return s.sandbox;
    if (type === 'Ready' || type === 'ContainersReady') return s.ready;
    return true;
  };
  return ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
    type,
    status: status(type) ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: t,
    ...(s.reason && (type === 'Ready' || type === 'ContainersReady') ? { reason: s.reason } : {}),
  }));
}

function containerStatuses(pod: KObject, state: Record<string, unknown>, ready: boolean) {
  return (pod.spec?.containers ?? []).map((c: { name: string; image: string }) => ({
    name: c.name,
    image: c.image,
    imageID: `docker.io/library/${c.image}@sha256:0`,
    containerID: `containerd://${c.name}`,
    ready,
    started: ready,
    restartCount: 0,
    state,
  }));
}
