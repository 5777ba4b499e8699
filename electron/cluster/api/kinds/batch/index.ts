import type { KindStrategy } from '../../kind';
import { cronJobStrategy } from './cronjob';
import { jobStrategy } from './job';

export const batchKinds: KindStrategy[] = [jobStrategy, cronJobStrategy];
export { jobStrategy, cronJobStrategy };
export { parseCron } from './cron';
export type { CronSchedule } from './cron';
