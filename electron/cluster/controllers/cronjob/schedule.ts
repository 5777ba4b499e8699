// Schedule arithmetic of the CronJob controller (upstream cronjob/utils.go): the most recent missed fire time,
// job names hashed from the scheduled minute, and times printed in the CronJob's zone.
import type { CronSchedule } from '../../api/kinds/batch/cron';

export const TOO_MANY_MISSED = 100;

export interface MostRecent {
  /** latest fire time at or before now that has not run yet */
  time?: Date;
  /** how many fire times were missed since the last one that ran (capped a little past TOO_MANY_MISSED) */
  missed: number;
}

export function mostRecentScheduleTime(
  sched: CronSchedule,
  o: { created: Date; lastSchedule?: Date; startingDeadlineSeconds?: number; now: Date; tz?: string },
): MostRecent {
  let earliest = o.lastSchedule ?? o.created;
  if (o.startingDeadlineSeconds != null) {
    const deadline = new Date(o.now.getTime() - o.startingDeadlineSeconds * 1000);
    if (deadline > earliest) earliest = deadline;
  }
  if (earliest > o.now) return { missed: 0 };
  let time: Date | undefined;
  let missed = 0;
  let jumped = false;
  for (let t = sched.next(earliest, o.tz); t <= o.now; t = sched.next(t, o.tz)) {
    time = t;
    missed++;
    // past "too many" the exact count no longer matters: skip ahead to the last week to find the latest time fast
    if (missed > TOO_MANY_MISSED && !jumped) {
      jumped = true;
      const weekAgo = new Date(o.now.getTime() - 7 * 86400e3);
      if (weekAgo > t) t = weekAgo;
    }
  }
  return { time, missed };
}

/** `<cronjob>-<minutes since the epoch>`, so one scheduled minute maps to one Job name */
export function jobNameFor(cronJobName: string, scheduled: Date): string {
  return `${cronJobName}-${Math.floor(scheduled.getTime() / 60000)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Go's time.RFC3339 of the instant in zone `tz` (Z for a zero offset) */
export function formatInZone(d: Date, tz?: string): string {
  const secs = Math.floor(d.getTime() / 1000) * 1000;
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return new Date(secs).toISOString().replace(/\.\d+Z$/, 'Z');
  const parts: Record<string, string> = {};
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const p of fmt.formatToParts(new Date(secs))) parts[p.type] = p.value;
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const off = Math.round((wall - secs) / 60000);
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${zone}`;
}

/** Go's time.RFC1123Z in UTC, as the MissSchedule event prints the missed time */
export function rfc1123z(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${days[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
