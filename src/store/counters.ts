import { hourAt } from '../time.ts';
import type { Proto } from '../model.ts';
import type { Db } from './db.ts';
import { PROTO_NUMBER, RawEvents, type RecentEvent } from '../net/packets.ts';
import {
  BLOCK_COLUMNS,
  BLOCK_FIELDS,
  addressKey,
  blockValues,
  BlockView,
  KEY_FIELDS,
  MIXED,
  packEvents,
  SPAN_HOURS,
  type Block,
} from './blocks.ts';
import { inList, insertRows, type Param } from './sql.ts';

/** What a rollup row is stored under: one per hour (epoch hours, UTC), sensor, proto and port. */
export interface RollupKey {
  hour: number;
  sensor: string;
  proto: Proto;
  port: number;
}

/** A rollup as stored (or staged): its counts, and its sets of addresses as the counters stage serialised them. */
export interface RollupRow extends RollupKey {
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

/**
 * What the counters stage hands the store with its buckets: how a bucket becomes a row, a row a
 * bucket, and two buckets one. The store keeps bytes; what the sets in them mean stays with the
 * stage that counts.
 */
export interface RollupCodec<B extends RollupKey> {
  row(b: B): RollupRow;
  /** The bucket's events: how large its row will be, about. */
  events(b: B): number;
  bucket(r: RollupRow): B;
  merge(into: B, from: B): void;
}

export type { NewRecentEvent, RecentEvent } from '../net/packets.ts';

export interface HourlyBatch<B extends RollupKey> {
  buckets: Iterable<B>;
  /** Every (hour, sensor) in which the sensor logged anything at all, with its total events. */
  coverage: Map<number, { hour: number; sensor: string; events: number }>;
  recent: RawEvents;
}

/**
 * What the correlator reads. The embedded store implements it; a deployment that keeps its
 * counters elsewhere (PostgreSQL, ClickHouse) implements the same calls.
 */
export interface CounterReader {
  /**
   * Rows for the hours in [from, to] of this (proto, port), by hour; of one sensor when named.
   * Without `countries`, a row's per-country sets (most of a busy row's bytes) are not read: its
   * `countries` is empty.
   */
  rollups(proto: Proto, port: number, from: number, to: number, sensor?: string, countries?: boolean): RollupRow[];
  /** The hours in [from, to] in which any sensor logged anything at all. */
  coveredHours(from: number, to: number): number[];
  /** Events and distinct sources of this (proto, port) in [fromMs, toMs] (recent events only). */
  recentCount(proto: Proto, port: number, fromMs: number, toMs: number): { events: number; sources: number };
  /** The time (epoch ms) of the latest event of any port in [fromMs, toMs] (recent events only). */
  lastEventAt(fromMs: number, toMs: number): number | null;
  /** The raw events of this (proto, port) in [fromMs, toMs], oldest first, at most `limit`. */
  recentEvents(proto: Proto, port: number, fromMs: number, toMs: number, limit: number): RecentEvent[];
  /** Distinct destination addresses of any port in [fromMs, toMs]: how many addresses the sensor listens on. */
  distinctDestinations(fromMs: number, toMs: number): number;
  /** When each of `addrs` was first seen as a source on this (proto, port), up to `toMs` (recent events only). */
  firstSeen(proto: Proto, port: number, addrs: string[], toMs: number): Array<{ src: string; ts: number }>;
  /**
   * Runs `read` with the raw events of a port read once for all its lookups (first sightings,
   * counts of a partial hour): one report's judgement, not a view kept over time.
   */
  readTogether<T>(read: () => T): T;
  /** Events per hour of one (proto, port) over [from, to], all sensors added, without their sets. */
  hourlyCounts(proto: Proto, port: number, from: number, to: number): HourCount[];
  /** Each (proto, port)'s events per hour over the hours [from, to], all sensors added: what detection reads. */
  hourlySeries(from: number, to: number): PortSeries[];
  /**
   * Replies to someone else's SYNs (SYN-ACK, RST) that reached our high ports (>= `minPort`) in
   * [fromMs, toMs], per hour and by the source port they came from (recent events only).
   */
  backscatter(fromMs: number, toMs: number, minPort: number): Array<{ hour: number; spt: number; events: number }>;
  /** The time (epoch ms) of the oldest raw event kept; null when none is. */
  oldestRecentAt(): number | null;
  /** Distinct addresses whose replies from `spt` reached us in [fromMs, toMs]: the flood's victims. */
  backscatterSources(fromMs: number, toMs: number, spt: number): number;
}

/** One hour of one (proto, port): its events, and how many of them were SYN alone. */
export interface HourCount {
  hour: number;
  events: number;
  synOnly: number;
}

/** One (proto, port)'s hours with events, in order, and how many events (and SYN-only ones) each held. */
export interface PortSeries {
  proto: Proto;
  port: number;
  hours: number[];
  events: number[];
  synOnly: number[];
}

export interface ImportRecord {
  /** What the content is known by (`ContentHash`). */
  identity: string;
  name: string;
  lines: number;
  parsed: number;
  /** For a file: its size and modification time, so that an unchanged file is not read again. */
  size?: number;
  mtimeMs?: number;
}

/**
 * Where an import stages what it writes ahead: a temporary table of the connection, shaped like
 * `rollup_staging`. Staged rows are written once more when the import completes; in a table of
 * the store they were written durably twice, and dropped durably: a million lines imported with
 * raw events off took 9% longer so. An import whose process dies leaves nothing behind.
 */
const STAGING = 'import_staging';
const STAGING_INDEX = ['import_id', 'hour', 'sensor', 'proto', 'port'];

/** Held while blocks of raw events are packed again, which reads them and writes them back. */
const RECENT_LOCK = 'kansoku-recent-blocks';

/**
 * Blocks an hour or a day may hold beyond four a port before it is packed again (`compact`): the
 * daemon's pieces are hundreds; an import's write-aheads cut a day into two or three, which are
 * not worth reading back.
 */
const LOOSE_BLOCKS = 8;

/** TCP flags of a reply to a SYN, as the log parsers order them: the mark of backscatter. */
const REPLY = new Set(['SA', 'R', 'RA']);

/** Rows made one at a time as the store takes them: all of them at once can run to hundreds of MB. */
function* rowsOf<T>(items: Iterable<T>, row: (item: T) => Param[]): Iterable<Param[]> {
  for (const item of items) yield row(item);
}

/** One bucket per key: a write ahead and the rest of an out-of-order log can hold the same hour. */
function combine<B extends RollupKey>(list: B[], codec: RollupCodec<B>): B[] {
  const byKey = new Map<string, B>();
  for (const b of list) {
    const k = bucketKey(b);
    const seen = byKey.get(k);
    if (seen) codec.merge(seen, b);
    else byKey.set(k, b);
  }
  return [...byKey.values()];
}

const bucketKey = (b: { sensor: string; hour: number; proto: Proto; port: number }): string =>
  `${b.sensor}\0${b.hour}\0${b.proto}\0${b.port}`;
const groupKey = (b: { sensor: string; hour: number; proto: Proto }): string => `${b.sensor}\0${b.hour}\0${b.proto}`;

/**
 * Rollup rows written in one statement, each serialised as the statement takes it: a busy hour's
 * row, with its per-country sets, runs to megabytes.
 */
const ROLLUP_ROWS = 8;
/** Buckets of this many events or fewer have sets of a few addresses: their rows are small. */
const FEW_EVENTS = 4;

/**
 * Buckets in two runs, each with the rows a statement takes: the many of a packet or two (a wide
 * scan's) are a few hundred bytes: 64 to a statement wrote 30,000 of them in 0.6 of the time 8 took.
 */
function bySize<B extends RollupKey>(list: B[], codec: RollupCodec<B>): Array<{ buckets: B[]; perStatement: number }> {
  return [
    { buckets: list.filter((b) => codec.events(b) <= FEW_EVENTS), perStatement: 64 },
    { buckets: list.filter((b) => codec.events(b) > FEW_EVENTS), perStatement: ROLLUP_ROWS },
  ];
}

/** A rollup's columns, in stored and staged rows alike, and a bucket's values for them. */
const ROLLUP_COLUMNS =
  'hour, sensor, proto, port, events, syn_only, sources, targets, nets24, ' +
  'sources_sketch, targets_sketch, nets24_sketch, countries';
/** A row's values for the rollup columns. */
const rollupValues = (r: RollupRow): Param[] => [
  r.hour,
  r.sensor,
  r.proto,
  r.port,
  r.events,
  r.synOnly,
  r.sources,
  r.targets,
  r.nets24,
  r.sourcesSketch,
  r.targetsSketch,
  r.nets24Sketch,
  r.countries,
];
/** The rollup columns as a `RollupRow`'s fields. */
const SET_FIELDS = `hour, sensor, proto, port, events, syn_only AS "synOnly", sources, targets, nets24,
  sources_sketch AS "sourcesSketch", targets_sketch AS "targetsSketch", nets24_sketch AS "nets24Sketch"`;
const ROLLUP_FIELDS = `${SET_FIELDS}, countries`;
/** A row's fields without its per-country sets, most of a busy row's bytes. */
const FIELDS_WITHOUT_COUNTRIES = `${SET_FIELDS}, '' AS countries`;

export class CounterStore implements CounterReader {
  /** The key blocks of each (proto, port) read inside `readTogether`, and the time range they cover. */
  private shared: Map<string, { fromMs: number; toMs: number; blocks: BlockView[] }> | null = null;

