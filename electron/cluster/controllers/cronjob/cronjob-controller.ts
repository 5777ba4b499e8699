// The CronJob controller (upstream cronjob_controllerv2): at each scheduled time it creates a Job from the
// template, honouring suspend, startingDeadlineSeconds, concurrencyPolicy and the history limits, and keeps
// status.active / lastScheduleTime / lastSuccessfulTime. The clock is injectable so tests need not wait a minute.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { parseCron, type CronSchedule } from '../../api/kinds/batch/cron';
import { WorkQueue } from '../workqueue';
import { EventRecorder } from '../../client/event-recorder';
import { isStatus } from '../../client/errors';
import { rfc3339 } from '../../api/time';
import { isJobFinished, hasTrueCondition } from '../job/job-controller';
import { formatInZone, jobNameFor, mostRecentScheduleTime, rfc1123z, TOO_MANY_MISSED } from './schedule';
import { clone } from '../../api/object';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobControllerOptions {
  now?: () => Date;
}
export interface CronJobController {
  stop(): void;
  /** sync every CronJob now (tests move their clock, then call this) */
  resync(): void;
}

// upstream requeues a little after the next fire time so the clock has surely passed it
const NEXT_SCHEDULE_DELTA_MS = 100;

const controlledBy = (o: KObject, uid: string | undefined) => (o.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === uid);

