import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evidenceOf } from '../../src/correlate/evidence.ts';
import { parseDotted } from '../../src/net/ipv4.ts';
import type { RecentEvent } from '../../src/store/index.ts';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const num = (a: string) => parseDotted(a)!.n;

function event(i: number, over: Partial<RecentEvent> = {}): RecentEvent {
  return {
    ts: T0 + i * 60_000,
    sensor: 's',
    src: `192.0.2.${(i % 200) + 1}`,
    spt: 40000 + i,
    dst: `198.51.${100 + (i % 50)}.${(i * 7) % 256}`,
    dpt: 23,
    proto: 'tcp',
    flags: 'S',
    ttl: 50 + (i % 3),
    ipId: (i * 7919) % 65536,
    seq: (i * 2654435761) % 2 ** 32,
    ...over,
  };
}

const of = (events: RecentEvent[], seen: Array<{ src: string; ts: number }> = []) =>
  evidenceOf(events, T0, T0 + 6 * 3_600_000, false, seen);

describe('the evidence of our own events', () => {
  it('names Mirai when the TCP sequence number is the destination address', () => {
    const events = Array.from({ length: 40 }, (_, i) => event(i, i < 37 ? { seq: num(event(i).dst!) } : {}));
    expect(of(events).fingerprints).toEqual([{ tool: 'mirai', share: 0.925, events: 37 }]);
  });

  it('names ZMap by its IP ID of 54321, and masscan by IP ID = destination ^ port ^ sequence', () => {
    const zmap = Array.from({ length: 20 }, (_, i) => event(i, { ipId: 54321 }));
    expect(of(zmap).fingerprints).toEqual([{ tool: 'zmap', share: 1, events: 20 }]);
    const masscan = Array.from({ length: 20 }, (_, i) => {
      const e = event(i);
      return { ...e, ipId: ((num(e.dst!) ^ 23 ^ e.seq!) & 0xffff) >>> 0 };
    });
    expect(of(masscan).fingerprints).toEqual([{ tool: 'masscan', share: 1, events: 20 }]);
  });

  it('names no tool on ordinary traffic, whatever its fields (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dst: fc.ipV4(),
            seq: fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { nil: null }),
            ipId: fc.option(
              fc.integer({ min: 0, max: 65535 }).filter((n) => n !== 54321),
              { nil: null },
            ),
          }),
          { maxLength: 200 },
        ),
        (packets) => {
          const events = packets.map((p, i) => event(i, p));
          const marked = events.filter(
            (e) => e.seq !== null && (e.seq === num(e.dst!) || e.ipId === ((num(e.dst!) ^ 23 ^ e.seq) & 0xffff) >>> 0),
          );
          // A random packet that carries a mark by chance (one in 2^16 or fewer) is left out of the check.
          fc.pre(marked.length === 0);
          expect(of(events).fingerprints).toEqual([]);
        },
      ),
    );
  });

  it('needs ten marked events: three ZMap probes are no wave', () => {
    expect(of(Array.from({ length: 3 }, (_, i) => event(i, { ipId: 54321 }))).fingerprints).toEqual([]);
  });

  it('gives the SYN-only share, the one-target-per-/24 share, and how the sources grew by the hour', () => {
    const onePer24 = Array.from({ length: 120 }, (_, i) =>
      event(i, { dst: `198.51.${i % 120}.50`, flags: i % 4 === 0 ? 'SA' : 'S' }),
    );
    const e = of(onePer24);
    expect(e).toMatchObject({ events: 120, synOnly: 0.75, onePerSlash24: 1, truncated: false });
    expect(e.sourcesByHour).toEqual([
      { hour: '2026-11-20T00:00:00Z', sources: 60 },
      { hour: '2026-11-20T01:00:00Z', sources: 120 },
    ]);
    const crowded = Array.from({ length: 50 }, (_, i) => event(i, { dst: `198.51.100.${i % 5}` }));
    expect(of(crowded)).toMatchObject({ onePerSlash24: 0, topDestinationShare: 0.2 });
  });

  it('says nothing of one target per /24 on a sensor with few addresses, or over a handful of events', () => {
    const onePer24 = Array.from({ length: 40 }, (_, i) => event(i, { dst: `198.51.${i}.50` }));
    expect(evidenceOf(onePer24, T0, T0 + 1, false, [], new Map(), 1).onePerSlash24).toBeNull();
    expect(evidenceOf(onePer24.slice(0, 5), T0, T0 + 1, false, [], new Map(), 256).onePerSlash24).toBeNull();
    expect(evidenceOf(onePer24, T0, T0 + 1, false, [], new Map(), 256).onePerSlash24).toBe(1);
  });

  it('names our destination addresses nowhere, only their shares', () => {
    const e = of(Array.from({ length: 30 }, (_, i) => event(i)));
    expect(JSON.stringify(e)).not.toMatch(/198\.51\./);
  });

  it('quotes a few of our own events as log lines, the reported sources first, our addresses left out', () => {
    const events = Array.from({ length: 10 }, (_, i) => event(i));
    const e = of(events, [{ src: '192.0.2.8', ts: events[7]!.ts }]);
    expect(e.samples).toHaveLength(3);
    expect(e.samples[0]).toBe(
      `2026-11-20T00:07:00Z SRC=192.0.2.8 PROTO=TCP SPT=40007 DPT=23 TTL=51 ID=${(7 * 7919) % 65536} ` +
        `SEQ=${(7 * 2654435761) % 2 ** 32} FLAGS=S`,
    );
    expect(e.samples.join('\n')).not.toContain('DST');
    expect(e.samples.join('\n')).not.toMatch(/198\.51\./);
  });

  it("gives the sources' top three countries with their shares", () => {
    const counts = new Map([
      ['US', 40],
      ['CN', 30],
      ['DE', 20],
      ['JP', 10],
    ]);
    expect(evidenceOf([event(0)], T0, T0 + 1, false, [], counts).countries).toEqual([
      { country: 'US', share: 0.4 },
      { country: 'CN', share: 0.3 },
      { country: 'DE', share: 0.2 },
    ]);
    expect(of([event(0)]).countries).toEqual([]);
  });

  it('says when each reported source was first seen here', () => {
    const e = of([event(0)], [{ src: '192.0.2.1', ts: Date.parse('2026-11-13T01:54:11Z') }]);
    expect(e.reportedFirstSeen).toEqual([{ source: '192.0.2.1', firstSeen: '2026-11-13T01:54:11.000Z' }]);
  });
});
