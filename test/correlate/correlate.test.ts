import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { correlate } from '../../src/correlate/correlate.ts';
import { hourIso, hourOf } from '../../src/time.ts';
import { report } from '../helpers/post.ts';
import { sensorLines, storeWith } from '../helpers/sensor.ts';

const opts = configSchema.parse({}).correlate;
const START = '2026-11-10T00:00:00Z';
/** Hour i after START as ISO. */
const hour = (i: number) => hourIso(hourOf(START) + i);
const noise = (h: number) => [4, 6, 5, 3, 7, 5][h % 6]!;

async function judge(
  perHour: (h: number) => number,
  hours: number,
  at: string,
  extra: Parameters<typeof sensorLines>[0] extends infer T ? Partial<T> : never = {},
) {
  const store = await storeWith(sensorLines({ start: START, hours, port: 5000, perHour, ...extra }));
  const r = report('Seeing SYN scans of tcp/5000 from 192.0.2.1 and 203.0.113.99, anyone else?', { date: at });
  return correlate(r, store.counters, new Date(at), opts);
}

describe('the moving-average band', () => {
  it('is the mean and sample deviation of the 48 hours before, with +/-1.645 sigma', async () => {
    const [f] = await judge((h) => (h % 2 ? 6 : 4), 50, hour(49));
    expect(f!.baseline).toMatchObject({ mean: 5, sd: 1, hours: 48 });
    expect(f!.baseline!.upper).toBeCloseTo(5 + 1.645 * 1.0102, 1);
    expect(f!.verdict).toBe('normal');
  });
});

describe('verdicts', () => {
  it('calls a jump to twelve times the usual level elevated, from the hour it began', async () => {
    const [f] = await judge((h) => (h < 110 ? noise(h) : 60), 120, hour(119) + '');
    expect(f).toMatchObject({ port: 5000, proto: 'tcp', verdict: 'elevated', current: 60, onset: hour(110) });
    expect(f!.baseline!.mean).toBeCloseTo(5, 0);
    expect(f!.ratio).toBeGreaterThan(10);
  });

  it('still calls a surge elevated after it has lasted longer than the 48-hour window', async () => {
    const [f] = await judge((h) => (h < 100 ? noise(h) : 60), 170, hour(169));
    expect(f).toMatchObject({ verdict: 'elevated', onset: hour(100) });
  });

  it('calls ordinary noise normal, and a lone spike days ago does not make it elevated', async () => {
    const [f] = await judge((h) => (h === 80 ? 90 : noise(h)), 150, hour(149));
    expect(f!.verdict).toBe('normal');
    expect(f!.onset).toBeNull();
    expect(f!.peak).toMatchObject({ events: 90, hour: hour(80) });
  });

  it('calls a port with no events at all not-seen', async () => {
    const store = await storeWith(sensorLines({ start: START, hours: 100, port: 22, perHour: noise }));
    const [f] = correlate(report('tcp/5000 anyone?', { date: hour(99) }), store.counters, new Date(hour(99)), opts);
    expect(f).toMatchObject({ verdict: 'not-seen', current: 0 });
  });

  it('says no-data when the sensor was down at the time, rather than zero', async () => {
    const gaps = Array.from({ length: 12 }, (_, i) => 88 + i);
    const [f] = await judge(noise, 100, hour(99), { gaps });
    expect(f).toMatchObject({ verdict: 'no-data', current: null });
  });

  it('says no-data when there is too little history for a baseline', async () => {
    const [f] = await judge(() => 50, 10, hour(9));
    expect(f!.verdict).toBe('no-data');
  });

  it('leaves gap hours out of the baseline instead of counting them as zero', async () => {
    const gaps = Array.from({ length: 20 }, (_, i) => 60 + i);
    const [f] = await judge(() => 5, 100, hour(99), { gaps });
    expect(f!.baseline).toMatchObject({ mean: 5, sd: 0, hours: 28 });
  });
});