export function startCronJobController(client: Client, informers: InformerFactory, opts: CronJobControllerOptions = {}): CronJobController {
  const now = opts.now ?? (() => new Date());
  const cronjobs = informers.informer(R.cronjobs);
  const jobs = informers.informer(R.jobs);
  const recorder = new EventRecorder(client, { component: 'cronjob-controller', now });
  const queue = new WorkQueue((key) => sync(key), { workers: 2, name: 'cronjob' });

  cronjobs.onAdd((c) => queue.add(objectKey(c)));
  cronjobs.onUpdate((_a, c) => queue.add(objectKey(c)));
  const jobChanged = (j: KObject) => {
    const ref = (j.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'CronJob');
    if (ref) queue.add(`${j.metadata.namespace}/${ref.name}`);
  };
  jobs.onAdd(jobChanged);
  jobs.onUpdate((_a, j) => jobChanged(j));
  jobs.onDelete(jobChanged);

  async function sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    let cj: KObject;
    try {
      cj = await client.get(R.cronjobs, ns, name);
    } catch (err) {
      if (isStatus(err, 404)) return;
      throw err;
    }
    const children = (await client.list(R.jobs, ns)).items.filter((j) => controlledBy(j, cj.metadata.uid));
    const status: any = clone(cj.status ?? {});
    const before = JSON.stringify(status);
    status.active ??= [];
    const inActive = (uid?: string) => status.active.some((r: any) => r.uid === uid);
    const nowD = now();

    for (const j of children) {
      const finished = isJobFinished(j);
      if (!inActive(j.metadata.uid) && !finished) {
        recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (inActive(j.metadata.uid) && finished) {
        status.active = status.active.filter((r: any) => r.uid !== j.metadata.uid);
        const c = hasTrueCondition(j, 'Complete') ? 'Complete' : 'Failed';
        recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${c}`);
      }
      if (hasTrueCondition(j, 'Complete') && j.status?.completionTime) {
        const last = status.lastSuccessfulTime ? Date.parse(status.lastSuccessfulTime) : -Infinity;
        if (Date.parse(j.status.completionTime) > last) status.lastSuccessfulTime = j.status.completionTime;
      }
    }
    const childUids = new Set(children.map((j) => j.metadata.uid));
    for (const ref of [...status.active]) {
      if (childUids.has(ref.uid)) continue;
      try {
        await client.get(R.jobs, ns, ref.name);
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
        recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        status.active = status.active.filter((r: any) => r.uid !== ref.uid);
      }
    }

    const flush = async () => {
      if (!status.active.length) delete status.active;
      if (JSON.stringify(status) === before) return;
      cj = await client.updateStatus(R.cronjobs, ns, { ...cj, status });
    };

    await cleanupFinished(
      cj,
      children.filter((j) => childUids.has(j.metadata.uid)),
    );
    if (cj.metadata.deletionTimestamp) {
      await flush();
      return;
    }

    const spec = cj.spec ?? {};
    const tz: string | undefined = spec.timeZone ?? undefined;
    let sched: CronSchedule;
    try {
      if (tz) new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch (err) {
      recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": ${(err as Error).message}`);
      await flush();
      return;
    }
    try {
      sched = parseCron(spec.schedule ?? '');
    } catch (err) {
      recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${(err as Error).message}`);
      await flush();
      return;
    }
    const requeueNext = () => {
      const next = sched.next(nowD, tz);
      queue.addAfter(key, next.getTime() - now().getTime() + NEXT_SCHEDULE_DELTA_MS);
    };
    if (spec.suspend) {
      await flush();
      return;
    }

    const recent = mostRecentScheduleTime(sched, {
      created: new Date(cj.metadata.creationTimestamp ?? nowD.toISOString()),
      lastSchedule: status.lastScheduleTime ? new Date(status.lastScheduleTime) : undefined,
      startingDeadlineSeconds: spec.startingDeadlineSeconds ?? undefined,
      now: nowD,
      tz,
    });
    if (recent.missed > TOO_MANY_MISSED) {
      recorder.event(
        cj,
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      );
    }
    const scheduled = recent.time;
    if (!scheduled) {
      await flush();
      requeueNext();
      return;
    }
    if (spec.startingDeadlineSeconds != null && scheduled.getTime() + spec.startingDeadlineSeconds * 1000 < nowD.getTime()) {
      recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      await flush();
      requeueNext();
      return;
    }
    const jobName = jobNameFor(cj.metadata.name!, scheduled);
    if (
      status.active.some((r: any) => r.name === jobName) ||
      (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === Math.floor(scheduled.getTime() / 1000) * 1000)
    ) {
      await flush();
      requeueNext();
      return;
    }
    const policy = spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && status.active.length > 0) {
      recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      await flush();
      requeueNext();
      return;
    }
    if (policy === 'Replace') {
      for (const ref of [...status.active]) {
        try {
          await client.delete(R.jobs, ns, ref.name, { propagationPolicy: 'Background' });
          recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
        } catch (err) {
          if (!isStatus(err, 404)) {
            recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
            throw err;
          }
        }
        status.active = status.active.filter((r: any) => r.uid !== ref.uid);
      }
    }
    const tpl = spec.jobTemplate ?? {};
    const job: KObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName,
        namespace: ns,
        labels: { ...(tpl.metadata?.labels ?? {}) },
        annotations: { ...(tpl.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatInZone(scheduled, tz) },
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: clone(tpl.spec ?? {}),
    };
    let created: KObject;
    try {
      created = await client.create(R.jobs, ns, job);
    } catch (err) {
      if (isStatus(err, 409)) {
        await flush();
        requeueNext();
        return;
      }
      recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
      throw err;
    }
    recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`);
    status.active.push({
      kind: 'Job',
      namespace: ns,
      name: jobName,
      uid: created.metadata.uid,
      apiVersion: 'batch/v1',
      resourceVersion: created.metadata.resourceVersion,
    });
    status.lastScheduleTime = rfc3339(scheduled);
    await flush();
    requeueNext();
  }

  /** keeps the newest successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs */
  async function cleanupFinished(cj: KObject, children: KObject[]): Promise<void> {
    const started = (j: KObject) => j.status?.startTime ?? j.metadata.creationTimestamp ?? '';
    const prune = async (list: KObject[], limit: number | undefined) => {
      if (limit == null) return;
      const sorted = [...list].sort((a, b) => started(a).localeCompare(started(b)));
      for (const j of sorted.slice(0, Math.max(0, sorted.length - limit))) {
        try {
          await client.delete(R.jobs, j.metadata.namespace, j.metadata.name!, { propagationPolicy: 'Background' });
          recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
        } catch (err) {
          if (!isStatus(err, 404)) throw err;
        }
      }
    };
    await prune(
      children.filter((j) => hasTrueCondition(j, 'Complete')),
      cj.spec?.successfulJobsHistoryLimit,
    );
    await prune(
      children.filter((j) => hasTrueCondition(j, 'Failed')),
      cj.spec?.failedJobsHistoryLimit,
    );
  }

  return {
    stop: () => queue.stop(),
    resync: () => {
      for (const c of cronjobs.list()) queue.add(objectKey(c));
    },
  };
}
