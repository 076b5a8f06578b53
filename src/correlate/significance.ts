import poissonCdf from '@stdlib/stats-base-dists-poisson-cdf';
import type { HourSeries } from './baseline.ts';
import { round } from './baseline.ts';

const WEEK = 168;
/** Hours before an onset whose spikes a rise must go beyond: two weeks. */
const SPIKE_HOURS = 2 * WEEK;
/** The level of "the last weeks' own spikes": their 99th percentile, so that one freak hour does not count. */
const SPIKE_QUANTILE = 0.99;

/** P(X >= k) for X ~ Poisson(lambda): how surprising k events are when lambda are expected. */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  return Math.max(0, 1 - poissonCdf(k - 1, lambda));
}

export interface Seasonal {
  /** Events per hour usually seen at this hour: the median of the same hours in earlier weeks or days. */
  value: number;
  from: 'hour-of-week' | 'hour-of-day';
  hours: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * What this hour of the week usually holds, from before `before` (the onset, so that a surge never
 * raises its own expectation): the median of the same hour in up to `weeks` earlier weeks, when
 * two or more have data; else the median of the same hour of day over the two weeks before, when
 * three or more have. The median, not the mean: one busy Monday is not the usual Monday.
 */
export function seasonalExpectation(value: HourSeries, hour: number, before: number, weeks: number): Seasonal | null {
  const sameHour = (step: number, count: number) => {
    const xs: number[] = [];
    for (let k = 1; k <= count; k++) {
      const h = hour - k * step;
      const v = h < before ? value(h) : undefined;
      if (v !== undefined) xs.push(v);
    }
    return xs;
  };
  const weekly = sameHour(WEEK, weeks);
  if (weekly.length >= 2) return { value: round(median(weekly)), from: 'hour-of-week', hours: weekly.length };
  const daily = sameHour(24, 14);
  if (daily.length >= 3) return { value: round(median(daily)), from: 'hour-of-day', hours: daily.length };
  return null;
}

/** The level the two weeks before `before` reach in their busiest hours (99th percentile); null without data. */
export function spikeLevel(value: HourSeries, before: number): number | null {
  const xs: number[] = [];
  for (let h = before - SPIKE_HOURS; h < before; h++) {
    const v = value(h);
    if (v !== undefined) xs.push(v);
  }
  if (xs.length === 0) return null;
  xs.sort((a, b) => a - b);
  return xs[Math.min(xs.length - 1, Math.ceil(SPIKE_QUANTILE * xs.length) - 1)]!;
}
