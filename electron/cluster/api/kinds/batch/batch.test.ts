import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { cronJobStrategy, jobStrategy } from './index';

const now = new Date('2025-01-01T12:00:00Z');
const create = { operation: 'create' as const, now };
const update = { operation: 'update' as const, now };
const podTemplate = (restartPolicy?: string) => ({ spec: { restartPolicy, containers: [{ name: 'j', image: 'busybox' }] } });
const job = (spec: any = {}): KObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'ns', uid: '0b5c7f2e-1111-2222-3333-444455556666' },
  spec: { template: podTemplate('Never'), ...spec },
});
const msg = (errs: any[]) => errInvalid('batch', 'Job', 'j', errs).message;

describe('Job', () => {
  it('fills upstream defaults on a minimal job', () => {
    const j = job();
    jobStrategy.defaults!(j);
    expect(j.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      manualSelector: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    });
  });
  it('leaves completions unset when only parallelism is given', () => {
    const j = job({ parallelism: 3 });
    jobStrategy.defaults!(j);
    expect(j.spec.completions).toBeUndefined();
    expect(j.spec.parallelism).toBe(3);
  });
  it('generates the selector and the pod labels from the UID', () => {
    const j = job();
    jobStrategy.defaults!(j);
    expect(jobStrategy.validate!(j, create)).toEqual([]);
    const uid = j.metadata.uid;
    expect(j.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(j.spec.template.metadata.labels).toEqual({
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'j',
      'controller-uid': uid,
      'job-name': 'j',
    });
  });
  it('requires restartPolicy OnFailure or Never', () => {
    const j = job({ template: podTemplate() });
    jobStrategy.defaults!(j);
    expect(msg(jobStrategy.validate!(j, create))).toBe(
      'Job.batch "j" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    );
  });
  it('keeps the pod template immutable', () => {
    const old = job();
    jobStrategy.defaults!(old);
    jobStrategy.validate!(old, create);
    const next = JSON.parse(JSON.stringify(old));
    next.spec.template.spec.containers[0].image = 'nginx';
    const m = msg(jobStrategy.validateUpdate!(next, old, update));
    expect(m).toMatch(/^Job\.batch "j" is invalid: spec\.template: Invalid value: core\.PodTemplateSpec\{.*\}: field is immutable$/);
  });
  it('lets a suspended, never-started job change scheduling directives', () => {
    const old = job({ suspend: true });
    jobStrategy.defaults!(old);
    jobStrategy.validate!(old, create);
    const next = JSON.parse(JSON.stringify(old));
    next.spec.template.spec.nodeSelector = { zone: 'a' };
    expect(jobStrategy.validateUpdate!(next, old, update)).toEqual([]);
  });
  it('prints Complete with completions and duration', () => {
    const j = job({ completions: 3 });
    (j.metadata as any).creationTimestamp = '2025-01-01T11:00:00Z';
    j.status = {
      succeeded: 3,
      startTime: '2025-01-01T11:00:00Z',
      completionTime: '2025-01-01T11:00:42Z',
      conditions: [{ type: 'Complete', status: 'True' }],
    };
    j.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } };
    expect(jobStrategy.table!.columns.map((c) => c.name)).toEqual(['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
    expect(jobStrategy.table!.row(j, now)).toEqual(['j', 'Complete', '3/3', '42s', '60m', 'j', 'busybox', 'batch.kubernetes.io/controller-uid=u']);
  });
  it('prints Running with a running duration, and parallel jobs without completions', () => {
    const j = job({ parallelism: 2 });
    j.status = { succeeded: 0, startTime: '2025-01-01T11:59:30Z' };
    const row = jobStrategy.table!.row(j, now);
    expect(row.slice(1, 4)).toEqual(['Running', '0/1 of 2', '30s']);
  });
});

describe('CronJob', () => {
  const cj = (spec: any = {}): KObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'ns' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate('OnFailure') } }, ...spec },
  });
  it('fills upstream defaults, leaving the job template spec alone', () => {
    const c = cj();
    cronJobStrategy.defaults!(c);
    expect(c.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(c.spec.jobTemplate.spec.backoffLimit).toBeUndefined();
    expect(c.spec.jobTemplate.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
    expect(cronJobStrategy.validate!(c, create)).toEqual([]);
  });
  it('rejects bad schedules, TZ prefixes and unknown time zones', () => {
    const bad = cj({ schedule: 'every minute' });
    cronJobStrategy.defaults!(bad);
    expect(errInvalid('batch', 'CronJob', 'tick', cronJobStrategy.validate!(bad, create)).message).toBe(
      'CronJob.batch "tick" is invalid: spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]',
    );
    const tz = cj({ schedule: 'TZ=UTC 0 * * * *' });
    cronJobStrategy.defaults!(tz);
    expect(errInvalid('batch', 'CronJob', 'tick', cronJobStrategy.validate!(tz, create)).message).toContain(
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    );
    const zone = cj({ timeZone: 'Mars/Olympus' });
    cronJobStrategy.defaults!(zone);
    expect(errInvalid('batch', 'CronJob', 'tick', cronJobStrategy.validate!(zone, create)).message).toBe(
      'CronJob.batch "tick" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    );
    const ok = cj({ timeZone: 'Europe/Berlin' });
    cronJobStrategy.defaults!(ok);
    expect(cronJobStrategy.validate!(ok, create)).toEqual([]);
  });
  it('prints SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE', () => {
    const c = cj();
    cronJobStrategy.defaults!(c);
    (c.metadata as any).creationTimestamp = '2025-01-01T10:00:00Z';
    c.status = { active: [{ name: 'tick-1' }], lastScheduleTime: '2025-01-01T11:55:00Z' };
    expect(cronJobStrategy.table!.row(c, now).slice(0, 7)).toEqual(['tick', '*/5 * * * *', '<none>', 'False', 1, '5m', '120m']);
  });
});
