// The live picture the cluster view draws: informers (list + watch, like any other API client) on nodes, pods,
// events and the storage objects; every change schedules one coalesced snapshot for the subscribers.
import { execFile } from 'node:child_process';
import { stringify } from 'yaml';
import { createInformerFactory, nodeGraceFromEnv, R, SNAPSHOT_R, type Cluster, type Informer, type InformerFactory, type KObject } from '../cluster';
import type { ClusterSnapshot, EventView, ObjectDetails, ObjectRef } from './ipc-contract';
import { eventView, nodeView, podView, serviceView } from './pod-status';
import { storageSnapshot } from './storage-view';

/** the kinds the view's drawer opens, by the resource kubectl and the API know them as */
const OBJECT_KINDS: Record<ObjectRef['kind'], (typeof R)[keyof typeof R]> = {
  Pod: R.pods,
  Node: R.nodes,
  PersistentVolumeClaim: R.persistentvolumeclaims,
  PersistentVolume: R.persistentvolumes,
};
const clusterScoped = (ref: ObjectRef) => ref.kind === 'Node' || ref.kind === 'PersistentVolume';

export const UI_USER = { name: 'kubelab-admin', groups: ['system:masters'] };
const MAX_EVENTS = 200;

export class ClusterView {
  private factory: InformerFactory;
  private nodes: Informer;
  private pods: Informer;
  private events: Informer;
  private services: Informer;
  private offHostPorts?: () => void;
  private slices: Informer;
  private storage: Record<'claims' | 'volumes' | 'classes' | 'snapshots' | 'attachments', Informer>;
  private timer: NodeJS.Timeout | undefined;
  private subscribers = new Set<(s: ClusterSnapshot) => void>();

  constructor(
    private cluster: Cluster,
    private kubectl: () => string | null,
    private coalesceMs = 100,
  ) {
    this.factory = createInformerFactory(cluster.client(UI_USER, 'kubelab-ui'));
    this.nodes = this.factory.informer(R.nodes);
    this.pods = this.factory.informer(R.pods);
    this.events = this.factory.informer(R.events);
    this.services = this.factory.informer(R.services);
    this.slices = this.factory.informer(R.endpointslices);
    this.storage = {
      claims: this.factory.informer(R.persistentvolumeclaims),
      volumes: this.factory.informer(R.persistentvolumes),
      classes: this.factory.informer(R.storageclasses),
      snapshots: this.factory.informer(SNAPSHOT_R.volumesnapshots),
      attachments: this.factory.informer(R.volumeattachments),
    };
    for (const inf of [this.nodes, this.pods, this.events, this.services, this.slices, ...Object.values(this.storage)]) {
      inf.onAdd(() => this.changed());
      inf.onUpdate(() => this.changed());
      inf.onDelete(() => this.changed());
    }
    this.offHostPorts = cluster.nodes.clusterNetwork?.hostAccess?.onChange(() => this.changed());
    this.factory.start();
  }

  async synced(): Promise<void> {
    // not the snapshots: their kind is a CRD an administrator may delete, and the view must not wait for it forever
    const { snapshots: _optional, ...core } = this.storage;
    await Promise.all([
      this.nodes.synced(),
      this.pods.synced(),
      this.events.synced(),
      this.services.synced(),
      this.slices.synced(),
      ...Object.values(core).map((i) => i.synced()),
    ]);
  }

  snapshot(): ClusterSnapshot {
    const byName = (a: KObject, b: KObject) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
    const events = this.events
      .list()
      .map(eventView)
      .sort((a, b) => b.time.localeCompare(a.time))
      .slice(0, MAX_EVENTS);
    const pods = this.pods.list();
    const st = this.storage;
    return {
      nodes: this.nodes.list().sort(byName).map(nodeView),
      nodeGraceSeconds: Math.round(nodeGraceFromEnv() / 1000),
      pods: [...pods].sort(byName).map(podView),
      events,
      services: this.services
        .list()
        .sort(byName)
        .map((s) =>
          serviceView(
            s,
            this.slices.list(s.metadata.namespace).filter((sl) => sl.metadata.labels?.['kubernetes.io/service-name'] === s.metadata.name),
          ),
        ),
      hostPorts: (this.cluster.nodes.clusterNetwork?.hostAccess?.published() ?? []).map(({ service, nodePort, url, entry }) => ({
        service,
        nodePort,
        url,
        ...(entry ? { entry } : {}),
      })),
      storage: storageSnapshot({
        claims: st.claims.list(),
        volumes: st.volumes.list(),
        classes: st.classes.list(),
        snapshots: st.snapshots.list(),
        attachments: st.attachments.list(),
        pods,
      }),
    };
  }

  subscribe(fn: (s: ClusterSnapshot) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  private changed(): void {
    if (this.timer || this.subscribers.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const s = this.snapshot();
      for (const fn of this.subscribers) fn(s);
    }, this.coalesceMs);
  }

  eventsFor(ref: ObjectRef): EventView[] {
    return this.events
      .list(clusterScoped(ref) ? undefined : ref.namespace)
      .filter((e: any) => (e.involvedObject ?? e.regarding)?.kind === ref.kind && (e.involvedObject ?? e.regarding)?.name === ref.name)
      .map(eventView)
      .sort((a, b) => a.time.localeCompare(b.time));
  }

  async details(ref: ObjectRef): Promise<ObjectDetails> {
    const client = this.cluster.client(UI_USER, 'kubelab-ui');
    const gvr = OBJECT_KINDS[ref.kind];
    if (!gvr) throw new Error(`the cluster view shows no objects of kind ${JSON.stringify(ref.kind)}`);
    const obj = await client.get(gvr, clusterScoped(ref) ? undefined : ref.namespace, ref.name);
    const { managedFields: _m, ...metadata } = obj.metadata as any;
    const yaml = stringify({ ...obj, metadata });
    const nsArgs = clusterScoped(ref) ? [] : ['-n', ref.namespace ?? 'default'];
    // describe and logs are exactly what kubectl prints; it runs as a child process (never synchronously:
    // the API server it talks to lives in this process)
    const describe = await this.runKubectl(['describe', ref.kind.toLowerCase(), ref.name, ...nsArgs]).catch((e: Error) => e.message);
    const logs =
      ref.kind === 'Pod' ? await this.runKubectl(['logs', ref.name, ...nsArgs, '--all-containers', '--tail=200']).catch((e: Error) => e.message) : undefined;
    return { yaml, describe, events: this.eventsFor(ref), logs };
  }

  private runKubectl(args: string[]): Promise<string> {
    const bin = this.kubectl();
    if (!bin) return Promise.reject(new Error('kubectl was not found (bundled or on PATH)'));
    return new Promise((res, rej) => {
      execFile(bin, args, { env: { ...process.env, KUBECONFIG: this.cluster.kubeconfigPath }, timeout: 15_000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
        if (err && !stdout) rej(new Error(stderr.trim() || err.message));
        else res(stdout);
      });
    });
  }

  stop(): void {
    this.offHostPorts?.();
    if (this.timer) clearTimeout(this.timer);
    this.subscribers.clear();
    this.factory.stop();
  }
}