  constructor(private readonly db: Db) {}

  readTogether<T>(read: () => T): T {
    if (this.shared) return read();
    this.shared = new Map();
    try {
      return read();
    } finally {
      this.shared = null;
    }
  }

  /** Whether content known by any of these identities was imported. */
  hasImport(identities: string[]): boolean {
    const { marks, params } = inList(identities);
    return this.db.get(`SELECT 1 FROM imports WHERE content_hash IN (${marks})`, ...params) !== undefined;
  }

  /** Whether any import was recorded under an identity without `prefix`: by an older kansoku, that hashed otherwise. */
  hasImportsOutside(prefix: string): boolean {
    return this.db.get('SELECT 1 FROM imports WHERE content_hash NOT LIKE ? LIMIT 1', `${prefix}%`) !== undefined;
  }

  /** The last import of the file at this path: its content's identity and its size then. */
  lastImportOf(name: string): { identity: string; size: number } | undefined {
    return this.db.get<{ identity: string; size: number }>(
      'SELECT content_hash AS identity, size FROM imports WHERE name = ? AND size IS NOT NULL ' +
        'ORDER BY imported_at DESC LIMIT 1',
      name,
    );
  }

  /** Whether this file, unchanged since (same size and modification time), was imported already. */
  hasUnchangedFile(name: string, size: number, mtimeMs: number): boolean {
    return (
      this.db.get('SELECT 1 FROM imports WHERE name = ? AND size = ? AND mtime_ms = ?', name, size, mtimeMs) !==
      undefined
    );
  }

