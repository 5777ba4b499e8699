// The scheduler's cache: bound pods from the informer plus pods assumed on a node while their binding is in flight,
// so a burst of pods never overcommits a node.
import { podKey, type PodInfo } from './pod-info';
import { ClusterSnapshot } from './snapshot';
import type { Pod } from './types';

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class SchedulerCache extends ClusterSnapshot {
  private readonly assumed = new Set<string>();
  /** wired to the queue so filters respect preemptors' claims */
  nominatedLookup: (node: string) => PodInfo[] = () => [];

  nominatedPods(node: string): PodInfo[] {
    return this.nominatedLookup(node);
  }

  assume(pod: Pod, nodeName: string): void {
    this.addPod({ ...pod, spec: { ...pod.spec!, nodeName } }, nodeName);
    this.assumed.add(podKey(pod));
  }

  /** Undo an assumption after a failed binding. */
  forget(key: string): void {
    if (!this.assumed.delete(key)) return;
    this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** Informer add/update: count bound, non-terminal pods on their node. Returns whether the pod is counted. */
  observePod(pod: Pod): boolean {
    const key = podKey(pod);
    const node = pod.spec?.nodeName;
    if (node && !isTerminal(pod)) {
      this.addPod(pod, node);
      this.assumed.delete(key);
      return true;
    }
    // still pending (e.g. our own status patch echoing back while binding is in flight): keep the assumption
    if (!this.assumed.has(key)) this.removePod(key);
    return false;
  }

  /** Informer delete. Returns whether the pod had been counted on a node. */
  forgetPod(pod: Pod): boolean {
    const key = podKey(pod);
    this.assumed.delete(key);
    return this.removePod(key) !== undefined;
  }
}
