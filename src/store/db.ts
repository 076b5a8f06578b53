import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KansokuError } from '../errors.ts';
import { addressColumns, addressText } from '../net/columns.ts';
import { HOUR_MS } from '../time.ts';
import { PROTO_OF, RawEvents } from '../net/packets.ts';
import { BLOCK_COLUMNS, blockValues, packEvents } from './blocks.ts';
import { describeLocation, isPostgresUrl, PostgresSql, postgresDdl, SqliteSql, type Sql } from './sql.ts';

export type Db = Sql;

/** A migration that converts data as well: given the store and how to say its DDL there. */
type Conversion = (sql: Sql, ddl: (sqliteDdl: string) => string) => void;

/**
 * Raw events packed in blocks of a (sensor, protocol, port, hour) instead of a row each
 * (`blocks.ts`): a million a day took most of an import's time as rows. The events kept are packed
 * an hour at a time (a week of them need not fit in memory together).
 */
function packRecentEvents(sql: Sql, ddl: (sqliteDdl: string) => string): void {
  sql.exec(
    ddl(`
    CREATE TABLE recent_blocks (
      id       INTEGER PRIMARY KEY,
      sensor   TEXT NOT NULL,
      proto    INTEGER NOT NULL,
      port     INTEGER NOT NULL,
      hour     INTEGER NOT NULL,
      first_ts INTEGER NOT NULL,
      last_ts  INTEGER NOT NULL,
      n        INTEGER NOT NULL,
      v6       INTEGER NOT NULL,
      flags    TEXT NOT NULL,
      keys     BLOB NOT NULL,
      data     BLOB NOT NULL
    );
    CREATE INDEX recent_blocks_port ON recent_blocks (proto, port, hour);
    CREATE INDEX recent_blocks_hour ON recent_blocks (hour);
    `),
  );
  const hours = sql.all<{ h: number | string }>(`SELECT DISTINCT ts / ${HOUR_MS} AS h FROM recent_events ORDER BY h`);
  for (const { h } of hours) {
    const from = Number(h) * HOUR_MS;
    const rows = sql.all<StoredEvent>(
      `SELECT ts, sensor, proto, dpt, spt, src, src6, dst, dst6, flags, ttl, ip_id AS "ipId", seq FROM recent_events
         WHERE ts >= ? AND ts < ?`,
      from,
      from + HOUR_MS,
    );
    const events = new RawEvents();
    for (const r of rows)
      events.add({
        ts: Number(r.ts),
        sensor: r.sensor,
        proto: PROTO_OF.get(Number(r.proto)) ?? 'tcp',
        dpt: r.dpt === null ? null : Number(r.dpt),
        spt: r.spt === null ? null : Number(r.spt),
        src: addressText(r.src, r.src6) ?? '',
        dst: addressText(r.dst, r.dst6),
        flags: r.flags,
        ttl: r.ttl === null ? null : Number(r.ttl),
        ipId: r.ipId === null ? null : Number(r.ipId),
        seq: r.seq === null ? null : Number(r.seq),
      });
    sql.append('recent_blocks', BLOCK_COLUMNS, Array.from(packEvents(events), blockValues));
  }
  sql.exec('DROP TABLE recent_events');
}

/** A raw event as the table before blocks kept it. */
interface StoredEvent {
  ts: number | string;
  sensor: string;
  proto: number | string;
  dpt: number | string | null;
  spt: number | string | null;
  src: number | string | null;
  src6: Uint8Array | null;
  dst: number | string | null;
  dst6: Uint8Array | null;
  flags: string | null;
  ttl: number | string | null;
  ipId: number | string | null;
  seq: number | string | null;
}

/**
 * Schema migrations, in order; `PRAGMA user_version` (SQLite) or the kansoku_schema table
 * (PostgreSQL) records how many have run. They are written in SQLite's words; `postgresDdl` maps them. A migration is
 * never edited once released: a change is a new entry.
 */
