// Issue #24: deleting a Job whose pods the API server no longer accepts updates of (an image with surrounding
// whitespace, stored before validation refused it) made the job controller retry the finalizer removal in a
// promise chain that never yielded — memory grew ~15 MB/s until the process died. These tests delete such Jobs
// and sample memory, the controllers' queues and the Events over a 30 s window.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../harness';
import { R } from '../../electron/cluster/client/resources';
import { liveQueues, type QueueStats } from '../../electron/cluster/controllers/workqueue';
import { isStatus } from '../../electron/cluster/client/errors';
import type { KObject } from '../../electron/cluster/api/types';

const WINDOW_MS = 30_000;
const JOB_TRACKING = 'batch.kubernetes.io/job-tracking';

const job = (name: string, image: string): KObject =>
  ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image, command: ['true'] }] } } },
  }) as KObject;

interface Sample {
  at: number;
  heapMB: number;
  queues: QueueStats[];
}

/** samples once a second for the window; the queues' counters cover each second */
async function sampleWindow(ms: number): Promise<Sample[]> {
  for (const q of liveQueues) q.stats(); // start every counter at the window's start
  const out: Sample[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    out.push({ at: Date.now(), heapMB: process.memoryUsage().heapUsed / 2 ** 20, queues: [...liveQueues].map((q) => q.stats()) });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function expectFlat(samples: Sample[]): void {
  // the sampler itself runs: a blocked event loop shows up as missing samples
  expect(samples.length).toBeGreaterThanOrEqual(WINDOW_MS / 1000 - 3);
  const first = median(samples.slice(0, 5).map((s) => s.heapMB));
  const last = median(samples.slice(-5).map((s) => s.heapMB));
  // the runaway grew by ~15 MB every second; a quiet cluster stays well within this
  expect(last - first, `heap ${first.toFixed(1)} → ${last.toFixed(1)} MB`).toBeLessThan(40);
  const jobAdds = samples.reduce((n, s) => n + (s.queues.find((q) => q.name === 'job')?.adds ?? 0), 0);
  // back-off 1 s, 2 s, 4 s … gives a handful of retries in 30 s, not thousands
  expect(jobAdds).toBeLessThan(30);
  for (const s of samples) for (const q of s.queues) expect(q.depth, `queue ${q.name}`).toBeLessThan(100);
}

describe('deleting a Job whose pods cannot be updated (issue #24)', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
  });
  afterAll(async () => {
    await tc?.stop();
  });

  it(
    'accepts a whitespace image in the template (as upstream), refuses the pods, and deletes the Job with memory flat',
    async () => {
      const created = await tc.client.create(R.jobs, 'default', job('ws', ' '));
      expect(created.metadata.uid).toBeTruthy();
      const failedCreate = await waitFor(
        async () => (await tc.client.list(R.events, 'default')).items.find((e: any) => e.involvedObject?.name === 'ws' && e.reason === 'FailedCreate'),
        { what: 'FailedCreate event' },
      );
      expect((failedCreate as any).message).toMatch(/spec\.containers\[0\]\.image: Invalid value: " ": must not have leading or trailing whitespace/);
      await tc.client.delete(R.jobs, 'default', 'ws');
      const eventsBefore = (await tc.client.list(R.events, 'default')).items.length;
      const samples = await sampleWindow(WINDOW_MS);
      expectFlat(samples);
      await expect(tc.client.get(R.jobs, 'default', 'ws')).rejects.toSatisfy((e) => isStatus(e, 404));
      const left = (await tc.client.list(R.pods, 'default')).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === created.metadata.uid));
      expect(left).toEqual([]);
      // a deleted Job makes no more FailedCreate events
      const eventsAfter = (await tc.client.list(R.events, 'default')).items.length;
      expect(eventsAfter - eventsBefore).toBeLessThanOrEqual(1);
    },
    WINDOW_MS + 60_000,
  );

  it(
    'retries with back-off, not in a loop, when the tracking finalizer of a stored-invalid pod cannot be removed',
    async () => {
      // Stand-in for pods stored before the whitespace check existed: let pods through validation while the Job
      // controller creates them, then put the check back.
      const entry = tc.cluster.catalog.get('', 'v1', 'pods')!;
      const strategy = entry.strategy as { validate?: (...a: any[]) => any[] };
      const validate = strategy.validate!;
      strategy.validate = (obj: KObject, ...rest: any[]) => validate(obj, ...rest).filter((e: any) => !/whitespace/.test(JSON.stringify(e)));
      let created: KObject;
      try {
        created = await tc.client.create(R.jobs, 'default', job('stale', ' '));
        await waitFor(
          async () =>
            (await tc.client.list(R.pods, 'default')).items.some(
              (p) => p.metadata.ownerReferences?.some((r) => r.uid === created.metadata.uid) && p.metadata.finalizers?.includes(JOB_TRACKING),
            ),
          { what: 'the Job pod' },
        );
      } finally {
        strategy.validate = validate;
      }
      const before = (await tc.client.list(R.events, 'default')).items.length;
      await tc.client.delete(R.jobs, 'default', 'stale');
      const samples = await sampleWindow(WINDOW_MS);
      expectFlat(samples);
      expect((await tc.client.list(R.events, 'default')).items.length - before).toBeLessThan(10);
      // the API server still answers promptly
      const t0 = Date.now();
      await tc.client.list(R.pods, 'default');
      expect(Date.now() - t0).toBeLessThan(1000);
      // As upstream: the pod's spec fails update validation, so its finalizer stays until someone fixes it by hand.
      // Taking the finalizer off by hand isn't possible either (the same validation), so clean up through the hook.
      strategy.validate = (obj: KObject, ...rest: any[]) => validate(obj, ...rest).filter((e: any) => !/whitespace/.test(JSON.stringify(e)));
      try {
        await waitFor(
          async () => {
            const pods = (await tc.client.list(R.pods, 'default')).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === created.metadata.uid));
            return pods.length === 0;
          },
          { what: 'the Job pods to be released and deleted once updates are accepted again', timeoutMs: 90_000 },
        );
      } finally {
        strategy.validate = validate;
      }
    },
    2 * WINDOW_MS + 120_000,
  );
});
