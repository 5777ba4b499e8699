// One node's kubelet: watches the pods bound to the node and drives them through the runtime — admission, sandbox,
// volumes, image pulls, init/sidecar/regular containers, restarts with back-off, probes, hooks, graceful
// termination — reporting status and events like kubelet v1.33.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '../client/types';
import { podDnsSettings } from '../network/dns/pod-dns';
import { R } from '../client/resources';
import { EventRecorder } from '../client/event-recorder';
import type { KObject } from '../api/types';
import { StatusError } from '../api/errors';
import { rfc3339 } from '../api/time';
import { quantityMilli, quantityValue } from '../api/quantity';
import { WorkQueue } from '../controllers/workqueue';
import { ContainerCreateError, type ContainerConfig, type ContainerRuntime, type ImageInfo, type RuntimeEvent } from '../runtime/interface';
import { admitPod } from './admission';
import { Backoff } from './backoff';
import { goDuration } from './durations';
import { EnvConfigError, resolveContainerEnv, type ConfigSource } from './env';
import { expandVars } from './expand';
import { runHook } from './hooks';
import { PodIPAllocator } from './ipam';
import { KubeletJournal } from './journal';
import { newPodState, type ContainerRecord, type PodState, type TerminatedInfo } from './pod-state';
import { buildPodStatus, computePhase, seedConditionTimes, terminatedFromRuntime } from './pod-status';
import { PodSource } from './pod-source';
import { containersLostWithSandbox, sandboxLost } from './sandbox-changes';
import { ProbeWorkers, type ProbeOutcome, type ProbeType } from './prober';
import { withTimeout, type KubeletSettings } from './settings';
import { StatusWriter } from './status-writer';
import { tokenRequestSource } from './token';
import { VolumeError, VolumeManager, type VolumeMounter } from './volumes';
import { isMirrorPod, mirrorHash, staticPodFromManifest } from './static-pods/static-pod';
import { MirrorPods } from './static-pods/mirror-pods';
import { ManifestFolder } from './static-pods/manifest-folder';
import { KUBELET_VERSION } from './node-object';
import type { Container, ContainerPort, ContainerStatus, EphemeralContainer, Probe } from 'kubernetes-types/core/v1';
import { bestEffort } from '../best-effort';

export interface SharedCaches extends ConfigSource {
  runtimeClass(name: string): KObject | undefined;
}

export interface KubeletOptions {
  nodeName: string;
  hostIP: string;
  podCIDR: string;
  /** <dataDir>/nodes/<node> */
  nodeDir: string;
  client: Client;
  runtime: ContainerRuntime;
  caches: SharedCaches;
  settings: KubeletSettings;
  mounters: Map<string, VolumeMounter>;
  /** tmpfs folder for memory-backed volumes (memory-dir.ts) */
  memoryDir?: string;
  /** the Node object as last seen (admission, allocatable) */
  node(): KObject | undefined;
  /** the node's static pod folder (its root folder's /etc/kubernetes/manifests), watched for manifests */
  staticPodDir?: string;
  log(line: string): void;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);
const CONFIG_RETRY_MS = 2_000;

export class Kubelet {
  readonly events: EventRecorder;
  /** what the kubelet logged, for the node's journalctl -u kubelet */
  readonly journal = new KubeletJournal();
  private restartHandler?: () => Promise<void>;
  readonly states = new Map<string, PodState>();
  private readonly statusWriter: StatusWriter;
  private readonly volumes: VolumeManager;
  private readonly ipam: PodIPAllocator;
  private readonly probes = new ProbeWorkers();
  private readonly source: PodSource;
  private readonly queue: WorkQueue;
  private readonly crashBackoff: Backoff;
  private readonly pullBackoff: Backoff;
  private readonly sandboxes = new Map<string, string>();
  private readonly pulls = new Map<string, Promise<ImageInfo>>();
  private readonly mirrors: MirrorPods;
  private readonly idScheme: string;
  private powered = true;
  private stopped = false;
  private volumeTimer?: NodeJS.Timeout;
  private syncedStatics = false;
  private manifestFolder?: ManifestFolder;
  /** UIDs of the static pods the manifest folder holds now */
  private fileStatics = new Set<string>();
  private offRuntime?: () => void;

  constructor(private o: KubeletOptions) {
    this.events = new EventRecorder(o.client, {
      component: 'kubelet',
      host: o.nodeName,
      reportingInstance: o.nodeName,
      involvedKind: { apiVersion: 'v1', kind: 'Pod' },
      concurrency: 8,
    });
    // every event the kubelet records is also a line of its log, as the event broadcaster logs it upstream
    const record = this.events.event.bind(this.events);
    this.events.event = (obj, type, reason, message, details) => {
      const md = (obj as KObject).metadata ?? {};
      const field = details?.fieldPath ? ` fieldPath=${JSON.stringify(details.fieldPath)}` : '';
      this.journal.write(
        'I',
        'event.go:389',
        `"Event occurred" object="${md.namespace ? `${md.namespace}/` : ''}${md.name ?? ''}"${field} kind="Pod" apiVersion="v1" type=${JSON.stringify(type)} reason=${JSON.stringify(reason)} message=${JSON.stringify(message)}`,
      );
      record(obj, type, reason, message, details);
    };
    this.statusWriter = new StatusWriter(o.client, (m) => this.log(m));
    this.volumes = new VolumeManager(
      o.nodeName,
      o.nodeDir,
      o.caches,
      tokenRequestSource(o.client, (m) => this.log(m)),
      o.mounters,
      o.memoryDir,
    );
    this.ipam = new PodIPAllocator(o.podCIDR);
    const s = o.settings;
    this.crashBackoff = new Backoff(s.backoffBaseMs, s.maxBackoffMs, s.backoffResetMs);
    this.pullBackoff = new Backoff(s.backoffBaseMs, s.maxBackoffMs, s.backoffResetMs);
    this.idScheme = o.runtime.name === 'sim' ? 'kubelab-sim' : o.runtime.name === 'docker' ? 'docker' : 'containerd';
    this.queue = new WorkQueue((uid) => this.sync(uid), {
      workers: 32,
      baseDelayMs: 200,
      maxDelayMs: 10_000,
      name: `kubelet-${o.nodeName}`,
      onError: (uid, err) => this.log(`sync pod ${this.states.get(uid)?.pod.metadata.name ?? uid}: ${(err as Error).message}`),
    });
    this.mirrors = new MirrorPods({
      client: o.client,
      nodeName: o.nodeName,
      node: o.node,
      isStatic: (uid) => !!this.states.get(uid)?.static,
      requeue: (uid, delayMs) => (delayMs ? this.queue.addAfter(uid, delayMs) : this.queue.add(uid)),
      mirrorAppeared: (uid) => {
        const st = this.states.get(uid);
        if (st) this.pushStatus(st);
      },
      mirrorGone: (mirrorUid) => this.statusWriter.forget(mirrorUid),
      log: (m) => this.log(m),
    });
    this.source = new PodSource(o.client, o.nodeName, {
      upsert: (pod, old) => this.onPod(pod, old),
      remove: (pod) => this.onPodGone(pod),
    });
  }

