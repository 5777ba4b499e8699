// The CronJob controller under test runs with a movable clock on a schedule ("0 0 1 1 *") the cluster's own
// real-clock controller will not reach during the test, so only the test's clock decides when Jobs start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import type { InformerFactory } from '../../client/types';
import { createInformerFactory } from '../../client/informer';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';
import { startCronJobController, type CronJobController } from './cronjob-controller';
import { mostRecentScheduleTime, jobNameFor, formatInZone } from './schedule';
import { parseCron } from '../../api/kinds/batch/cron';

const NODE = 'fake-cron-node';
let tc: TestCluster;
let kubelet: FakeKubelet;
let informers: InformerFactory;
let ctl: CronJobController;
let clock = new Date();
const year = new Date().getUTCFullYear();
const newYear = (y: number, sec = 30) => new Date(Date.UTC(y, 0, 1, 0, 0, sec));

function cronJob(name: string, spec: Record<string, unknown>, command: string[]): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '0 0 1 1 *',
      ...spec,
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', nodeName: NODE, containers: [{ name: 'c', image: 'busybox', command }] } } } },
    },
  };
}
const ownedJobs = async (cj: KObject) =>
  (await tc.client.list(R.jobs, 'default')).items.filter((j) => j.metadata.ownerReferences?.[0]?.uid === cj.metadata.uid);
const eventsFor = async (name: string) =>
  (await tc.client.list(R.events, 'default')).items.filter((e) => e.involvedObject?.name === name && e.involvedObject?.kind === 'CronJob');

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 1 });
  kubelet = await startFakeKubelet(tc.client, {
    nodeName: NODE,
    decide: (pod) => ((pod.spec.containers[0].command ?? []).includes('sleep') ? {} : { exitCode: 0, runMs: 30 }),
  });
  informers = createInformerFactory(tc.client);
  ctl = startCronJobController(tc.client, informers, { now: () => clock });
  informers.start();
}, 60_000);
afterAll(async () => {
  ctl?.stop();
  informers?.stop();
  kubelet?.stop();
  await tc?.stop();
});

describe('schedule helpers', () => {
  it('finds the most recent missed time and counts misses', () => {
    const s = parseCron('*/5 * * * *');
    const r = mostRecentScheduleTime(s, { created: new Date('2025-01-01T00:00:10Z'), now: new Date('2025-01-01T00:17:00Z') });
    expect(r).toEqual({ time: new Date('2025-01-01T00:15:00Z'), missed: 3 });
    const late = mostRecentScheduleTime(s, { created: new Date('2025-01-01T00:00:10Z'), now: new Date('2025-01-01T00:17:00Z'), startingDeadlineSeconds: 60 });
    expect(late.time).toBeUndefined();
    const many = mostRecentScheduleTime(parseCron('* * * * *'), { created: new Date('2025-01-01T00:00:00Z'), now: new Date('2025-01-02T00:00:30Z') });
    expect(many.missed).toBeGreaterThan(100);
    expect(many.time).toEqual(new Date('2025-01-02T00:00:00Z'));
  });
  it('names jobs by the scheduled minute and prints the zone offset', () => {
    expect(jobNameFor('tick', new Date('2025-05-15T10:00:00Z'))).toBe(`tick-${Date.parse('2025-05-15T10:00:00Z') / 60000}`);
    expect(formatInZone(new Date('2025-05-15T10:00:00Z'))).toBe('2025-05-15T10:00:00Z');
    expect(formatInZone(new Date('2025-05-15T10:00:00Z'), 'Europe/Berlin')).toBe('2025-05-15T12:00:00+02:00');
  });
});

