import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollupCodec } from '../../src/counters/rollups.ts';
import { RawEvents, type NewRecentEvent, type RecentEvent } from '../../src/net/packets.ts';
import { HOUR_MS } from '../../src/time.ts';
import { openTestStore } from '../helpers/store.ts';
import type { Store } from '../../src/store/index.ts';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const START = T0 + 20 * HOUR_MS;

/** Stores `events` as one batch, as an import or the daemon hands them over. */
function store(s: Store, events: NewRecentEvent[]): void {
  const raw = new RawEvents();
  for (const e of events) raw.add(e);
  s.counters.addBatch({ buckets: [], coverage: new Map(), recent: raw }, null, rollupCodec);
}

function event(over: Partial<RecentEvent>): RecentEvent {
  return {
    ts: T0,
    sensor: 's1',
    src: '192.0.2.1',
    spt: 40000,
    dst: '198.51.100.1',
    dpt: 23,
    proto: 'tcp',
    flags: 'S',
    ttl: 64,
    ipId: 1,
    seq: null,
    ...over,
  };
}

const byTime = (a: RecentEvent, b: RecentEvent) => a.ts - b.ts;

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const v6 = fc
  .array(fc.integer({ min: 1, max: 0xffff }), { minLength: 8, maxLength: 8 })
  .map((g) => g.map((x) => x.toString(16)).join(':'));
const missing = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

/** A raw event as a log could give it: any field that may be missing, missing or not. */
const anyEvent = fc
  .record({
    // Eight hours across a midnight: blocks of two days.
    ts: fc.integer({ min: START, max: START + 8 * HOUR_MS - 1 }),
    sensor: fc.constantFrom('s1', 's2'),
    six: fc.boolean(),
    src4: v4,
    src6: v6,
    dst4: missing(v4.filter((a) => a !== '0.0.0.0')),
    dst6: missing(v6),
    spt: missing(fc.nat(65535)),
    // A few busy ports and many rare ones: both kinds of block.
    dpt: fc.oneof(fc.constantFrom(22, 23, 445), fc.nat(65535)),
    proto: fc.constantFrom('tcp', 'udp', 'icmp') as fc.Arbitrary<'tcp' | 'udp' | 'icmp'>,
    flags: missing(fc.constantFrom('S', 'SA', 'R', 'RA', 'FPU', 'A')),
    ttl: missing(fc.nat(255)),
    ipId: missing(fc.nat(65535)),
    seq: missing(fc.nat(0xffffffff)),
  })
  .map((r): RecentEvent =>
    event({
      ts: r.ts,
      sensor: r.sensor,
      src: r.six ? r.src6 : r.src4,
      dst: r.six ? r.dst6 : r.dst4,
      spt: r.proto === 'icmp' ? null : r.spt,
      dpt: r.proto === 'icmp' ? null : r.dpt,
      proto: r.proto,
      flags: r.flags,
      ttl: r.ttl,
      ipId: r.ipId,
      seq: r.seq,
    }),
  );

/** An IPv6 address as the store gives it back: in its compressed form. */
const canonical = (e: RecentEvent): RecentEvent => {
  const six = (a: string) => new URL(`http://[${a}]/`).hostname.slice(1, -1);
  return { ...e, src: e.src.includes(':') ? six(e.src) : e.src, dst: e.dst?.includes(':') ? six(e.dst) : e.dst };
};

