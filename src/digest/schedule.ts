import { CronExpressionParser } from 'cron-parser';
import { previousWeek, weekOf, type Week } from './week.ts';

/**
 * The week a digest is due for at `now`: the last full week (Monday to Sunday, in the digest's
 * zone) before the latest scheduled time. Only the latest is ever due, so a bot that was down
 * over several scheduled times runs the digest once when it is back, not once per missed week.
 */
export function dueWeek(now: Date, schedule: string, zone: string): { week: Week; scheduledAt: Date } {
  // cron-parser's prev() is strictly before currentDate; a tick at the scheduled second itself counts.
  const scheduledAt = CronExpressionParser.parse(schedule, { tz: zone, currentDate: new Date(now.getTime() + 1000) })
    .prev()
    .toDate();
  return { week: previousWeek(weekOf(scheduledAt, zone)), scheduledAt };
}
