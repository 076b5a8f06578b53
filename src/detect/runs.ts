/**
 * Where one series breaks out of what its hours usually hold: windows of several lengths tested
 * for counts, merged into runs. Pure arithmetic on arrays; what the runs mean is for detect.ts.
 */
import { poissonTail } from '../correlate/significance.ts';
import { dispersion, expectations } from './expect.ts';

export interface RunOptions {
  /** Weeks of the same hour the weekly expectation looks back on. */
  weeks: number;
  /** A window must hold at least this many times its expectation. */
  minRatio: number;
  /** ... and at least this many events. */
  minEvents: number;
  /** The chance of a window so high on ordinary traffic, below which it counts. */
  alpha: number;
  /** A run shorter than this many hours with data is not reported. */
  minHours: number;
  /** The least events per hour ever expected: a silent port still has a stray packet now and then. */
  floor: number;
  /** The least extra-Poisson spread assumed of any port (share of the expectation). */
  minDispersion: number;
}

export interface Run {
  /** Index of the first and the last hour of the run (inclusive). */
  first: number;
  last: number;
  /** Index of the busiest hour. */
  peak: number;
  /** Expected events per hour at each index (from before the run), for the caller to report. */
  expected: Float64Array;
}

/** Window lengths in hours: a sharp burst shows in one or two, a moderate rise only over half a day. */
const WINDOWS = [1, 2, 3, 6, 12, 24];

/** Hours of history, before the hours judged, that the spread of ordinary hours is measured on. */
const SPREAD_HOURS = 14 * 24;

/** The one-sided normal quantile for `alpha` (Acklam's rational approximation, tail part). */
function zFor(alpha: number): number {
  const q = Math.sqrt(-2 * Math.log(alpha));
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  return (
    -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  );
}

/** Whether X events where E were expected (with spread c) is beyond ordinary, for counts. */
function significant(X: number, E: number, c: number, alpha: number, z: number): boolean {
  // Small expectations: the Poisson tail itself, at an expectation raised by the spread.
  if (E < 20) return poissonTail(X, E * (1 + c)) < alpha;
  return (X - E) / Math.sqrt(E + c * c * E * E) > z;
}

/**
 * Finds the runs in the hours [from, to) of `x` (index 0 at hour `offset` of a UTC day). The
 * expectation of every hour comes from hours before it; hours of the runs found are masked out
 * and the expectation taken again, so that a surge that lasts days is measured against the days
 * before it, not against itself.
 */
export function findRuns(x: Float64Array, from: number, to: number, opts: RunOptions, offset = 0): Run[] {
  const z = zFor(opts.alpha);
  let runs = pass(x, x, from, to, opts, z, offset);
  // A long surge is found a part at a time: each pass masks what the last found, until the runs
  // stop growing (a few passes; a surge of weeks needs one per fortnight of it).
  const masked = Float64Array.from(x);
  for (let i = 0; i < MAX_PASSES && runs.length; i++) {
    let grew = false;
    for (const r of runs)
      for (let h = r.first; h <= r.last; h++)
        if (!Number.isNaN(masked[h]!)) {
          masked[h] = Number.NaN;
          grew = true;
        }
    if (!grew) break;
    runs = pass(x, masked, from, to, opts, z, offset);
  }
  return runs;
}

const MAX_PASSES = 4;

function pass(
  x: Float64Array,
  history: Float64Array,
  from: number,
  to: number,
  opts: RunOptions,
  z: number,
  offset: number,
): Run[] {
  const start = Math.max(0, from - SPREAD_HOURS);
  const e = expectations(history, start, to, opts.weeks, offset);
  // Over the hours judged too: a range that starts where the data start has no history before it,
  // and the median is not moved by the few hours of a run.
  const c = dispersion(history, e, start, to, opts.minDispersion);
  const hot = new Uint8Array(x.length);
  // Prefix sums over hours with data and an expectation: windows add in O(1).
  const n = to - from;
  const sx = new Float64Array(n + 1);
  const se = new Float64Array(n + 1);
  const sn = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const h = from + i;
    const ok = !Number.isNaN(x[h]!) && !Number.isNaN(e[h]!);
    sx[i + 1] = sx[i]! + (ok ? x[h]! : 0);
    se[i + 1] = se[i]! + (ok ? Math.max(e[h]!, opts.floor) : 0);
    sn[i + 1] = sn[i]! + (ok ? 1 : 0);
  }
  for (const w of WINDOWS) {
    for (let i = w; i <= n; i++) {
      const k = sn[i]! - sn[i - w]!;
      if (k < Math.ceil(w / 2)) continue;
      const X = sx[i]! - sx[i - w]!;
      const E = se[i]! - se[i - w]!;
      if (X < opts.minEvents || X < opts.minRatio * E) continue;
      if (!significant(X, E, c, opts.alpha, z)) continue;
      for (let h = from + i - w; h < from + i; h++) hot[h] = 1;
    }
  }
  const runs: Run[] = [];
  let h = from;
  while (h < to) {
    if (!hot[h]) {
      h++;
      continue;
    }
    let last = h;
    // A run goes on across a single hour that dipped, and across hours without data, but not a
    // whole day of them: two bursts a day's outage apart are two.
    for (let j = h + 1; j < to; j++) {
      if (hot[j]) last = j;
      else if ((!Number.isNaN(x[j]!) && j - last > 1) || j - last > 24) break;
    }
    const run = trim(x, e, h, last, opts);
    if (run) runs.push({ ...run, expected: e });
    h = last + 1;
  }
  return runs;
}

/**
 * A long window smears a run back into the ordinary hours around it: the run begins at the first
 * hour at least a third of the way from its expectation to the run's own level (and above the ratio), and
 * ends at the last such hour. Null when too few hours with data remain.
 */
function trim(x: Float64Array, e: Float64Array, first: number, last: number, opts: RunOptions) {
  // The run's level: the median of its hours above the ratio, not of the quiet hours a window swept in.
  const inRun: number[] = [];
  for (let h = first; h <= last; h++)
    if (!Number.isNaN(x[h]!) && x[h]! > Math.max(e[h]!, opts.floor) * opts.minRatio) inRun.push(x[h]!);
  inRun.sort((a, b) => a - b);
  const level = inRun[(inRun.length - 1) >> 1] ?? 0;
  const above = (h: number) => {
    if (Number.isNaN(x[h]!)) return false;
    const m = Math.max(e[h]!, opts.floor);
    // Beyond ordinary Poisson noise too: on a quiet port, 3 events where 1 is usual is no edge.
    return x[h]! > m * opts.minRatio && x[h]! >= m + (level - m) / 3 && x[h]! >= m + 3 * Math.sqrt(m) + 1;
  };
  while (last >= first && !above(last)) last--;
  // The start is the first hour above that the hours after it stay above (two in three of the
  // next six): a lone noisy hour before the step is not where it began.
  const settled = (s: number) => {
    let n = 0;
    let up = 0;
    for (let h = s; h <= Math.min(last, s + 5); h++) {
      if (Number.isNaN(x[h]!)) continue;
      n++;
      if (above(h)) up++;
    }
    return up * 3 >= n * 2;
  };
  while (first <= last && !(above(first) && settled(first))) first++;
  let hours = 0;
  let peak = first;
  for (let h = first; h <= last; h++) {
    if (Number.isNaN(x[h]!)) continue;
    hours++;
    if (x[h]! > x[peak]!) peak = h;
  }
  return hours >= opts.minHours ? { first, last, peak } : null;
}