const migrations: Array<string | { sqlite: string; postgres: string } | Conversion> = [
  `
  CREATE TABLE messages (
    message_id   TEXT PRIMARY KEY,
    origin       TEXT NOT NULL,
    subject      TEXT,
    from_addr    TEXT,
    list_id      TEXT,
    sent_at      TEXT,
    status       TEXT NOT NULL CHECK (status IN ('processed', 'skipped', 'quarantined')),
    reason       TEXT,
    report_json  TEXT,
    findings_json TEXT,
    processed_at TEXT NOT NULL
  );
  CREATE TABLE drafts (
    id                INTEGER PRIMARY KEY,
    message_id        TEXT NOT NULL UNIQUE,
    source_message_id TEXT NOT NULL,
    kind              TEXT NOT NULL,
    subject           TEXT NOT NULL,
    to_addr           TEXT NOT NULL,
    tlp               TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'rejected', 'sent')),
    text              TEXT NOT NULL,
    eml               BLOB NOT NULL,
    eml_path          TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (source_message_id, kind)
  );
  CREATE TABLE draft_audit (
    id        INTEGER PRIMARY KEY,
    draft_id  INTEGER NOT NULL REFERENCES drafts(id),
    action    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL,
    note      TEXT
  );
  CREATE TABLE counter_hours (
    hour   INTEGER NOT NULL,
    proto  TEXT NOT NULL,
    port   INTEGER NOT NULL,
    events INTEGER NOT NULL,
    syn_only INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, proto, port)
  ) WITHOUT ROWID;
  CREATE TABLE counter_sources (
    proto TEXT NOT NULL,
    port  INTEGER NOT NULL,
    hour  INTEGER NOT NULL,
    addr  TEXT NOT NULL,
    PRIMARY KEY (proto, port, hour, addr)
  ) WITHOUT ROWID;
  CREATE INDEX counter_sources_addr ON counter_sources (addr, hour);
  CREATE TABLE counter_targets (
    proto TEXT NOT NULL,
    port  INTEGER NOT NULL,
    hour  INTEGER NOT NULL,
    addr  TEXT NOT NULL,
    PRIMARY KEY (proto, port, hour, addr)
  ) WITHOUT ROWID;
  CREATE TABLE sensor_hours (
    hour   INTEGER PRIMARY KEY,
    events INTEGER NOT NULL
  );
  CREATE TABLE imports (
    sha256      TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    lines       INTEGER NOT NULL,
    parsed      INTEGER NOT NULL,
    imported_at TEXT NOT NULL
  );
  `,
  `
  CREATE TABLE imap_checkpoints (
    account      TEXT NOT NULL,
    mailbox      TEXT NOT NULL,
    uid_validity TEXT NOT NULL,
    last_uid     INTEGER NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (account, mailbox)
  );
  CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    draft_id        INTEGER REFERENCES drafts(id),
    kind            TEXT NOT NULL CHECK (kind IN ('draft', 'review')),
    message_id      TEXT NOT NULL UNIQUE,
    envelope_from   TEXT NOT NULL,
    envelope_to     TEXT NOT NULL,
    raw             BLOB NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    sent_how        TEXT
  );
  CREATE INDEX outbox_pending ON outbox (status) WHERE status = 'pending';
  ALTER TABLE drafts ADD COLUMN review_token TEXT;
  ALTER TABLE drafts ADD COLUMN envelope_from TEXT;
  CREATE UNIQUE INDEX drafts_review_token ON drafts (review_token) WHERE review_token IS NOT NULL;
  `,
  `
  CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    proto         TEXT NOT NULL,
    port          INTEGER NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    first_message TEXT NOT NULL,
    subject       TEXT,
    last_verdict  TEXT,
    created_at    TEXT NOT NULL
  );
  CREATE INDEX events_port ON events (proto, port, last_seen);
  CREATE TABLE event_posts (
    event_id     INTEGER NOT NULL REFERENCES events(id),
    message_id   TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('report', 'reply', 'draft')),
    at           TEXT NOT NULL,
    finding_json TEXT,
    PRIMARY KEY (event_id, message_id)
  );
  CREATE INDEX event_posts_message ON event_posts (message_id);
  CREATE TABLE sightings (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events(id),
    message_id  TEXT NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('confirm', 'deny', 'question', 'other')),
    sender      TEXT,
    org         TEXT,
    counted     INTEGER NOT NULL,
    why         TEXT NOT NULL,
    counts_json TEXT,
    log_lines   INTEGER NOT NULL DEFAULT 0,
    at          TEXT NOT NULL,
    UNIQUE (event_id, message_id)
  );
  CREATE TABLE event_followups (
    event_id INTEGER NOT NULL REFERENCES events(id),
    trigger  TEXT NOT NULL,
    draft_id INTEGER REFERENCES drafts(id),
    at       TEXT NOT NULL,
    PRIMARY KEY (event_id, trigger)
  );
  CREATE TABLE job_runs (
    job        TEXT NOT NULL,
    period     TEXT NOT NULL,
    instance   TEXT NOT NULL,
    started_at TEXT NOT NULL,
    draft_id   INTEGER,
    PRIMARY KEY (job, period)
  );
  `,
  `
  -- Counters at sensor scale: one row per (hour, sensor, proto, port) with sketches of the
  -- distinct sources, targets and source /24s, instead of one row per distinct address. Earlier
  -- exact rows are not converted: the files are imported again (their import records go).
  DROP TABLE counter_sources;
  DROP TABLE counter_targets;
  DROP TABLE counter_hours;
  DROP TABLE sensor_hours;
  DELETE FROM imports;
  CREATE TABLE rollups (
    hour           INTEGER NOT NULL,
    sensor         TEXT NOT NULL,
    proto          TEXT NOT NULL,
    port           INTEGER NOT NULL,
    events         INTEGER NOT NULL,
    syn_only       INTEGER NOT NULL,
    sources        INTEGER NOT NULL,
    targets        INTEGER NOT NULL,
    nets24         INTEGER NOT NULL,
    sources_sketch BLOB NOT NULL,
    targets_sketch BLOB NOT NULL,
    nets24_sketch  BLOB NOT NULL,
    countries      TEXT NOT NULL,
    PRIMARY KEY (proto, port, hour, sensor)
  ) WITHOUT ROWID;
  CREATE INDEX rollups_hour ON rollups (hour);
  CREATE TABLE sensor_coverage (
    hour   INTEGER NOT NULL,
    sensor TEXT NOT NULL,
    events INTEGER NOT NULL,
    PRIMARY KEY (hour, sensor)
  ) WITHOUT ROWID;
  CREATE TABLE recent_events (
    id     INTEGER PRIMARY KEY,
    ts     INTEGER NOT NULL,
    sensor TEXT NOT NULL,
    src    TEXT NOT NULL,
    spt    INTEGER,
    dst    TEXT,
    dpt    INTEGER,
    proto  TEXT NOT NULL,
    flags  TEXT,
    ttl    INTEGER,
    ip_id  INTEGER,
    seq    INTEGER
  );
  CREATE INDEX recent_events_src ON recent_events (src, ts);
  CREATE INDEX recent_events_ts ON recent_events (ts);
  `,
  `
  -- A long import writes ahead what it no longer holds in memory; the staged rows join the
  -- counters only when the import completes, so that a file still counts once or not at all.
  -- (Raw events go straight to recent_events: a lookup table, where a repeat does no harm.)
  CREATE TABLE rollup_staging (
    import_id      TEXT NOT NULL,
    staged_at      TEXT NOT NULL,
    hour           INTEGER NOT NULL,
    sensor         TEXT NOT NULL,
    proto          TEXT NOT NULL,
    port           INTEGER NOT NULL,
    events         INTEGER NOT NULL,
    syn_only       INTEGER NOT NULL,
    sources_sketch BLOB NOT NULL,
    targets_sketch BLOB NOT NULL,
    nets24_sketch  BLOB NOT NULL,
    countries      TEXT NOT NULL
  );
  CREATE INDEX rollup_staging_import ON rollup_staging (import_id, hour);
  -- A file imported before, unchanged (same path, size and modification time), is not read again.
  ALTER TABLE imports ADD COLUMN size INTEGER;
  ALTER TABLE imports ADD COLUMN mtime_ms INTEGER;
  `,
  {
    sqlite: '',
    // A day of rollups is megabytes of sketches and sets: PostgreSQL's default compression (pglz)
    // took three times as long as the rest of storing them. lz4 is in PostgreSQL 14 and later,
    // where it was built in; elsewhere the columns keep the default.
    postgres: `
    DO $$
    BEGIN
      EXECUTE 'ALTER TABLE rollups ALTER COLUMN sources_sketch SET COMPRESSION lz4,
        ALTER COLUMN targets_sketch SET COMPRESSION lz4, ALTER COLUMN nets24_sketch SET COMPRESSION lz4,
        ALTER COLUMN countries SET COMPRESSION lz4';
      EXECUTE 'ALTER TABLE rollup_staging ALTER COLUMN sources_sketch SET COMPRESSION lz4,
        ALTER COLUMN targets_sketch SET COMPRESSION lz4, ALTER COLUMN nets24_sketch SET COMPRESSION lz4,
        ALTER COLUMN countries SET COMPRESSION lz4';
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'rollups keep the default compression: %', SQLERRM;
    END $$;
    `,
  },
  `
  -- Staged rows carry their distinct counts, so that the many that no other part of their import
  -- and no stored row share join the counters in one statement, without being read back.
  ALTER TABLE rollup_staging ADD COLUMN sources INTEGER;
  ALTER TABLE rollup_staging ADD COLUMN targets INTEGER;
  ALTER TABLE rollup_staging ADD COLUMN nets24 INTEGER;
  CREATE INDEX rollup_staging_bucket ON rollup_staging (import_id, hour, sensor, proto, port);
  DROP INDEX rollup_staging_import;
  `,
  `
  -- Imports are known by their content's BLAKE3 ("blake3:..."); the SHA-256 digests recorded
  -- before stay, and still match (ContentHash).
  ALTER TABLE imports RENAME COLUMN sha256 TO content_hash;
  `,
  `
  -- Placeholders for our own networks are one mapping per deployment: A.B.C names the same /24 in
  -- every draft, whichever instance wrote it. A placeholder's letters come from its id.
  CREATE TABLE placeholders (
    id         INTEGER PRIMARY KEY,
    net        TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );
  -- A held draft (it names our own networks as sources, or the outbound gate refused it) waits for
  -- a person; its status reads 'held' while this is set.
  ALTER TABLE drafts ADD COLUMN held_reason TEXT;
  -- An approval takes effect after review.sendDelaySeconds, so that a reversal has time to land;
  -- a row the outbound gate refused at send time stays, marked, for review.
  ALTER TABLE outbox ADD COLUMN not_before TEXT;
  ALTER TABLE outbox ADD COLUMN refused TEXT;
  CREATE TABLE outbound_refusals (
    id         INTEGER PRIMARY KEY,
    draft_id   INTEGER REFERENCES drafts(id),
    message_id TEXT NOT NULL,
    stage      TEXT NOT NULL CHECK (stage IN ('build', 'send')),
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL
  );
  -- The TLP of the reply a sighting was read from: material a list may not see is left out.
  ALTER TABLE sightings ADD COLUMN tlp TEXT;
  `,
  `
  -- Why a message got a draft or not, step by step (a Decision, as JSON).
  ALTER TABLE messages ADD COLUMN decision_json TEXT;
  -- Messages that failed for reasons of our own, by origin: after limits.maxFailures they are
  -- quarantined, in a one-shot run as in the daemon.
  CREATE TABLE message_failures (
    origin     TEXT PRIMARY KEY,
    failures   INTEGER NOT NULL,
    last_error TEXT,
    last_at    TEXT NOT NULL
  );
  `,
  `
  -- What a message makes due on its events (a follow-up, or a revision of our unsent draft) is
  -- claimed in that message's own transaction and done after it; a claim the process died before
  -- doing is done by the next run. Claims made before this kept only their draft.
  ALTER TABLE event_followups ADD COLUMN data TEXT;
  ALTER TABLE event_followups ADD COLUMN done_at TEXT;
  UPDATE event_followups SET done_at = at;
  -- An unsent draft is revised in place when new evidence comes in; what it said before stays here.
  ALTER TABLE drafts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
  CREATE TABLE draft_revisions (
    draft_id    INTEGER NOT NULL REFERENCES drafts(id),
    revision    INTEGER NOT NULL,
    subject     TEXT NOT NULL,
    tlp         TEXT NOT NULL,
    text        TEXT NOT NULL,
    eml         BLOB NOT NULL,
    replaced_at TEXT NOT NULL,
    PRIMARY KEY (draft_id, revision)
  );
  -- The header facts of a post (sender, subject, thread) that a reply to it is rendered from.
  ALTER TABLE messages ADD COLUMN header_json TEXT;
  -- When our counters saw the event's port back at its usual level (the hour after its last above).
  ALTER TABLE events ADD COLUMN ended_at TEXT;
  `,
  `
  -- Detection reads weeks of every port's hourly counts: with the counts in the hour index, that
  -- is one pass over the index in hour order, never a lookup of each row and its sketches.
  DROP INDEX rollups_hour;
  CREATE INDEX rollups_hour ON rollups (hour, proto, port, events, syn_only);
  `,
  `
  -- The post as it was read (decoded, every part's text), for the person who reviews our answer to it.
  ALTER TABLE messages ADD COLUMN text TEXT;
  `,
  {
    // Raw events, compact: addresses as numbers (IPv4) or 16 bytes (IPv6), the protocol as its
    // number, and no index by source, whose random order made each insert a walk through the
    // whole table: a million events took 9.7 s to store, 2.6 s this way. The index by port and
    // time carries the source, so that "was this source seen on this port" reads the index alone.
    sqlite: `
    CREATE TABLE recent_events_v2 (
      ts     INTEGER NOT NULL,
      sensor TEXT NOT NULL,
      proto  INTEGER NOT NULL,
      dpt    INTEGER,
      spt    INTEGER,
      src    INTEGER,
      src6   BLOB,
      dst    INTEGER,
      dst6   BLOB,
      flags  TEXT,
      ttl    INTEGER,
      ip_id  INTEGER,
      seq    INTEGER
    );
    INSERT INTO recent_events_v2
      SELECT ts, sensor, CASE proto WHEN 'tcp' THEN 6 WHEN 'udp' THEN 17 ELSE 1 END, dpt, spt,
        kansoku_v4(src), kansoku_v6(src), kansoku_v4(dst), kansoku_v6(dst), flags, ttl, ip_id, seq
      FROM recent_events WHERE kansoku_v4(src) IS NOT NULL OR kansoku_v6(src) IS NOT NULL ORDER BY ts;
    DROP TABLE recent_events;
    ALTER TABLE recent_events_v2 RENAME TO recent_events;
    CREATE INDEX recent_events_port ON recent_events (dpt, proto, ts, src);
    CREATE INDEX recent_events_ts ON recent_events (ts);
    `,
    // IPv4 rows are converted by PostgreSQL's inet arithmetic. It has no cast of an IPv6 address to
    // its bytes: those rows (a week of lookups at most, and IPv6 darknet sources are rare) are not
    // carried over.
    postgres: `
    CREATE TABLE recent_events_v2 (
      ts     BIGINT NOT NULL,
      sensor TEXT NOT NULL,
      proto  SMALLINT NOT NULL,
      dpt    INTEGER,
      spt    INTEGER,
      src    BIGINT,
      src6   BYTEA,
      dst    BIGINT,
      dst6   BYTEA,
      flags  TEXT,
      ttl    SMALLINT,
      ip_id  INTEGER,
      seq    BIGINT
    );
    INSERT INTO recent_events_v2
      SELECT ts, sensor, CASE proto WHEN 'tcp' THEN 6 WHEN 'udp' THEN 17 ELSE 1 END, dpt, spt,
        src::inet - '0.0.0.0'::inet, NULL,
        CASE WHEN dst ~ '^[0-9]{1,3}([.][0-9]{1,3}){3}$' THEN dst::inet - '0.0.0.0'::inet END, NULL,
        flags, ttl, ip_id, seq
      FROM recent_events WHERE src ~ '^[0-9]{1,3}([.][0-9]{1,3}){3}$' ORDER BY ts;
    DROP TABLE recent_events;
    ALTER TABLE recent_events_v2 RENAME TO recent_events;
    CREATE INDEX recent_events_port ON recent_events (dpt, proto, ts, src);
    CREATE INDEX recent_events_ts ON recent_events (ts);
    `,
  },
  `
  -- Correlation reads a port's hourly counts over weeks: from this index alone, never the rows with
  -- their sketches (a report naming five busy ports on a 90-day store: 27 -> 21 ms).
  CREATE INDEX rollups_port ON rollups (proto, port, hour, events, syn_only);
  `,
  packRecentEvents,
];

