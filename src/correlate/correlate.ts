import type { Config } from '../config/schema.ts';
import { HOUR_MS, hourAt, hourIso } from '../time.ts';
import type { Baseline, Evidence, Finding, Proto, Report, VerdictTest } from '../model.ts';
import type { CounterReader } from '../store/index.ts';
import { series } from '../counters/rollups.ts';
import { movingBand, round, type HourSeries } from './baseline.ts';
import { evidenceOf } from './evidence.ts';
import { poissonTail, seasonalExpectation, spikeLevel } from './significance.ts';

export type CorrelateOptions = Config['correlate'];

/** The expected events per hour the Poisson test never goes below. */
const MIN_EXPECTED = 1;

/** Share of hours after an onset that must stay above the pre-onset band for a run to count. */
const PERSISTENCE = 0.6;
/** A run may dip back into the band for this many hours with data and still be one run. */
const MAX_DIP = 2;

/**
 * From `onset` to `last`, the series stays above `upper`: most hours with data are above, and it
 * never falls back for longer than MAX_DIP hours (a lone noisy hour days ago is not an onset),
 * and its first two hours are both out of the band.
 */
function sustained(value: HourSeries, onset: number, last: number, upper: number): boolean {
  let above = 0;
  let total = 0;
  let dip = 0;
  for (let h = onset; h <= last; h++) {
    const x = value(h);
    if (x === undefined) continue;
    total++;
    // A run starts with two hours out of the band; one noisy hour just before it is not its start.
    if (total === 2 && x <= upper) return false;
    if (x > upper) {
      above++;
      dip = 0;
    } else if (++dip > MAX_DIP) return false;
  }
  return total > 0 && above / total >= PERSISTENCE;
}