  get nodeName(): string {
    return this.o.nodeName;
  }
  get runtime(): ContainerRuntime {
    return this.o.runtime;
  }
  get isPowered(): boolean {
    return this.powered;
  }
  get settings(): KubeletSettings {
    return this.o.settings;
  }
  get hostIP(): string {
    return this.o.hostIP;
  }
  get nodeDir(): string {
    return this.o.nodeDir;
  }

  /** a line of the kubelet's own log: kept in its journal and passed to the cluster log */
  log(message: string, severity: 'I' | 'W' | 'E' = 'E', source = 'kubelet.go:2400'): void {
    this.journal.write(severity, source, message);
    this.o.log(`kubelet ${this.o.nodeName}: ${message}`);
  }

  async start(): Promise<void> {
    this.offRuntime = this.o.runtime.onEvent((e) => this.onRuntimeEvent(e));
    // static pods first: the API source then recognises their mirrors (and deletes mirrors of no static pod); they
    // sync once it has listed, so an existing mirror is found rather than created again
    if (this.o.staticPodDir) {
      this.manifestFolder = new ManifestFolder(
        this.o.staticPodDir,
        (m) => this.staticManifests(m),
        (m) => this.log(m, 'E', 'file.go:245'),
      );
      this.manifestFolder.start();
    }
    this.source.start();
    await this.source.synced();
    for (const uid of this.fileStatics) this.queue.add(uid);
    this.syncedStatics = true;
    this.volumeTimer = setInterval(() => void this.refreshVolumes(), this.o.settings.volumeSyncMs);
    this.volumeTimer.unref();
  }

  /**
   * The manifest folder's pods: new ones start, ones whose file went (or changed: a new hash is a new pod) stop and
   * lose their mirror. Before the API source has listed, they are only recorded, so existing mirrors are recognised.
   */
  private staticManifests(manifests: KObject[]): void {
    const want = new Map(
      manifests.map((m) => {
        const pod = staticPodFromManifest(m, this.o.nodeName);
        return [pod.metadata.uid!, pod] as const;
      }),
    );
    for (const [uid, pod] of want) {
      if (this.states.has(uid)) continue;
      const st = newPodState(pod);
      st.static = true;
      this.states.set(uid, st);
      if (this.syncedStatics) this.queue.add(uid);
    }
    for (const uid of this.fileStatics) {
      const st = want.has(uid) ? undefined : this.states.get(uid);
      if (!st) continue;
      st.gone = true;
      this.queue.add(uid);
    }
    this.fileStatics = new Set(want.keys());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.manifestFolder?.stop();
    this.volumes.close();
    this.source.stop();
    this.queue.stop();
    this.probes.stopAll();
    if (this.volumeTimer) clearInterval(this.volumeTimer);
    this.offRuntime?.();
    await Promise.race([Promise.all([this.statusWriter.flush(), this.events.flush()]), new Promise((r) => setTimeout(r, 2000))]);
  }

  /** node power off: nothing syncs, probes and status writes pause; containers keep running in the runtime */
  powerOff(): void {
    this.powered = false;
    this.probes.pause();
    this.statusWriter.pause();
  }

  powerOn(): void {
    if (this.powered) return;
    this.powered = true;
    this.probes.resume();
    this.statusWriter.resume();
    for (const uid of this.states.keys()) this.queue.add(uid);
  }

  /**
   * `systemctl restart kubelet` on the node: a new process that logs its start, reads its static pod folder again,
   * resyncs every pod (the containers keep running in the runtime, as across a real kubelet restart) and registers
   * its Node again — how a Node deleted from the API comes back: a running kubelet registers only once, at start.
   */
  async restart(): Promise<void> {
    this.log('Stopping kubelet (systemctl restart)', 'I', 'server.go:1300');
    this.journal.restarted();
    this.log(`"Kubelet version" kubeletVersion="${KUBELET_VERSION}"`, 'I', 'server.go:530');
    this.log('"Starting to sync pod status with apiserver"', 'I', 'kubelet.go:2432');
    this.manifestFolder?.read(true);
    for (const uid of this.states.keys()) this.queue.add(uid);
    await this.restartHandler?.();
  }

  /** what a restart does beyond the kubelet's own state: the node's registration and heartbeats (set by startNodes) */
  onRestart(handler: () => Promise<void>): void {
    this.restartHandler = handler;
  }

  /** waits until queued status writes and events are out (tests) */
  async flush(): Promise<void> {
    await this.statusWriter.flush();
    await this.events.flush();
  }

  /** the API's pod of that name and this kubelet's state of it (a mirror pod's is its static pod's) */
  podByName(namespace: string, name: string): { st?: PodState; pod?: KObject } {
    const pod = this.source.byName(namespace, name);
    return { pod, st: pod ? this.states.get(mirrorHash(pod) ?? pod.metadata.uid!) : undefined };
  }

  /** the status this kubelet would report now (fresher than the API's copy) */
  currentStatus(st: PodState): Record<string, unknown> {
    return buildPodStatus(st, { hostIP: this.o.hostIP, idScheme: this.idScheme, now: Date.now });
  }

  /** where a container's CRI log for one run lives (stable across restarts of the kubelet) */
  logPath(pod: KObject, container: string, attempt: number): string {
    const md = pod.metadata;
    return path.join(this.o.nodeDir, 'logs', `${md.namespace}_${md.name}_${md.uid}`, container, `${attempt}.log`);
  }

  // ---- informer side

  private onPod(pod: KObject, old: KObject | undefined): void {
    // a mirror pod is the API's view of a static pod: it is never run, only kept present and up to date
    if (isMirrorPod(pod)) {
      this.mirrors.seen(pod);
      return;
    }
    const uid = pod.metadata.uid!;
    let st = this.states.get(uid);
    if (!st) {
      st = newPodState(pod);
      // pods the kubelet finds already running were started by a previous kubelet (node/cluster restart)
      st.recovered = !!(pod.status?.containerStatuses?.length || pod.status?.initContainerStatuses?.length || pod.status?.podIP);
      // its address is reserved at once, before any pod's sync can run: host-local keeps reservations across a
      // reboot, so a pod created meanwhile must not be handed an address a recovering pod still owns
      if (st.recovered && pod.status?.podIP && !pod.spec?.hostNetwork && !TERMINAL.has(pod.status?.phase)) this.ipam.claim(uid, pod.status.podIP);
      seedConditionTimes(st, pod);
      this.states.set(uid, st);
      if (TERMINAL.has(pod.status?.phase)) {
        st.finalPhase = pod.status.phase;
        st.admitted = true;
      }
      this.queue.add(uid);
      return;
    }
    st.pod = pod;
    // our own status writes come back as updates: only spec/metadata changes need a sync
    if (
      !old ||
      old.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp ||
      old.metadata.generation !== pod.metadata.generation ||
      JSON.stringify(old.metadata.labels) !== JSON.stringify(pod.metadata.labels) ||
      JSON.stringify(old.metadata.annotations) !== JSON.stringify(pod.metadata.annotations) ||
      JSON.stringify(old.spec) !== JSON.stringify(pod.spec)
    )
      this.queue.add(uid);
  }

