import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { detect, drivers } from '../../src/detect/detect.ts';
import { hourAt } from '../../src/time.ts';
import { sensorLines, storeWith } from '../helpers/sensor.ts';
import { kansoku, scratch } from '../helpers/cli.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const opts = validateConfig({}).detect;
const START = '2026-10-05T00:00:00Z';
const HOURS = 5 * 168;
const hourOf = (h: number) => hourAt(Date.parse(START)) + h;
/** The last week of the log is judged; the four before it are history. */
const range = { since: hourOf(HOURS - 168), until: hourOf(HOURS) };
/** Hour 0 of the judged week, counted from the log's start. */
const W = HOURS - 168;

describe('kansoku detect over stored counters', () => {
  it('names the country that drives a surge on a busy port, with its share', async () => {
    const lines = sensorLines({
      start: START,
      hours: HOURS,
      port: 8080,
      perHour: (h) => (h >= W + 40 && h < W + 46 ? 100 : 30),
      // Usually US sources; in the surge, Swedish ones on top of them.
      src: (h, i) => (h >= W + 40 && h < W + 46 && i >= 30 ? `81.224.${h % 200}.${i}` : `8.8.${h % 200}.${i % 250}`),
    });
    const store = await storeWith(lines);
    const found = detect(store.counters, range, opts).filter((a) => a.port === 8080);
    expect(found).toHaveLength(1);
    const [a] = found;
    expect(a).toMatchObject({
      proto: 'tcp',
      start: new Date(hourOf(W + 40) * 3_600_000).toISOString().replace('.000Z', 'Z'),
      kind: 'burst',
      peak: { events: 100 },
    });
    expect(a!.expected).toBeGreaterThan(25);
    expect(a!.expected).toBeLessThan(35);
    expect(a!.countries[0]!.cc).toBe('SE');
    expect(a!.countries[0]!.share).toBeGreaterThan(0.4);
    // The surge is over: it ended, with the hour after its last.
    expect(a!.end).toBe(new Date(hourOf(W + 46) * 3_600_000).toISOString().replace('.000Z', 'Z'));
    store.close();
  });

  it('calls a port that wakes from silence new, and reads a sensor outage as no data, not as a drop', async () => {
    const lines = sensorLines({
      start: START,
      hours: HOURS,
      port: 2375,
      perHour: (h) => (h >= W + 100 && h < W + 104 ? 40 : 0),
      // A day without any sensor data in the judged week.
      gaps: Array.from({ length: 24 }, (_, i) => W + 20 + i),
    });
    const store = await storeWith(lines);
    const found = detect(store.counters, range, opts);
    expect(found.map((a) => `${a.kind} ${a.port}`)).toEqual(['new 2375']);
    store.close();
  });

  it('tells backscatter from a scan: replies from a service port to our high ports', async () => {
    const flood: string[] = [];
    const t0 = Date.parse(START) + (W + 60) * 3_600_000;
    for (let h = 0; h < 5; h++)
      for (let i = 0; i < 80; i++) {
        const ts = new Date(t0 + h * 3_600_000 + i * 40_000).toISOString();
        flood.push(
          `${ts} s kernel: DROP IN=eth0 OUT= SRC=93.184.216.${i % 20} DST=198.51.100.${(i % 200) + 1} LEN=40 ` +
            `PROTO=TCP SPT=80 DPT=${50000 + ((i * 7919) % 15000)} WINDOW=1024 RES=0x00 ACK SYN URGP=0`,
        );
      }
    // A second flood, against a DNS server, a day later: a flood of its own.
    const t1 = t0 + 24 * 3_600_000;
    for (let h = 0; h < 3; h++)
      for (let i = 0; i < 60; i++)
        flood.push(
          `${new Date(t1 + h * 3_600_000 + i * 50_000).toISOString()} s kernel: DROP IN=eth0 OUT= ` +
            `SRC=203.0.113.${(i % 5) + 200} DST=198.51.100.9 LEN=40 PROTO=TCP SPT=53 DPT=${40000 + i} ` +
            'WINDOW=1024 RES=0x00 ACK RST URGP=0',
        );
    const lines = [...sensorLines({ start: START, hours: HOURS, port: 22, perHour: () => 5 }), ...flood].sort();
    const store = await storeWith(lines);
    const found = detect(store.counters, range, { ...opts });
    expect(found.map((a) => `${a.kind} ${a.proto}/${a.port}`)).toEqual(['backscatter tcp/80', 'backscatter tcp/53']);
    expect(found[0]!.sources).toBe(20);
    expect(found[1]!.sources).toBe(5);
    store.close();
  });

  it('prints the JSON contract of DESIGN.md', () => {
    const dir = scratch();
    const log = join(dir, 'sensor.log');
    writeFileSync(
      log,
      sensorLines({
        start: START,
        hours: HOURS,
        port: 2323,
        perHour: (h) => (h >= W + 10 && h < W + 20 ? 200 : 20),
      }).join('\n') + '\n',
    );
    const db = join(dir, 'k.sqlite');
    expect(kansoku(['--db', db, 'counters', 'import', log], dir).code).toBe(0);
    const out = JSON.parse(kansoku(['--db', db, 'detect', '--json'], dir).stdout);
    expect(Object.keys(out)).toEqual(['anomalies']);
    expect(out.anomalies).toHaveLength(1);
    expect(Object.keys(out.anomalies[0]).sort()).toEqual(
      ['countries', 'end', 'expected', 'kind', 'peak', 'port', 'proto', 'ratio', 'sources', 'start'].sort(),
    );
    expect(out.anomalies[0]).toMatchObject({ proto: 'tcp', port: 2323, kind: 'rise', peak: { events: 200 } });
    // Times must say their zone; a range must run forwards.
    for (const bad of [
      ['--since', '1'],
      ['--since', 'Nov 6 2026'],
      ['--until', '2026-11-20T00:00'],
    ]) {
      const r = kansoku(['--db', db, 'detect', ...bad], dir);
      expect(r.code).toBe(64);
      expect(r.stderr).toContain('not an ISO time with its zone');
    }
    const backwards = kansoku(['--db', db, 'detect', '--since', '2026-11-08', '--until', '2026-11-01'], dir);
    expect(backwards.code).toBe(64);
    expect(backwards.stderr).toContain('is not before --until');
    expect(kansoku(['--db', db, 'detect'], dir).stdout).toMatch(
      /^rise\s+2323\/tcp\s+2026-11-0\dT\d\d:00:00Z \.\. 2026/m,
    );
  });
});

describe('the countries that drive a run', () => {
  it('are those whose share rose, not merely the biggest', () => {
    expect(
      drivers(
        { sources: 100, countries: { US: 50, SE: 45, CN: 5 } },
        { sources: 100, countries: { US: 90, SE: 2, CN: 8 } },
      ),
    ).toEqual([{ cc: 'SE', share: 0.45 }]);
  });

  it('are none when no share rose, and are shares of all sources, those without a country included', () => {
    expect(
      drivers({ sources: 100, countries: { US: 60, CN: 40 } }, { sources: 100, countries: { US: 60, CN: 40 } }),
    ).toEqual([]);
    // Nine in ten sources are IPv6, without a country: the one Chinese tenth is no "58%".
    expect(drivers({ sources: 100, countries: { CN: 6, US: 4 } }, { sources: 100, countries: {} })).toEqual([]);
    expect(drivers({ sources: 0, countries: {} }, { sources: 1, countries: { US: 1 } })).toEqual([]);
  });
});