  /**
   * Writes ahead part of an import that is still running: its buckets count only once `addBatch`
   * names the import. Its raw events are stored at once: they only answer "was this source seen",
   * which a repeat (an import that fails and is run again) does not change.
   */
  stage<B extends RollupKey>(importId: string, part: { buckets: B[]; recent: RawEvents }, codec: RollupCodec<B>): void {
    const at = new Date().toISOString();
    this.db.transaction(() => {
      this.db.temporaryTable(STAGING, 'rollup_staging', STAGING_INDEX);
      for (const { buckets, perStatement } of bySize(part.buckets, codec))
        insertRows(
          this.db,
          `INSERT INTO ${STAGING} (import_id, staged_at, ${ROLLUP_COLUMNS})`,
          rowsOf(buckets, (b) => [importId, at, ...rollupValues(codec.row(b))]),
          '',
          perStatement,
        );
      this.appendRecent(part.recent);
    });
  }

  /** Drops what an import staged: it failed, or its content was imported before. */
  discardStaged(importId: string): void {
    this.db.run(`DELETE FROM ${STAGING} WHERE import_id = ?`, importId);
  }

  /** Drops what imports that never finished (their process died) staged before `before` (ISO time). */
  discardStaleStaging(before: string): number {
    return this.db.run('DELETE FROM rollup_staging WHERE staged_at < ?', before).changes;
  }

  /**
   * Adds a batch and records the import in one transaction: a file is counted once or not at all.
   * A bucket that exists already is merged with it by `codec`. With `importId`, what that import
   * staged joins the counters in the same transaction.
   */
  addBatch<B extends RollupKey>(
    batch: HourlyBatch<B>,
    record: ImportRecord | null,
    codec: RollupCodec<B>,
    importId?: string,
  ): void {
    this.db.transaction(() => {
      // Two ingesting instances would otherwise both read a bucket and each write back its own merge.
      this.db.lock('kansoku-rollups');
      if (importId) {
        this.moveUnsharedStaged(importId);
        // The rest, an hour at a time: a long import's staged rows need not fit in memory together.
        for (const { hour } of this.db.all<{ hour: number }>(
          `SELECT DISTINCT hour FROM ${STAGING} WHERE import_id = ? ORDER BY hour`,
          importId,
        )) {
          const rows = this.db.all<RollupRow>(
            `SELECT ${ROLLUP_FIELDS} FROM ${STAGING} WHERE import_id = ? AND hour = ?`,
            importId,
            hour,
          );
          this.merge(rows.map(codec.bucket), codec);
        }
        this.discardStaged(importId);
      }
      this.merge([...batch.buckets], codec);
      insertRows(
        this.db,
        'INSERT INTO sensor_coverage (hour, sensor, events)',
        [...batch.coverage.values()].map((c) => [c.hour, c.sensor, c.events]),
        'ON CONFLICT (hour, sensor) DO UPDATE SET events = sensor_coverage.events + excluded.events',
      );
      this.appendRecent(batch.recent);
      if (record) {
        this.db.run(
          'INSERT INTO imports (content_hash, name, lines, parsed, imported_at, size, mtime_ms) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?)',
          record.identity,
          record.name,
          record.lines,
          record.parsed,
          new Date().toISOString(),
          record.size ?? null,
          record.mtimeMs ?? null,
        );
      }
    });
  }