  private onPodGone(pod: KObject): void {
    if (isMirrorPod(pod)) {
      this.mirrors.gone(pod);
      return;
    }
    const st = this.states.get(pod.metadata.uid!);
    if (!st) return;
    st.gone = true;
    this.queue.add(st.uid);
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    const uid = this.sandboxes.get(e.sandboxId);
    if (!uid) return;
    if (e.type === 'ContainerStopped') this.probes.stop(`${uid}/`, e.containerId);
    this.queue.add(uid);
  }

  // ---- the pod worker

  private async sync(uid: string): Promise<void> {
    const st = this.states.get(uid);
    if (!st || this.stopped || !this.powered) return;
    if (st.gone) {
      this.beginTermination(st, false);
      return;
    }
    if (st.static) await this.mirrors.sync(st.pod);
    const pod = st.pod;
    if (pod.metadata.deletionTimestamp) {
      this.beginTermination(st, true);
      return;
    }
    if (st.terminating) return;
    if (!st.admitted) {
      st.admitted = true;
      const others = [...this.states.values()]
        .filter((s) => s !== st && s.admitted && !s.rejected && !s.finalPhase && !s.gone && !s.pod.metadata.deletionTimestamp)
        .map((s) => s.pod);
      const rej = st.recovered ? undefined : admitPod(pod, this.o.node(), others);
      if (rej) {
        st.rejected = rej;
        st.startTime = rfc3339();
        this.events.event(pod, 'Warning', rej.reason, rej.message);
        this.pushStatus(st);
        return;
      }
    }
    if (st.rejected) {
      this.pushStatus(st);
      return;
    }
    if (st.finalPhase) {
      if (!st.recovered || st.containers.size) this.pushStatus(st);
      return;
    }
    st.startTime ??= rfc3339();
    if (st.recovered && !st.sandboxId && !st.containers.size) await this.recover(st);
    if (st.finalPhase) {
      this.pushStatus(st);
      return;
    }
    await this.refreshContainers(st);
    if (st.sandboxId && !(await this.keepSandbox(st))) {
      this.pushStatus(st);
      return;
    }
    // a new sandbox takes the runtime a while (Docker: hundreds of ms); the pod's volumes and the status of the
    // images its first containers need are made ready meanwhile — no container is created before all three are
    const volumes = st.mounted ? undefined : this.ensureVolumes(st);
    try {
      if (!st.sandboxId) {
        st.imageStatusAhead = this.askImageStatuses(st.pod);
        // as upstream's pod worker, the status says ContainerCreating while the sandbox is made (the writer
        // coalesces it with the next one when the runtime is quick)
        this.pushStatus(st);
        const sandboxReady = await this.ensureSandbox(st);
        if (!((await volumes) ?? true) || !sandboxReady) {
          this.pushStatus(st);
          return;
        }
      } else if (volumes && !(await volumes)) {
        this.pushStatus(st);
        return;
      }
      if (await this.pastActiveDeadline(st)) {
        this.pushStatus(st);
        return;
      }
      await this.syncContainers(st);
    } finally {
      st.imageStatusAhead = undefined;
    }
    this.pushStatus(st);
  }

  /** the images of the containers a new pod starts first: its first init container, or else its containers */
  private askImageStatuses(pod: KObject): Map<string, Promise<ImageInfo | undefined>> {
    const spec = pod.spec ?? {};
    const first: Container[] = spec.initContainers?.length ? spec.initContainers.slice(0, 1) : (spec.containers ?? []);
    const out = new Map<string, Promise<ImageInfo | undefined>>();
    for (const image of new Set(first.map((c) => c.image!))) {
      const p = this.rt(this.o.runtime.imageStatus(image), 'imageStatus');
      // awaited by ensureImage, which reports a failure; one never awaited (the sandbox failed) is dropped
      p.catch(() => undefined);
      out.set(image, p);
    }
    return out;
  }

  private rt<T>(p: Promise<T>, what: string): Promise<T> {
    return withTimeout(p, this.o.settings.runtimeTimeoutMs, what);
  }
  /** work whose failure the pod's sync survives, reported in this node's log */
  private bestEffort<T>(work: Promise<T>, what: string): Promise<T | undefined> {
    return bestEffort(work, `kubelet ${this.o.nodeName}: ${what}`, (l) => this.o.log(l));
  }

  private pushStatus(st: PodState): void {
    // a static pod's status goes to its mirror, once there is one
    const mirror = st.static ? this.mirrors.get(st.uid) : undefined;
    if (st.static && !mirror) return;
    const status = buildPodStatus(st, { hostIP: this.o.hostIP, idScheme: this.idScheme, now: Date.now });
    const md = st.pod.metadata;
    this.statusWriter.set(md.namespace!, md.name!, mirror?.metadata.uid ?? st.uid, status, (mirror ?? st.pod).status);
  }

  private record(st: PodState, c: Container, kind: ContainerRecord['kind']): ContainerRecord {
    let rec = st.containers.get(c.name);
    if (!rec) {
      rec = { name: c.name, kind, sidecar: kind === 'init' && c.restartPolicy === 'Always', attempt: 0, started: false, ready: false };
      st.containers.set(c.name, rec);
    }
    return rec;
  }

  private async refreshContainers(st: PodState): Promise<void> {
    for (const rec of st.containers.values()) {
      if (!rec.id) continue;
      const s = await this.rt(this.o.runtime.containerStatus(rec.id), 'containerStatus');
      if (s) rec.status = s;
      if (s && s.state === 'exited') {
        rec.ready = false;
        rec.started = false;
      }
    }
  }

