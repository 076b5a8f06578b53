/**
 * One synchronous SQL interface over the two stores kansoku runs on: SQLite (better-sqlite3) and
 * PostgreSQL (libpq through pg-native's synchronous calls). Statements are written once, in the
 * subset both speak (`?` placeholders, ON CONFLICT upserts, RETURNING, quoted camelCase aliases);
 * the PostgreSQL side renumbers the placeholders. Staying synchronous keeps a message's whole
 * pipeline in one transaction on either store, exactly as on SQLite.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { KansokuError } from '../errors.ts';

export type Param = string | number | bigint | Buffer | null;

/** A page of a long list: `limit` rows after the first `offset`. */
export interface Page {
  limit: number;
  offset: number;
}

export interface Sql {
  /** Runs a statement; `changes` is the number of rows it wrote. */
  run(sql: string, ...params: Param[]): { changes: number };
  get<T>(sql: string, ...params: Param[]): T | undefined;
  all<T>(sql: string, ...params: Param[]): T[];
  /** Runs a script of statements without parameters (migrations). */
  exec(script: string): void;
  /** Runs `fn` in a transaction; nested calls become savepoints. */
  transaction<T>(fn: () => T): T;
  /**
   * Inside a transaction: waits until no other process holds the named lock, and holds it until
   * the transaction ends. PostgreSQL takes a transaction-scoped advisory lock; SQLite needs none,
   * since it lets one writer at a time into the file.
   */
  lock(name: string): void;
  /**
   * Takes the named lock for this connection, outside any transaction, if no other holds it; it
   * lasts until `unhold` or until the connection ends, so a process that dies lets go of it.
   * PostgreSQL takes a session advisory lock; SQLite, with one process per file, always succeeds.
   */
  hold(name: string): boolean;
  unhold(name: string): void;
  /**
   * Appends many rows to a table, the fastest way the store has: prepared single-row inserts on
   * SQLite, COPY on PostgreSQL. No conflict handling: for tables that only grow (raw events).
   */
  append(table: string, columns: string[], rows: Iterable<Param[]>): void;
  /**
   * Makes (once per connection) a temporary table with the columns of `like`, indexed on `index`: seen by
   * this connection only, gone with it, and written without the durability a table's journal
   * pays for (no write-ahead log, no sync).
   */
  temporaryTable(name: string, like: string, index: string[]): void;
  close(): void;
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A location without its password, for log lines and error messages. */
export function describeLocation(location: string): string {
  return isPostgresUrl(location) ? location.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@') : location;
}

function thenable(v: unknown): boolean {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function notAsync(): never {
  throw new KansokuError('STORE_ASYNC_TX', 'store', 'a transaction body must be synchronous');
}

export class SqliteSql implements Sql {
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}

  private prepare(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  run(sql: string, ...params: Param[]): { changes: number } {
    return { changes: this.prepare(sql).run(...params).changes };
  }

  get<T>(sql: string, ...params: Param[]): T | undefined {
    return this.prepare(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: Param[]): T[] {
    return this.prepare(sql).all(...params) as T[];
  }

  exec(script: string): void {
    this.db.exec(script);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(() => {
      const r = fn();
      if (thenable(r)) notAsync();
      return r;
    })();
  }

  lock(): void {}

  hold(): boolean {
    return true;
  }

  unhold(): void {}

  append(table: string, columns: string[], rows: Iterable<Param[]>): void {
    const insert = this.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    this.transaction(() => {
      for (const r of rows) insert.run(...r);
    });
  }

  temporaryTable(name: string, like: string, index: string[]): void {
    // Its pages are written once and read once: a cache of 2 MB, not the 16 MB of the store's
    // own, with which 2M lines over 60 days peaked at 300 MB, not 250.
    this.db.pragma('temp.cache_size = -2000');
    this.db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${name} AS SELECT * FROM ${like} WHERE 0;
      CREATE INDEX IF NOT EXISTS temp.${name}_index ON ${name} (${index.join(', ')})`);
  }

  close(): void {
    this.db.close();
  }
}

interface PgNativeClient {
  connectSync(params: string): void;
  querySync(text: string, values?: Array<string | null>): Array<Record<string, unknown>>;
  end(cb?: () => void): void;
  /** libpq itself, for what pg-native has no synchronous call for (COPY). */
  pq: {
    cmdTuples(): string;
    transactionStatus(): number;
    exec(text: string): void;
    resultStatus(): string;
    resultErrorMessage(): string;
    errorMessage(): string;
    putCopyData(data: Buffer): number;
    putCopyEnd(error?: string): number;
    getResult(): boolean;
  };
}

/** A value in COPY's text format: \N for null, and backslash, tab and line breaks escaped. */
function copyText(p: Param): string {
  if (p === null) return '\\N';
  // bytea's hex form, its backslash escaped: nothing else in it needs escaping.
  if (Buffer.isBuffer(p)) return `\\\\x${p.toString('hex')}`;
  const t = String(p);
  return /[\\\t\n\r]/.test(t)
    ? t.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : t;
}

interface PgTypes {
  getTypeParser(oid: number, format?: string): (v: string) => unknown;
}

const INT8 = 20;
const NUMERIC = 1700;

function loadPgNative(): { Client: new (opts: { types: PgTypes }) => PgNativeClient; types: PgTypes } {
  const require = createRequire(import.meta.url);
  try {
    return { Client: require('pg-native') as never, types: require('pg-types') as PgTypes };
  } catch (err) {
    throw new KansokuError(
      'STORE_PG_DRIVER',
      'store',
      'PostgreSQL needs the optional package pg-native, built against libpq ' +
        `(Debian: apt-get install libpq-dev, then npm ci): ${(err as Error).message}`,
    );
  }
}

/** `?` to `$1, $2, ...`; none of our statements holds a `?` inside a string literal. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Text-format parameters as libpq takes them: bytea as hex, numbers as their decimal text. */
function pgParam(p: Param): string | null {
  if (p === null) return null;
  if (Buffer.isBuffer(p)) return `\\x${p.toString('hex')}`;
  return String(p);
}

/**
 * The migrations are written for SQLite; these are the only type words PostgreSQL spells
 * differently. INTEGER becomes BIGINT because times are stored as epoch milliseconds.
 */
export function postgresDdl(ddl: string): string {
  return ddl
    .replace(/\bINTEGER PRIMARY KEY\b/g, 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/\)\s*WITHOUT ROWID/g, ')');
}

/**
 * An advisory lock's key: the store's schema and the lock's name. Advisory locks belong to the
 * whole database, and kansoku stores in other schemas of it (other deployments, other tests) must
 * not wait for one another.
 */
const LOCK_KEY = "hashtext(coalesce(current_schema(), '')), hashtext($1)";

/** libpq's PQTRANS_UNKNOWN: the connection is gone. */
const TRANS_UNKNOWN = 4;

export class PostgresSql implements Sql {
  private client: PgNativeClient;
  private readonly texts = new Map<string, string>();
  private depth = 0;

  constructor(private readonly url: string) {
    this.client = this.connect();
    open.add(this);
  }

  private connect(): PgNativeClient {
    const { Client, types } = loadPgNative();
    // Counts and epoch times come back as int8/numeric; as JS numbers they stay exact below 2^53.
    const parsers: PgTypes = {
      getTypeParser: (oid, format) => (oid === INT8 || oid === NUMERIC ? Number : types.getTypeParser(oid, format)),
    };
    const client = new Client({ types: parsers });
    try {
      client.connectSync(this.url);
    } catch (err) {
      throw new KansokuError(
        'STORE_UNREACHABLE',
        'store',
        `${describeLocation(this.url)}: ${(err as Error).message.trim()}`,
        { cause: err },
      );
    }
    client.querySync("SET client_min_messages = 'warning'");
    return client;
  }

  /**
   * Runs `fn` on the connection. Outside a transaction, a connection the server dropped (a
   * restart, a failover) is made again once and `fn` tried again; inside one, the transaction is
   * lost with it, and the error goes to the caller, whose work is then done again from the start.
   */
  private call<T>(fn: (c: PgNativeClient) => T): T {
    try {
      return fn(this.client);
    } catch (err) {
      if (this.depth > 0 || this.client.pq.transactionStatus() !== TRANS_UNKNOWN) throw err;
      retire(this.client);
      this.client = this.connect();
      return fn(this.client);
    }
  }

  private query(sql: string, params: Param[]): Array<Record<string, unknown>> {
    let text = this.texts.get(sql);
    if (text === undefined) {
      text = numbered(sql);
      this.texts.set(sql, text);
    }
    const values = params.map(pgParam);
    return this.call((c) => c.querySync(text, values));
  }

  run(sql: string, ...params: Param[]): { changes: number } {
    this.query(sql, params);
    return { changes: Number.parseInt(this.client.pq.cmdTuples(), 10) || 0 };
  }

  get<T>(sql: string, ...params: Param[]): T | undefined {
    return this.query(sql, params)[0] as T | undefined;
  }

  all<T>(sql: string, ...params: Param[]): T[] {
    return this.query(sql, params) as T[];
  }

  exec(script: string): void {
    this.call((c) => c.querySync(script));
  }

  transaction<T>(fn: () => T): T {
    const outer = this.depth === 0;
    const savepoint = `kansoku_sp${this.depth}`;
    this.call((c) => c.querySync(outer ? 'BEGIN' : `SAVEPOINT ${savepoint}`));
    this.depth++;
    try {
      const r = fn();
      if (thenable(r)) notAsync();
      this.client.querySync(outer ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`);
      return r;
    } catch (err) {
      // On a connection that is gone the server has rolled back already; the first error is the one to tell.
      if (this.client.pq.transactionStatus() !== TRANS_UNKNOWN)
        this.client.querySync(outer ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`);
      throw err;
    } finally {
      this.depth--;
    }
  }

  lock(name: string): void {
    if (this.depth === 0) throw new KansokuError('STORE_LOCK_OUTSIDE_TX', 'store', name);
    this.client.querySync(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`, [name]);
  }

  hold(name: string): boolean {
    return this.call((c) => c.querySync(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [name])[0]!.ok === true);
  }

  unhold(name: string): void {
    this.call((c) => c.querySync(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [name]));
  }

  append(table: string, columns: string[], rows: Iterable<Param[]>): void {
    const it = rows[Symbol.iterator]();
    let next = it.next();
    if (next.done) return;
    const pq = this.client.pq;
    pq.exec(`COPY ${table} (${columns.join(', ')}) FROM STDIN`);
    if (pq.resultStatus() !== 'PGRES_COPY_IN') throw new Error(pq.resultErrorMessage() || pq.errorMessage());
    let failed: string | undefined;
    // About a megabyte of rows at a time.
    while (!next.done && failed === undefined) {
      let chunk = '';
      for (; !next.done && chunk.length < 1 << 20; next = it.next())
        chunk += `${next.value.map(copyText).join('\t')}\n`;
      if (pq.putCopyData(Buffer.from(chunk, 'utf8')) !== 1) failed = pq.errorMessage();
    }
    pq.putCopyEnd(failed);
    let error = failed;
    while (pq.getResult()) if (pq.resultStatus() !== 'PGRES_COMMAND_OK') error ??= pq.resultErrorMessage();
    if (error) throw new Error(`COPY ${table}: ${error.trim()}`);
  }

  temporaryTable(name: string, like: string, index: string[]): void {
    // Compression and the like come with the columns (PostgreSQL 14 and later; 13 has no
    // per-column compression to copy). An index on a temporary table is temporary too, and may
    // not name a schema.
    this.exec(`CREATE TEMP TABLE IF NOT EXISTS ${name} (LIKE ${like} INCLUDING ALL EXCLUDING INDEXES);
      CREATE INDEX IF NOT EXISTS ${name}_index ON ${name} (${index.join(', ')})`);
  }

  close(): void {
    if (open.delete(this)) retire(this.client);
  }
}

function retire(client: PgNativeClient): void {
  client.end();
  // libpq's addon closes its libuv poll handle asynchronously, inside the connection object:
  // that object must outlive the close, or libuv touches freed memory and aborts the process.
  setTimeout(() => client, 100).unref();
}

/** Open connections stay reachable until closed, for the same reason: never collected mid-handle. */
const open = new Set<PostgresSql>();

/**
 * Inserts `rows` with multi-row statements, `chunk` rows at a time: one round trip per chunk
 * instead of one per row, which is what makes bulk ingest into PostgreSQL fast. Rows are taken
 * from `rows` a chunk at a time, so that rows made as they are taken (serialised sketches, tens
 * of KB each) are never all in memory at once.
 */
export function insertRows(sql: Sql, head: string, rows: Iterable<Param[]>, tail = '', chunk = 64): void {
  let part: Param[][] = [];
  const flush = () => {
    const tuple = `(${new Array(part[0]!.length).fill('?').join(', ')})`;
    sql.run(`${head} VALUES ${new Array(part.length).fill(tuple).join(', ')} ${tail}`, ...part.flat());
    part = [];
  };
  for (const row of rows) if (part.push(row) === chunk) flush();
  if (part.length > 0) flush();
}

/**
 * `?, ?, ...` for an IN list of `values`, padded to a power of two by repeating the last value,
 * so that a few statement texts serve every list length.
 */
export function inList(values: Param[]): { marks: string; params: Param[] } {
  let size = 1;
  while (size < values.length) size *= 2;
  const params = [...values];
  while (params.length < size) params.push(values[values.length - 1]!);
  return { marks: new Array(size).fill('?').join(', '), params };
}