  /**
   * Staged buckets that no other staged part of the import and no stored row share (most of a
   * wide scan's, whose hours were done when they were written ahead) join the counters as they
   * are, copied across in one statement and dropped from staging. Decided by whole (hour, sensor):
   * one in which nothing is stored yet and no bucket was staged twice (a log read in order stages
   * each hour once). Asking that of every row, and marking it, had cost more than copying it.
   */
  private moveUnsharedStaged(importId: string): void {
    const twice = new Set(
      this.db
        .all<{ hour: number; sensor: string }>(
          `SELECT DISTINCT hour, sensor FROM (SELECT hour, sensor FROM ${STAGING} WHERE import_id = ?
             GROUP BY hour, sensor, proto, port HAVING COUNT(*) > 1) d`,
          importId,
        )
        .map((r) => `${r.hour}\0${r.sensor}`),
    );
    const staged = this.db.all<{ hour: number; sensor: string }>(
      `SELECT DISTINCT hour, sensor FROM ${STAGING} WHERE import_id = ?`,
      importId,
    );
    const clean = staged.filter(
      (h) =>
        !twice.has(`${h.hour}\0${h.sensor}`) &&
        this.db.get('SELECT 1 FROM rollups WHERE hour = ? AND sensor = ? LIMIT 1', h.hour, h.sensor) === undefined,
    );
    if (clean.length === 0) return;
    // In the stored key's order: the rollups' trees then grow at their ends, not page by page all over.
    const copy = (where: string, ...params: Param[]) => {
      this.db.run(
        `INSERT INTO rollups (${ROLLUP_COLUMNS}) SELECT ${ROLLUP_COLUMNS} FROM ${STAGING}
         WHERE import_id = ?${where} ORDER BY proto, port, hour, sensor`,
        importId,
        ...params,
      );
      this.db.run(`DELETE FROM ${STAGING} WHERE import_id = ?${where}`, importId, ...params);
    };
    if (clean.length === staged.length) copy('');
    else for (const h of clean) copy(' AND hour = ? AND sensor = ?', h.hour, h.sensor);
  }

  /** Merges buckets into the stored rollups: read what is there, merge, write back. */
  private merge<B extends RollupKey>(list: B[], codec: RollupCodec<B>): void {
    // In (sensor, hour, proto, port) order, so that a chunk's stored rows come in few queries.
    const all = combine(list, codec).sort((a, b) =>
      a.sensor < b.sensor
        ? -1
        : a.sensor > b.sensor
          ? 1
          : a.hour - b.hour || (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : a.port - b.port),
    );
    // New hours are the common case (a log imported for the first time): one look per
    // (sensor, hour, proto) says there is nothing stored to merge with.
    const stored = new Set<string>();
    for (const k of new Set(all.map(groupKey))) {
      const [sensor, hour, proto] = k.split('\0');
      if (
        this.db.get(
          'SELECT 1 FROM rollups WHERE hour = ? AND sensor = ? AND proto = ? LIMIT 1',
          Number(hour),
          sensor!,
          proto!,
        )
      )
        stored.add(k);
    }
    // A few buckets at a time: a busy hour's serialised per-country sets run to megabytes each.
    for (const { buckets, perStatement } of bySize(all, codec))
      for (let i = 0; i < buckets.length; i += 4 * perStatement)
        this.mergeSome(buckets.slice(i, i + 4 * perStatement), stored, codec, perStatement);
  }

  private mergeSome<B extends RollupKey>(
    buckets: B[],
    stored: Set<string>,
    codec: RollupCodec<B>,
    perStatement: number,
  ): void {
    const old = this.existing(buckets.filter((b) => stored.has(groupKey(b))));
    const merged = rowsOf(buckets, (b) => {
      const prev = old.get(bucketKey(b));
      if (prev) codec.merge(b, codec.bucket(prev));
      return rollupValues(codec.row(b));
    });
    insertRows(
      this.db,
      `INSERT INTO rollups (${ROLLUP_COLUMNS})`,
      merged,
      `ON CONFLICT (proto, port, hour, sensor) DO UPDATE SET events = excluded.events, syn_only = excluded.syn_only,
         sources = excluded.sources, targets = excluded.targets, nets24 = excluded.nets24,
         sources_sketch = excluded.sources_sketch, targets_sketch = excluded.targets_sketch,
         nets24_sketch = excluded.nets24_sketch, countries = excluded.countries`,
      perStatement,
    );
  }

  /** The stored rows for these buckets, fetched per (sensor, hour, proto) with the ports in one IN list. */
  private existing(buckets: RollupKey[]): Map<string, RollupRow> {
    const groups = new Map<string, { sensor: string; hour: number; proto: Proto; ports: number[] }>();
    for (const b of buckets) {
      const k = groupKey(b);
      const g = groups.get(k);
      if (g) g.ports.push(b.port);
      else groups.set(k, { sensor: b.sensor, hour: b.hour, proto: b.proto, ports: [b.port] });
    }
    const out = new Map<string, RollupRow>();
    for (const g of groups.values()) {
      for (let i = 0; i < g.ports.length; i += 256) {
        const { marks, params } = inList(g.ports.slice(i, i + 256));
        const rows = this.db.all<RollupRow>(
          `SELECT ${ROLLUP_FIELDS}
           FROM rollups WHERE sensor = ? AND hour = ? AND proto = ? AND port IN (${marks})`,
          g.sensor,
          g.hour,
          g.proto,
          ...params,
        );
        for (const r of rows) out.set(bucketKey(r), r);
      }
    }
    return out;
  }

