import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importStream } from '../src/counters/import.ts';
import { hourOf } from '../src/counters/ingest.ts';
import { createLogger } from '../src/log.ts';
import { Store } from '../src/store/index.ts';
import { sensorLines, storeWith } from './helpers/sensor.ts';

const log = createLogger('silent');
const opts = { zone: 'UTC', maxLineChars: 4096 };

describe('counters import', () => {
  it('rolls events up per hour and (proto, port), with unique sources and targets', async () => {
    const lines = sensorLines({ start: '2026-11-20T00:00:00Z', hours: 2, port: 5000, perHour: () => 10, src: (_h, i) => `192.0.2.${i % 4}`, background: false });
    const store = await storeWith(lines);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    const s = store.counters.series('tcp', 5000, h0, h0 + 1);
    expect(s).toEqual([
      { hour: h0, events: 10, sources: 4, targets: 10, synOnly: 10 },
      { hour: h0 + 1, events: 10, sources: 4, targets: 10, synOnly: 10 },
    ]);
  });

  it('records which hours had data, so that a gap is not a zero', async () => {
    const store = await storeWith(sensorLines({ start: '2026-11-20T00:00:00Z', hours: 5, port: 22, perHour: () => 2, gaps: [2, 3] }));
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(store.counters.coveredHours(h0, h0 + 4)).toEqual([h0, h0 + 1, h0 + 4]);
  });

  it('does not count the same log twice', async () => {
    const store = Store.open(':memory:');
    const text = sensorLines({ start: '2026-11-20T00:00:00Z', hours: 1, port: 22, perHour: () => 3 }).join('\n');
    const first = await importStream(store, 'a', Readable.from([text]), opts, log);
    const again = await importStream(store, 'b', Readable.from([text]), opts, log);
    expect(first.status).toBe('imported');
    expect(again.status).toBe('already-imported');
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(store.counters.series('tcp', 22, h0, h0)[0]!.events).toBe(3);
  });

  it('counts unreadable lines and goes on', async () => {
    const store = Store.open(':memory:');
    const good = sensorLines({ start: '2026-11-20T00:00:00Z', hours: 1, port: 22, perHour: () => 1, background: false });
    const r = await importStream(store, 'x', Readable.from([['garbage', '\u0000\u0001', 'x'.repeat(10_000), ...good].join('\n')]), opts, log);
    expect(r).toMatchObject({ parsed: 1, skipped: 3 });
  });

  it('merges unique sources exactly across two imports of the same hour', async () => {
    const store = Store.open(':memory:');
    const a = sensorLines({ start: '2026-11-20T00:00:00Z', hours: 1, port: 22, perHour: () => 3, src: (_h, i) => `192.0.2.${i}`, background: false });
    const b = sensorLines({ start: '2026-11-20T00:30:00Z', hours: 1, port: 22, perHour: () => 3, src: (_h, i) => `192.0.2.${i + 1}`, background: false });
    await importStream(store, 'a', Readable.from([a.join('\n')]), opts, log);
    await importStream(store, 'b', Readable.from([b.join('\n')]), opts, log);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(store.counters.series('tcp', 22, h0, h0)[0]).toMatchObject({ events: 6, sources: 4 });
  });
});
