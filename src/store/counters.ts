import { UniqueCounter } from '../counters/unique.ts';
import type { Proto } from '../model.ts';
import type { Db } from './db.ts';

/** One (hour, sensor, proto, port) bucket as the ingest stage rolls it up. Hours are epoch hours (UTC). */
export interface HourBucket {
  hour: number;
  sensor: string;
  proto: Proto;
  port: number;
  events: number;
  synOnly: number;
  sources: UniqueCounter;
  targets: UniqueCounter;
  nets24: UniqueCounter;
  countries: Map<string, UniqueCounter>;
}

/** A raw event kept for a while, so that a reported source or fingerprint can be looked up. */
export interface RecentEvent {
  ts: number;
  sensor: string;
  src: string;
  spt: number | null;
  dst: string | null;
  dpt: number | null;
  proto: Proto;
  flags: string | null;
  ttl: number | null;
  ipId: number | null;
  seq: number | null;
}

export interface HourlyBatch {
  buckets: Iterable<HourBucket>;
  /** Every (hour, sensor) in which the sensor logged anything at all, with its total events. */
  coverage: Map<string, { hour: number; sensor: string; events: number }>;
  recent: RecentEvent[];
}

export interface HourPoint {
  hour: number;
  events: number;
  sources: number;
  targets: number;
  nets24: number;
  synOnly: number;
  countries: Record<string, number>;
}

/**
 * What the correlator reads. The embedded store implements it; a deployment that keeps its
 * counters elsewhere (PostgreSQL, ClickHouse) implements the same calls.
 */
export interface CounterReader {
  /** Points for the hours in [from, to] that have any events for this (proto, port), all sensors merged. */
  series(proto: Proto, port: number, from: number, to: number): HourPoint[];
  /** The hours in [from, to] in which any sensor logged anything at all. */
  coveredHours(from: number, to: number): number[];
  /** Which of `addrs` were seen as sources for this (proto, port) in [from, to] (recent events only). */
  sourcesSeen(proto: Proto, port: number, addrs: string[], from: number, to: number): string[];
}

export interface ImportRecord {
  sha256: string;
  name: string;
  lines: number;
  parsed: number;
}

interface RollupRow {
  hour: number;
  sensor: string;
  events: number;
  synOnly: number;
  sources: number;
  targets: number;
  nets24: number;
  sourcesSketch: Buffer;
  targetsSketch: Buffer;
  nets24Sketch: Buffer;
  countries: string;
}

function serializeCountries(m: Map<string, UniqueCounter>): string {
  return JSON.stringify(Object.fromEntries([...m].map(([cc, u]) => [cc, u.serialize().toString('base64')])));
}

function parseCountries(s: string): Map<string, UniqueCounter> {
  const o = JSON.parse(s) as Record<string, string>;
  return new Map(Object.entries(o).map(([cc, b]) => [cc, UniqueCounter.deserialize(Buffer.from(b, 'base64'))]));
}

const HOUR_MS = 3_600_000;

export class CounterStore implements CounterReader {
  constructor(private readonly db: Db) {}

  hasImport(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM imports WHERE sha256 = ?').get(sha256) !== undefined;
  }