  /** a pod found bound to this node at start: adopt its containers if the runtime still has them, else restart it */
  private async recover(st: PodState): Promise<void> {
    const pod = st.pod;
    const statuses: ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const initNames = new Set((pod.spec?.initContainers ?? []).map((c: Container) => c.name));
    let adopted = false;
    const lost: { rec: ContainerRecord; cs: ContainerStatus }[] = [];
    for (const cs of statuses) {
      const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c: Container) => c.name === cs.name);
      if (!spec) continue;
      const rec = this.record(st, spec, initNames.has(cs.name) ? 'init' : 'regular');
      rec.attempt = cs.restartCount ?? 0;
      const id = typeof cs.containerID === 'string' ? cs.containerID.replace(/^[a-z-]+:\/\//, '') : undefined;
      const rs = id
        ? await this.bestEffort(this.rt(this.o.runtime.containerStatus(id), 'containerStatus'), `adopting container ${cs.name} of ${pod.metadata.name}`)
        : undefined;
      if (rs) {
        rec.id = id;
        rec.status = rs;
        rec.started = !!cs.started;
        rec.ready = !!cs.ready;
        st.sandboxId = rs.sandboxId;
        rec.image = await this.bestEffort(this.o.runtime.imageStatus(spec.image), `image status of ${spec.image}`);
        rec.specImage = spec.image;
        adopted = true;
        if (rs.state === 'running') this.startProbes(st, rec, spec);
      } else if (id) lost.push({ rec, cs });
      if (cs.lastState?.terminated) rec.last = { ...cs.lastState.terminated } as TerminatedInfo;
    }
    if (pod.status?.podIP) this.ipam.claim(st.uid, pod.status.podIP);
    if (adopted && st.sandboxId) {
      st.podIP = pod.status?.podIP;
      this.sandboxes.set(st.sandboxId, st.uid);
      return;
    }
    if (!lost.length) return;
    const policy = pod.spec?.restartPolicy ?? 'Always';
    if (policy === 'Never' && lost.some((l) => l.rec.kind === 'regular')) {
      // a Never pod is not restarted after its node rebooted: its containers are reported as lost
      for (const { rec, cs } of lost) {
        rec.lostTerminated = cs.state?.terminated
          ? ({ ...cs.state.terminated } as TerminatedInfo)
          : {
              exitCode: 137,
              reason: 'ContainerStatusUnknown',
              message: 'The container could not be located when the pod was terminated',
              startedAt: cs.state?.running?.startedAt,
              finishedAt: rfc3339(),
              containerID: cs.containerID,
            };
        rec.id = undefined;
      }
      st.finalPhase = (pod.spec?.containers ?? []).every((c: Container) => st.containers.get(c.name)?.lostTerminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
      st.podIP = pod.status?.podIP;
      return;
    }
    for (const { rec, cs } of lost) {
      rec.last = cs.state?.terminated
        ? ({ ...cs.state.terminated } as TerminatedInfo)
        : {
            exitCode: 255,
            reason: 'Unknown',
            startedAt: cs.state?.running?.startedAt,
            finishedAt: rfc3339(),
            containerID: cs.containerID,
          };
      rec.attempt += 1;
      rec.waiting = { reason: 'ContainerCreating' };
      rec.id = undefined;
      rec.status = undefined;
    }
    this.events.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
  }

  /**
   * false when the pod's sandbox was stopped or removed behind the kubelet's back and the pod does not restart;
   * a pod that restarts gets a new sandbox (`sandboxId` cleared), a stopped one leaves the SandboxChanged event
   */
  private async keepSandbox(st: PodState): Promise<boolean> {
    const old = st.sandboxId!;
    const s = await this.rt(this.o.runtime.podSandboxStatus(old), 'podSandboxStatus');
    if (!sandboxLost(s)) return true;
    const restart = containersLostWithSandbox(st, Date.now());
    if (!restart) return false;
    if (s) {
      this.events.event(st.pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      await this.bestEffort(this.rt(this.o.runtime.stopPodSandbox(old), 'stopPodSandbox'), `stopping the old sandbox of ${st.pod.metadata.name}`);
    }
    this.sandboxes.delete(old);
    (st.pastSandboxes ??= []).push(old);
    st.sandboxId = undefined;
    return true;
  }

  private async ensureSandbox(st: PodState): Promise<boolean> {
    const pod = st.pod;
    const spec = pod.spec ?? {};
    const md = pod.metadata;
    let handler = 'runc';
    if (spec.runtimeClassName) {
      const rc = this.o.caches.runtimeClass(spec.runtimeClassName);
      if (!rc) return this.sandboxFailed(st, `Failed to create pod sandbox: runtimeclass.node.k8s.io "${spec.runtimeClassName}" not found`);
      handler = rc.handler;
    }
    const hostNetwork = !!spec.hostNetwork;
    let ip: string;
    try {
      ip = hostNetwork ? this.o.hostIP : this.ipam.allocate(st.uid, st.podIP ?? pod.status?.podIP);
    } catch (err) {
      return this.sandboxFailed(st, `Failed to create pod sandbox: plugin type="bridge" failed (add): ${(err as Error).message}`);
    }
    // a hostNetwork pod shares the node's UTS namespace too: the runtime sets no hostname, the pod sees the node's
    const hostname = hostNetwork ? this.o.nodeName : (spec.hostname || md.name!).slice(0, 63);
    const ns = md.namespace ?? 'default';
    const limits = this.podLimits(pod);
    const dns = podDnsSettings(pod);
    // the pod's folder is made by whatever first writes into it (volumes, subPath copies): most pods never need it
    const podDir = this.volumes.podDir(st.uid);
    try {
      const id = await this.rt(
        this.o.runtime.runPodSandbox(
          {
            name: md.name!,
            namespace: ns,
            uid: st.uid,
            attempt: 0,
            hostname,
            fqdn: spec.subdomain && !hostNetwork ? `${hostname}.${spec.subdomain}.${ns}.svc.cluster.local` : undefined,
            labels: md.labels ?? {},
            annotations: md.annotations ?? {},
            podIPs: [ip],
            hostNetwork,
            dns,
            hostAliases: spec.hostAliases,
            shareProcessNamespace: !!spec.shareProcessNamespace,
            memoryLimitBytes: limits.memory,
            cpuLimitMillis: limits.cpu,
            podDir,
            nodeName: this.o.nodeName,
            images: [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: Container) => c.image!),
            portMappings: hostNetwork ? [] : hostPortMappings(spec),
          },
          handler,
        ),
        'runPodSandbox',
      );
      st.sandboxId = id;
      st.podIP = ip;
      st.sandboxError = undefined;
      this.sandboxes.set(id, st.uid);
      return true;
    } catch (err) {
      if (!hostNetwork) this.ipam.release(st.uid);
      return this.sandboxFailed(st, `Failed to create pod sandbox: ${(err as Error).message}`);
    }
  }

  private sandboxFailed(st: PodState, message: string): false {
    st.sandboxError = message;
    this.events.event(st.pod, 'Warning', 'FailedCreatePodSandBox', message);
    const key = `${st.uid}/sandbox`;
    this.crashBackoff.next(key);
    this.queue.addAfter(st.uid, this.crashBackoff.delay(key));
    return false;
  }

