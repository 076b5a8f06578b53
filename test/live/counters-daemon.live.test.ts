import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hourOf } from '../../src/time.ts';
import { series } from '../../src/counters/rollups.ts';
import { newWorld, sleep, startBot, until, withBotStore, writeBotConfig } from '../helpers/mailstack.ts';
import { sensorLines } from '../helpers/sensor.ts';
import { demoSensorLog } from '../helpers/demo.ts';

describe('the daemon and the configured sensor logs', () => {
  it('imports them again as they grow, and counts each line once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kansoku-live-'));
    const log = join(dir, 'fw.log');
    const lines = sensorLines({
      start: '2026-11-20T00:00:00Z',
      hours: 2,
      port: 5000,
      perHour: () => 30,
      background: false,
    });
    writeFileSync(
      log,
      lines
        .slice(0, 20)
        .map((l) => `${l}\n`)
        .join(''),
    );
    const config = writeBotConfig(dir, newWorld(), {
      extra: { counters: { files: [log], importSchedule: '* * * * * *' } },
    });
    const bot = await startBot(dir, config);
    try {
      const h0 = hourOf('2026-11-20T00:00:00Z');
      const events = () =>
        withBotStore(dir, (s) => series(s.counters, 'tcp', 5000, h0, h0 + 1).reduce((n, p) => n + p.events, 0));
      // Read once as the run starts.
      expect(events()).toBe(20);
      // Grown in one step (written aside and renamed over it), so that no round reads half a line.
      writeFileSync(`${log}.next`, lines.map((l) => `${l}\n`).join(''));
      renameSync(`${log}.next`, log);
      await until(() => events() === 60, 15_000, 'the added lines counted');
      // Further rounds find the log unchanged and count nothing again.
      await sleep(2500);
      expect(events()).toBe(60);
      expect(withBotStore(dir, (s) => s.counters.summary().imports)).toBe(2);
    } finally {
      bot.proc.kill('SIGTERM');
      await bot.exited;
    }
  });

  it('drafts our own advisory when a grown log shows a port waking up that nobody reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kansoku-live-'));
    const log = join(dir, 'sensor.log');
    // The demo log up to 2026-11-20 06:00 UTC: 2375/tcp has not woken up yet.
    const before = demoSensorLog.filter((l) => l < '2026-11-20T06');
    writeFileSync(log, before.map((l) => `${l}\n`).join(''));
    const config = writeBotConfig(dir, newWorld(), {
      extra: { counters: { files: [log], importSchedule: '* * * * * *' }, advisory: { maxPerDay: 3 } },
    });
    const bot = await startBot(dir, config);
    const advised = () =>
      withBotStore(dir, (s) =>
        s.drafts
          .list()
          .filter((d) => d.kind === 'advisory')
          .map((d) => d.subject),
      );
    try {
      await sleep(2500);
      expect(advised().some((x) => x.includes('2375/tcp'))).toBe(false);
      writeFileSync(`${log}.next`, demoSensorLog.map((l) => `${l}\n`).join(''));
      renameSync(`${log}.next`, log);
      await until(() => advised().some((x) => x.includes('2375/tcp')), 20_000, 'the 2375/tcp advisory');
      // Once, however many rounds of import follow.
      await sleep(2500);
      expect(advised().filter((x) => x.includes('2375/tcp'))).toHaveLength(1);
    } finally {
      bot.proc.kill('SIGTERM');
      await bot.exited;
    }
  });
});