/** A migration's script for one of the two stores. */
function script(m: string | { sqlite: string; postgres: string }, store: 'sqlite' | 'postgres'): string {
  return typeof m === 'string' ? (store === 'sqlite' ? m : postgresDdl(m)) : m[store];
}

/** Runs migration `m` on `sql`. */
function migrate(sql: Sql, m: (typeof migrations)[number], store: 'sqlite' | 'postgres'): void {
  if (typeof m === 'function') m(sql, (ddl) => (store === 'sqlite' ? ddl : postgresDdl(ddl)));
  else sql.exec(script(m, store));
}

function newerSchema(location: string, version: number): KansokuError {
  return new KansokuError(
    'STORE_SCHEMA',
    'store',
    `${describeLocation(location)} has schema ${version}, this kansoku knows ${migrations.length}`,
  );
}

/** Opens (and creates or migrates) the embedded SQLite store. */
function openSqlite(path: string): Sql {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // For a new file only (an existing one keeps its pages): rollup rows carry tens of KB of
  // sketches and sets, and with 4 KB pages writing a day of them took three times as long.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    db.close();
    throw newerSchema(path, version);
  }
  // What the migration to compact raw events converts their addresses with.
  db.function('kansoku_v4', { deterministic: true }, (a: unknown) =>
    typeof a === 'string' ? addressColumns(a)[0] : null,
  );
  db.function('kansoku_v6', { deterministic: true }, (a: unknown) =>
    typeof a === 'string' ? addressColumns(a)[1] : null,
  );
  const sql = new SqliteSql(db);
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      migrate(sql, migrations[v]!, 'sqlite');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return sql;
}

/**
 * Opens (and creates or migrates) a PostgreSQL store. Instances that start together wait for one
 * another on an advisory lock, so each migration runs once.
 */
function openPostgres(url: string): Sql {
  const sql = new PostgresSql(url);
  try {
    sql.transaction(() => {
      sql.lock('kansoku-schema');
      sql.exec('CREATE TABLE IF NOT EXISTS kansoku_schema (version INTEGER NOT NULL)');
      const row = sql.get<{ version: number }>('SELECT version FROM kansoku_schema');
      const version = row?.version ?? 0;
      if (!row) sql.run('INSERT INTO kansoku_schema (version) VALUES (0)');
      if (version > migrations.length) throw newerSchema(url, version);
      for (let v = version; v < migrations.length; v++) {
        migrate(sql, migrations[v]!, 'postgres');
        sql.run('UPDATE kansoku_schema SET version = ?', v + 1);
      }
    });
  } catch (err) {
    sql.close();
    throw err;
  }
  return sql;
}

/** Opens the store at `location`: a SQLite file (or `:memory:`), or a `postgres://` URL. */
export function openDb(location: string): Sql {
  return isPostgresUrl(location) ? openPostgres(location) : openSqlite(location);
}
