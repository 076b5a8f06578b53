/**
 * Local anomalies in the stored hourly counters: every (proto, port) judged against its own
 * seasonal expectation (runs.ts), and what each run amounts to, with the distinct sources and the
 * countries that drive it. Backscatter (replies to someone else's SYNs) is judged apart, as the
 * flood it reflects, not as a scan of the high ports it lands on.
 */
import type { Config } from '../config/schema.ts';
import { distinctOver } from '../counters/rollups.ts';
import type { Anomaly, Proto } from '../model.ts';
import type { CounterReader } from '../store/index.ts';
import { HOUR_MS, hourAt, hourIso } from '../time.ts';
import { findRuns, type Run, type RunOptions } from './runs.ts';

export type DetectOptions = Config['detect'];

/** A run of this many hours with data or fewer is a burst; longer, a rise. */
const BURST_HOURS = 6;
/** A port that held fewer events an hour than this over the two weeks before was silent. */
const SILENT_RATE = 0.2;
const SILENT_HOURS = 14 * 24;
/** Hours before a run whose countries are the usual mix it is measured against. */
const USUAL_HOURS = 7 * 24;
/** A country drives a run when its share of the sources rose by this much. */
const DRIVER_LIFT = 0.1;
const MAX_COUNTRIES = 3;
/** The least events per hour ever expected: a silent port still has a stray packet now and then. */
const FLOOR = 0.1;
/** Hours before `since` that runs are looked for in too. */
const LOOK_BACK = 14 * 24;

export interface DetectRange {
  /** The first hour judged (epoch hours). */
  since: number;
  /** The hour after the last judged. */
  until: number;
}

function runOptions(opts: DetectOptions): RunOptions {
  return {
    weeks: opts.weeks,
    minRatio: opts.minRatio,
    minEvents: opts.minEvents,
    alpha: opts.alpha,
    minHours: opts.minHours,
    floor: FLOOR,
    minDispersion: opts.minDispersion,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The countries whose share of the run's distinct sources rose most against the week before, with
 * their shares of all the run's sources (those without a known country, IPv6 ones say, included in
 * the whole). None when no country's share rose: a rise spread like the usual mix has no driver.
 */
export function drivers(
  now: { sources: number; countries: Record<string, number> },
  before: { sources: number; countries: Record<string, number> },
): Array<{ cc: string; share: number }> {
  if (!now.sources) return [];
  return Object.entries(now.countries)
    .map(([cc, n]) => {
      const share = Math.min(1, n / now.sources);
      return { cc, share, lift: share - (before.sources ? (before.countries[cc] ?? 0) / before.sources : 0) };
    })
    .filter((r) => r.lift >= DRIVER_LIFT)
    .sort((a, b) => b.lift - a.lift)
    .slice(0, MAX_COUNTRIES)
    .map((r) => ({ cc: r.cc, share: Math.round(r.share * 100) / 100 }));
}

/** When the run ended: the hour after its last, once `closeHours` hours with data followed it. */
function endOf(x: Float64Array, run: Run, closeHours: number): number | null {
  let after = 0;
  for (let h = run.last + 1; h < x.length; h++) if (!Number.isNaN(x[h]!)) after++;
  return after >= closeHours ? run.last + 1 : null;
}

function hoursWithData(x: Float64Array, first: number, last: number): number {
  let n = 0;
  for (let h = first; h <= last; h++) if (!Number.isNaN(x[h]!)) n++;
  return n;
}

function silentBefore(x: Float64Array, first: number): boolean {
  let sum = 0;
  let n = 0;
  for (let h = Math.max(0, first - SILENT_HOURS); h < first; h++) {
    if (Number.isNaN(x[h]!)) continue;
    sum += x[h]!;
    n++;
  }
  return n > 0 && sum / n < SILENT_RATE;
}

/** The parts of an anomaly a run gives: times, peak, expectation and ratio. */
function shape(x: Float64Array, run: Run, origin: number, closeHours: number) {
  const end = endOf(x, run, closeHours);
  const expected = run.expected[run.peak]!;
  return {
    start: hourIso(origin + run.first),
    end: end === null ? null : hourIso(origin + end),
    peak: { hour: hourIso(origin + run.peak), events: x[run.peak]! },
    expected: round1(Number.isNaN(expected) ? 0 : expected),
    ratio: round1(x[run.peak]! / Math.max(Number.isNaN(expected) ? 0 : expected, 1)),
  };
}

/**
 * The anomalies of the hours [since, until): each (proto, port) of the counters, and the
 * backscatter reaching the high ports, ordered by start.
 */
export function detect(counters: CounterReader, range: DetectRange, opts: DetectOptions): Anomaly[] {
  // Runs are looked for from two weeks before `since`, and those still going at `since` reported:
  // a surge that began earlier keeps its real start, and its hours are kept out of its baseline.
  const origin = range.since - LOOK_BACK - (opts.weeks * 168 + 24);
  const n = range.until - origin;
  const from = range.since - origin;
  const judged = from - LOOK_BACK;
  const base = new Float64Array(n).fill(Number.NaN);
  for (const h of counters.coveredHours(origin, range.until - 1))
    if (h >= origin && h < range.until) base[h - origin] = 0;
  const ro = runOptions(opts);
  const out: Anomaly[] = [];
  const flood = backscatter(counters, base, origin, from, opts);
  const during = (first: number, last: number) =>
    flood.some((b) => hourAt(Date.parse(b.start)) <= last && (b.end === null || hourAt(Date.parse(b.end)) > first));

  const judge = (proto: Proto, port: number, x: Float64Array, syn: Float64Array) => {
    for (const run of findRuns(x, judged, n, ro, origin % 24)) {
      if (run.last < from) continue;
      const first = origin + run.first;
      const last = origin + run.last;
      // A high port's rise made of replies (not SYNs) while backscatter comes in is that
      // backscatter landing, not a scan of the port.
      if (proto === 'tcp' && port >= opts.backscatterMinPort && during(first, last)) {
        let all = 0;
        let syns = 0;
        for (let h = run.first; h <= run.last; h++) {
          if (Number.isNaN(x[h]!)) continue;
          all += x[h]!;
          syns += syn[h]!;
        }
        if (syns < all / 2) continue;
      }
      const now = distinctOver(counters, proto, port, first, last);
      const before = distinctOver(counters, proto, port, first - USUAL_HOURS, first - 1);
      const kind = silentBefore(x, run.first)
        ? 'new'
        : hoursWithData(x, run.first, run.last) <= BURST_HOURS
          ? 'burst'
          : 'rise';
      out.push({
        proto,
        port,
        ...shape(x, run, origin, opts.closeHours),
        sources: now.sources,
        countries: drivers(now, before),
        kind,
      });
    }
  };

  for (const { proto, port, hours, events, synOnly } of counters.hourlySeries(origin, range.until - 1)) {
    const x = base.slice();
    const syn = new Float64Array(n);
    let recent = 0;
    for (let i = 0; i < hours.length; i++) {
      const h = hours[i]! - origin;
      // An hour with events is an hour with data, whatever the coverage table says.
      x[h] = events[i]!;
      syn[h] = synOnly[i]!;
      if (h >= from) recent += events[i]!;
    }
    // Too few events in the hours judged for any window to count: nothing to look at.
    if (recent >= opts.minEvents) judge(proto, port, x, syn);
  }

  out.push(...flood);
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.port - b.port);
}

