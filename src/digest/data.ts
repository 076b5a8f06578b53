import type { Config } from '../config/schema.ts';
import { movingBand } from '../correlate/baseline.ts';
import { hourAt, HOUR_MS, hourIso } from '../time.ts';
import { mayGoToList } from '../extract/tlp.ts';
import { tallyOf, visibleSightings } from '../events/tally.ts';
import type { Proto, Tlp, Verdict } from '../model.ts';
import type { Store } from '../store/index.ts';
import { previousWeek, type Week } from './week.ts';

export interface DigestEvent {
  id: number;
  proto: Proto;
  port: number;
  firstSeen: string;
  peak: { hour: string; events: number } | null;
  verdict: Verdict | null;
  confirmations: number;
  denials: number;
}

export interface PortChange {
  proto: Proto;
  port: number;
  thisWeek: number;
  lastWeek: number;
  /** Events per hour of sensor data: weeks with gaps compare fairly. */
  thisRate: number;
  lastRate: number;
}

export interface ChartPoint {
  hour: string;
  events: number | null;
  mean: number | null;
  upper: number | null;
  lower: number | null;
}

/** A run of hours without any sensor data: its first hour and its last. */
export interface Gap {
  from: string;
  to: string;
  hours: number;
}

/** The runs of hours in [first, last] that are not in `covered`. */
export function gapsIn(covered: Set<number>, first: number, last: number): Gap[] {
  const gaps: Gap[] = [];
  for (let h = first; h <= last; h++) {
    if (covered.has(h)) continue;
    const g = gaps.at(-1);
    if (g && Date.parse(g.to) === (h - 1) * HOUR_MS) {
      g.to = hourIso(h);
      g.hours++;
    } else gaps.push({ from: hourIso(h), to: hourIso(h), hours: 1 });
  }
  return gaps;
}

/**
 * The hours of one port from `first` to `last` with the moving band; from `onset` on, the band
 * stays where it was before the rise, so that a surge never drags its own band up. Hours not in
 * `covered` have no value: a gap, never a zero.
 */
export function chartPoints(
  store: Store,
  config: Config,
  proto: Proto,
  port: number,
  first: number,
  last: number,
  covered: Set<number>,
  onset: number | null,
): ChartPoint[] {
  const { baselineHours, sigma, minBaselineHours } = config.correlate;
  const events = new Map(
    store.counters.hourlyCounts(proto, port, first - baselineHours, last).map((p) => [p.hour, p.events]),
  );
  const value = (h: number) => (covered.has(h) ? (events.get(h) ?? 0) : undefined);
  const points: ChartPoint[] = [];
  for (let h = first; h <= last; h++) {
    const band = movingBand(value, onset !== null && h > onset ? onset : h, baselineHours, sigma, minBaselineHours);
    points.push({
      hour: hourIso(h),
      events: value(h) ?? null,
      mean: band?.mean ?? null,
      upper: band?.upper ?? null,
      lower: band?.lower ?? null,
    });
  }
  return points;
}

export interface DigestData {
  week: Week;
  events: DigestEvent[];
  /** Events left out because their report's label forbids a list (TLP:RED): counted, never shown. */
  withheld: number;
  /** The labels of the posts and replies whose material the digest carries. */
  tlps: Array<Tlp | null>;
  changes: PortChange[];
  gaps: Gap[];
  hoursWithData: number;
  hoursInWeek: number;
  charts: Array<{ proto: Proto; port: number; points: ChartPoint[] }>;
}

/** A port counts as changed only with this many events in the two weeks together... */
const MIN_VOLUME = 20;
/** ...and with its hourly rate up or down by half or more. */
const MIN_CHANGE = Math.log(1.5);

/**
 * Everything the weekly digest says, read from the store: the week's events, the ports whose
 * activity moved most against the week before, the sensor's gaps, and hourly series for charts.
 */
export function digestData(store: Store, week: Week, config: Config): DigestData {
  const first = hourAt(week.start.getTime());
  const last = hourAt(week.end.getTime()) - 1;
  const prev = previousWeek(week);
  const prevFirst = hourAt(prev.start.getTime());

  const active = store.events.activeBetween(week.start.toISOString(), week.end.toISOString());
  const tlps: Array<Tlp | null> = [];
  const events = active.flatMap((e) => {
    const reportTlp = store.messages.report(e.firstMessage)?.tlp ?? null;
    if (!mayGoToList(reportTlp)) return [];
    const sightings = visibleSightings(store.events.sightings(e.id));
    tlps.push(reportTlp, ...sightings.map((s) => s.tlp));
    let peak: DigestEvent['peak'] = null;
    for (const p of store.counters.hourlyCounts(e.proto, e.port, first, last))
      if (!peak || p.events > peak.events) peak = { hour: hourIso(p.hour), events: p.events };
    const t = tallyOf(sightings);
    return [
      {
        id: e.id,
        proto: e.proto,
        port: e.port,
        firstSeen: e.firstSeen,
        peak,
        verdict: e.lastVerdict,
        confirmations: t.confirm,
        denials: t.deny,
      },
    ];
  });

  const now = new Map(store.counters.totals(first, last).map((r) => [`${r.proto}/${r.port}`, r]));
  const before = new Map(store.counters.totals(prevFirst, first - 1).map((r) => [`${r.proto}/${r.port}`, r]));
  const coveredNow = store.counters.coveredHours(first, last).length;
  const coveredBefore = store.counters.coveredHours(prevFirst, first - 1).length;
  const hoursNow = Math.max(1, coveredNow);
  const hoursBefore = Math.max(1, coveredBefore);
  // One event on each side keeps a port that was silent last week from an infinite ratio.
  const change = (c: PortChange) => Math.abs(Math.log((c.thisWeek + 1) / hoursNow / ((c.lastWeek + 1) / hoursBefore)));
  const changes = [...new Set([...now.keys(), ...before.keys()])]
    .map((k) => {
      const [proto, port] = k.split('/') as [Proto, string];
      const thisWeek = now.get(k)?.events ?? 0;
      const lastWeek = before.get(k)?.events ?? 0;
      return {
        proto,
        port: Number(port),
        thisWeek,
        lastWeek,
        thisRate: thisWeek / hoursNow,
        lastRate: lastWeek / hoursBefore,
      };
    })
    // A week without any sensor data is no drop to zero, nor the week after it a rise from zero.
    .filter(() => coveredNow > 0 && coveredBefore > 0)
    .filter((c) => c.thisWeek + c.lastWeek >= MIN_VOLUME && change(c) >= MIN_CHANGE)
    .sort((a, b) => change(b) - change(a) || a.port - b.port)
    .slice(0, 5);

  const covered = new Set(store.counters.coveredHours(first - config.correlate.baselineHours, last));
  const gaps = gapsIn(covered, first, last);

  const chartPorts: Array<{ proto: Proto; port: number }> = [];
  for (const p of [...events, ...changes]) {
    if (chartPorts.length >= config.digest.charts) break;
    if (!chartPorts.some((c) => c.proto === p.proto && c.port === p.port))
      chartPorts.push({ proto: p.proto, port: p.port });
  }
  const charts = chartPorts.map(({ proto, port }) => ({
    proto,
    port,
    points: chartPoints(store, config, proto, port, first, last, covered, null),
  }));

  const hoursInWeek = last - first + 1;
  return {
    week,
    events,
    withheld: active.length - events.length,
    tlps,
    changes,
    gaps,
    hoursWithData: hoursInWeek - gaps.reduce((a, g) => a + g.hours, 0),
    hoursInWeek,
    charts,
  };
}