  hourlyCounts(proto: Proto, port: number, from: number, to: number): HourCount[] {
    // Only the leading columns: a row's sketches and per-country sets (kilobytes on a busy port)
    // are never read for these. The weeks of hours come back packed in one string: a row each
    // cost PostgreSQL's client more than the sums did.
    const r = this.db.get<{ s: string | null }>(
      `SELECT string_agg(hour || ',' || events || ',' || syn_only, ',') AS s FROM (
         SELECT hour, SUM(events) AS events, SUM(syn_only) AS syn_only FROM rollups
           WHERE proto = ? AND port = ? AND hour BETWEEN ? AND ? GROUP BY hour) AS t`,
      proto,
      port,
      from,
      to,
    );
    if (!r?.s) return [];
    const v = JSON.parse(`[${r.s}]`) as number[];
    const out: HourCount[] = [];
    for (let i = 0; i < v.length; i += 3) out.push({ hour: v[i]!, events: v[i + 1]!, synOnly: v[i + 2]! });
    return out.sort((a, b) => a.hour - b.hour);
  }

  rollups(proto: Proto, port: number, from: number, to: number, sensor?: string, countries = true): RollupRow[] {
    const fields = countries ? ROLLUP_FIELDS : FIELDS_WITHOUT_COUNTRIES;
    const where = 'proto = ? AND port = ? AND hour BETWEEN ? AND ?';
    return sensor
      ? this.db.all<RollupRow>(
          `SELECT ${fields} FROM rollups WHERE ${where} AND sensor = ? ORDER BY hour`,
          proto,
          port,
          from,
          to,
          sensor,
        )
      : this.db.all<RollupRow>(`SELECT ${fields} FROM rollups WHERE ${where} ORDER BY hour`, proto, port, from, to);
  }

  coveredHours(from: number, to: number): number[] {
    return (
      this.db.all(
        'SELECT DISTINCT hour FROM sensor_coverage WHERE hour BETWEEN ? AND ? ORDER BY hour',
        from,
        to,
      ) as Array<{ hour: number }>
    ).map((r) => r.hour);
  }

  recentCount(proto: Proto, port: number, fromMs: number, toMs: number): { events: number; sources: number } {
    let events = 0;
    const sources = new Set<number | string>();
    for (const b of this.portBlocks(KEY_FIELDS, proto, port, fromMs, toMs))
      for (let i = 0; i < b.n; i++)
        if (b.dpt[i] === port && b.time(i) >= fromMs && b.time(i) <= toMs) {
          events++;
          sources.add(b.srcKey(i));
        }
    return { events, sources: sources.size };
  }

  lastEventAt(fromMs: number, toMs: number): number | null {
    // Blocks that end within the range say it with their last time; only one that runs past its
    // end (in the hour `toMs` falls in) is read.
    const within = this.db.get<{ ts: number | string | null }>(
      'SELECT MAX(last_ts) AS ts FROM recent_blocks WHERE hour BETWEEN ? AND ? AND last_ts BETWEEN ? AND ?',
      hourAt(fromMs) - SPAN_HOURS + 1,
      hourAt(toMs),
      fromMs,
      toMs,
    )?.ts;
    let last = within === null || within === undefined ? null : Number(within);
    const straddling = 'hour BETWEEN ? AND ? AND first_ts <= ? AND last_ts > ?';
    for (const b of this.blocks(KEY_FIELDS, straddling, hourAt(toMs) - SPAN_HOURS + 1, hourAt(toMs), toMs, toMs))
      for (let i = 0; i < b.n; i++) {
        const t = b.time(i);
        if (t >= fromMs && t <= toMs && (last === null || t > last)) last = t;
      }
    return last;
  }

  recentEvents(proto: Proto, port: number, fromMs: number, toMs: number, limit: number): RecentEvent[] {
    // The oldest `limit`, blocks taken oldest first: a block that starts after the last of those
    // holds none. Blocks of two imports, or of two writes of one, can hold the same hour: their
    // events interleave, so what is found is kept in order.
    const blocks = this.portBlocks(BLOCK_FIELDS, proto, port, fromMs, toMs).sort((x, y) => x.firstTs - y.firstTs);
    let found: Array<{ b: BlockView; i: number; t: number }> = [];
    for (const b of blocks) {
      if (found.length >= limit && b.firstTs > found[limit - 1]!.t) break;
      for (let i = 0; i < b.n; i++) {
        const t = b.time(i);
        if (b.dpt[i] === port && t >= fromMs && t <= toMs) found.push({ b, i, t });
      }
      if (found.length >= limit) found = found.sort((x, y) => x.t - y.t).slice(0, limit);
    }
    return found.sort((x, y) => x.t - y.t).map(({ b, i }) => b.event(i));
  }

