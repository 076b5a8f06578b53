import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/app.ts';
import { validateConfig } from '../../src/config/load.ts';
import { SERIES_COLOR } from '../../src/digest/chart.ts';
import { overviewData, parseDay } from '../../src/digest/overview.ts';
import { kinds } from '../../src/draft/kinds.ts';
import { sparkline } from '../../src/draft/overview.ts';
import { createLogger } from '../../src/log.ts';
import { buildOverview, dueDay, OverviewScheduler } from '../../src/pipeline/overview.ts';
import { hourAt } from '../../src/time.ts';
import { scratch } from '../helpers/cli.ts';
import { demoStore } from '../helpers/demo.ts';
import { sensorLines, storeWith } from '../helpers/sensor.ts';

const log = createLogger('silent');

describe('the daily port-scan overview of the demo', () => {
  let demo: Awaited<ReturnType<typeof demoStore>>;
  beforeAll(async () => {
    demo = await demoStore();
  });

  it("says the day's rises as a person would, in both languages, with the driving countries", async () => {
    const day = parseDay('2026-11-20', 'Asia/Tokyo');
    const o = await kinds.overview.render({ data: overviewData(demo.store, day, demo.config), config: demo.config });
    expect(o.draft.subject).toBe(
      '[TLP:AMBER] [nsp-sec-jp] ポートスキャン概況（2026年11月20日（金）） / Daily port-scan overview 2026-11-20',
    );
    const t = o.draft.text;
    expect(t).toContain('2026年11月20日（金）のポートスキャン概況です。');
    expect(t).toContain(
      '・11月20日 17時台（JST、08:00 UTC）から、これまでほとんど着信のなかった2375/tcp宛ての通信がオランダ・ブルガリア発で急増しました',
    );
    expect(t).toContain('・11月20日 3時台（JST、11月19日 18:00 UTC）に5000/tcpの活動が活発化しました');
    expect(t).toContain('2375/tcp, which hardly saw any traffic before, surged, driven by sources in NL and BG');
    // The text part stands on its own: an hourly sparkline per port, the day's top ports.
    expect(t).toMatch(/^2375\/tcp {2}▁+█/m);
    expect(t).toContain('【ポート別（上位、全');
    expect(t).toContain('・5000/tcp：941件（42%）');
    expect(t).toContain('※24時間のうち24時間分のデータで集計しています。');
    expect(o.charts.map((c) => c.name)).toEqual(['tcp-2375.png', 'tcp-5000.png']);
    expect(o.html).toContain('cid:chart-tcp-2375-2026-11-20@kansoku');
  });

  it('says a quiet day is quiet, and names the hours the sensor was down', async () => {
    const day = parseDay('2026-11-17', 'Asia/Tokyo');
    const o = await kinds.overview.render({ data: overviewData(demo.store, day, demo.config), config: demo.config });
    expect(o.draft.text).toContain('全般的に顕著な変化はありませんでした。');
    expect(o.draft.text).toContain(
      '・11月17日 11時台（JST、02:00 UTC）〜11月17日 13時台（JST、04:00 UTC）の3時間は、センサーのデータが欠落しています。',
    );
    expect(o.draft.text).toContain(
      'No sensor data from 17 Nov 02:00-03:00 UTC (11:00 JST) to 17 Nov 04:00-05:00 UTC (13:00 JST) (3 hours).',
    );
    expect(o.draft.text).toContain('※24時間のうち21時間分のデータで集計しています。');
    expect(o.charts).toEqual([]);
  });

  it('draws each notable port as a PNG, goes through the outbound gate, and redacts our networks', async () => {
    const o = await buildOverview(demo.p, parseDay('2026-11-20', 'Asia/Tokyo'));
    expect(o.problems).toEqual([]);
    expect(o.eml.toString('latin1')).not.toMatch(/198\.51\.100\./);
    const png = PNG.sync.read(o.charts[1]!.png);
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(SERIES_COLOR.slice(i, i + 2), 16));
    let series = 0;
    for (let i = 0; i < png.data.length; i += 4)
      if (
        Math.abs(png.data[i]! - r!) < 12 &&
        Math.abs(png.data[i + 1]! - g!) < 12 &&
        Math.abs(png.data[i + 2]! - b!) < 12
      )
        series++;
    expect(series).toBeGreaterThan(500);
  });
});

describe('when an overview is due', () => {
  const schedule = '0 9 * * *';
  const hour = (iso: string) => hourAt(Date.parse(iso));

  it('is the day before the scheduled 09:00 Tokyo time, when the data cover it', () => {
    expect(dueDay(new Date('2026-11-21T00:00:00Z'), schedule, 'Asia/Tokyo', hour('2026-11-21T00:00:00Z'))!.id).toBe(
      '2026-11-20',
    );
    expect(dueDay(new Date('2026-11-20T23:59:00Z'), schedule, 'Asia/Tokyo', hour('2026-11-20T23:00:00Z'))!.id).toBe(
      '2026-11-19',
    );
  });

  it('is the last whole day of data when the data end earlier, and none without data', () => {
    expect(dueDay(new Date('2026-12-06T00:00:00Z'), schedule, 'Asia/Tokyo', hour('2026-11-20T23:00:00Z'))!.id).toBe(
      '2026-11-20',
    );
    expect(dueDay(new Date('2026-12-06T00:00:00Z'), schedule, 'Asia/Tokyo', hour('2026-11-20T13:00:00Z'))!.id).toBe(
      '2026-11-19',
    );
    expect(dueDay(new Date(), schedule, 'Asia/Tokyo', null)).toBeNull();
  });

  it('is drafted once per day', async () => {
    const store = await storeWith(
      sensorLines({ start: '2026-11-10T00:00:00Z', hours: 48, port: 22, perHour: () => 5 }),
    );
    const config = validateConfig({
      lists: [{ name: 'nsp', listId: 'nsp.example.net', address: 'nsp@example.net' }],
      draft: { outbox: scratch() },
    });
    const p = contextFor(config, store, { log });
    const now = () => new Date('2026-11-12T01:00:00Z');
    expect(await new OverviewScheduler(p, now, 'a').tick()).not.toBeNull();
    expect(await new OverviewScheduler(p, now, 'b').tick()).toBeNull();
    expect(store.drafts.list().map((d) => d.sourceMessageId)).toEqual(['overview:2026-11-11']);
  });
});

describe('the text sparkline', () => {
  it('scales to the busiest hour and shows an hour without data as a dot', () => {
    expect(sparkline([0, 5, 10, null, 10])).toBe('▁▄█·█');
    expect(sparkline([0, 0])).toBe('▁▁');
  });
});
