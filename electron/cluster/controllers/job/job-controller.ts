// The Job controller (upstream pkg/controller/job): runs pods to completion with parallelism/completions,
// NonIndexed and Indexed modes, pod-failure back-off and backoffLimit, activeDeadlineSeconds, podFailurePolicy
// and suspend. Finished pods are counted through the tracking finalizer and status.uncountedTerminatedPods, and
// the terminal condition comes in two steps (SuccessCriteriaMet→Complete, FailureTarget→Failed) as in 1.33.
//
// Each sync reads the Job and its pods straight from the API server instead of the informer caches, so a sync
// never acts on a cache that has not yet seen the pods it created (upstream needs "expectations" for that).
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { EventRecorder } from '../../client/event-recorder';
import { isStatus } from '../../client/errors';
import { rfc3339 } from '../../api/time';
import { clone } from '../../api/object';
import { BackoffStore, backoffConfigFromEnv, type BackoffConfig } from './backoff';
import { buildJobPod, JOB_TRACKING_FINALIZER } from './job-pod';
import { completionIndexOf, formatIndexes, parseIndexes } from './indexes';
import { matchPodFailurePolicy } from './pod-failure-policy';
import { activePodsForRemoval } from './pod-ranking';
import { isPodReady, isPodTerminal } from '../replicaset/pod-helpers';
import type { JobCondition, JobStatus } from 'kubernetes-types/batch/v1';

export interface JobControllerOptions {
  now?: () => Date;
  backoff?: BackoffConfig;
  workers?: number;
  /** where failures the controller retries are reported (default: stderr) */
  log?: (line: string) => void;
}

interface Cond {
  type: string;
  reason: string;
  message: string;
}

const MAX_POD_CREATE_PER_SYNC = 500;

export const hasTrueCondition = (job: KObject, type: string): boolean =>
  (job.status?.conditions ?? []).some((c: JobCondition) => c.type === type && c.status === 'True');

export function isJobFinished(job: KObject): boolean {
  return hasTrueCondition(job, 'Complete') || hasTrueCondition(job, 'Failed');
}

function controllerUid(o: KObject): string | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Job')?.uid;
}
const hasFinalizer = (p: KObject) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);