  /** pod-level cgroup: sum of container limits (0 = unlimited if any container is unbounded) plus overhead */
  private podLimits(pod: KObject): { memory: number; cpu: number } {
    let memory = 0,
      cpu = 0,
      memUnbounded = false,
      cpuUnbounded = false;
    for (const c of pod.spec?.containers ?? []) {
      const l = c.resources?.limits ?? {};
      if (l.memory) memory += safe(() => quantityValue(l.memory));
      else memUnbounded = true;
      if (l.cpu) cpu += safe(() => quantityMilli(l.cpu));
      else cpuUnbounded = true;
    }
    const ov = pod.spec?.overhead ?? {};
    if (ov.memory) memory += safe(() => quantityValue(ov.memory));
    if (ov.cpu) cpu += safe(() => quantityMilli(ov.cpu));
    return { memory: memUnbounded ? 0 : memory, cpu: cpuUnbounded ? 0 : cpu };
  }

  private async ensureVolumes(st: PodState): Promise<boolean> {
    try {
      st.mounted = await this.volumes.setup(st.pod);
      return true;
    } catch (err) {
      const msg = err instanceof VolumeError ? err.message : `MountVolume.SetUp failed: ${(err as Error).message}`;
      this.events.event(st.pod, 'Warning', 'FailedMount', msg);
      const key = `${st.uid}/volumes`;
      this.crashBackoff.next(key);
      this.queue.addAfter(st.uid, Math.min(this.crashBackoff.delay(key), CONFIG_RETRY_MS * 2));
      return false;
    }
  }

  private async syncContainers(st: PodState): Promise<void> {
    const spec = st.pod.spec ?? {};
    const policy: string = spec.restartPolicy ?? 'Always';
    const regularStarted = (spec.containers ?? []).some((c: Container) => st.containers.get(c.name)?.id);
    let initDone = true;
    for (const c of spec.initContainers ?? []) {
      const rec = this.record(st, c, 'init');
      if (c.restartPolicy === 'Always') {
        await this.ensureContainer(st, rec, c, 'Always');
        if (!(rec.status?.state === 'running' && rec.started) && !regularStarted) {
          initDone = false;
          break;
        }
        continue;
      }
      const s = rec.status;
      if (regularStarted) continue;
      if (s?.state === 'exited' && s.exitCode === 0) continue;
      if (s && s.state !== 'exited') {
        initDone = false;
        break;
      }
      if (s?.state === 'exited') {
        if (policy === 'Never') {
          st.finalPhase = 'Failed';
          await this.finish(st);
          return;
        }
        await this.restartWithBackoff(st, rec, c);
      } else {
        await this.startContainer(st, rec, c);
      }
      initDone = false;
      break;
    }
    if (!initDone) return;
    for (const c of spec.containers ?? []) await this.ensureContainer(st, this.record(st, c, 'regular'), c, policy);
    // ephemeral containers (kubectl debug) run once, never restarted, once the pod's own containers are started
    for (const c of spec.ephemeralContainers ?? []) {
      const rec = this.record(st, c, 'ephemeral');
      if (!rec.id && !rec.waiting) await this.startContainer(st, rec, c);
    }
    if (policy !== 'Always') {
      const all = (spec.containers ?? []).map((c: Container) => st.containers.get(c.name));
      const done = all.every(
        (r: ContainerRecord | undefined) => r?.status?.state === 'exited' && !r.killedForRestart && !(policy === 'OnFailure' && r.status.exitCode !== 0),
      );
      if (done) {
        st.finalPhase = all.every((r: ContainerRecord | undefined) => r?.status?.exitCode === 0) ? 'Succeeded' : 'Failed';
        await this.finish(st);
      }
    }
  }

  /**
   * spec.activeDeadlineSeconds (which a pod update may set or lower): once the pod has been active that long since
   * its start, the kubelet stops its containers and fails it with reason DeadlineExceeded; until then it checks back
   * at the deadline
   */
  private async pastActiveDeadline(st: PodState): Promise<boolean> {
    const seconds = st.pod.spec?.activeDeadlineSeconds;
    const started = Date.parse(st.pod.status?.startTime ?? st.startTime ?? '');
    if (typeof seconds !== 'number' || Number.isNaN(started)) return false;
    const left = started + seconds * 1000 - Date.now();
    if (left > 0) {
      this.queue.addAfter(st.uid, left + 5);
      return false;
    }
    const message = 'Pod was active on the node longer than the specified deadline';
    this.events.event(st.pod, 'Normal', 'DeadlineExceeded', message);
    st.finalPhase = 'Failed';
    st.finalReason = { reason: 'DeadlineExceeded', message };
    this.probes.stop(`${st.uid}/`);
    const grace = st.pod.spec?.terminationGracePeriodSeconds ?? 30;
    await Promise.all(
      [...st.containers.values()]
        .filter((r) => r.id && r.status?.state === 'running')
        .map((r) => {
          this.events.event(st.pod, 'Normal', 'Killing', `Stopping container ${r.name}`, { fieldPath: this.fieldPath(r) });
          return withTimeout(this.o.runtime.stopContainer(r.id!, grace), (grace + 10) * 1000, 'stopContainer').catch((err) =>
            this.log(`stopping ${r.name} of ${st.pod.metadata.name} past its deadline: ${(err as Error).message}`),
          );
        }),
    );
    await this.finish(st);
    return true;
  }

  /** a pod that completed: sidecars stop, the sandbox goes, containers stay for their logs */
  private async finish(st: PodState): Promise<void> {
    this.probes.stop(`${st.uid}/`);
    const sidecars = (st.pod.spec?.initContainers ?? []).filter((c: Container) => c.restartPolicy === 'Always').reverse();
    for (const c of sidecars) {
      const rec = st.containers.get(c.name);
      if (rec?.id && rec.status?.state === 'running') {
        this.events.event(st.pod, 'Normal', 'Killing', `Stopping container ${c.name}`, { fieldPath: `spec.initContainers{${c.name}}` });
        await this.bestEffort(
          this.rt(this.o.runtime.stopContainer(rec.id, st.pod.spec?.terminationGracePeriodSeconds ?? 30), 'stopContainer'),
          `stopping ${rec.name} of ${st.pod.metadata.name}`,
        );
      }
    }
    if (st.sandboxId)
      await this.bestEffort(this.rt(this.o.runtime.stopPodSandbox(st.sandboxId), 'stopPodSandbox'), `stopping the sandbox of ${st.pod.metadata.name}`);
    await this.refreshContainers(st);
    for (const rec of st.containers.values()) {
      rec.ready = false;
      rec.started = false;
      rec.waiting = undefined;
    }
  }

  private async ensureContainer(st: PodState, rec: ContainerRecord, c: Container, policy: string): Promise<void> {
    if (!rec.id) {
      await this.startContainer(st, rec, c);
      return;
    }
    const s = rec.status;
    if (rec.specImage !== undefined && rec.specImage !== c.image && (s?.state === 'running' || s?.state === 'created')) {
      await this.restartWithNewDefinition(st, rec, c);
      return;
    }
    if (!s || s.state === 'running' || s.state === 'created') return;
    if (s.state !== 'exited') return;
    const restart = rec.killedForRestart || policy === 'Always' || (policy === 'OnFailure' && s.exitCode !== 0);
    if (!restart) {
      rec.waiting = undefined;
      return;
    }
    await this.restartWithBackoff(st, rec, c);
  }