describe('CronJob controller', () => {
  it('creates a Job at the scheduled time and records it', async () => {
    clock = new Date();
    const cj = await tc.client.create(R.cronjobs, 'default', cronJob('tick', {}, ['echo', 'tick']));
    ctl.resync();
    // before the fire time nothing happens
    await waitFor(async () => (await tc.client.get(R.cronjobs, 'default', 'tick')).metadata.resourceVersion === cj.metadata.resourceVersion);
    expect(await ownedJobs(cj)).toHaveLength(0);

    clock = newYear(year + 1);
    ctl.resync();
    const name = jobNameFor('tick', newYear(year + 1, 0));
    const job = (await waitFor(async () => (await ownedJobs(cj)).find((j) => j.metadata.name === name)))!;
    expect(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(`${year + 1}-01-01T00:00:00Z`);
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick', controller: true });
    const st = (await waitFor(async () => {
      const c = await tc.client.get(R.cronjobs, 'default', 'tick');
      return c.status?.lastScheduleTime ? c : undefined;
    }))!;
    expect(st.status.lastScheduleTime).toBe(`${year + 1}-01-01T00:00:00Z`);
    const evs = (await waitFor(async () => {
      const e = await eventsFor('tick');
      return e.some((x) => x.reason === 'SuccessfulCreate') ? e : undefined;
    }))!;
    expect(evs.find((e) => e.reason === 'SuccessfulCreate')!.message).toBe(`Created job ${name}`);

    // the Job runs to completion; the CronJob notices and records lastSuccessfulTime
    const done = (await waitFor(
      async () => {
        const c = await tc.client.get(R.cronjobs, 'default', 'tick');
        return c.status?.lastSuccessfulTime && !c.status?.active ? c : undefined;
      },
      { timeoutMs: 20_000 },
    ))!;
    expect(done.status.lastSuccessfulTime).toBeTruthy();
    await waitFor(async () =>
      (await eventsFor('tick')).some((e) => e.reason === 'SawCompletedJob' && e.message === `Saw completed job: ${name}, condition: Complete`),
    );
  }, 40_000);

  it('does not start a second Job while one runs under concurrencyPolicy Forbid', async () => {
    clock = new Date();
    const cj = await tc.client.create(R.cronjobs, 'default', cronJob('forbid', { concurrencyPolicy: 'Forbid' }, ['sleep', '3600']));
    clock = newYear(year + 1);
    ctl.resync();
    await waitFor(async () => {
      const c = await tc.client.get(R.cronjobs, 'default', 'forbid');
      return c.status?.active?.length === 1;
    });
    clock = newYear(year + 2);
    ctl.resync();
    await waitFor(async () =>
      (await eventsFor('forbid')).some(
        (e) => e.reason === 'JobAlreadyActive' && e.message === 'Not starting job because prior execution is running and concurrency policy is Forbid',
      ),
    );
    expect((await ownedJobs(cj)).map((j) => j.metadata.name)).toEqual([jobNameFor('forbid', newYear(year + 1, 0))]);
  }, 30_000);

  it('replaces the running Job under concurrencyPolicy Replace', async () => {
    clock = new Date();
    const cj = await tc.client.create(R.cronjobs, 'default', cronJob('replace', { concurrencyPolicy: 'Replace' }, ['sleep', '3600']));
    clock = newYear(year + 1);
    ctl.resync();
    await waitFor(async () => (await tc.client.get(R.cronjobs, 'default', 'replace')).status?.active?.length === 1);
    clock = newYear(year + 2);
    ctl.resync();
    const second = jobNameFor('replace', newYear(year + 2, 0));
    await waitFor(async () => {
      const c = await tc.client.get(R.cronjobs, 'default', 'replace');
      return c.status?.active?.length === 1 && c.status.active[0].name === second;
    });
    await waitFor(async () => (await ownedJobs(cj)).every((j) => j.metadata.name === second));
  }, 30_000);

  it('creates nothing while suspended', async () => {
    clock = new Date();
    const cj = await tc.client.create(R.cronjobs, 'default', cronJob('susp', { suspend: true }, ['echo']));
    clock = newYear(year + 1);
    ctl.resync();
    // a suspended CronJob with missed runs still has no jobs once a later sync of another CronJob is visible
    await tc.client.create(R.cronjobs, 'default', cronJob('marker', {}, ['echo']));
    ctl.resync();
    await waitFor(async () => (await tc.client.get(R.cronjobs, 'default', 'marker')).status?.lastScheduleTime);
    expect(await ownedJobs(cj)).toHaveLength(0);
  }, 30_000);
});
