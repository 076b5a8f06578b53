import type { Baseline } from '../model.ts';

/** An hourly series in which a missing hour (sensor gap) is `undefined`, never 0. */
export type HourSeries = (hour: number) => number | undefined;

/**
 * The moving-average band of the daily-overview seed: mean and sample standard deviation of the
 * `hours` hours before `hour`, and mean +/- sigma * sd. Gap hours are left out of the average;
 * with fewer than `minHours` hours of data there is no baseline.
 */
export function movingBand(
  series: HourSeries,
  hour: number,
  hours: number,
  sigma: number,
  minHours: number,
): Baseline | null {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let h = hour - hours; h < hour; h++) {
    const v = series(h);
    if (v === undefined) continue;
    n++;
    sum += v;
    sumSq += v * v;
  }
  if (n < Math.max(2, minHours)) return null;
  const mean = sum / n;
  const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  const sd = Math.sqrt(variance);
  return {
    mean: round(mean),
    sd: round(sd),
    upper: round(mean + sigma * sd),
    lower: round(Math.max(0, mean - sigma * sd)),
    hours: n,
  };
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