/** The time a report is judged at: `--at`, else the post's Date, else now. */
export function reportTime(report: Report, at?: string): Date {
  const t = at ?? report.date;
  const d = t ? new Date(t) : new Date();
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

/**
 * Checks each (proto, port) a report names against our own hourly counters at the report's time.
 *
 * The latest hour with sensor data is compared with the 48-hour band before the onset of the
 * current run: scanning that began days ago has raised its own trailing average, so the band is
 * taken from before the first hour that broke out and stayed out. Without such an onset the
 * latest hour is compared with its own trailing band.
 */
export function correlate(report: Report, counters: CounterReader, at: Date, opts: CorrelateOptions): Finding[] {
  return counters.readTogether(() => correlateTogether(report, portIndependentOnce(counters), at, opts));
}

function correlateTogether(report: Report, counters: CounterReader, at: Date, opts: CorrelateOptions): Finding[] {
  const sources = report.sourceAddresses;
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const claim of report.ports) {
    const protos: Proto[] = claim.proto ? [claim.proto] : ['tcp', 'udp'];
    const candidates = protos.map((p) => judgePort(p, claim.port, counters, at, opts, sources));
    // A port named without a protocol is judged on the protocol our sensor actually sees on it.
    const best = candidates.reduce((a, b) => (activity(b) > activity(a) ? b : a));
    const key = `${best.proto}/${best.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(best);
  }
  return out;
}

/**
 * Where a run really steps up: the first hour at least halfway from the band's upper bound to the
 * run's median. Two slightly noisy hours before a jump to ten times the level are not its start.
 */
function stepHour(value: HourSeries, onset: number, last: number, upper: number): number {
  const run: number[] = [];
  for (let h = onset; h <= last; h++) {
    const x = value(h);
    if (x !== undefined) run.push(x);
  }
  run.sort((a, b) => a - b);
  const median = run[Math.floor(run.length / 2)] ?? upper;
  const halfway = (upper + median) / 2;
  for (let h = onset; h <= last; h++) {
    const x = value(h);
    if (x !== undefined && x >= halfway) return h;
  }
  return onset;
}

/**
 * The counters, with the reads that are the same for every port of a report (the hours covered,
 * the addresses the sensor listens on, its last event) made once: on a busy 90-day store they were
 * a seventh of the time a five-port report took.
 */
function portIndependentOnce(counters: CounterReader): CounterReader {
  const memo = new Map<string, unknown>();
  const once =
    <A extends number[], T>(name: string, read: (...args: A) => T) =>
    (...args: A): T => {
      const key = `${name} ${args.join(' ')}`;
      if (!memo.has(key)) memo.set(key, read(...args));
      return memo.get(key) as T;
    };
  return Object.assign(Object.create(counters) as CounterReader, {
    coveredHours: once('covered', (from: number, to: number) => counters.coveredHours(from, to)),
    distinctDestinations: once('listening', (from: number, to: number) => counters.distinctDestinations(from, to)),
    lastEventAt: once('last', (from: number, to: number) => counters.lastEventAt(from, to)),
  });
}

function activity(f: Finding): number {
  return (f.peak?.events ?? 0) + (f.current ?? 0);
}

/**
 * The report's own hour, still running at `at`: its rollup holds only the minutes before `at` in
 * live use, and events from after `at` when the log was read later, so it is counted from the raw
 * events up to `at` instead. Its data reach up to the last event of any port (or `at`, when the
 * log goes on past it); with fewer than `minPartialMinutes` of them, there is no partial hour.
 */
function partialHour(proto: Proto, port: number, counters: CounterReader, at: number, opts: CorrelateOptions) {
  const start = hourAt(at) * HOUR_MS;
  if (at <= start) return null;
  const last = counters.lastEventAt(start, start + HOUR_MS - 1);
  if (last === null) return null;
  const reach = Math.min(last, at);
  const minutes = (reach - start) / 60_000;
  if (minutes < opts.minPartialMinutes) return null;
  const { events, sources } = counters.recentCount(proto, port, start, reach);
  return { events, sources, minutes: Math.floor(minutes), rate: round((events * 60) / minutes) };
}

/** One (proto, port) judged at `at`: the Finding a report's claim of it would get. */
export function judgePort(
  proto: Proto,
  port: number,
  counters: CounterReader,
  at: Date,
  opts: CorrelateOptions,
  sources: string[],
): Finding {
  const atHour = hourAt(at.getTime());
  // The window looked at (and reported as coverage), and before it the weeks that make the
  // seasonal expectation of an onset as far back as the lookback.
  const first = atHour - opts.lookbackHours - opts.baselineHours;
  const history = atHour - opts.lookbackHours - Math.max(opts.baselineHours, opts.seasonWeeks * 168);
  const covered = new Set(counters.coveredHours(history, atHour - 1));
  // Weeks of hours are read as counts alone; sources and countries only for the hours that show them.
  const points = new Map(counters.hourlyCounts(proto, port, history, atHour - 1).map((p) => [p.hour, p]));
  // The report's sources seen here up to the report's time, never after it, with when first. Read
  // before the partial hour: its week of the port's raw events holds that hour's too.
  const seenHere = counters.firstSeen(proto, port, sources, at.getTime());
  const partial = partialHour(proto, port, counters, at.getTime(), opts);
  // Complete hours from the rollups; the report's own hour only as the rate over its minutes.
  const value: HourSeries = (h) =>
    h === atHour ? partial?.rate : covered.has(h) ? (points.get(h)?.events ?? 0) : undefined;
  const band = (h: number) => movingBand(value, h, opts.baselineHours, opts.sigma, opts.minBaselineHours);

  let H = atHour;
  if (!partial) for (H = atHour - 1; H >= atHour - opts.recentHours && value(H) === undefined; H--);
  // Past the recent hours the sensor was down at the report's time: no data, whatever older hours say.
  const current = H >= atHour - opts.recentHours ? value(H) : undefined;
  const base: Finding = {
    port,
    proto,
    verdict: 'no-data',
    at: at.toISOString(),
    current: null,
    currentHour: null,
    currentSources: null,
    currentMinutes: null,
    currentEvents: null,
    baseline: null,
    ratio: null,
    onset: null,
    peak: null,
    test: null,
    evidence: null,
    sourcesSeenLocally: seenHere.map((r) => r.src),
    coverage: {
      hoursWithData: [...covered].filter((h) => h >= first).length + (partial ? 1 : 0),
      hoursInWindow: atHour - first + 1,
    },
  };
  if (current === undefined) return base;

  // The busiest complete hour: a partial hour's rate is no count of events.
  let peak: Finding['peak'] = null;
  for (let h = atHour - opts.lookbackHours; h < atHour; h++) {
    const v = value(h);
    if (v !== undefined && v > 0 && (!peak || v > peak.events)) peak = { hour: hourIso(h), events: v };
  }
  const withCurrent = {
    ...base,
    current,
    currentHour: hourIso(H),
    currentSources:
      partial && H === atHour
        ? partial.sources
        : (series(counters, proto, port, H, H, undefined, { countries: false })[0]?.sources ?? 0),
    currentMinutes: partial && H === atHour ? partial.minutes : 60,
    currentEvents: partial && H === atHour ? partial.events : current,
    test: null,
    peak,
  };
  const own = band(H);
  if (!own) return withCurrent;
  const seen = [...points.keys()].some((h) => h >= first) || !!partial?.events;
  if (!seen) return { ...withCurrent, verdict: 'not-seen', baseline: own, ratio: null };

  /** Our raw events of the port from `fromHour` up to the report's time; null when none are kept. */
  const evidence = (fromHour: number): Evidence | null => {
    const fromMs = fromHour * HOUR_MS;
    const atMs = at.getTime();
    const events = counters.recentEvents(proto, port, fromMs, atMs, opts.maxEvidenceEvents + 1);
    if (events.length === 0) return null;
    const truncated = events.length > opts.maxEvidenceEvents;
    const countries = new Map<string, number>();
    for (const p of series(counters, proto, port, fromHour, atHour - 1))
      for (const [cc, n] of Object.entries(p.countries)) countries.set(cc, (countries.get(cc) ?? 0) + n);
    const listening = counters.distinctDestinations(atMs - HOUR_MS, atMs);
    const kept = truncated ? events.slice(0, -1) : events;
    return evidenceOf(kept, fromMs, atMs, truncated, seenHere, countries, listening);
  };

  /**
   * The current figure against a band from before `before` (an onset, or the current hour): above
   * the band, with minEvents and minRatio; unlikely as a Poisson count at the expected level (the
   * band's mean, or what this hour of the week usually holds, whichever is higher); and above
   * the two weeks' own spikes before it.
   */
  const testAgainst = (b: Baseline, before: number): VerdictTest => {
    const seasonal = seasonalExpectation(value, H, before, opts.seasonWeeks);
    const expected = Math.max(b.mean, seasonal?.value ?? 0);
    // Never less than one event an hour expected: on a port that was silent, two packets are no rise.
    const lambda = (Math.max(expected, MIN_EXPECTED) * withCurrent.currentMinutes) / 60;
    const pValue = poissonTail(withCurrent.currentEvents, lambda);
    const spikes = spikeLevel(value, before);
    const failed =
      current <= b.upper
        ? 'band'
        : withCurrent.currentEvents < opts.minEvents
          ? 'min-events'
          : b.mean > 0 && current / b.mean < opts.minRatio
            ? 'ratio'
            : pValue > opts.alpha
              ? 'poisson'
              : spikes !== null && current <= spikes
                ? 'spikes'
                : null;
    return { expected: round(expected), seasonal, pValue: Number(pValue.toPrecision(3)), spikeLevel: spikes, failed };
  };

  for (let o = atHour - opts.lookbackHours; o <= H; o++) {
    const v = value(o);
    if (v === undefined || v < opts.minEvents) continue;
    const pre = band(o);
    if (!pre || v <= pre.upper) continue;
    const test = testAgainst(pre, o);
    if (test.failed) continue;
    if (sustained(value, o, H, pre.upper)) {
      const onset = stepHour(value, o, H, pre.upper);
      return {
        ...withCurrent,
        verdict: 'elevated',
        baseline: pre,
        ratio: ratioOf(current, pre.mean),
        onset: hourIso(onset),
        test,
        evidence: evidence(onset),
      };
    }
  }
  return {
    ...withCurrent,
    verdict: 'normal',
    baseline: own,
    ratio: ratioOf(current, own.mean),
    test: testAgainst(own, H),
    evidence: evidence(H),
  };
}

function ratioOf(current: number, mean: number): number | null {
  return mean > 0 ? round(current / mean) : null;
}