describe('source overlap', () => {
  it('names the reported sources our sensor also saw on that port', async () => {
    const [f] = await judge((h) => (h < 110 ? noise(h) : 30), 120, hour(119), {
      src: (h, i) => (h === 115 && i === 0 ? '203.0.113.99' : `198.18.0.${i + 1}`),
    });
    expect(f!.sourcesSeenLocally).toEqual(['203.0.113.99']);
  });
});

describe('ports named without a protocol', () => {
  it('are judged on the protocol our sensor sees on them', async () => {
    const store = await storeWith(sensorLines({ start: START, hours: 100, port: 5060, proto: 'UDP', perHour: noise }));
    const [f] = correlate(report('port 5060 is busy', { date: hour(99) }), store.counters, new Date(hour(99)), opts);
    expect(f).toMatchObject({ port: 5060, proto: 'udp', verdict: 'normal' });
  });
});

describe("the report's own hour", () => {
  // A surge from hour 100 on: 60 events an hour against about 5, each hour's events spread over it.
  const surge = (h: number) => (h < 100 ? noise(h) : 60);
  /** Minute m of hour i after START, as ISO. */
  const minute = (i: number, m: number) => new Date(Date.parse(hour(i)) + m * 60_000).toISOString();

  it('is judged as a rate over the minutes of data before the post, the log written up to the post', async () => {
    const [f] = await judge(surge, 111, minute(110, 20), { spread: true, until: minute(110, 20) });
    expect(f).toMatchObject({ verdict: 'elevated', currentHour: hour(110), currentMinutes: 19, onset: hour(100) });
    // About one event a minute: a rate of about 60 an hour, not the 20 of a whole hour's count.
    expect(Math.abs(f!.currentEvents! - 20)).toBeLessThanOrEqual(2);
    expect(Math.abs(f!.current! - 60)).toBeLessThanOrEqual(6);
  });

  it('counts only the minutes before the post when the log goes on after it (a report read later)', async () => {
    const live = await judge(surge, 111, minute(110, 30), { spread: true, until: minute(110, 30) });
    const later = await judge(surge, 115, minute(110, 30), { spread: true });
    expect(later[0]).toMatchObject({ verdict: 'elevated', currentHour: hour(110), currentMinutes: 30 });
    expect(later[0]!.currentEvents).toBe(live[0]!.currentEvents);
    // Live, the data reach to the last line before the post; read later, to the post itself.
    expect(Math.abs(later[0]!.current! - live[0]!.current!)).toBeLessThanOrEqual(2);
  });

  it('gives way to the last complete hour when it has too few minutes of data (a post at 10:04)', async () => {
    const [f] = await judge(surge, 111, minute(110, 4), { spread: true, until: minute(110, 4) });
    expect(f).toMatchObject({ verdict: 'elevated', currentHour: hour(109), currentMinutes: 60, current: 60 });
  });

  it('is no-data when the sensor was down at the time of the post, whatever older hours say', async () => {
    const down = [106, 107, 108, 109, 110];
    const [f] = await judge(noise, 111, minute(110, 30), { spread: true, gaps: down });
    expect(f).toMatchObject({ verdict: 'no-data', current: null });
  });
});

