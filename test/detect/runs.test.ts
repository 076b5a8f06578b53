import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { findRuns, type RunOptions } from '../../src/detect/runs.ts';
import { randomPort, rng, traffic, type PortTraffic } from '../helpers/traffic.ts';

const d = validateConfig({}).detect;
const opts: RunOptions = { ...d, floor: 0.1 };
const WEEKS = 6;
const HOURS = WEEKS * 168;
/** Four weeks and a day of history; the rest is judged. */
const FROM = 4 * 168 + 24;
const judgedWeeks = (HOURS - FROM) / 168;

/** A six-hour sensor outage somewhere in the series: a gap, never zeros. */
function withOutage(r: () => number, x: Float64Array): Float64Array {
  const at = Math.floor(r() * (HOURS - 6));
  for (let h = at; h < at + 6; h++) x[h] = Number.NaN;
  return x;
}

/** Ports busy enough that a 3x burst of two hours is there to be seen (10 events an hour or more). */
function busyPort(r: () => number): PortTraffic {
  const t = randomPort(r);
  return { ...t, level: 10 + r() * 290 };
}

describe('ordinary traffic', () => {
  it('raises at most one false alarm per week per 100 ports, with daily and weekly cycles and outages', () => {
    const r = rng(20261206);
    const ports = 300;
    let alarms = 0;
    for (let p = 0; p < ports; p++)
      alarms += findRuns(withOutage(r, traffic(r, randomPort(r), HOURS)), FROM, HOURS, opts).length;
    const perWeekPer100 = (alarms / judgedWeeks / ports) * 100;
    expect(perWeekPer100).toBeLessThanOrEqual(1);
  });

  it('never reads a sensor outage as a drop, nor the hours after it as a rise', () => {
    const r = rng(7);
    for (let p = 0; p < 50; p++) {
      const x = traffic(r, busyPort(r), HOURS);
      // Twelve hours without data in the hours judged, and a day before them.
      for (let h = FROM + 30; h < FROM + 42; h++) x[h] = Number.NaN;
      for (let h = FROM - 24; h < FROM; h++) x[h] = Number.NaN;
      const runs = findRuns(x, FROM, HOURS, opts);
      expect(runs.filter((run) => run.first <= FROM + 44 && run.last >= FROM + 28)).toEqual([]);
    }
  });
});

describe('what must be caught', () => {
  const caught = (scale: (at: number) => (h: number) => number, hours: number, seed: number) => {
    const r = rng(seed);
    let n = 0;
    const trials = 60;
    for (let p = 0; p < trials; p++) {
      const at = FROM + 24 + Math.floor(r() * (HOURS - FROM - 24 - hours));
      const x = withOutage(r, traffic(r, busyPort(r), HOURS, scale(at)));
      if (findRuns(x, FROM, HOURS, opts).some((run) => run.first <= at + hours - 1 && run.last >= at)) n++;
    }
    return n / trials;
  };

  it('catches short sharp bursts: three times the usual for two hours', () => {
    expect(caught((at) => (h) => (h >= at && h < at + 2 ? 3 : 1), 2, 1)).toBeGreaterThanOrEqual(0.9);
  });

  it('catches longer moderate rises: 2.5 times the usual for twelve hours', () => {
    expect(caught((at) => (h) => (h >= at && h < at + 12 ? 2.5 : 1), 12, 2)).toBeGreaterThanOrEqual(0.9);
  });

  it('catches a port waking up from silence', () => {
    const r = rng(3);
    const at = FROM + 100;
    const x = traffic(r, { level: 0.02, daily: 0, weekly: 0, spread: 0 }, HOURS, (h) =>
      h >= at && h < at + 4 ? 1500 : 1,
    );
    const [run] = findRuns(x, FROM, HOURS, opts);
    expect(run).toMatchObject({ first: at, last: at + 3 });
  });

  it('keeps a surge of ten days a surge to its end, never letting it become its own baseline', () => {
    const r = rng(5);
    const start = HOURS - 240;
    const x = traffic(r, { level: 20, daily: 0.3, weekly: 0.1, spread: 0.1 }, HOURS, (h) => (h >= start ? 4 : 1));
    const runs = findRuns(x, 2 * 168, HOURS, opts);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ first: start, last: HOURS - 1 });
  });

  it('finds nothing odd on ordinary traffic judged from the first hour of the data', () => {
    const r = rng(11);
    let alarms = 0;
    for (let p = 0; p < 200; p++) alarms += findRuns(traffic(r, randomPort(r), HOURS), 0, HOURS, opts).length;
    expect((alarms / WEEKS / 200) * 100).toBeLessThanOrEqual(1);
  });

  it('dates a surge that lasts days from its first hour, measured against the days before it', () => {
    const r = rng(4);
    const at = FROM + 50;
    const t: PortTraffic = { level: 20, daily: 0.3, weekly: 0.1, spread: 0.1 };
    const x = traffic(r, t, HOURS, (h) => (h >= at && h < at + 72 ? 4 : 1));
    const runs = findRuns(x, FROM, HOURS, opts);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.first).toBe(at);
    expect(runs[0]!.last).toBe(at + 71);
    // Its expectation comes from before it: the surge never raised its own baseline.
    expect(runs[0]!.expected[at + 60]!).toBeLessThan(40);
  });
});
