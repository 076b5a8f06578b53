import { contextFor } from '../../src/app.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { SERIES_COLOR } from '../../src/digest/chart.ts';
import { digestData } from '../../src/digest/data.ts';
import { dueWeek } from '../../src/digest/schedule.ts';
import { parseWeek } from '../../src/digest/week.ts';
import { createLogger } from '../../src/log.ts';
import { buildDigest, DigestScheduler } from '../../src/pipeline/digest.ts';
import { Store } from '../../src/store/index.ts';
import { kansoku, scratch } from '../helpers/cli.ts';
import { demoSensorLog, demoStore } from '../helpers/demo.ts';
import { openTestStore, storeAt } from '../helpers/store.ts';

const log = createLogger('silent');
const sensorLog = demoSensorLog;

describe('the weekly digest of the demo week (2026-W47)', () => {
  let demo: Awaited<ReturnType<typeof demoStore>>;
  const week = parseWeek('2026-W47', 'Asia/Tokyo');
  beforeAll(async () => {
    demo = await demoStore();
  });

  it('spans Monday to Monday in the digest time zone', () => {
    expect(week.start.toISOString()).toBe('2026-11-15T15:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-11-22T15:00:00.000Z');
  });

  it('counts what the sensor log holds for the week, and its gaps', () => {
    const inWeek = sensorLog.filter((l) => {
      const t = Date.parse(l.slice(0, 29));
      return t >= week.start.getTime() && t < week.end.getTime();
    });
    const data = digestData(demo.store, week, demo.config);
    const c5000 = data.changes.find((c) => c.port === 5000)!;
    expect(c5000.thisWeek).toBe(inWeek.filter((l) => l.includes(' DPT=5000 ')).length);
    const hours = new Set(inWeek.map((l) => Math.floor(Date.parse(l.slice(0, 29)) / 3_600_000)));
    expect(data.hoursWithData).toBe(hours.size);
    expect(data.gaps.reduce((a, g) => a + g.hours, 0)).toBe(168 - hours.size);
    expect(data.gaps[0]).toEqual({ from: '2026-11-17T02:00:00Z', to: '2026-11-17T04:00:00Z', hours: 3 });
    // The peak of the 5000/tcp event is the busiest hour of the week in the log.
    const perHour = new Map<number, number>();
    for (const l of inWeek.filter((x) => x.includes(' DPT=5000 '))) {
      const h = Math.floor(Date.parse(l.slice(0, 29)) / 3_600_000);
      perHour.set(h, (perHour.get(h) ?? 0) + 1);
    }
    const e = data.events.find((x) => x.port === 5000)!;
    expect(e.peak!.events).toBe(Math.max(...perHour.values()));
    expect(e).toMatchObject({ verdict: 'elevated', confirmations: 1 });
    expect(data.events.map((x) => `${x.proto}/${x.port}`)).toEqual(['tcp/5000', 'udp/5060', 'udp/6585']);
  });

  it('says the same numbers in both languages', async () => {
    const d = await buildDigest(demo.p, week);
    const total = digestData(demo.store, week, demo.config)
      .changes.find((c) => c.port === 5000)!
      .thisWeek.toLocaleString('en-US');
    expect(d.draft.text).toContain(`今週の合計 ${total}件`);
    expect(d.draft.text).toContain(`${total} this week in all`);
    expect(d.draft.text).toContain('2026年第47週（11月16日〜11月22日）');
    expect(d.draft.text).toContain(
      '・11月17日（火） 11時台（JST、02:00 UTC）〜11月17日（火） 13時台（JST、04:00 UTC）（3時間）',
    );
    expect(d.draft.text).toContain(
      'Tue 17 Nov 02:00-03:00 UTC (11:00 JST) to Tue 17 Nov 04:00-05:00 UTC (13:00 JST) (3 hours)',
    );
    expect(d.draft.subject).toBe('[TLP:AMBER] [nsp-sec-jp] 週間観測まとめ / Weekly digest 2026-W47');
  });

  it('says a week without any sensor data is one, instead of every port dropping to zero', async () => {
    const empty = parseWeek('2026-W49', 'Asia/Tokyo');
    expect(digestData(demo.store, empty, demo.config)).toMatchObject({ changes: [], hoursWithData: 0 });
    const d = await buildDigest(demo.p, empty);
    expect(d.draft.text).toContain('今週はセンサーのデータが一切ないため、前週との比較はできません。');
    expect(d.draft.text).toContain('Our sensor has no data at all for this week');
    expect(d.draft.text).not.toContain('大きな変化はありませんでした。');
  });

  it('draws each chart as a valid PNG with the series in it', async () => {
    const d = await buildDigest(demo.p, week);
    expect(d.charts.map((c) => c.name)).toEqual(['tcp-5000.png', 'udp-5060.png', 'udp-6585.png', 'tcp-2375.png']);
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(SERIES_COLOR.slice(i, i + 2), 16));
    const seriesPixels = (png: Buffer) => {
      const img = PNG.sync.read(png);
      let n = 0;
      for (let i = 0; i < img.data.length; i += 4) {
        if (
          Math.abs(img.data[i]! - r!) < 12 &&
          Math.abs(img.data[i + 1]! - g!) < 12 &&
          Math.abs(img.data[i + 2]! - b!) < 12
        )
          n++;
      }
      return { width: img.width, height: img.height, n };
    };
    const busy = seriesPixels(d.charts[0]!.png);
    expect(busy.width).toBe(1280);
    expect(busy.height).toBeGreaterThan(300);
    expect(busy.n).toBeGreaterThan(1000);
    // 6585/udp never appears in the log: a flat line along the axis, still drawn.
    expect(seriesPixels(d.charts[2]!.png).n).toBeGreaterThan(200);
  });

  it('is one message with a plain-text part and an HTML part that shows the charts inline', async () => {
    const { simpleParser } = await import('mailparser');
    const d = await buildDigest(demo.p, week);
    const m = await simpleParser(d.eml, { keepCidLinks: true });
    expect(m.text).toContain('【今週のイベント】');
    expect(m.html).toContain('cid:chart-tcp-5000-2026-W47@kansoku');
    expect(m.attachments.filter((a) => a.contentType === 'image/png' && a.related)).toHaveLength(4);
  });
});

