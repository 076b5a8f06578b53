import type { Proto } from '../model.ts';
import type { Db } from './db.ts';

/** One (hour, proto, port) bucket as the ingest stage rolls it up. Hours are epoch hours (UTC). */
export interface HourBucket {
  hour: number;
  proto: Proto;
  port: number;
  events: number;
  synOnly: number;
  sources: Set<string>;
  targets: Set<string>;
}

export interface HourlyBatch {
  buckets: Iterable<HourBucket>;
  /** Every hour in which the sensor logged anything at all, with its total events. */
  sensorHours: Map<number, number>;
}

export interface HourPoint {
  hour: number;
  events: number;
  sources: number;
  targets: number;
  synOnly: number;
}

/**
 * What the correlator reads. The embedded store implements it; a deployment that keeps its
 * counters elsewhere (PostgreSQL, ClickHouse) implements the same three calls.
 */
export interface CounterReader {
  /** Points for the hours in [from, to] that have any events for this (proto, port). */
  series(proto: Proto, port: number, from: number, to: number): HourPoint[];
  /** The hours in [from, to] in which the sensor logged anything at all. */
  coveredHours(from: number, to: number): number[];
  /** Which of `addrs` were seen as sources for this (proto, port) in [from, to]. */
  sourcesSeen(proto: Proto, port: number, addrs: string[], from: number, to: number): string[];
}

export interface ImportRecord {
  sha256: string;
  name: string;
  lines: number;
  parsed: number;
}

export class CounterStore implements CounterReader {
  constructor(private readonly db: Db) {}

  hasImport(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM imports WHERE sha256 = ?').get(sha256) !== undefined;
  }

  /** Adds a batch and records the import in one transaction: a file is counted once or not at all. */
  addBatch(batch: HourlyBatch, record: ImportRecord): void {
    const upHour = this.db.prepare(
      `INSERT INTO counter_hours (hour, proto, port, events, syn_only) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (hour, proto, port) DO UPDATE SET events = events + excluded.events, syn_only = syn_only + excluded.syn_only`,
    );
    const addSrc = this.db.prepare('INSERT OR IGNORE INTO counter_sources (proto, port, hour, addr) VALUES (?, ?, ?, ?)');
    const addDst = this.db.prepare('INSERT OR IGNORE INTO counter_targets (proto, port, hour, addr) VALUES (?, ?, ?, ?)');
    const upSensor = this.db.prepare(
      `INSERT INTO sensor_hours (hour, events) VALUES (?, ?)
       ON CONFLICT (hour) DO UPDATE SET events = events + excluded.events`,
    );
    const addImport = this.db.prepare(
      'INSERT INTO imports (sha256, name, lines, parsed, imported_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const b of batch.buckets) {
        upHour.run(b.hour, b.proto, b.port, b.events, b.synOnly);
        for (const s of b.sources) addSrc.run(b.proto, b.port, b.hour, s);
        for (const t of b.targets) addDst.run(b.proto, b.port, b.hour, t);
      }
      for (const [hour, events] of batch.sensorHours) upSensor.run(hour, events);
      addImport.run(record.sha256, record.name, record.lines, record.parsed, new Date().toISOString());
    })();
  }

  series(proto: Proto, port: number, from: number, to: number): HourPoint[] {
    return this.db
      .prepare(
        `SELECT h.hour AS hour, h.events AS events, h.syn_only AS synOnly,
           (SELECT COUNT(*) FROM counter_sources s WHERE s.proto = h.proto AND s.port = h.port AND s.hour = h.hour) AS sources,
           (SELECT COUNT(*) FROM counter_targets t WHERE t.proto = h.proto AND t.port = h.port AND t.hour = h.hour) AS targets
         FROM counter_hours h WHERE h.proto = ? AND h.port = ? AND h.hour BETWEEN ? AND ? ORDER BY h.hour`,
      )
      .all(proto, port, from, to) as HourPoint[];
  }

  coveredHours(from: number, to: number): number[] {
    return (this.db.prepare('SELECT hour FROM sensor_hours WHERE hour BETWEEN ? AND ? ORDER BY hour').all(from, to) as Array<{
      hour: number;
    }>).map((r) => r.hour);
  }

  sourcesSeen(proto: Proto, port: number, addrs: string[], from: number, to: number): string[] {
    if (addrs.length === 0) return [];
    const q = this.db.prepare(
      'SELECT 1 FROM counter_sources WHERE proto = ? AND port = ? AND hour BETWEEN ? AND ? AND addr = ? LIMIT 1',
    );
    return addrs.filter((a) => q.get(proto, port, from, to, a) !== undefined);
  }

  /** Events per (proto, port) over the hours [from, to]. */
  totals(from: number, to: number): Array<{ proto: Proto; port: number; events: number }> {
    return this.db
      .prepare('SELECT proto, port, SUM(events) AS events FROM counter_hours WHERE hour BETWEEN ? AND ? GROUP BY proto, port')
      .all(from, to) as Array<{ proto: Proto; port: number; events: number }>;
  }

  summary(): { hours: number; firstHour: number | null; lastHour: number | null; buckets: number; imports: number } {
    const s = this.db.prepare('SELECT COUNT(*) AS hours, MIN(hour) AS firstHour, MAX(hour) AS lastHour FROM sensor_hours').get() as {
      hours: number;
      firstHour: number | null;
      lastHour: number | null;
    };
    const b = this.db.prepare('SELECT COUNT(*) AS n FROM counter_hours').get() as { n: number };
    const i = this.db.prepare('SELECT COUNT(*) AS n FROM imports').get() as { n: number };
    return { ...s, buckets: b.n, imports: i.n };
  }
}
