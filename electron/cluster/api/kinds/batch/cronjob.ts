// batch/v1 CronJob.
import type { FieldError } from '../../errors';
import { invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { translateTimestampSince } from '../core/age';
import { defaultPodTemplateSpec } from '../core/pod-spec';
import {
  age,
  ageCol,
  col,
  containerCells,
  containersCol,
  imagesCol,
  keepSpec,
  keepStatusBumpGeneration,
  nameCol,
  nonNegative,
  resetStatusAndGeneration,
  wide,
} from '../strategy-helpers';
import { formatLabelSelector } from '../../selectors';
import { isKnownTimeZone, parseCron } from './cron';
import { validateJobSpec } from './job-spec';

/** Job names get an 11-character suffix from the controller, so CronJob names are capped at 52. */
const MAX_CRONJOB_NAME = 52;

export function defaultCronJob(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  // only the pod template inside gets defaults; the JobSpec fields stay as written (Job defaults apply per Job)
  const tpl = (((spec.jobTemplate ??= {}).spec ??= {}).template ??= {});
  defaultPodTemplateSpec(tpl);
}

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

export function validateTimeZone(tz: unknown, path: string): FieldError[] {
  if (tz === undefined || tz === null) return [];
  const s = String(tz);
  if (s.length === 0) return [invalid(path, s, 'timeZone must be nil or non-empty string')];
  for (const part of s.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TZ_PART.test(part)) {
      return [invalid(path, s, 'source: https://github.com/golang/go/blob/master/src/time/zoneinfo.go: must be a valid time zone name')];
    }
  }
  if (s.toLowerCase() === 'local') return [invalid(path, s, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  if (!isKnownTimeZone(s)) return [invalid(path, s, `unknown time zone ${s}`)];
  return [];
}

export function validateSchedule(schedule: unknown, path: string): FieldError[] {
  if (schedule === undefined || schedule === null || schedule === '') return [required(path, '')];
  const s = String(schedule);
  if (/^\s*(CRON_)?TZ=/.test(s)) return [invalid(path, s, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead')];
  try {
    parseCron(s);
    return [];
  } catch (e) {
    return [invalid(path, s, (e as Error).message)];
  }
}

function validateCronJob(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  const name = obj.metadata.name ?? '';
  if (name.length > MAX_CRONJOB_NAME) errs.push(invalid('metadata.name', name, `must be no more than ${MAX_CRONJOB_NAME} characters`));
  errs.push(...validateSchedule(spec.schedule, 'spec.schedule'));
  errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  const cp = spec.concurrencyPolicy;
  if (cp !== 'Allow' && cp !== 'Forbid' && cp !== 'Replace') {
    errs.push(cp ? notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']) : required('spec.concurrencyPolicy', ''));
  }
  errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  errs.push(...validateJobSpec(spec.jobTemplate?.spec ?? {}, 'spec.jobTemplate.spec', { isCronJobTemplate: true }));
  return errs;
}

export const cronJobStrategy: KindStrategy = {
  info: {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    resource: 'cronjobs',
    singular: 'cronjob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    storagePrefix: 'cronjobs',
    subresources: { status: true },
  },
  defaults: defaultCronJob,
  prepareForCreate: (obj) => resetStatusAndGeneration(obj),
  prepareForUpdate: (obj, old) => keepStatusBumpGeneration(obj, old),
  prepareForStatusUpdate: keepSpec,
  validate: validateCronJob,
  table: {
    columns: [
      nameCol,
      col('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
      col('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
      col(
        'Suspend',
        'boolean',
        'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.',
      ),
      col('Active', 'integer', 'A list of pointers to currently running jobs.'),
      col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
      ageCol,
      containersCol,
      imagesCol,
      wide('Selector', 'A label query over pods that should match the pod count.'),
    ],
    row(obj, now) {
      const spec = obj.spec ?? {};
      const last = obj.status?.lastScheduleTime ? translateTimestampSince(obj.status.lastScheduleTime, now) : '<none>';
      const [names, images] = containerCells(spec.jobTemplate?.spec?.template?.spec?.containers);
      return [
        obj.metadata.name,
        spec.schedule ?? '',
        spec.timeZone ?? '<none>',
        spec.suspend == null ? '<unset>' : spec.suspend ? 'True' : 'False',
        (obj.status?.active ?? []).length,
        last,
        age(obj, now),
        names,
        images,
        formatLabelSelector(spec.jobTemplate?.spec?.selector),
      ];
    },
  },
  returnDeletedObject: true,
};