describe('the digest schedule', () => {
  const config = validateConfig({
    lists: [{ name: 'nsp', listId: 'nsp.example.net', address: 'nsp@example.net' }],
    draft: { outbox: scratch() },
  });
  const at = (iso: string) => () => new Date(iso);

  it('is due, at Monday 09:00 Tokyo time, for the week that just ended', () => {
    expect(dueWeek(new Date('2026-11-23T00:00:00Z'), '0 9 * * 1', 'Asia/Tokyo').week.id).toBe('2026-W47');
    expect(dueWeek(new Date('2026-11-22T23:59:00Z'), '0 9 * * 1', 'Asia/Tokyo').week.id).toBe('2026-W46');
  });

  it('runs once for a missed Monday, not once per missed week, and never twice', async () => {
    const store = openTestStore();
    const p = contextFor(config, store, { log });
    // Down over Mondays 30 Nov and 7 Dec; back on Wednesday 9 Dec.
    const back = new DigestScheduler(p, at('2026-12-09T03:00:00Z'), 'a');
    expect(await back.tick()).not.toBeNull();
    expect(await back.tick()).toBeNull();
    expect(await new DigestScheduler(p, at('2026-12-10T03:00:00Z'), 'a').tick()).toBeNull();
    const digests = store.drafts.list().filter((d) => d.kind === 'digest');
    expect(digests.map((d) => d.sourceMessageId)).toEqual(['digest:2026-W49']);
    // The next Monday brings the next week.
    expect(await new DigestScheduler(p, at('2026-12-14T00:00:30Z'), 'a').tick()).not.toBeNull();
    expect(store.drafts.list().filter((d) => d.kind === 'digest')).toHaveLength(2);
  });

  it('is drafted by one of two instances sharing a store', async () => {
    const path = storeAt(scratch(), 'shared');
    const a = Store.open(path);
    const b = Store.open(path);
    const now = at('2026-11-23T00:00:05Z');
    const results = await Promise.all([
      new DigestScheduler(contextFor(config, a, { log }), now, 'instance-a').tick(),
      new DigestScheduler(contextFor(config, b, { log }), now, 'instance-b').tick(),
    ]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(a.drafts.list().filter((d) => d.kind === 'digest')).toHaveLength(1);
  });

  it('lets another instance take over a claim whose instance died mid-run', () => {
    const store = openTestStore();
    expect(store.jobs.claim('digest', '2026-W47', 'dead')).toBe(true);
    expect(store.jobs.claim('digest', '2026-W47', 'alive')).toBe(false);
    expect(store.jobs.claim('digest', '2026-W47', 'alive', 0)).toBe(true);
  });
});

describe('kansoku digest', () => {
  it('renders any week on demand, dry or as a draft that goes to review once', async () => {
    const cwd = scratch();
    expect(kansoku(['run'], cwd).code).toBe(0);
    const dry = kansoku(['digest', '--week', '2026-W47', '--dry-run', '--out', 'dig'], cwd);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('【前週から大きく変化したポート】');
    expect(
      readFileSync(join(cwd, 'dig', 'digest-2026-W47-tcp-5000.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(kansoku(['digest', '--week', '2026-W47'], cwd).stdout).toMatch(/^digest 2026-W47: draft #\d+/);
    expect(kansoku(['digest', '--week', '2026-W47'], cwd).stdout).toMatch(/already drafted/);
    expect(kansoku(['digest', '--week', '2026-47'], cwd).code).toBe(1);
  });
});
