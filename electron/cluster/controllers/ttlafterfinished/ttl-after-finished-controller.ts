// Deletes finished Jobs once spec.ttlSecondsAfterFinished has passed since they finished (upstream's
// ttlafterfinished controller), with foreground propagation so their pods go first.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { isStatus } from '../../client/errors';

/** when the Job got its Complete/Failed condition, or undefined while it runs */
export function jobFinishTime(job: KObject): number | undefined {
  const c = (job.status?.conditions ?? []).find((x: any) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

/** ms until the Job expires (≤ 0: expired), undefined when it has no TTL or has not finished */
export function timeLeft(job: KObject, nowMs: number): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl == null || job.metadata.deletionTimestamp) return undefined;
  const finished = jobFinishTime(job);
  if (finished === undefined) return undefined;
  return finished + ttl * 1000 - nowMs;
}

export function startTtlAfterFinishedController(client: Client, informers: InformerFactory, opts: { now?: () => Date } = {}): { stop(): void } {
  const now = opts.now ?? (() => new Date());
  const jobs = informers.informer(R.jobs);
  const queue = new WorkQueue(
    async (key) => {
      const [ns, name] = key.split('/');
      let job: KObject;
      try {
        job = await client.get(R.jobs, ns, name);
      } catch (err) {
        if (isStatus(err, 404)) return;
        throw err;
      }
      const left = timeLeft(job, now().getTime());
      if (left === undefined) return;
      if (left > 0) {
        queue.addAfter(key, left);
        return;
      }
      try {
        await client.delete(R.jobs, ns, name, {
          propagationPolicy: 'Foreground',
          preconditions: { uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion },
        });
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
    },
    { workers: 2, name: 'ttl-after-finished' },
  );
  const enqueue = (j: KObject) => {
    if (j.spec?.ttlSecondsAfterFinished != null && jobFinishTime(j) !== undefined) queue.add(objectKey(j));
  };
  jobs.onAdd(enqueue);
  jobs.onUpdate((_a, j) => enqueue(j));
  return { stop: () => queue.stop() };
}
