// The live picture the cluster view draws: informers (list + watch, like any other API client) on nodes, pods and
// events; every change schedules one coalesced snapshot for the subscribers.
import { execFile } from 'node:child_process';
import { stringify } from 'yaml';
import { createInformerFactory, R, type Cluster, type Informer, type InformerFactory, type KObject } from '../cluster';
import type { ClusterSnapshot, EventView, ObjectDetails, ObjectRef } from './ipc-contract';
import { eventView, nodeView, podView, serviceView } from './pod-status';

export const UI_USER = { name: 'kubelab-admin', groups: ['system:masters'] };
const MAX_EVENTS = 200;

export class ClusterView {
  private factory: InformerFactory;
  private nodes: Informer;
  private pods: Informer;
  private events: Informer;
  private services: Informer;
  private slices: Informer;
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
    for (const inf of [this.nodes, this.pods, this.events, this.services, this.slices]) {
      inf.onAdd(() => this.changed());
      inf.onUpdate(() => this.changed());
      inf.onDelete(() => this.changed());
    }
    this.factory.start();
  }

  async synced(): Promise<void> {
    await Promise.all([this.nodes.synced(), this.pods.synced(), this.events.synced(), this.services.synced(), this.slices.synced()]);
  }

  snapshot(): ClusterSnapshot {
    const byName = (a: KObject, b: KObject) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
    const events = this.events
      .list()
      .map(eventView)
      .sort((a, b) => b.time.localeCompare(a.time))
      .slice(0, MAX_EVENTS);
    return {
      nodes: this.nodes.list().sort(byName).map(nodeView),
      pods: this.pods.list().sort(byName).map(podView),
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
      .list(ref.kind === 'Node' ? undefined : ref.namespace)
      .filter((e: any) => (e.involvedObject ?? e.regarding)?.kind === ref.kind && (e.involvedObject ?? e.regarding)?.name === ref.name)
      .map(eventView)
      .sort((a, b) => a.time.localeCompare(b.time));
  }

  async details(ref: ObjectRef): Promise<ObjectDetails> {
    const client = this.cluster.client(UI_USER, 'kubelab-ui');
    const gvr = ref.kind === 'Pod' ? R.pods : R.nodes;
    const obj = await client.get(gvr, ref.kind === 'Pod' ? ref.namespace : undefined, ref.name);
    const { managedFields: _m, ...metadata } = obj.metadata as any;
    const yaml = stringify({ ...obj, metadata });
    const nsArgs = ref.kind === 'Pod' ? ['-n', ref.namespace ?? 'default'] : [];
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
    if (this.timer) clearTimeout(this.timer);
    this.subscribers.clear();
    this.factory.stop();
  }
}