  /**
   * The latest hour any sensor logged anything in, up to `notAfter` (a log line dated in the future
   * must not hide every hour before it); null on an empty store.
   */
  lastCoveredHour(notAfter: number): number | null {
    const r = this.db.get<{ h: number | string | null }>(
      'SELECT MAX(hour) AS h FROM sensor_coverage WHERE hour <= ?',
      notAfter,
    );
    return r?.h === null || r?.h === undefined ? null : Number(r.h);
  }

  hourlySeries(from: number, to: number): PortSeries[] {
    // One row per hour and protocol, its ports' counts packed in one string, read in the hour
    // index's own order: weeks of a thousand ports are a thousand rows, not a million objects.
    const rows = this.db.all<{ hour: number | string; proto: Proto; s: string }>(
      `SELECT hour, proto, string_agg(port || ',' || events || ',' || syn_only, ',') AS s FROM rollups
         WHERE hour BETWEEN ? AND ? GROUP BY hour, proto`,
      from,
      to,
    );
    const byProto = new Map<Proto, Map<number, PortSeries>>();
    for (const r of rows) {
      const hour = Number(r.hour);
      const v = JSON.parse(`[${r.s}]`) as number[];
      let series = byProto.get(r.proto);
      if (!series) byProto.set(r.proto, (series = new Map()));
      for (let i = 0; i < v.length; i += 3) {
        let p = series.get(v[i]!);
        if (!p) series.set(v[i]!, (p = { proto: r.proto, port: v[i]!, hours: [], events: [], synOnly: [] }));
        const last = p.hours.length - 1;
        // A second sensor's row of the same hour.
        if (p.hours[last] === hour) {
          p.events[last]! += v[i + 1]!;
          p.synOnly[last]! += v[i + 2]!;
          continue;
        }
        p.hours.push(hour);
        p.events.push(v[i + 1]!);
        p.synOnly.push(v[i + 2]!);
      }
    }
    return [...byProto.values()]
      .flatMap((m) => [...m.values()])
      .sort((a, b) => a.proto.localeCompare(b.proto) || a.port - b.port);
  }

  backscatter(fromMs: number, toMs: number, minPort: number): Array<{ hour: number; spt: number; events: number }> {
    const counts = new Map<number, { hour: number; spt: number; events: number }>();
    for (const b of this.replyBlocks(fromMs, toMs, minPort))
      for (let i = 0; i < b.n; i++) {
        if (!isReply(b, i, fromMs, toMs) || b.dpt[i]! < minPort) continue;
        const hour = hourAt(b.time(i));
        const spt = b.rest.spt[i]!;
        const key = hour * 65536 + spt;
        const c = counts.get(key);
        if (c) c.events++;
        else counts.set(key, { hour, spt, events: 1 });
      }
    return [...counts.values()];
  }

  oldestRecentAt(): number | null {
    const r = this.db.get<{ ts: number | string | null }>(
      'SELECT MIN(first_ts) AS ts FROM recent_blocks WHERE hour = (SELECT MIN(hour) FROM recent_blocks)',
    );
    return r?.ts === null || r?.ts === undefined ? null : Number(r.ts);
  }

  backscatterSources(fromMs: number, toMs: number, spt: number): number {
    const sources = new Set<number | string>();
    for (const b of this.replyBlocks(fromMs, toMs, 0))
      for (let i = 0; i < b.n; i++) if (b.rest.spt[i] === spt && isReply(b, i, fromMs, toMs)) sources.add(b.srcKey(i));
    return sources.size;
  }

  /** TCP blocks in [fromMs, toMs] that may hold events to ports >= `minPort`. */
  private replyBlocks(fromMs: number, toMs: number, minPort: number): BlockView[] {
    return this.blocks(
      BLOCK_FIELDS,
      `hour BETWEEN ? AND ? AND last_ts >= ? AND first_ts <= ? AND proto = ${PROTO_NUMBER.tcp}
         AND (port >= ? OR port = ${MIXED})`,
      hourAt(fromMs) - SPAN_HOURS + 1,
      hourAt(toMs),
      fromMs,
      toMs,
      minPort,
    );
  }

  distinctDestinations(fromMs: number, toMs: number): number {
    const seen = new Set<number | string>();
    for (const b of this.blocks(
      BLOCK_FIELDS,
      'hour BETWEEN ? AND ? AND last_ts >= ? AND first_ts <= ?',
      hourAt(fromMs) - SPAN_HOURS + 1,
      hourAt(toMs),
      fromMs,
      toMs,
    ))
      for (let i = 0; i < b.n; i++) {
        if (b.time(i) < fromMs || b.time(i) > toMs) continue;
        const d = b.dstKey(i);
        if (d !== null) seen.add(d);
      }
    return seen.size;
  }

