// The scheduling queue: activeQ (priority, then age), backoffQ (1s doubling to 10s) and the unschedulable pool,
// from which cluster events that could help a pod move it back.
import { Heap } from './heap';
import { podInfo, podKey, type PodInfo } from './pod-info';
import type { Pod } from './types';

export interface QueuedPod {
  pod: Pod;
  key: string;
  /** when the pod first entered the queue (activeQ tie-break) */
  timestamp: number;
  attempts: number;
  /** when the last failed attempt ended */
  lastFailure: number;
  /** plugins that rejected it last time; empty means "any event may help" */
  rejectedBy: Set<string>;
  /** heap entries for this pod carry the generation they were pushed with; stale ones are skipped */
  gen: number;
  /** the last attempt ended in an error (e.g. binding failed): its backoff is always honoured */
  errored: boolean;
}

/** A change in the cluster, named after the plugins whose verdict it can flip (upstream's ClusterEvent + hints). */
export interface ClusterEvent {
  label: string;
  /** plugins that could now accept pods they rejected; undefined = every plugin */
  plugins?: Set<string>;
}

export interface QueueOptions {
  now?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** pods left in the unschedulable pool longer than this are retried anyway (upstream: 5 min) */
  maxUnschedulableMs?: number;
}

type Where = 'active' | 'backoff' | 'unschedulable' | 'inflight' | 'binding';

export class SchedulingQueue {
  private readonly now: () => number;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxUnschedulable: number;
  private readonly pods = new Map<string, { qp: QueuedPod; where: Where }>();
  private readonly active: Heap<QueuedPod>;
  private readonly backoff: Heap<QueuedPod>;
  private readonly nominated = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedOf = new Map<string, string>();
  private gen = 0;
  /** called whenever something becomes poppable */
  onReady: () => void = () => {};

