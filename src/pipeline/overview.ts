import { CronExpressionParser } from 'cron-parser';
import type { Context } from '../context.ts';
import { dayOf, overviewData, parseDay, type Day } from '../digest/overview.ts';
import type { Digest } from '../draft/digest.ts';
import { kinds } from '../draft/kinds.ts';
import { HOUR_MS, hourAt } from '../time.ts';
import { buildPeriodic, parts, PeriodicDraft } from './digest.ts';
import { insertDraft, prepareDraft } from './drafts.ts';

/** The overview of a day as it would go out (buildPeriodic); nothing is stored. */
export async function buildOverview(p: Context, day: Day): Promise<Digest & { eml: Buffer; problems: string[] }> {
  return buildPeriodic(
    p,
    await kinds.overview.render({ data: overviewData(p.store, day, p.config), config: p.config }),
  );
}

/** Stores the overview of a day as a draft (once per day); it then goes to review like any draft. */
export async function overviewDraft(p: Context, day: Day): Promise<{ id: number; created: boolean }> {
  const key = `overview:${day.id}`;
  const existing = p.store.drafts.list().find((d) => d.kind === 'overview' && d.sourceMessageId === key);
  if (existing) return { id: existing.id, created: false };
  const input = { data: overviewData(p.store, day, p.config), config: p.config };
  const o = await kinds.overview.render(input);
  if (!o.draft.to) throw new Error('no list is configured to send the overview to');
  const prepared = await prepareDraft(p, o.draft, kinds.overview.fileName!(input, o), parts(o));
  return { id: p.store.transaction(() => insertDraft(p, prepared)), created: true };
}

/**
 * The day an overview is due for at `now`: the local day before the latest scheduled time, or,
 * when the sensor's data end earlier (a log imported after the fact), the last day they cover
 * whole. Null before the data cover any whole day.
 */
export function dueDay(now: Date, schedule: string, zone: string, lastHour: number | null): Day | null {
  if (lastHour === null) return null;
  const scheduledAt = CronExpressionParser.parse(schedule, { tz: zone, currentDate: new Date(now.getTime() + 1000) })
    .prev()
    .toDate();
  const byClock = dayOf(new Date(dayOf(scheduledAt, zone).start.getTime() - 1), zone);
  const dataEnd = (lastHour + 1) * HOUR_MS;
  const inData = dayOf(new Date(dataEnd), zone);
  const byData = dayOf(new Date(inData.start.getTime() - 1), zone);
  return byData.end.getTime() < byClock.end.getTime() ? byData : byClock;
}

/** The daily overview, on overview.schedule. */
export class OverviewScheduler extends PeriodicDraft {
  protected readonly job = 'overview';

  protected due(now: Date): string | null {
    const { config, store } = this.p;
    if (!config.overview.enabled || !config.lists.length) return null;
    return (
      dueDay(
        now,
        config.overview.schedule,
        config.overview.timezone,
        store.counters.lastCoveredHour(hourAt(now.getTime())),
      )?.id ?? null
    );
  }

  protected draft(period: string) {
    return overviewDraft(this.p, parseDay(period, this.p.config.overview.timezone));
  }
}