  firstSeen(proto: Proto, port: number, addrs: string[], toMs: number): Array<{ src: string; ts: number }> {
    if (addrs.length === 0) return [];
    const first = new Map<number | string, number>();
    for (const a of addrs) {
      const k = addressKey(a);
      if (k !== null) first.set(k, Infinity);
    }
    // One pass over the port's blocks up to `toMs`, for all of them.
    for (const b of this.portBlocks(KEY_FIELDS, proto, port, 0, toMs))
      for (let i = 0; i < b.n; i++) {
        const t = b.time(i);
        if (b.dpt[i] !== port || t > toMs) continue;
        const k = b.srcKey(i);
        const seen = first.get(k);
        if (seen !== undefined && t < seen) first.set(k, t);
      }
    return addrs.flatMap((a) => {
      const k = addressKey(a);
      const ts = k === null ? undefined : first.get(k);
      return ts === undefined || ts === Infinity ? [] : [{ src: a, ts }];
    });
  }

  /** Blocks of raw events matching `where`, with `fields` (KEY_FIELDS or BLOCK_FIELDS). */
  private blocks(fields: string, where: string, ...params: Param[]): BlockView[] {
    return this.db
      .all<Block>(`SELECT ${fields} FROM recent_blocks WHERE ${where}`, ...params)
      .map((r) => new BlockView(r));
  }

  /** Blocks that may hold events of (proto, port) in [fromMs, toMs]: the port's own, and the days' mixed ones. */
  private portBlocks(fields: string, proto: Proto, port: number, fromMs: number, toMs: number): BlockView[] {
    // Inside readTogether a port's key blocks are read once, over the widest range asked for, and
    // each later reader is given those of them that overlap its own range.
    if (this.shared && fields === KEY_FIELDS) {
      const key = `${proto}/${port}`;
      const had = this.shared.get(key);
      if (had && had.fromMs <= fromMs && toMs <= had.toMs)
        return had.blocks.filter((b) => b.lastTs >= fromMs && b.firstTs <= toMs);
      const from = Math.min(fromMs, had?.fromMs ?? fromMs);
      const to = Math.max(toMs, had?.toMs ?? toMs);
      const blocks = this.portBlocksRead(fields, proto, port, from, to);
      this.shared.set(key, { fromMs: from, toMs: to, blocks });
      return blocks;
    }
    return this.portBlocksRead(fields, proto, port, fromMs, toMs);
  }

  private portBlocksRead(fields: string, proto: Proto, port: number, fromMs: number, toMs: number): BlockView[] {
    return this.blocks(
      fields,
      `proto = ? AND port IN (?, ${MIXED}) AND hour BETWEEN ? AND ? AND last_ts >= ? AND first_ts <= ?`,
      PROTO_NUMBER[proto],
      port,
      hourAt(fromMs) - SPAN_HOURS + 1,
      hourAt(toMs),
      fromMs,
      toMs,
    );
  }

  /**
   * Stores raw events, packed in blocks. The daemon writes every few seconds, a few events a port
   * each time: once an hour is over, its blocks are packed again into one a port (`compact`), and
   * once a day is over, its hours' blocks, so that a week's lookups read a block per port-day.
   */
  private appendRecent(events: RawEvents, compact = true): void {
    if (events.length === 0) return;
    this.db.append('recent_blocks', BLOCK_COLUMNS, rowsOf(packEvents(events), blockValues));
    if (!compact) return;
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < events.n; i++) {
      const t = events.ts[i]!;
      if (t < first) first = t;
      if (t > last) last = t;
    }
    // The hours before the newest one are over, and the days before the newest one.
    for (const span of [1, SPAN_HOURS])
      this.compact(span, Math.floor(hourAt(first) / span) - 1, Math.floor(hourAt(last) / span) - 1);
  }

  /**
   * Packs again the spans of `span` hours, numbered [from, to], whose events lie in more blocks
   * than their ports need: an hour written a few events at a time, a day written an hour at a time.
   */
  private compact(span: number, from: number, to: number): void {
    const loose = this.db.all<{ sensor: string; proto: number | string; unit: number | string }>(
      `SELECT sensor, proto, hour / ${span} AS unit FROM recent_blocks WHERE hour BETWEEN ? AND ?
         GROUP BY sensor, proto, hour / ${span} HAVING COUNT(*) > 4 * COUNT(DISTINCT port) + ${LOOSE_BLOCKS}`,
      from * span,
      to * span + span - 1,
    );
    // Two instances packing the same hours would each write their events back.
    if (loose.length) this.db.lock(RECENT_LOCK);
    for (const { sensor, proto, unit } of loose) {
      const where = 'hour BETWEEN ? AND ? AND sensor = ? AND proto = ?';
      const args = [Number(unit) * span, Number(unit) * span + span - 1, sensor, Number(proto)];
      const all = new RawEvents(sensor);
      for (const b of this.blocks(BLOCK_FIELDS, where, ...args)) b.copyTo(all);
      this.db.run(`DELETE FROM recent_blocks WHERE ${where}`, ...args);
      this.appendRecent(all, false);
    }
  }

  /** Events per (proto, port) over the hours [from, to]. */
  totals(from: number, to: number): Array<{ proto: Proto; port: number; events: number }> {
    return this.db.all(
      'SELECT proto, port, SUM(events) AS events FROM rollups WHERE hour BETWEEN ? AND ? GROUP BY proto, port',
      from,
      to,
    ) as Array<{ proto: Proto; port: number; events: number }>;
  }