  /**
   * Adds a batch and records the import in one transaction: a file is counted once or not at all.
   * A bucket that exists already is merged with it, sketch with sketch.
   */
  addBatch(batch: HourlyBatch, record: ImportRecord | null): void {
    const get = this.db.prepare(
      `SELECT events, syn_only AS synOnly, sources_sketch AS sourcesSketch, targets_sketch AS targetsSketch, nets24_sketch AS nets24Sketch, countries
       FROM rollups WHERE proto = ? AND port = ? AND hour = ? AND sensor = ?`,
    );
    const put = this.db.prepare(
      `INSERT OR REPLACE INTO rollups (hour, sensor, proto, port, events, syn_only, sources, targets, nets24, sources_sketch, targets_sketch, nets24_sketch, countries)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const cover = this.db.prepare(
      `INSERT INTO sensor_coverage (hour, sensor, events) VALUES (?, ?, ?)
       ON CONFLICT (hour, sensor) DO UPDATE SET events = events + excluded.events`,
    );
    const recent = this.db.prepare(
      'INSERT INTO recent_events (ts, sensor, src, spt, dst, dpt, proto, flags, ttl, ip_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const b of batch.buckets) {
        const old = get.get(b.proto, b.port, b.hour, b.sensor) as Omit<RollupRow, 'hour' | 'sensor' | 'sources' | 'targets' | 'nets24'> | undefined;
        let { events, synOnly } = b;
        const { sources, targets, nets24, countries } = b;
        if (old) {
          events += old.events;
          synOnly += old.synOnly;
          sources.merge(UniqueCounter.deserialize(old.sourcesSketch));
          targets.merge(UniqueCounter.deserialize(old.targetsSketch));
          nets24.merge(UniqueCounter.deserialize(old.nets24Sketch));
          for (const [cc, u] of parseCountries(old.countries)) {
            const mine = countries.get(cc);
            if (mine) mine.merge(u);
            else countries.set(cc, u);
          }
        }
        put.run(
          b.hour, b.sensor, b.proto, b.port, events, synOnly,
          sources.count(), targets.count(), nets24.count(),
          sources.serialize(), targets.serialize(), nets24.serialize(), serializeCountries(countries),
        );
      }
      for (const c of batch.coverage.values()) cover.run(c.hour, c.sensor, c.events);
      for (const e of batch.recent) recent.run(e.ts, e.sensor, e.src, e.spt, e.dst, e.dpt, e.proto, e.flags, e.ttl, e.ipId, e.seq);
      if (record) {
        this.db
          .prepare('INSERT INTO imports (sha256, name, lines, parsed, imported_at) VALUES (?, ?, ?, ?, ?)')
          .run(record.sha256, record.name, record.lines, record.parsed, new Date().toISOString());
      }
    })();
  }

  /** Rows for (proto, port) over [from, to], optionally one sensor; sensors of one hour merged. */
  series(proto: Proto, port: number, from: number, to: number, sensor?: string): HourPoint[] {
    const rows = (
      sensor
        ? this.db.prepare(`SELECT * FROM rollups WHERE proto = ? AND port = ? AND hour BETWEEN ? AND ? AND sensor = ? ORDER BY hour`).all(proto, port, from, to, sensor)
        : this.db.prepare(`SELECT * FROM rollups WHERE proto = ? AND port = ? AND hour BETWEEN ? AND ? ORDER BY hour`).all(proto, port, from, to)
    ) as Array<Record<string, unknown>>;
    const out: HourPoint[] = [];
    for (let i = 0; i < rows.length; ) {
      let j = i;
      while (j < rows.length && rows[j]!.hour === rows[i]!.hour) j++;
      out.push(this.point(rows.slice(i, j)));
      i = j;
    }
    return out;
  }

  private point(rows: Array<Record<string, unknown>>): HourPoint {
    const one = rows.length === 1;
    const countries = new Map<string, UniqueCounter>();
    const merged = { sources: new UniqueCounter(), targets: new UniqueCounter(), nets24: new UniqueCounter() };
    let events = 0;
    let synOnly = 0;
    for (const r of rows) {
      events += r.events as number;
      synOnly += r.syn_only as number;
      if (!one) {
        merged.sources.merge(UniqueCounter.deserialize(r.sources_sketch as Buffer));
        merged.targets.merge(UniqueCounter.deserialize(r.targets_sketch as Buffer));
        merged.nets24.merge(UniqueCounter.deserialize(r.nets24_sketch as Buffer));
      }
      for (const [cc, u] of parseCountries(r.countries as string)) {
        const m = countries.get(cc);
        if (m) m.merge(u);
        else countries.set(cc, u);
      }
    }
    const r0 = rows[0]!;
    return {
      hour: r0.hour as number,
      events,
      synOnly,
      sources: one ? (r0.sources as number) : merged.sources.count(),
      targets: one ? (r0.targets as number) : merged.targets.count(),
      nets24: one ? (r0.nets24 as number) : merged.nets24.count(),
      countries: Object.fromEntries([...countries].map(([cc, u]) => [cc, u.count()])),
    };
  }

  coveredHours(from: number, to: number): number[] {
    return (this.db.prepare('SELECT DISTINCT hour FROM sensor_coverage WHERE hour BETWEEN ? AND ? ORDER BY hour').all(from, to) as Array<{ hour: number }>).map(
      (r) => r.hour,
    );
  }

  sourcesSeen(proto: Proto, port: number, addrs: string[], from: number, to: number): string[] {
    if (addrs.length === 0) return [];
    const q = this.db.prepare('SELECT 1 FROM recent_events WHERE src = ? AND ts BETWEEN ? AND ? AND proto = ? AND dpt = ? LIMIT 1');
    return addrs.filter((a) => q.get(a, from * HOUR_MS, (to + 1) * HOUR_MS - 1, proto, port) !== undefined);
  }

  /** Events per (proto, port) over the hours [from, to]. */
  totals(from: number, to: number): Array<{ proto: Proto; port: number; events: number }> {
    return this.db
      .prepare('SELECT proto, port, SUM(events) AS events FROM rollups WHERE hour BETWEEN ? AND ? GROUP BY proto, port')
      .all(from, to) as Array<{ proto: Proto; port: number; events: number }>;
  }

  /** Rollups for `counters stats`: per hour, sensor, proto and port, newest first. */
  rows(filter: { proto?: Proto; port?: number; from?: number; sensor?: string; limit: number }): Array<HourPoint & { sensor: string; proto: Proto; port: number }> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.proto) (where.push('proto = ?'), args.push(filter.proto));
    if (filter.port !== undefined) (where.push('port = ?'), args.push(filter.port));
    if (filter.from !== undefined) (where.push('hour >= ?'), args.push(filter.from));
    if (filter.sensor) (where.push('sensor = ?'), args.push(filter.sensor));
    const rows = this.db
      .prepare(`SELECT * FROM rollups ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY hour DESC, events DESC LIMIT ?`)
      .all(...args, filter.limit) as Array<Record<string, unknown>>;
    return rows.map((r) => ({ ...this.point([r]), sensor: r.sensor as string, proto: r.proto as Proto, port: r.port as number }));
  }

  /** Drops rollups and coverage older than `rollupsBefore`, raw events older than `recentBefore` (epoch ms). */
  prune(rollupsBeforeHour: number, recentBeforeMs: number): { rollups: number; recent: number } {
    return this.db.transaction(() => ({
      rollups:
        this.db.prepare('DELETE FROM rollups WHERE hour < ?').run(rollupsBeforeHour).changes +
        this.db.prepare('DELETE FROM sensor_coverage WHERE hour < ?').run(rollupsBeforeHour).changes,
      recent: this.db.prepare('DELETE FROM recent_events WHERE ts < ?').run(recentBeforeMs).changes,
    }))();
  }

  summary(): { hours: number; firstHour: number | null; lastHour: number | null; buckets: number; imports: number; sensors: string[]; recentEvents: number } {
    const s = this.db.prepare('SELECT COUNT(DISTINCT hour) AS hours, MIN(hour) AS firstHour, MAX(hour) AS lastHour FROM sensor_coverage').get() as {
      hours: number;
      firstHour: number | null;
      lastHour: number | null;
    };
    const b = this.db.prepare('SELECT COUNT(*) AS n FROM rollups').get() as { n: number };
    const i = this.db.prepare('SELECT COUNT(*) AS n FROM imports').get() as { n: number };
    const r = this.db.prepare('SELECT COUNT(*) AS n FROM recent_events').get() as { n: number };
    const sensors = (this.db.prepare('SELECT DISTINCT sensor FROM sensor_coverage ORDER BY sensor').all() as Array<{ sensor: string }>).map((x) => x.sensor);
    return { ...s, buckets: b.n, imports: i.n, sensors, recentEvents: r.n };
  }
}