/**
 * Replies to SYNs we never sent (SYN-ACK, RST from a service port to one of our high ports): the
 * backscatter of a spoofed flood against the service's owner. Judged as one series per service
 * port the replies come from, so that floods against a web server and a DNS server are two.
 */
function backscatter(
  counters: CounterReader,
  base: Float64Array,
  origin: number,
  from: number,
  opts: DetectOptions,
): Anomaly[] {
  const rows = counters.backscatter(origin * HOUR_MS, (origin + base.length) * HOUR_MS - 1, opts.backscatterMinPort);
  const oldest = counters.oldestRecentAt();
  if (!rows.length || oldest === null) return [];
  // Raw events are kept for days, not weeks: hours before the oldest one kept are no data, not zeros.
  const kept = Math.min(Math.floor(oldest / HOUR_MS) - origin, base.length);
  const bySpt = new Map<number, Float64Array>();
  for (const r of rows) {
    let x = bySpt.get(r.spt);
    if (!x) {
      x = Float64Array.from(base);
      for (let h = 0; h < kept; h++) x[h] = Number.NaN;
      bySpt.set(r.spt, x);
    }
    const h = r.hour - origin;
    x[h] = (Number.isNaN(x[h]!) ? 0 : x[h]!) + r.events;
  }
  const out: Anomaly[] = [];
  for (const [spt, x] of bySpt) {
    for (const run of findRuns(x, from, x.length, runOptions(opts), origin % 24)) {
      const fromMs = (origin + run.first) * HOUR_MS;
      out.push({
        proto: 'tcp',
        port: spt,
        ...shape(x, run, origin, opts.closeHours),
        sources: counters.backscatterSources(fromMs, (origin + run.last + 1) * HOUR_MS - 1, spt),
        countries: [],
        kind: 'backscatter',
      });
    }
  }
  return out;
}
