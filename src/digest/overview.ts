/**
 * What the daily port-scan overview (ポートスキャン概況) says about one local day, read from the
 * store: the rises that began or went on, what ended, backscatter, the top ports and countries,
 * the sensor's gaps, and for each notable port its hours for a chart and a text sparkline.
 */
import { DateTime } from 'luxon';
import type { Config } from '../config/schema.ts';
import { distinctOver } from '../counters/rollups.ts';
import { detect } from '../detect/detect.ts';
import { KansokuError } from '../errors.ts';
import type { Anomaly, Proto } from '../model.ts';
import type { Store } from '../store/index.ts';
import { hourAt } from '../time.ts';
import { chartPoints, gapsIn, type ChartPoint, type Gap } from './data.ts';

export interface Day {
  /** The local date, "2026-11-20": the overview's period key. */
  id: string;
  /** 00:00 of the day in its zone, and of the next, as UTC instants. */
  start: Date;
  end: Date;
  zone: string;
}

export function dayOf(at: Date, zone: string): Day {
  const d = DateTime.fromJSDate(at, { zone }).startOf('day');
  return { id: d.toISODate()!, start: d.toJSDate(), end: d.plus({ days: 1 }).toJSDate(), zone };
}

export function parseDay(id: string, zone: string): Day {
  const d = DateTime.fromISO(id, { zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(id) || !d.isValid)
    throw new KansokuError('INPUT_UNREADABLE', 'cli', `"${id}" is not a date such as 2026-11-20`);
  return dayOf(d.toJSDate(), zone);
}

export interface OverviewData {
  day: Day;
  /** Rises (bursts, rises, ports waking up) of the day: begun in it, or going on into it; busiest first. */
  notable: Anomaly[];
  backscatter: Anomaly[];
  totalEvents: number;
  topPorts: Array<{ proto: Proto; port: number; events: number; share: number }>;
  /** Countries by distinct sources over the day's busiest ports. */
  topCountries: Array<{ cc: string; sources: number; share: number }>;
  gaps: Gap[];
  hoursWithData: number;
  hoursInDay: number;
  /** The notable ports' hours: the day before and the day, with the band from before the rise. */
  charts: Array<{ proto: Proto; port: number; points: ChartPoint[]; day: Array<number | null> }>;
}

const TOP = 5;
/** Ports whose countries make the day's country ranking. */
const COUNTRY_PORTS = 10;

export function overviewData(store: Store, day: Day, config: Config): OverviewData {
  const first = hourAt(day.start.getTime());
  const last = hourAt(day.end.getTime()) - 1;
  const starts = (a: Anomaly) => hourAt(Date.parse(a.start));
  const ends = (a: Anomaly) => (a.end === null ? null : hourAt(Date.parse(a.end)));
  // Runs are judged up to the day's end; one still going then reads as going on.
  const found = detect(store.counters, { since: first - 24, until: last + 1 }, config.detect);
  const inDay = found.filter((a) => starts(a) <= last && (ends(a) === null || ends(a)! > first));
  const notable = inDay.filter((a) => a.kind !== 'backscatter').sort((a, b) => b.ratio - a.ratio);
  const backscatter = inDay.filter((a) => a.kind === 'backscatter');

  const totals = store.counters.totals(first, last).sort((a, b) => b.events - a.events || a.port - b.port);
  const totalEvents = totals.reduce((a, t) => a + t.events, 0);
  const topPorts = totals.slice(0, TOP).map((t) => ({ ...t, share: totalEvents ? t.events / totalEvents : 0 }));

  const byCountry = new Map<string, number>();
  for (const t of totals.slice(0, COUNTRY_PORTS))
    for (const [cc, n] of Object.entries(distinctOver(store.counters, t.proto, t.port, first, last).countries))
      byCountry.set(cc, (byCountry.get(cc) ?? 0) + n);
  const countrySources = [...byCountry.values()].reduce((a, b) => a + b, 0);
  const topCountries = [...byCountry]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([cc, sources]) => ({ cc, sources, share: countrySources ? sources / countrySources : 0 }));

  const covered = new Set(store.counters.coveredHours(first - 24 - config.correlate.baselineHours, last));
  const gaps = gapsIn(covered, first, last);
  const charts = notable
    .filter((a, i, all) => all.findIndex((b) => b.proto === a.proto && b.port === a.port) === i)
    .slice(0, config.overview.charts)
    .map((a) => {
      const points = chartPoints(store, config, a.proto, a.port, first - 24, last, covered, starts(a) - 1);
      return { proto: a.proto, port: a.port, points, day: points.slice(24).map((p) => p.events) };
    });
  const hoursInDay = last - first + 1;
  return {
    day,
    notable,
    backscatter,
    totalEvents,
    topPorts,
    topCountries,
    gaps,
    hoursWithData: hoursInDay - gaps.reduce((a, g) => a + g.hours, 0),
    hoursInDay,
    charts,
  };
}
