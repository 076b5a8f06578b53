/**
 * What an hour of a port usually holds, from the hours before it: the seasonal expectation that
 * detection measures a rise against, and how much ordinary hours stray from it.
 *
 * A series is a Float64Array of events per hour; NaN is an hour without sensor data (a gap, never
 * a zero) or an hour masked out because it belongs to an anomaly (a surge never raises its own
 * baseline).
 */

const DAY = 24;
const WEEK_DAYS = 7;
/** Days of the same hour the hour-of-day level is taken over, and the fewest it is taken from. */
const LEVEL_DAYS = 14;
const MIN_LEVEL_DAYS = 3;
/** Below this many events an hour, a port's recent hours are its expectation before it has days. */
const SILENT = 1;
/** ... taken over this many hours before it, a quarter of them or more with data. */
const RECENT_HOURS = 48;

/**
 * The mean of the first `n` values of `xs` with the biggest clipped to a few times the median: one
 * spike hour in the reference set does not lift the expectation, and low counts keep an unbiased
 * mean (a median of Poisson(0.5) hours is 0). Sorts those values in place.
 */
function clippedMean(xs: Float64Array, n: number): number {
  // Insertion sort: a few dozen values, taken for every hour of every port.
  for (let i = 1; i < n; i++) {
    const v = xs[i]!;
    let j = i - 1;
    for (; j >= 0 && xs[j]! > v; j--) xs[j + 1] = xs[j]!;
    xs[j + 1] = v;
  }
  const cap = 3 * xs[n >> 1]! + 5;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.min(xs[i]!, cap);
  return sum / n;
}

/** Each day's events, scaled up from the hours with data; NaN for a day with less than half of them. */
function dayTotals(x: Float64Array, offset: number): Float64Array {
  const days = Math.ceil((x.length + offset) / DAY);
  const sum = new Float64Array(days);
  const n = new Float64Array(days);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]!)) continue;
    const d = Math.floor((i + offset) / DAY);
    sum[d] = sum[d]! + x[i]!;
    n[d] = n[d]! + 1;
  }
  return sum.map((v, d) => (n[d]! >= DAY / 2 ? (v * DAY) / n[d]! : Number.NaN));
}

/**
 * How busy each weekday is against the weeks around it: the mean of the same weekday over up to
 * `weeks` earlier weeks against the mean of all their days. Day totals hold 24 hours of counts, so
 * the weekly shape is steady where single hours of a week ago are noise. 1 without the history.
 */
function weekdayFactors(totals: Float64Array, weeks: number): Float64Array {
  const f = new Float64Array(totals.length).fill(1);
  const days: number[] = [];
  for (let d = 0; d < totals.length; d++) {
    days.length = 0;
    for (let k = 1; k <= weeks * WEEK_DAYS; k++) {
      const v = totals[d - k];
      if (v !== undefined && !Number.isNaN(v)) days.push(v);
    }
    // A day that held a burst is not what its weekday usually holds: days are clipped at twice the
    // median day before they are averaged.
    const cap = 2 * ([...days].sort((a, b) => a - b)[days.length >> 1] ?? 0) + DAY;
    let same = 0;
    let sameN = 0;
    let all = 0;
    let allN = 0;
    for (let k = 1; k <= weeks * WEEK_DAYS; k++) {
      const v = totals[d - k];
      if (v === undefined || Number.isNaN(v)) continue;
      const clipped = Math.min(v, cap);
      all += clipped;
      allN++;
      if (k % WEEK_DAYS === 0) {
        same += clipped;
        sameN++;
      }
    }
    if (sameN >= 1 && allN >= WEEK_DAYS && all > 0) f[d] = Math.min(5, Math.max(0.2, same / sameN / (all / allN)));
  }
  return f;
}

/**
 * The expected events of each hour in [from, to): the weekday's factor times the clipped mean of
 * the same hour of the day over the two weeks before, each of those taken out of its own weekday's
 * factor (three or more with data); else, for a port that has been all but silent, the clipped
 * mean of the 48 hours before. `offset` is the
 * hour of the day (UTC) of index 0, so that days are calendar days.
 */
export function expectations(x: Float64Array, from: number, to: number, weeks: number, offset = 0): Float64Array {
  const e = new Float64Array(x.length).fill(Number.NaN);
  const f = weekdayFactors(dayTotals(x, offset), weeks);
  const day = (i: number) => Math.floor((i + offset) / DAY);
  const buf = new Float64Array(Math.max(2 * LEVEL_DAYS, RECENT_HOURS));
  for (let h = Math.max(0, from); h < to; h++) {
    let n = 0;
    // Two weeks of the same hour; further back only while too few of them have data (a surge
    // masked out for most of a fortnight is measured against the days before it).
    for (let k = 1; k <= 2 * LEVEL_DAYS && (k <= LEVEL_DAYS || n < MIN_LEVEL_DAYS); k++) {
      const i = h - k * DAY;
      if (i < 0) break;
      if (!Number.isNaN(x[i]!)) buf[n++] = x[i]! / f[day(i)]!;
    }
    if (n >= MIN_LEVEL_DAYS) {
      e[h] = f[day(h)]! * clippedMean(buf, n);
      continue;
    }
    // Too few days to know the port's daily cycle: only a port that was silent has an expectation
    // (a port waking up on the first days of the data is still seen); a busy one is not judged yet.
    n = 0;
    for (let i = Math.max(0, h - RECENT_HOURS); i < h; i++) if (!Number.isNaN(x[i]!)) buf[n++] = x[i]!;
    const recent = n >= RECENT_HOURS / 4 ? clippedMean(buf, n) : Number.NaN;
    if (recent < SILENT) e[h] = recent;
  }
  return e;
}

/**
 * How far ordinary hours stray beyond Poisson noise, as a share of the expectation: Var = e + (c·e)².
 * Taken over the hours [from, to) with an expectation of at least one event; never below
 * `floor` (no port is that regular), and `floor` when there is too little to say.
 */
export function dispersion(x: Float64Array, e: Float64Array, from: number, to: number, floor: number): number {
  const size = Math.max(0, to - Math.max(0, from));
  const dev = new Float64Array(size);
  const poisson = new Float64Array(size);
  let n = 0;
  for (let h = Math.max(0, from); h < to; h++) {
    const v = x[h]!;
    const m = e[h]!;
    if (Number.isNaN(v) || Number.isNaN(m) || m < 1) continue;
    dev[n] = (v - m) ** 2 / (m * m);
    poisson[n++] = 1 / m;
  }
  if (n < 24) return floor;
  const median = (xs: Float64Array) => xs.subarray(0, n).sort()[n >> 1]!;
  // (v - m)²/m² has mean 1/m + c²; its median is 0.455 of that (a squared normal's). The Poisson
  // part comes off after the median, not before: taken off each hour first, it biased c low.
  const c2 = median(dev) / 0.455 - median(poisson);
  return Math.min(1, Math.max(floor, Math.sqrt(Math.max(0, c2))));
}
