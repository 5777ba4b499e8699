// The kubelet's side of mirror pods: which mirror in the API stands for which static pod, deleting mirrors that
// stand for none, and — when a static pod syncs — removing a deleted (or deleting) mirror at once and creating it
// again, as the kubelet does. The static pod itself keeps running throughout.
import type { Client } from '../../client/types';
import { R } from '../../client/resources';
import { StatusError } from '../../api/errors';
import type { KObject } from '../../api/types';
import { mirrorHash, mirrorPodFor } from './static-pod';

export interface MirrorPodHooks {
  client: Client;
  nodeName: string;
  node(): KObject | undefined;
  /** whether this kubelet runs a static pod with that UID (config hash) */
  isStatic(uid: string): boolean;
  /** sync the static pod again (now, or after delayMs) */
  requeue(uid: string, delayMs?: number): void;
  /** a mirror appeared for the static pod: its status can be written now */
  mirrorAppeared(uid: string): void;
  /** a mirror went: forget what was written to it */
  mirrorGone(mirrorUid: string): void;
  log(msg: string): void;
}

export class MirrorPods {
  /** the API's mirror of each static pod, by the static pod's UID */
  private readonly mirrors = new Map<string, KObject>();

  constructor(private readonly h: MirrorPodHooks) {}

  get(staticUid: string): KObject | undefined {
    return this.mirrors.get(staticUid);
  }

  /** the API source saw a mirror pod added or updated */
  seen(pod: KObject): void {
    const hash = mirrorHash(pod)!;
    if (!this.h.isStatic(hash)) {
      // a mirror of no static pod here (its manifest changed or went): the kubelet removes it
      void this.remove(pod).catch((err) =>
        this.h.log(`deleting orphaned mirror pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`),
      );
      return;
    }
    const known = this.mirrors.get(hash)?.metadata.uid === pod.metadata.uid;
    this.mirrors.set(hash, pod);
    if (pod.metadata.deletionTimestamp) this.h.requeue(hash);
    else if (!known) this.h.mirrorAppeared(hash);
  }

  /** the API source saw a mirror pod go */
  gone(pod: KObject): void {
    const hash = mirrorHash(pod)!;
    if (this.mirrors.get(hash)?.metadata.uid !== pod.metadata.uid) return;
    this.mirrors.delete(hash);
    this.h.mirrorGone(pod.metadata.uid!);
    this.h.requeue(hash);
  }

  /** makes sure the static pod has a live mirror */
  async sync(staticPod: KObject): Promise<void> {
    const uid = staticPod.metadata.uid!;
    let mirror = this.mirrors.get(uid);
    if (mirror?.metadata.deletionTimestamp) {
      await this.remove(mirror);
      this.mirrors.delete(uid);
      this.h.mirrorGone(mirror.metadata.uid!);
      mirror = undefined;
    }
    if (mirror) return;
    let node = this.h.node();
    if (!node?.metadata.uid) node = await this.h.client.get(R.nodes, undefined, this.h.nodeName);
    try {
      const created = await this.h.client.create(
        R.pods,
        staticPod.metadata.namespace,
        mirrorPodFor(staticPod, { name: this.h.nodeName, uid: node.metadata.uid! }),
      );
      if (!this.mirrors.has(uid)) this.mirrors.set(uid, created);
    } catch (err) {
      // a pod of that name that is not (yet) our mirror: try again once the API source has sorted it out
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      this.h.requeue(uid, 1000);
    }
  }

  /** the static pod is gone (its manifest was removed): its mirror is deleted */
  async drop(staticUid: string): Promise<void> {
    const mirror = this.mirrors.get(staticUid);
    if (!mirror) return;
    this.mirrors.delete(staticUid);
    await this.remove(mirror);
    this.h.mirrorGone(mirror.metadata.uid!);
  }

  private async remove(pod: KObject): Promise<void> {
    try {
      await this.h.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid! } });
    } catch (err) {
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    }
  }
}