  /**
   * The container's image in the spec is no longer the one it runs (`kubectl set image pod/…`): like the kubelet
   * when a container's hash (name and image) changes, stop it and start a new one whatever the restart policy; a
   * new definition starts without the old one's back-off. Resources are not part of the hash (in-place resize).
   */
  private async restartWithNewDefinition(st: PodState, rec: ContainerRecord, c: Container): Promise<void> {
    const pod = st.pod;
    const id = rec.id!;
    const fieldPath = this.fieldPath(rec);
    this.events.event(pod, 'Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`, { fieldPath });
    this.probes.stop(`${st.uid}/`, id);
    rec.ready = false;
    rec.killedForRestart = true;
    this.pushStatus(st);
    const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
    const deadline = Date.now() + grace * 1000;
    const preStop = c.lifecycle?.preStop;
    if (preStop && grace > 0) {
      const msg = await runHook(preStop, { runtime: this.o.runtime, containerId: id, sandboxId: st.sandboxId!, podIP: st.podIP ?? '' }, grace);
      if (msg) this.events.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${msg}`, { fieldPath });
    }
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    await withTimeout(this.o.runtime.stopContainer(id, left), (left + 10) * 1000, 'stopContainer').catch((err) =>
      this.log(`stopping ${c.name} of ${pod.metadata.name} for its new image: ${(err as Error).message}`),
    );
    rec.status = await this.rt(this.o.runtime.containerStatus(id), 'containerStatus');
    await this.startContainer(st, rec, c);
  }

  private podRef(pod: KObject): string {
    return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  }
  private fieldPath(rec: ContainerRecord): string {
    return `spec.${rec.kind === 'init' ? 'initContainers' : rec.kind === 'ephemeral' ? 'ephemeralContainers' : 'containers'}{${rec.name}}`;
  }

  private async restartWithBackoff(st: PodState, rec: ContainerRecord, c: Container): Promise<void> {
    // keyed by the definition as upstream keys it by the container's hash: a new image starts without the old back-off
    const key = `${st.uid}/${c.name}/${c.image}`;
    const s = rec.status!;
    const now = Date.now();
    this.crashBackoff.resetIfRanLong(key, (s.finishedAt ?? now) - (s.startedAt ?? now));
    const remaining = this.crashBackoff.remaining(key, s.finishedAt ?? now);
    if (remaining > 0) {
      const ref = this.podRef(st.pod);
      rec.waiting = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(this.crashBackoff.delay(key))} restarting failed container=${c.name} pod=${ref}`,
      };
      this.events.event(st.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${ref}`, { fieldPath: this.fieldPath(rec) });
      this.queue.addAfter(st.uid, remaining + 5);
      return;
    }
    this.crashBackoff.next(key);
    await this.startContainer(st, rec, c);
  }

  private podForEnv(st: PodState): KObject {
    return {
      ...st.pod,
      status: {
        ...(st.pod.status ?? {}),
        podIP: st.podIP,
        podIPs: st.podIP ? [{ ip: st.podIP }] : [],
        hostIP: this.o.hostIP,
        hostIPs: [{ ip: this.o.hostIP }],
      },
    };
  }

  private async startContainer(st: PodState, rec: ContainerRecord, c: Container): Promise<void> {
    const pod = st.pod;
    const fieldPath = this.fieldPath(rec);
    const image = await this.ensureImage(st, rec, c, fieldPath);
    if (!image) return;
    let env: ReturnType<typeof resolveContainerEnv>;
    let mounts;
    try {
      env = resolveContainerEnv(this.podForEnv(st), c, this.o.caches);
      mounts = this.volumes.containerMounts(pod, c, st.mounted ?? new Map(), env.lookup);
    } catch (err) {
      if (!(err instanceof EnvConfigError || err instanceof VolumeError)) throw err;
      rec.waiting = { reason: 'CreateContainerConfigError', message: err.message };
      this.events.event(pod, 'Warning', 'Failed', `Error: ${err.message}`, { fieldPath });
      this.queue.addAfter(st.uid, CONFIG_RETRY_MS);
      return;
    }
    const attempt = rec.id ? rec.attempt + 1 : rec.attempt;
    const prev = terminatedFromRuntime(rec, this.idScheme);
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? {};
    const sc = { ...(pod.spec?.securityContext ?? {}), ...(c.securityContext ?? {}) };
    const expand = (s: string) => expandVars(s, env.lookup);
    const config: ContainerConfig = {
      // pod validation requires an image on every container
      name: c.name,
      image: c.image!,
      command: c.command?.map(expand),
      args: c.args?.map(expand),
      workingDir: c.workingDir,
      env: env.env,
      mounts,
      tty: !!c.tty,
      stdin: !!c.stdin,
      stdinOnce: !!c.stdinOnce,
      security: {
        runAsUser: sc.runAsUser,
        runAsGroup: sc.runAsGroup,
        supplementalGroups: pod.spec?.securityContext?.supplementalGroups,
        fsGroup: pod.spec?.securityContext?.fsGroup,
        runAsNonRoot: sc.runAsNonRoot,
        readOnlyRootFilesystem: sc.readOnlyRootFilesystem,
        privileged: sc.privileged,
        allowPrivilegeEscalation: sc.allowPrivilegeEscalation,
        capabilities: sc.capabilities,
      },
      memoryLimitBytes: limits.memory ? safe(() => quantityValue(limits.memory)) : 0,
      memoryRequestBytes: requests.memory ? safe(() => quantityValue(requests.memory)) : 0,
      cpuLimitMillis: limits.cpu ? safe(() => quantityMilli(limits.cpu)) : 0,
      cpuRequestMillis: requests.cpu ? safe(() => quantityMilli(requests.cpu)) : 0,
      logPath: this.logPath(pod, c.name, attempt),
      terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
      attempt,
      kind: rec.kind,
      ...(rec.kind === 'ephemeral' && (c as EphemeralContainer).targetContainerName
        ? { targetContainerName: (c as EphemeralContainer).targetContainerName }
        : {}),
    };
    let id: string;
    try {
      id = await this.rt(this.o.runtime.createContainer(st.sandboxId!, config), 'createContainer');
    } catch (err) {
      const reason = err instanceof ContainerCreateError ? err.reason : 'CreateContainerError';
      rec.waiting = { reason, message: (err as Error).message };
      this.events.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`, { fieldPath });
      this.queue.addAfter(st.uid, CONFIG_RETRY_MS);
      return;
    }
    this.events.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, { fieldPath });
    // the run before the previous one is garbage: one dead container stays (crictl ps -a shows it, as the kubelet's
    // container GC keeps maxPerPodContainer = 1)
    const older = rec.deadId;
    rec.deadId = rec.id;
    if (prev) rec.last = prev;
    rec.id = id;
    rec.attempt = attempt;
    rec.image = image;
    rec.specImage = c.image;
    rec.waiting = undefined;
    rec.killedForRestart = false;
    rec.started = false;
    rec.ready = false;
    rec.status = undefined;
    if (older) void this.bestEffort(this.o.runtime.removeContainer(older), `removing an older container of ${c.name}`);
    try {
      await this.rt(this.o.runtime.startContainer(id), 'startContainer');
    } catch (err) {
      this.events.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`, { fieldPath });
      rec.status = await this.o.runtime.containerStatus(id);
      if (!rec.status || rec.status.state !== 'exited') rec.waiting = { reason: 'RunContainerError', message: (err as Error).message };
      this.queue.addAfter(st.uid, 10);
      return;
    }
    this.events.event(pod, 'Normal', 'Started', `Started container ${c.name}`, { fieldPath });
    rec.status = await this.rt(this.o.runtime.containerStatus(id), 'containerStatus');
    rec.started = !c.startupProbe;
    rec.ready = (rec.started && !c.readinessProbe && rec.kind === 'regular') || (rec.sidecar && rec.started && !c.readinessProbe);
    if (c.lifecycle?.postStart) {
      const msg = await runHook(
        c.lifecycle.postStart,
        { runtime: this.o.runtime, containerId: id, sandboxId: st.sandboxId!, podIP: st.podIP ?? '' },
        pod.spec?.terminationGracePeriodSeconds ?? 30,
      );
      if (msg) {
        const kind = c.lifecycle.postStart.exec ? `Exec lifecycle hook (${JSON.stringify(c.lifecycle.postStart.exec.command ?? [])})` : 'HTTP lifecycle hook';
        this.events.event(pod, 'Warning', 'FailedPostStartHook', `${kind} for Container "${c.name}" in Pod "${this.podRef(pod)}" failed - error: ${msg}`, {
          fieldPath,
        });
        this.events.event(pod, 'Normal', 'Killing', `FailedPostStartHook`, { fieldPath });
        rec.killedForRestart = true;
        await this.bestEffort(
          this.rt(this.o.runtime.stopContainer(id, pod.spec?.terminationGracePeriodSeconds ?? 30), 'stopContainer'),
          `stopping container ${id} of ${pod.metadata.name}`,
        );
        rec.status = await this.o.runtime.containerStatus(id);
        return;
      }
    }
    if (rec.status?.state === 'running') this.startProbes(st, rec, c);
  }

  private async ensureImage(st: PodState, rec: ContainerRecord, c: Container, fieldPath: string): Promise<ImageInfo | undefined> {
    const pod = st.pod;
    const image = c.image!;
    const policy: string =
      c.imagePullPolicy ?? ((/:[^/]+$/.test(image.replace(/@.*$/, '')) && !/:latest$/.test(image)) || image.includes('@') ? 'IfNotPresent' : 'Always');
    const ahead = st.imageStatusAhead?.get(image);
    st.imageStatusAhead?.delete(image);
    const present = await (ahead ?? this.rt(this.o.runtime.imageStatus(image), 'imageStatus'));
    if (policy === 'Never') {
      if (present) return present;
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      rec.waiting = { reason: 'ErrImageNeverPull', message: msg };
      this.events.event(pod, 'Warning', 'ErrImageNeverPull', msg, { fieldPath });
      this.queue.addAfter(st.uid, this.o.settings.backoffBaseMs);
      return undefined;
    }
    if (present && policy === 'IfNotPresent') {
      this.events.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine and can be accessed by the pod`, { fieldPath });
      return present;
    }
    const key = `${st.uid}/${image}`;
    if (rec.pullFailedAt !== undefined) {
      const remaining = this.pullBackoff.remaining(key, rec.pullFailedAt);
      if (remaining > 0) {
        rec.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${rec.pullError}` };
        this.events.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, { fieldPath });
        this.events.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', { fieldPath });
        this.queue.addAfter(st.uid, remaining + 5);
        return undefined;
      }
    }
    this.events.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, { fieldPath });
    // a pull takes a while: show ContainerCreating meanwhile
    this.pushStatus(st);
    const t0 = Date.now();
    try {
      const info = await this.pull(image);
      rec.pullFailedAt = undefined;
      this.pullBackoff.reset(key);
      const d = goDuration(Date.now() - t0);
      this.events.event(
        pod,
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${d} (${d} including waiting). Image size: ${info.sizeBytes} bytes.`,
        { fieldPath },
      );
      return info;
    } catch (err) {
      const raw = (err as Error).message;
      const prefix = `Failed to pull image "${image}": `;
      const msg = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
      this.events.event(pod, 'Warning', 'Failed', `${prefix}${msg}`, { fieldPath });
      this.events.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', { fieldPath });
      rec.waiting = { reason: 'ErrImagePull', message: msg };
      rec.pullError = msg;
      rec.pullFailedAt = Date.now();
      this.pullBackoff.next(key);
      // the next sync comes soon and finds the back-off: the status shows ImagePullBackOff for most of the wait
      this.queue.addAfter(st.uid, Math.min(1000, this.pullBackoff.delay(key) / 2));
      return undefined;
    }
  }

  /** concurrent pulls of one image on a node share one runtime pull */
  private pull(image: string): Promise<ImageInfo> {
    let p = this.pulls.get(image);
    if (!p) {
      p = this.rt(this.o.runtime.pullImage(image), 'pullImage').finally(() => this.pulls.delete(image));
      this.pulls.set(image, p);
    }
    return p;
  }

  // ---- probes

  private startProbes(st: PodState, rec: ContainerRecord, c: Container): void {
    const id = rec.id!;
    const key = `${st.uid}/${c.name}/${id}`;
    const startedAt = rec.status?.startedAt ?? Date.now();
    const target = () =>
      st.sandboxId && rec.id === id
        ? {
            runtime: this.o.runtime,
            containerId: id,
            sandboxId: st.sandboxId,
            podIP: st.podIP ?? '',
            namedPort: (n: string) => (c.ports ?? []).find((p: ContainerPort) => p.name === n)?.containerPort,
          }
        : undefined;
    const run = (type: ProbeType, probe: Probe, gate: () => boolean) =>
      this.probes.start(key, type, probe, startedAt, target, (o) => this.onProbe(st, rec, c, id, o), gate);
    if (c.startupProbe) run('startup', c.startupProbe, () => !rec.started);
    if (c.livenessProbe) run('liveness', c.livenessProbe, () => rec.started);
    if (c.readinessProbe && (rec.kind === 'regular' || rec.sidecar)) run('readiness', c.readinessProbe, () => rec.started);
  }

  private onProbe(st: PodState, rec: ContainerRecord, c: Container, id: string, o: ProbeOutcome): void {
    if (rec.id !== id || st.terminating || !this.powered) return;
    const pod = st.pod;
    const fp = this.fieldPath(rec);
    const label = o.type === 'liveness' ? 'Liveness' : o.type === 'readiness' ? 'Readiness' : 'Startup';
    if (o.message !== undefined) this.events.event(pod, 'Warning', 'Unhealthy', `${label} probe failed: ${o.message}`, { fieldPath: fp });
    if (o.type === 'readiness') {
      const ready = o.healthy === true;
      if (ready !== rec.ready) {
        rec.ready = ready;
        this.pushStatus(st);
      }
      return;
    }
    if (o.type === 'startup' && o.healthy === true && !rec.started) {
      rec.started = true;
      rec.ready = !c.readinessProbe && (rec.kind === 'regular' || rec.sidecar);
      this.pushStatus(st);
      this.queue.add(st.uid);
      return;
    }
    if (o.healthy === false && o.message !== undefined && !rec.killedForRestart) {
      rec.killedForRestart = true;
      rec.ready = false;
      this.events.event(pod, 'Normal', 'Killing', `Container ${c.name} failed ${o.type} probe, will be restarted`, { fieldPath: fp });
      this.pushStatus(st);
      const probe = o.type === 'liveness' ? c.livenessProbe : c.startupProbe;
      const grace = probe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      void this.bestEffort(this.rt(this.o.runtime.stopContainer(id, grace), 'stopContainer'), `stopping container ${id} of ${st.pod.metadata.name}`).finally(
        () => this.queue.add(st.uid),
      );
    }
  }

  // ---- termination

  private beginTermination(st: PodState, deleteFromApi: boolean): void {
    if (st.terminating) return;
    st.terminating = this.terminate(st, deleteFromApi).catch((err) => {
      this.log(`terminating ${st.pod.metadata.name}: ${(err as Error).message}`);
      st.terminating = undefined;
      this.queue.addAfter(st.uid, 1000);
    });
  }

  private async terminate(st: PodState, deleteFromApi: boolean): Promise<void> {
    const pod = st.pod;
    const spec = pod.spec ?? {};
    const grace = Math.max(0, pod.metadata.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30);
    const deadline = Date.now() + grace * 1000;
    this.probes.stop(`${st.uid}/`);
    await this.bestEffort(this.refreshContainers(st), `reading the containers of ${st.pod.metadata.name}`);
    const remaining = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    const kill = async (c: Container, kind: 'init' | 'regular') => {
      const rec = st.containers.get(c.name);
      if (!rec?.id || rec.status?.state !== 'running') return;
      this.events.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, { fieldPath: this.fieldPath(rec) });
      if (c.lifecycle?.preStop && grace > 0) {
        const msg = await runHook(
          c.lifecycle.preStop,
          { runtime: this.o.runtime, containerId: rec.id, sandboxId: st.sandboxId!, podIP: st.podIP ?? '' },
          remaining(),
        );
        if (msg) this.events.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${msg}`, { fieldPath: this.fieldPath(rec) });
      }
      void kind;
      await this.bestEffort(
        withTimeout(this.o.runtime.stopContainer(rec.id, remaining()), (remaining() + 10) * 1000, 'stopContainer'),
        `stopping ${rec.name} of ${pod.metadata.name}`,
      );
    };
    if (!st.rejected) {
      await Promise.all([...(spec.ephemeralContainers ?? []), ...(spec.containers ?? [])].map((c: Container) => kill(c, 'regular')));
      await Promise.all((spec.initContainers ?? []).filter((c: Container) => c.restartPolicy !== 'Always').map((c: Container) => kill(c, 'init')));
      for (const c of [...(spec.initContainers ?? [])].filter((x: Container) => x.restartPolicy === 'Always').reverse()) await kill(c, 'init');
    }
    if (st.sandboxId) {
      const sb = st.sandboxId;
      await this.bestEffort(this.rt(this.o.runtime.stopPodSandbox(sb), 'stopPodSandbox'), `stopping the sandbox of ${pod.metadata.name}`);
      await this.bestEffort(this.rt(this.o.runtime.removePodSandbox(sb), 'removePodSandbox'), `removing the sandbox of ${pod.metadata.name}`);
      this.sandboxes.delete(sb);
    }
    await this.bestEffort(this.volumes.teardown(pod), `tearing down the volumes of ${pod.metadata.name}`);
    this.ipam.release(st.uid);
    // a static pod whose manifest went takes its mirror with it
    if (st.static && st.gone) await this.bestEffort(this.mirrors.drop(st.uid), `deleting the mirror pod of ${pod.metadata.name}`);
    if (deleteFromApi) {
      try {
        await this.o.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: st.uid } });
      } catch (err) {
        if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
    this.states.delete(st.uid);
    this.statusWriter.forget(st.uid);
    this.crashBackoff.resetPrefix(st.uid + '/');
    this.pullBackoff.resetPrefix(st.uid + '/');
    await this.bestEffort(
      Promise.all([
        fs.promises.rm(path.join(this.o.nodeDir, 'logs', `${pod.metadata.namespace}_${pod.metadata.name}_${st.uid}`), { recursive: true, force: true }),
        fs.promises.rm(this.volumes.podDir(st.uid), { recursive: true, force: true }),
      ]),
      `removing the directories of ${pod.metadata.name}`,
    );
  }

  // ---- periodic work

  private async refreshVolumes(): Promise<void> {
    if (!this.powered || this.stopped) return;
    for (const st of this.states.values()) {
      if (!st.mounted || st.terminating || st.finalPhase) continue;
      await this.bestEffort(this.volumes.refresh(st.pod, st.mounted), `refreshing the volumes of ${st.pod.metadata.name}`);
    }
  }

  /** images on this node, for Node.status.images */
  async nodeImages(): Promise<{ names: string[]; sizeBytes: number }[]> {
    const list = await this.o.runtime.listImages();
    return list.map((i) => ({ names: [i.digest, i.ref], sizeBytes: i.sizeBytes })).sort((a, b) => b.sizeBytes - a.sizeBytes);
  }

  /** phase as the kubelet sees it (tests, UI) */
  phaseOf(uid: string): string | undefined {
    const st = this.states.get(uid);
    return st && computePhase(st);
  }
}

/** containers' hostPorts as CRI port mappings (the kubelet hands them to the runtime, which hands them to CNI) */
function hostPortMappings(spec: any): { containerPort: number; hostPort: number; protocol: 'TCP' | 'UDP' | 'SCTP'; hostIP?: string }[] {
  return (spec.containers ?? []).flatMap((c: any) =>
    (c.ports ?? [])
      .filter((p: any) => p.hostPort > 0)
      .map((p: any) => ({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol ?? 'TCP', ...(p.hostIP ? { hostIP: p.hostIP } : {}) })),
  );
}

function safe(fn: () => number): number {
  try {
    return fn();
  } catch {
    return 0;
  }
}