export function startJobController(client: Client, informers: InformerFactory, opts: JobControllerOptions = {}): { stop(): void } {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const jobs = informers.informer(R.jobs);
  const pods = informers.informer(R.pods);
  const recorder = new EventRecorder(client, { component: 'job-controller', now });
  const backoff = new BackoffStore(opts.backoff ?? backoffConfigFromEnv());
  // upstream's DefaultJobApiBackOff and MaxJobApiBackOff: a Job whose pods cannot be created or released is
  // retried at 1 s, 2 s, 4 s … up to a minute, never in a tight loop
  const queue = new WorkQueue((key) => syncJob(key), { workers: opts.workers ?? 4, name: 'job', baseDelayMs: 1000, maxDelayMs: 60_000 });

  jobs.onAdd((j) => queue.add(objectKey(j)));
  jobs.onUpdate((_a, j) => queue.add(objectKey(j)));
  jobs.onDelete((j) => queue.add(objectKey(j)));
  const podChanged = (p: KObject) => {
    const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Job');
    if (ref) queue.add(`${p.metadata.namespace}/${ref.name}`);
  };
  pods.onAdd(podChanged);
  pods.onUpdate((_a, p) => podChanged(p));
  pods.onDelete(podChanged);

  /**
   * Drops the tracking finalizer. A moved finalizer list (the JSON patch's test fails, or a conflict) is read
   * again and tried once more; anything else — e.g. a pod the API server no longer accepts updates of — is a
   * failure the caller retries with the queue's back-off, never on the spot.
   */
  async function removeFinalizer(pod: KObject, retried = false): Promise<boolean> {
    const i = (pod.metadata.finalizers ?? []).indexOf(JOB_TRACKING_FINALIZER);
    if (i < 0) return true;
    try {
      await client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'json', [
        { op: 'test', path: `/metadata/finalizers/${i}`, value: JOB_TRACKING_FINALIZER },
        { op: 'remove', path: `/metadata/finalizers/${i}` },
      ]);
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return true;
      if (!retried && isStatus(err, 409, 422)) {
        try {
          const fresh = await client.get(R.pods, pod.metadata.namespace, pod.metadata.name!);
          if (!hasFinalizer(fresh)) return true;
          const again = fresh.metadata.finalizers!.indexOf(JOB_TRACKING_FINALIZER);
          // the same list as before means the patch itself was refused: trying it again cannot help
          if (again === i && fresh.metadata.resourceVersion === pod.metadata.resourceVersion) return failed(pod, err);
          return await removeFinalizer(fresh, true);
        } catch (e2) {
          return isStatus(e2, 404) || failed(pod, e2);
        }
      }
      return failed(pod, err);
    }
  }

  function failed(pod: KObject, err: unknown): false {
    log(`job-controller: removing finalizer ${JOB_TRACKING_FINALIZER} from pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`);
    return false;
  }

  async function deletePod(job: KObject, pod: KObject): Promise<boolean> {
    try {
      await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!);
      recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return true;
      recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      return false;
    }
  }

  async function syncJob(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    let job: KObject;
    try {
      job = await client.get(R.jobs, ns, name);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      backoff.forget(key);
      await releaseOrphans((await client.list(R.pods, ns)).items, name, undefined);
      return;
    }
    const all = (await client.list(R.pods, ns)).items;
    await releaseOrphans(all, name, job.metadata.uid);
    const jobPods = all.filter((p) => controllerUid(p) === job.metadata.uid);

    if (isJobFinished(job)) {
      await Promise.all(jobPods.filter(hasFinalizer).map((p) => removeFinalizer(p)));
      return;
    }
    await syncRunningJob(key, job, jobPods);
  }

  /**
   * pods of a deleted (or recreated) Job keep no tracking finalizer, or they could never go away; a removal that
   * fails makes the sync fail, so the key comes back with growing back-off
   */
  async function releaseOrphans(all: KObject[], jobName: string, liveUid: string | undefined): Promise<void> {
    const stale = all.filter((p) => {
      const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Job');
      return ref && ref.name === jobName && ref.uid !== liveUid && hasFinalizer(p);
    });
    const released = await Promise.all(stale.map((p) => removeFinalizer(p)));
    const left = released.filter((ok) => !ok).length;
    if (left) throw new Error(`${left} pod(s) of job ${jobName} still carry ${JOB_TRACKING_FINALIZER}`);
  }

  async function syncRunningJob(key: string, job: KObject, jobPods: KObject[]): Promise<void> {
    const spec = job.spec ?? {};
    const status: JobStatus = clone(job.status ?? {});
    const nowD = now();
    const indexed = spec.completionMode === 'Indexed';
    const completions: number | undefined = spec.completions ?? undefined;
    const suspended = spec.suspend === true;
    const pfp = spec.podFailurePolicy;
    const onlyReplaceFailed = spec.podReplacementPolicy === 'Failed' || !!pfp;
    const isFailed = (p: KObject) => p.status?.phase === 'Failed' || (!onlyReplaceFailed && !!p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded');
    const validIndex = (p: KObject) => {
      const ix = completionIndexOf(p);
      return ix !== undefined && ix < (completions ?? 0);
    };

    const uncounted = {
      succeeded: new Set<string>(status.uncountedTerminatedPods?.succeeded ?? []),
      failed: new Set<string>(status.uncountedTerminatedPods?.failed ?? []),
    };
    const withFinalizer = new Set(jobPods.filter(hasFinalizer).map((p) => p.metadata.uid!));
    let activePods = jobPods.filter((p) => !isPodTerminal(p) && !p.metadata.deletionTimestamp);
    let terminating = jobPods.filter((p) => !!p.metadata.deletionTimestamp && !isPodTerminal(p)).length;
    let ready = activePods.filter(isPodReady).length;
    let active = activePods.length;

    const fresh = (p: KObject) =>
      hasFinalizer(p) && !uncounted.succeeded.has(p.metadata.uid!) && !uncounted.failed.has(p.metadata.uid!) && (!indexed || validIndex(p));
    const newSucceeded = jobPods.filter((p) => fresh(p) && p.status?.phase === 'Succeeded');
    const newFailed = jobPods.filter((p) => fresh(p) && isFailed(p));
    const countedNewFailed = pfp ? newFailed.filter((p) => matchPodFailurePolicy(pfp, p).countFailed) : newFailed;
    let succeeded = (status.succeeded ?? 0) + newSucceeded.length + uncounted.succeeded.size;
    const failed = (status.failed ?? 0) + countedNewFailed.length + uncounted.failed.size;

    if (!status.startTime && !suspended) status.startTime = rfc3339(nowD);

    let finished: Cond | undefined;
    const scm = (status.conditions ?? []).find((c: JobCondition) => c.type === 'SuccessCriteriaMet' && c.status === 'True');
    if (scm) finished = { type: 'SuccessCriteriaMet', reason: scm.reason ?? '', message: scm.message ?? '' };
    if (!finished) {
      const ft = (status.conditions ?? []).find((c: JobCondition) => c.type === 'FailureTarget' && c.status === 'True');
      if (ft) finished = { type: 'Failed', reason: ft.reason ?? '', message: ft.message ?? '' };
      else if (pfp) {
        for (const p of jobPods) {
          if (!isFailed(p)) continue;
          const m = matchPodFailurePolicy(pfp, p);
          if (m.failJobMessage) {
            finished = { type: 'FailureTarget', reason: 'PodFailurePolicy', message: m.failJobMessage };
            break;
          }
        }
      }
    }
    if (!finished) {
      if (failed > (spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, jobPods)) {
        finished = { type: 'FailureTarget', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
      } else if (spec.activeDeadlineSeconds != null && status.startTime && !suspended) {
        const left = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - nowD.getTime();
        if (left <= 0) finished = { type: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
        else queue.addAfter(key, left + 10);
      }
    }

    const prevSucceededIndexes = indexed ? parseIndexes(status.completedIndexes, completions ?? 0) : new Set<number>();
    const succeededIndexes = new Set(prevSucceededIndexes);
    if (indexed) {
      for (const p of jobPods) if (p.status?.phase === 'Succeeded' && hasFinalizer(p) && validIndex(p)) succeededIndexes.add(completionIndexOf(p)!);
      succeeded = succeededIndexes.size;
    }

    let statusChanged = false;
    if (finished) {
      let deleted = 0;
      for (const p of activePods) {
        if (await deletePod(job, p)) {
          deleted++;
          if (isPodReady(p)) ready--;
        }
      }
      if (deleted !== active) finished = undefined;
      active -= deleted;
      terminating += deleted;
    } else {
      let manageJobCalled = false;
      if (!job.metadata.deletionTimestamp) {
        const r = await manageJob();
        active = r.active;
        manageJobCalled = true;
      }
      const complete = completions == null ? succeeded > 0 && active === 0 : succeeded >= completions && active === 0;
      if (complete) {
        finished = { type: 'SuccessCriteriaMet', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
      } else if (manageJobCalled) {
        if (suspended) {
          if (ensureCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', nowD)) {
            statusChanged = true;
            recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', nowD)) {
          statusChanged = true;
          recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts continuous activity, so a resumed Job starts its clock again
          status.startTime = rfc3339(nowD);
        }
      }
    }

    async function manageJob(): Promise<{ active: number }> {
      let act = active;
      if (suspended) {
        for (const p of activePods) {
          await removeFinalizer(p);
          if (await deletePod(job, p)) {
            act--;
            terminating++;
            if (isPodReady(p)) ready--;
          }
        }
        return { active: act };
      }
      const parallelism: number = spec.parallelism ?? 1;
      let want = completions == null ? (succeeded > 0 ? act : parallelism) : Math.min(completions - succeeded, parallelism);
      if (want < 0) want = 0;
      const toRemove = activePodsForRemoval(
        activePods,
        Math.max(0, act - want),
        indexed ? { completions: completions ?? 0, succeeded: succeededIndexes } : undefined,
      );
      for (const p of toRemove) {
        await removeFinalizer(p);
        if (await deletePod(job, p)) {
          act--;
          terminating++;
          if (isPodReady(p)) ready--;
        }
      }
      activePods = activePods.filter((p) => !toRemove.includes(p));
      let diff = want - act;
      if (onlyReplaceFailed) diff -= terminating;
      if (diff <= 0) return { active: act };
      const wait = backoff.remaining(key, now().getTime());
      if (wait > 0) {
        queue.addAfter(key, wait);
        return { active: act };
      }
      diff = Math.min(diff, MAX_POD_CREATE_PER_SYNC);
      let indexes: (number | undefined)[] = new Array(diff).fill(undefined);
      if (indexed) {
        const busy = new Set(activePods.map(completionIndexOf));
        if (onlyReplaceFailed) for (const p of jobPods) if (p.metadata.deletionTimestamp && !isPodTerminal(p)) busy.add(completionIndexOf(p));
        indexes = [];
        for (let i = 0; i < (completions ?? 0) && indexes.length < diff; i++) if (!succeededIndexes.has(i) && !busy.has(i)) indexes.push(i);
      }
      const results = await Promise.all(
        indexes.map(async (ix) => {
          try {
            const pod = await client.create(R.pods, job.metadata.namespace, buildJobPod(job, ix));
            recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
            return true;
          } catch (err) {
            recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
            return false;
          }
        }),
      );
      act += results.filter(Boolean).length;
      if (results.some((ok) => !ok)) queue.addRateLimited(key);
      return { active: act };
    }

    // ---- count finished pods through uncountedTerminatedPods, then release their finalizers ----
    let needsFlush = statusChanged || active !== (status.active ?? 0) || ready !== status.ready || terminating !== status.terminating;
    status.active = active;
    status.ready = ready;
    status.terminating = terminating;
    const toRelease: KObject[] = [];
    const newIdx: number[] = [];
    const finishedFailing = !!finished && finished.type !== 'SuccessCriteriaMet';
    for (const p of jobPods) {
      if (!hasFinalizer(p)) continue;
      const uid = p.metadata.uid!;
      const failedP = isFailed(p);
      if (!(job.metadata.deletionTimestamp || finished || p.status?.phase === 'Succeeded' || failedP)) continue;
      toRelease.push(p);
      if (p.status?.phase === 'Succeeded' && !uncounted.failed.has(uid)) {
        if (indexed) {
          const ix = completionIndexOf(p);
          if (ix !== undefined && ix < (completions ?? 0) && !prevSucceededIndexes.has(ix)) {
            newIdx.push(ix);
            needsFlush = true;
          }
        } else if (!uncounted.succeeded.has(uid)) {
          uncounted.succeeded.add(uid);
          needsFlush = true;
        }
      } else if (failedP || finishedFailing) {
        if (!uncounted.failed.has(uid) && (!indexed || validIndex(p)) && (!pfp || matchPodFailurePolicy(pfp, p).countFailed)) {
          uncounted.failed.add(uid);
          needsFlush = true;
        }
      }
    }
    if (indexed) {
      const str = formatIndexes(succeededIndexes);
      if (str !== (status.completedIndexes ?? '')) needsFlush = true;
      status.succeeded = succeededIndexes.size || undefined;
      status.completedIndexes = str || undefined;
    }
    if (finished?.type === 'FailureTarget') {
      pushCondition(status, finished.type, finished.reason, finished.message, nowD);
      needsFlush = true;
      finished = { ...finished, type: 'Failed' };
    }
    if (finished?.type === 'SuccessCriteriaMet') {
      if (!hasTrueCondition({ metadata: {}, status }, 'SuccessCriteriaMet')) {
        pushCondition(status, finished.type, finished.reason, finished.message, nowD);
        needsFlush = true;
      }
      finished = { ...finished, type: 'Complete' };
    }
    const setUncounted = () => {
      status.uncountedTerminatedPods = {};
      if (uncounted.succeeded.size) status.uncountedTerminatedPods.succeeded = [...uncounted.succeeded];
      if (uncounted.failed.size) status.uncountedTerminatedPods.failed = [...uncounted.failed];
    };
    const flush = async () => {
      setUncounted();
      job = await client.updateStatus(R.jobs, job.metadata.namespace, { ...job, status });
    };
    if (needsFlush) {
      await flush();
      backoff.recordFinished(key, newSucceeded.length, countedNewFailed.length, nowD.getTime());
      needsFlush = false;
    }
    const released = await Promise.all(toRelease.map((p) => removeFinalizer(p)));
    toRelease.forEach((p, i) => {
      if (released[i]) withFinalizer.delete(p.metadata.uid!);
    });
    // a UID leaves the uncounted lists (and enters the counters) once its pod has no finalizer left
    for (const [list, field] of [
      [uncounted.succeeded, 'succeeded'],
      [uncounted.failed, 'failed'],
    ] as const) {
      for (const uid of [...list]) {
        if (withFinalizer.has(uid)) continue;
        list.delete(uid);
        if (!(indexed && field === 'succeeded')) status[field] = (status[field] ?? 0) + 1;
        needsFlush = true;
      }
    }
    let jobFinished = false;
    if (finished && uncounted.succeeded.size + uncounted.failed.size === 0 && terminating === 0) {
      ensureCondition(status, finished.type, 'True', finished.reason, finished.message, nowD);
      if (finished.type === 'Complete') status.completionTime = rfc3339(nowD);
      jobFinished = true;
      needsFlush = true;
    }
    if (needsFlush) await flush();
    if (jobFinished && finished) {
      if (finished.type === 'Complete') {
        if (completions != null && (status.succeeded ?? 0) > completions) {
          recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
        }
        recorder.event(job, 'Normal', 'Completed', 'Job completed');
      } else {
        recorder.event(job, 'Warning', finished.reason, finished.message);
      }
      backoff.forget(key);
    }
  }

  void jobs.synced();
  return { stop: () => queue.stop() };
}

function pushCondition(status: JobStatus, type: string, reason: string, message: string, now: Date): void {
  const ts = rfc3339(now);
  (status.conditions ??= []).push({ type, status: 'True', lastProbeTime: ts, lastTransitionTime: ts, reason, message });
}

/** upstream's ensureJobConditionStatus: true when something changed; a False condition is never added fresh */
function ensureCondition(status: JobStatus, type: string, value: 'True' | 'False', reason: string, message: string, now: Date): boolean {
  const ts = rfc3339(now);
  const c = (status.conditions ?? []).find((x: JobCondition) => x.type === type);
  if (c) {
    if (c.status === value && c.reason === reason && c.message === message) return false;
    if (c.status !== value) c.lastTransitionTime = ts;
    Object.assign(c, { status: value, reason, message, lastProbeTime: ts });
    return true;
  }
  if (value === 'False') return false;
  pushCondition(status, type, reason, message, now);
  return true;
}

/** restartPolicy OnFailure: container restarts of running pods count against backoffLimit */
function pastBackoffLimitOnFailure(job: KObject, pods: KObject[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += cs.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}