  constructor(o: QueueOptions = {}) {
    this.now = o.now ?? Date.now;
    this.initialBackoff = o.initialBackoffMs ?? 1000;
    this.maxBackoff = o.maxBackoffMs ?? 10_000;
    this.maxUnschedulable = o.maxUnschedulableMs ?? 5 * 60_000;
    const prio = (p: QueuedPod) => p.pod.spec?.priority ?? 0;
    this.active = new Heap((a, b) => (prio(a) !== prio(b) ? prio(a) > prio(b) : a.timestamp < b.timestamp));
    this.backoff = new Heap((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  backoffDuration(qp: QueuedPod): number {
    let d = this.initialBackoff;
    for (let i = 1; i < qp.attempts && d < this.maxBackoff; i++) d *= 2;
    return Math.min(d, this.maxBackoff);
  }

  private backoffExpiry(qp: QueuedPod): number {
    return qp.lastFailure + this.backoffDuration(qp);
  }

  private put(qp: QueuedPod, where: Where): void {
    qp.gen = ++this.gen;
    this.pods.set(qp.key, { qp, where });
    if (where === 'active') {
      this.active.push(qp);
      this.onReady();
    }
    if (where === 'backoff') {
      this.backoff.push(qp);
      this.onReady();
    }
  }

  private live(qp: QueuedPod, where: Where): boolean {
    const e = this.pods.get(qp.key);
    return !!e && e.qp === qp && e.where === where && e.qp.gen === qp.gen;
  }

  has(key: string): boolean {
    return this.pods.has(key);
  }
  whereIs(key: string): Where | undefined {
    return this.pods.get(key)?.where;
  }

  add(pod: Pod): void {
    const key = podKey(pod);
    const e = this.pods.get(key);
    if (e) {
      e.qp.pod = pod;
      return;
    }
    this.put({ pod, key, timestamp: this.now(), attempts: 0, lastFailure: 0, rejectedBy: new Set(), gen: 0, errored: false }, 'active');
    this.updateNomination(pod);
  }

  /** The pod object changed. A spec/label change may make an unschedulable pod schedulable: retry it. */
  update(oldPod: Pod, pod: Pod): void {
    const e = this.pods.get(podKey(pod));
    if (!e) return this.add(pod);
    e.qp.pod = pod;
    this.updateNomination(pod);
    const relevant =
      JSON.stringify(oldPod.spec) !== JSON.stringify(pod.spec) || JSON.stringify(oldPod.metadata?.labels) !== JSON.stringify(pod.metadata?.labels);
    if (e.where === 'unschedulable' && relevant) this.requeue(e.qp);
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.pods.delete(key);
    this.clearNomination(key);
  }

  /** Next pod to try: activeQ first; when it is empty, the backoffQ head even if still backing off (1.33's SchedulerPopFromBackoffQ). */
  pop(): QueuedPod | undefined {
    this.flushBackoff();
    for (let qp = this.active.pop(); qp; qp = this.active.pop()) {
      if (this.live(qp, 'active')) return this.take(qp);
    }
    // rejected-by-plugin pods may skip the rest of their backoff when nothing else is waiting; errored ones may not
    let early: QueuedPod | undefined;
    for (const { qp, where } of this.pods.values()) {
      if (where === 'backoff' && !qp.errored && (!early || this.backoffExpiry(qp) < this.backoffExpiry(early))) early = qp;
    }
    return early ? this.take(early) : undefined;
  }

  private take(qp: QueuedPod): QueuedPod {
    this.pods.set(qp.key, { qp, where: 'inflight' });
    qp.attempts++;
    return qp;
  }

  /** The attempt ended without a decision to bind: park the pod until an event (or timeout) helps. */
  failed(qp: QueuedPod, rejectedBy: Set<string>, opts: { error?: boolean } = {}): void {
    if (!this.live(qp, 'inflight') && !this.live(qp, 'binding')) return; // deleted or bound meanwhile
    qp.lastFailure = this.now();
    qp.rejectedBy = rejectedBy;
    qp.errored = !!opts.error;
    this.put(qp, opts.error ? 'backoff' : 'unschedulable');
  }

  /** A node was chosen; the pod waits for its binding call (a failed binding comes back through failed()). */
  binding(qp: QueuedPod): void {
    if (this.live(qp, 'inflight')) this.pods.set(qp.key, { qp, where: 'binding' });
  }

  /** The pod left the scheduler's hands (bound, or deleted). */
  done(key: string): void {
    this.pods.delete(key);
    this.clearNomination(key);
  }

  /** Moves unschedulable pods that the event could help to activeQ, or backoffQ while their backoff runs. */
  moveOnEvent(ev: ClusterEvent): number {
    let moved = 0;
    for (const { qp, where } of [...this.pods.values()]) {
      if (where !== 'unschedulable') continue;
      if (ev.plugins && qp.rejectedBy.size > 0 && ![...qp.rejectedBy].some((p) => ev.plugins!.has(p))) continue;
      this.requeue(qp);
      moved++;
    }
    return moved;
  }

  private requeue(qp: QueuedPod): void {
    this.put(qp, this.backoffExpiry(qp) > this.now() ? 'backoff' : 'active');
  }

  /** backoffQ → activeQ for expired backoffs; pods stuck unschedulable too long get another try. */
  flushBackoff(): void {
    const now = this.now();
    for (let qp = this.backoff.peek(); qp && (this.backoffExpiry(qp) <= now || !this.live(qp, 'backoff')); qp = this.backoff.peek()) {
      this.backoff.pop();
      if (this.live(qp, 'backoff')) this.put(qp, 'active');
    }
  }

  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const { qp, where } of [...this.pods.values()]) {
      if (where === 'unschedulable' && now - qp.lastFailure >= this.maxUnschedulable) this.requeue(qp);
    }
  }

  /** ms until the earliest backoff expires (for the run loop's timer) */
  nextBackoffIn(): number | undefined {
    const qp = this.backoff.peek();
    return qp ? Math.max(0, this.backoffExpiry(qp) - this.now()) : undefined;
  }

  counts(): Record<Where, number> {
    const c: Record<Where, number> = { active: 0, backoff: 0, unschedulable: 0, inflight: 0, binding: 0 };
    for (const e of this.pods.values()) c[e.where]++;
    return c;
  }

  // Nominated pods: a preemptor's claim on the node it evicted victims from.
  private updateNomination(pod: Pod): void {
    const key = podKey(pod);
    const node = pod.status?.nominatedNodeName;
    this.clearNomination(key);
    if (!node) return;
    let m = this.nominated.get(node);
    if (!m) this.nominated.set(node, (m = new Map()));
    m.set(key, podInfo(pod));
    this.nominatedOf.set(key, node);
  }

  nominate(pod: Pod, node: string | null): void {
    this.updateNomination({ ...pod, status: { ...(pod.status ?? {}), nominatedNodeName: node ?? undefined } });
  }

  private clearNomination(key: string): void {
    const node = this.nominatedOf.get(key);
    if (node === undefined) return;
    this.nominatedOf.delete(key);
    this.nominated.get(node)?.delete(key);
  }

  nominatedPods(node: string): PodInfo[] {
    const m = this.nominated.get(node);
    return m ? [...m.values()] : [];
  }
}