describe('raw events in blocks', () => {
  it('gives back every event stored, field for field, by port, with counts and first sightings to match', () => {
    fc.assert(
      fc.property(fc.array(fc.array(anyEvent, { maxLength: 40 }), { minLength: 1, maxLength: 4 }), (batches) => {
        const s = openTestStore();
        try {
          for (const b of batches) store(s, b);
          const all = batches.flat().map(canonical);
          const to = START + 8 * HOUR_MS;
          // A window inside the range, its ends inside blocks.
          const [a, b] = [START + 3 * HOUR_MS + 1234, START + 5 * HOUR_MS - 4321];
          const ports = new Set(all.filter((e) => e.dpt !== null).map((e) => `${e.proto}/${e.dpt}`));
          for (const key of ports) {
            const [proto, port] = [key.split('/')[0] as 'tcp' | 'udp', Number(key.split('/')[1])];
            const want = all.filter((e) => e.proto === proto && e.dpt === port);
            const got = s.counters.recentEvents(proto, port, T0, to, 1000);
            const times = want.map((e) => e.ts).sort((a, b) => a - b);
            expect(got.map((e) => e.ts)).toEqual(times);
            // The oldest few, whichever blocks they lie in.
            expect(s.counters.recentEvents(proto, port, T0, to, 3).map((e) => e.ts)).toEqual(times.slice(0, 3));
            expect([...got].sort((a, b) => byTime(a, b) || a.src.localeCompare(b.src))).toEqual(
              [...want].sort((a, b) => byTime(a, b) || a.src.localeCompare(b.src)),
            );
            expect(s.counters.recentCount(proto, port, T0, to)).toEqual({
              events: want.length,
              sources: new Set(want.map((e) => e.src)).size,
            });
            const inside = want.filter((e) => e.ts >= a && e.ts <= b);
            expect(s.counters.recentCount(proto, port, a, b)).toEqual({
              events: inside.length,
              sources: new Set(inside.map((e) => e.src)).size,
            });
            const first = new Map<string, number>();
            for (const e of want) first.set(e.src, Math.min(first.get(e.src) ?? Infinity, e.ts));
            const asked = [...first.keys(), '203.0.113.250'];
            expect(s.counters.firstSeen(proto, port, asked, to)).toEqual([...first].map(([src, ts]) => ({ src, ts })));
          }
          expect(s.counters.summary().recentEvents).toBe(all.length);
          const last = all.length ? Math.max(...all.map((e) => e.ts)) : null;
          expect(s.counters.lastEventAt(T0, to)).toBe(last);
          const inside = all.filter((e) => e.ts >= a && e.ts <= b).map((e) => e.ts);
          expect(s.counters.lastEventAt(a, b)).toBe(inside.length ? Math.max(...inside) : null);
          expect(s.counters.distinctDestinations(T0, to)).toBe(new Set(all.flatMap((e) => e.dst ?? [])).size);
        } finally {
          s.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('packs an hour the daemon wrote a few events at a time into a block a port once the hour is over', () => {
    const s = openTestStore();
    try {
      // Every five seconds for an hour: two packets to a busy port, one to a port of its own.
      for (let k = 0; k < 720; k++)
        store(s, [
          event({ ts: T0 + k * 5000, src: `192.0.2.${k % 200}` }),
          event({ ts: T0 + k * 5000 + 1, src: `192.0.2.${k % 200}` }),
          event({ ts: T0 + k * 5000 + 2, dpt: 10000 + k, flags: 'SA' }),
        ]);
      const before = s.counters.recentEvents('tcp', 23, T0, T0 + HOUR_MS, 5000);
      // The next hour starts: the one before is over.
      store(s, [event({ ts: T0 + HOUR_MS + 1 })]);
      expect(s.counters.recentEvents('tcp', 23, T0, T0 + HOUR_MS - 1, 5000)).toEqual(before);
      expect(s.counters.recentCount('tcp', 23, T0, T0 + HOUR_MS - 1)).toEqual({ events: 1440, sources: 200 });
      expect(s.counters.recentCount('tcp', 10719, T0, T0 + HOUR_MS - 1)).toEqual({ events: 1, sources: 1 });
      expect(s.counters.backscatter(T0, T0 + HOUR_MS - 1, 1024)).toEqual([
        { hour: T0 / HOUR_MS, spt: 40000, events: 720 },
      ]);
      // One block for the busy port, one for the 720 ports of a packet each; and the new hour's.
      expect(s.counters.summary().recentBlocks).toBe(3);
    } finally {
      s.close();
    }
  });

  it('packs a day the daemon wrote an hour at a time into a block a port once the day is over', () => {
    const s = openTestStore();
    try {
      for (let h = 0; h < 24; h++)
        for (let k = 0; k < 6; k++) {
          const at = T0 + h * HOUR_MS + k * 600_000;
          store(s, [
            event({ ts: at }),
            event({ ts: at + 1, src: '192.0.2.2' }),
            event({ ts: at + 2, dpt: 20000 + h * 6 + k }),
          ]);
        }
      store(s, [event({ ts: T0 + 24 * HOUR_MS + 5 })]);
      // The day's busy port, its ports of a packet each, and the next day's.
      expect(s.counters.summary().recentBlocks).toBe(3);
      expect(s.counters.recentCount('tcp', 23, T0 + 5 * HOUR_MS, T0 + 7 * HOUR_MS - 1)).toEqual({
        events: 24,
        sources: 2,
      });
      expect(s.counters.firstSeen('tcp', 23, ['192.0.2.2'], T0 + 48 * HOUR_MS)).toEqual([
        { src: '192.0.2.2', ts: T0 + 1 },
      ]);
      expect(s.counters.lastEventAt(T0, T0 + 23 * HOUR_MS)).toBe(T0 + 23 * HOUR_MS);
    } finally {
      s.close();
    }
  });

  it('drops raw events past their retention, keeping the newer ones of a block that holds both', () => {
    const s = openTestStore();
    try {
      store(
        s,
        Array.from({ length: 10 }, (_, i) => event({ ts: T0 + i * 60_000, src: `192.0.2.${i}` })),
      );
      expect(s.counters.prune(0, T0 + 4 * 60_000)).toEqual({ rollups: 0, recent: 4 });
      expect(s.counters.oldestRecentAt()).toBe(T0 + 4 * 60_000);
      expect(s.counters.recentCount('tcp', 23, T0, T0 + HOUR_MS)).toEqual({ events: 6, sources: 6 });
      expect(s.counters.firstSeen('tcp', 23, ['192.0.2.1', '192.0.2.4'], T0 + HOUR_MS)).toEqual([
        { src: '192.0.2.4', ts: T0 + 4 * 60_000 },
      ]);
    } finally {
      s.close();
    }
  });
});