describe('what elevated takes', () => {
  it('calls 6 events against a usual 2.3 normal, on a port whose last weeks hold hours of 7 and 8', async () => {
    const usual = (h: number) => (h % 50 === 7 ? 7 : h % 50 === 31 ? 8 : [2, 3, 2, 2][h % 4]!);
    const [f] = await judge((h) => (h >= 357 ? 6 : usual(h)), 361, hour(360));
    expect(f).toMatchObject({ verdict: 'normal', current: 6 });
    expect(f!.test!.failed).toMatch(/poisson|spikes/);
    expect(f!.test!.pValue).toBeGreaterThan(opts.alpha);
  });

  it('knows the week: a weekday-heavy port on Monday morning is its usual Monday, not a rise', async () => {
    // From Monday 2 November: 40 an hour on weekdays 09:00-18:00 UTC, 8 otherwise; judged on Monday 30 November 10:00.
    const start = Date.parse('2026-11-02T00:00:00Z');
    const rdp = (h: number) => {
      const d = new Date(start + h * 3_600_000);
      const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5;
      return weekday && d.getUTCHours() >= 9 && d.getUTCHours() < 18 ? 40 : 8;
    };
    const store = await storeWith(
      sensorLines({ start: '2026-11-02T00:00:00Z', hours: 28 * 24 + 11, port: 3389, perHour: rdp }),
    );
    const at = '2026-11-30T10:00:00Z';
    const [f] = correlate(
      report('RDP scans on tcp/3389 this morning?', { date: at }),
      store.counters,
      new Date(at),
      opts,
    );
    expect(f).toMatchObject({ verdict: 'normal', current: 40 });
    expect(f!.test).toMatchObject({ seasonal: { value: 40, from: 'hour-of-week' }, failed: 'poisson' });
  });

  it('still calls a real rise on top of the weekly pattern elevated, and records the tests it passed', async () => {
    const start = Date.parse('2026-11-02T00:00:00Z');
    const rdp = (h: number) => {
      const d = new Date(start + h * 3_600_000);
      const busy = d.getUTCDay() >= 1 && d.getUTCDay() <= 5 && d.getUTCHours() >= 9 && d.getUTCHours() < 18;
      return h >= 28 * 24 + 7 ? 400 : busy ? 40 : 8;
    };
    const store = await storeWith(
      sensorLines({ start: '2026-11-02T00:00:00Z', hours: 28 * 24 + 11, port: 3389, perHour: rdp }),
    );
    const at = '2026-11-30T10:00:00Z';
    const [f] = correlate(report('tcp/3389 is up sharply', { date: at }), store.counters, new Date(at), opts);
    expect(f).toMatchObject({ verdict: 'elevated', current: 400, test: { failed: null } });
    expect(f!.test!.pValue).toBeLessThan(1e-9);
    expect(f!.test!.spikeLevel).toBe(40);
  });
});

describe('what a verdict never rests on', () => {
  const line = (ts: string, port: number, src: string) =>
    `${ts} s kernel: DROP IN=eth0 OUT= SRC=${src} DST=198.51.100.9 LEN=40 PROTO=TCP SPT=1 DPT=${port} ` +
    'WINDOW=1 RES=0x00 SYN URGP=0';

  it('two packets in the first minutes of the hour, on a port that was silent', async () => {
    const store = await storeWith([
      ...sensorLines({ start: START, hours: 100, port: 5000, perHour: () => 0 }),
      line('2026-11-14T04:01:00Z', 5000, '192.0.2.77'),
      line('2026-11-14T04:02:00Z', 5000, '192.0.2.78'),
      line('2026-11-14T04:16:00Z', 23, '192.0.2.1'),
    ]);
    const at = '2026-11-14T04:16:00Z';
    const [f] = correlate(report('tcp/5000 anyone?', { date: at }), store.counters, new Date(at), opts);
    expect(f!.verdict).not.toBe('elevated');
    expect(f!.test!.failed).toBe('min-events');
  });

  it('hours older than recentHours when the hour before the report has no data', async () => {
    const [f] = await judge(() => 5, 99, hour(99) + '', { gaps: [98] });
    expect(f).toMatchObject({ verdict: 'no-data', current: null });
  });

  it('a reported source our sensor saw only after the report', async () => {
    const store = await storeWith([
      ...sensorLines({ start: START, hours: 101, port: 5000, perHour: () => 5 }),
      line('2026-11-14T04:40:00Z', 5000, '203.0.113.99'),
    ]);
    const at = '2026-11-14T04:10:00Z';
    const [f] = correlate(report('tcp/5000 from 203.0.113.99', { date: at }), store.counters, new Date(at), opts);
    expect(f!.sourcesSeenLocally).toEqual([]);
  });
});