  /** Rollups for `counters stats`: per hour, sensor, proto and port, newest first. */
  rows(filter: { proto?: Proto; port?: number; from?: number; sensor?: string; limit: number }): RollupRow[] {
    const where: string[] = [];
    const args: Param[] = [];
    if (filter.proto) {
      where.push('proto = ?');
      args.push(filter.proto);
    }
    if (filter.port !== undefined) {
      where.push('port = ?');
      args.push(filter.port);
    }
    if (filter.from !== undefined) {
      where.push('hour >= ?');
      args.push(filter.from);
    }
    if (filter.sensor) {
      where.push('sensor = ?');
      args.push(filter.sensor);
    }
    return this.db.all<RollupRow>(
      `SELECT ${ROLLUP_FIELDS} FROM rollups ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY hour DESC, events DESC LIMIT ?`,
      ...args,
      filter.limit,
    );
  }

  /** Drops rollups and coverage older than `rollupsBefore`, raw events older than `recentBefore` (epoch ms). */
  prune(rollupsBeforeHour: number, recentBeforeMs: number): { rollups: number; recent: number } {
    return this.db.transaction(() => ({
      rollups:
        this.db.run('DELETE FROM rollups WHERE hour < ?', rollupsBeforeHour).changes +
        this.db.run('DELETE FROM sensor_coverage WHERE hour < ?', rollupsBeforeHour).changes,
      recent: this.pruneRecent(recentBeforeMs),
    }));
  }

  /** Drops raw events older than `beforeMs`; a block with newer ones too is packed again with those. */
  private pruneRecent(beforeMs: number): number {
    this.db.lock(RECENT_LOCK);
    const whole = this.db.get<{ n: number | string | null }>(
      'SELECT SUM(n) AS n FROM recent_blocks WHERE last_ts < ?',
      beforeMs,
    )?.n;
    let dropped = Number(whole ?? 0);
    this.db.run('DELETE FROM recent_blocks WHERE last_ts < ?', beforeMs);
    const straddling = this.db.all<Block & { id: number | string }>(
      `SELECT id, ${BLOCK_FIELDS} FROM recent_blocks WHERE hour <= ? AND first_ts < ?`,
      hourAt(beforeMs),
      beforeMs,
    );
    for (const row of straddling) {
      const b = new BlockView(row);
      const kept = new RawEvents(b.sensor);
      b.copyTo(kept, (i) => b.time(i) >= beforeMs);
      dropped += b.n - kept.length;
      this.db.run('DELETE FROM recent_blocks WHERE id = ?', Number(row.id));
      this.appendRecent(kept);
    }
    return dropped;
  }

  /** Forgets which files were imported, so that they count again (after their rollups were pruned). */
  forgetImports(): number {
    return this.db.run('DELETE FROM imports').changes;
  }

  summary(): {
    hours: number;
    firstHour: number | null;
    lastHour: number | null;
    buckets: number;
    imports: number;
    sensors: string[];
    recentEvents: number;
    /** The blocks the raw events are packed in. */
    recentBlocks: number;
    staged: number;
  } {
    const s = this.db.get(
      'SELECT COUNT(DISTINCT hour) AS hours, MIN(hour) AS "firstHour", MAX(hour) AS "lastHour" FROM sensor_coverage',
    ) as {
      hours: number;
      firstHour: number | null;
      lastHour: number | null;
    };
    const b = this.db.get('SELECT COUNT(*) AS n FROM rollups') as { n: number };
    const i = this.db.get('SELECT COUNT(*) AS n FROM imports') as { n: number };
    const r = this.db.get<{ n: number | string | null; blocks: number | string }>(
      'SELECT SUM(n) AS n, COUNT(*) AS blocks FROM recent_blocks',
    )!;
    const sensors = (
      this.db.all('SELECT DISTINCT sensor FROM sensor_coverage ORDER BY sensor') as Array<{ sensor: string }>
    ).map((x) => x.sensor);
    // Rows this connection's imports staged and did not finish, and those older versions, which
    // staged into the store, left when their process died (dropped after a day).
    this.db.temporaryTable(STAGING, 'rollup_staging', STAGING_INDEX);
    const staged = Number(
      this.db.get<{ n: number | string }>(
        `SELECT (SELECT COUNT(*) FROM rollup_staging) + (SELECT COUNT(*) FROM ${STAGING}) AS n`,
      )!.n,
    );
    return {
      ...s,
      buckets: b.n,
      imports: i.n,
      sensors,
      recentEvents: Number(r.n ?? 0),
      recentBlocks: Number(r.blocks),
      staged,
    };
  }
}

/** Whether event i of a TCP block is a reply to a SYN, from a port, in [fromMs, toMs]. */
function isReply(b: BlockView, i: number, fromMs: number, toMs: number): boolean {
  const t = b.time(i);
  return t >= fromMs && t <= toMs && b.rest.spt[i]! >= 0 && REPLY.has(b.flags(i) ?? '');
}
