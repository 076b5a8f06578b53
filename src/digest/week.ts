import { DateTime } from 'luxon';
import { KansokuError } from '../errors.ts';

export interface Week {
  /** ISO week name, "2026-W47": the digest's period key. */
  id: string;
  /** Monday 00:00 in the digest's time zone, and the Monday after, as UTC instants. */
  start: Date;
  end: Date;
  zone: string;
}

export function weekOf(at: Date, zone: string): Week {
  const d = DateTime.fromJSDate(at, { zone }).startOf('week');
  return { id: d.toFormat("kkkk-'W'WW"), start: d.toJSDate(), end: d.plus({ weeks: 1 }).toJSDate(), zone };
}

export function parseWeek(id: string, zone: string): Week {
  const d = DateTime.fromISO(id, { zone });
  if (!/^\d{4}-W\d{2}$/.test(id) || !d.isValid)
    throw new KansokuError('INPUT_UNREADABLE', 'cli', `"${id}" is not an ISO week such as 2026-W47`);
  return weekOf(d.toJSDate(), zone);
}

export function previousWeek(w: Week): Week {
  return weekOf(new Date(w.start.getTime() - 86_400_000), w.zone);
}
