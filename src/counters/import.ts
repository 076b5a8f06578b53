import { randomUUID } from 'node:crypto';
import { createReadStream, statSync, type Stats } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';
import { KansokuError } from '../errors.ts';
import { fileChunks, fileHead } from '../files.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { HOUR_MS, hourIso } from '../time.ts';
import type { Store } from '../store/index.ts';
import { ContentHash, IDENTITY_PREFIX } from './content-hash.ts';
import { ingestStream, type IngestOptions, type IngestResult } from './ingest.ts';
import { rollupCodec } from './rollups.ts';

export interface ImportOutcome {
  name: string;
  status: 'imported' | 'already-imported' | 'failed';
  /** Why a file could not be imported. */
  error?: string;
  lines: number;
  parsed: number;
  skipped: number;
  formats: Record<string, number>;
  from: string | null;
  to: string | null;
  /** A log that grew since its last import: the bytes read then, which were not read again. */
  resumedAt?: number;
}

export interface ImportOptions {
  zone: string;
  maxLineChars: number;
  sensor: string;
  keepRecent: boolean;
  /** An MMDB file to take countries from instead of the bundled data. */
  countryDb?: string | null;
  /** About how much memory an import's rollups may take before it writes ahead (`counters.memoryMB`). */
  memoryBytes?: number;
  /** Stops an import between chunks; nothing of it is counted (the daemon shutting down). */
  signal?: AbortSignal;
}

function isGzipFile(path: string): boolean {
  const head = fileHead(path, 2);
  return head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Large reads: a sensor log is read at hundreds of MB/s, and small chunks leave the CPU waiting
 * (4 MB measured a few percent faster than 1 MB, 64 KB much slower).
 */
const CHUNK = 1 << 22;

function outcome(name: string, r: IngestResult, status: ImportOutcome['status']): ImportOutcome {
  return {
    name,
    status,
    lines: r.lines,
    parsed: r.parsed,
    skipped: r.skipped,
    formats: r.formats,
    from: r.firstHour === null ? null : hourIso(r.firstHour),
    to: r.lastHour === null ? null : hourIso(r.lastHour),
  };
}

function skippedOutcome(
  name: string,
  status: 'already-imported' | 'failed' = 'already-imported',
  error?: string,
): ImportOutcome {
  return {
    name,
    status,
    ...(error ? { error } : {}),
    lines: 0,
    parsed: 0,
    skipped: 0,
    formats: {},
    from: null,
    to: null,
  };
}

/** What the config says about reading logs, for the logs of `sensor` (default: the configured one). */
export function importOptions(config: Config, sensor?: string): ImportOptions {
  const c = config.counters;
  return {
    zone: c.timezone,
    maxLineChars: config.limits.maxLineChars,
    sensor: sensor ?? c.sensor,
    keepRecent: c.recentDays > 0,
    countryDb: c.countryDb,
    memoryBytes: c.memoryMB << 20,
  };
}

/**
 * The configured logs (`counters.files`), which a run reads before the mail and the daemon reads
 * again as they grow: one that cannot be read is reported and left out (its hours stay gaps),
 * and the others, and the run, go on.
 */
export async function importConfigured(
  store: Pick<Store, 'counters'>,
  config: Config,
  log: Logger,
  signal?: AbortSignal,
): Promise<ImportOutcome[]> {
  const out: ImportOutcome[] = [];
  for (const f of config.counters.files) {
    const { path, sensor } = typeof f === 'string' ? { path: f, sensor: undefined } : f;
    if (signal?.aborted) break;
    try {
      out.push(await importFile(store, path, { ...importOptions(config, sensor), signal }, log));
    } catch (err) {
      if (signal?.aborted) break;
      if (!(err instanceof KansokuError)) throw err;
      log.error({ file: path, err: err.message }, 'sensor log not imported');
      out.push(skippedOutcome(path, 'failed', err.message));
    }
  }
  return out;
}

/** Staged rows older than this belong to an import whose process died: they are dropped. */
const STALE_STAGING_MS = 24 * HOUR_MS;

/**
 * Reads a log into the counters in one pass, hashing as it goes. What it writes ahead on the way
 * (a long log) is staged, and joins the counters with the import record in one transaction at the
 * end, or is dropped when the content turns out to be imported already or the read fails.
 */
async function ingestOnce(
  store: Pick<Store, 'counters'>,
  name: string,
  input: AsyncIterable<Buffer | string>,
  opts: ImportOptions & Pick<IngestOptions, 'reference' | 'hash' | 'fromMidLine'>,
  file: { size: number; mtimeMs: number } | null,
  log: Logger,
): Promise<ImportOutcome> {
  store.counters.discardStaleStaging(new Date(Date.now() - STALE_STAGING_MS).toISOString());
  const importId = randomUUID();
  let staged = false;
  let r: IngestResult;
  try {
    r = await ingestStream(
      input,
      { ...opts, hash: opts.hash ?? new ContentHash(store.counters.hasImportsOutside(IDENTITY_PREFIX)) },
      (part) => {
        store.counters.stage(importId, part, rollupCodec);
        staged = true;
        if (part.buckets.length)
          log.debug(
            { input: name, buckets: part.buckets.length, memoryMB: (opts.memoryBytes ?? 0) >> 20 },
            'counts of hours the log has moved past written ahead (counters.memoryMB)',
          );
      },
    );
  } catch (err) {
    if (staged) store.counters.discardStaged(importId);
    // A file that cannot be read or unpacked (zlib's Z_ codes, the system's E codes) is bad input.
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^(Z_|E[A-Z]+$)/.test(code))
      throw new KansokuError('INPUT_UNREADABLE', 'counters', `${name}: ${(err as Error).message}`, { cause: err });
    throw err;
  }
  if (store.counters.hasImport(r.identities)) {
    if (staged) store.counters.discardStaged(importId);
    log.info({ input: name }, 'sensor log already imported; skipped');
    return skippedOutcome(name);
  }
  store.counters.addBatch(
    r,
    { identity: r.identities[0]!, name, lines: r.lines, parsed: r.parsed, ...file },
    rollupCodec,
    staged ? importId : undefined,
  );
  log.info(
    { input: name, lines: r.lines, parsed: r.parsed, skipped: r.skipped, formats: r.formats },
    'sensor log imported',
  );
  return outcome(name, r, 'imported');
}

/**
 * Imports sensor log files into the hourly counters. A file imported before, unchanged, is not
 * read again; one that grew since (a log still being written, whose start is what was imported)
 * is read from where the last import ended; content imported before under any name is not
 * counted again: running the bot again never counts the same traffic twice.
 */
export async function importFile(
  store: Pick<Store, 'counters'>,
  path: string,
  opts: ImportOptions,
  log: Logger,
): Promise<ImportOutcome> {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (err) {
    throw new KansokuError('INPUT_UNREADABLE', 'counters', `${path}: ${(err as Error).message}`, { cause: err });
  }
  if (stat.isDirectory()) throw new KansokuError('INPUT_UNREADABLE', 'counters', `${path}: is a directory, not a log`);
  // A pipe (`<(zcat fw.log.gz)`) or a device has no size to read up to: read to its end, as stdin.
  if (!stat.isFile())
    return ingestOnce(
      store,
      path,
      createReadStream(path, { highWaterMark: CHUNK }),
      { ...opts, reference: new Date() },
      null,
      log,
    );
  const file = { size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) };
  if (store.counters.hasUnchangedFile(path, file.size, file.mtimeMs)) {
    log.info({ file: path }, 'sensor log already imported, unchanged; skipped');
    return skippedOutcome(path);
  }
  // Up to the size seen now: what a writer adds meanwhile is for the next import, which goes on
  // from exactly there.
  const gzip = isGzipFile(path);
  const prior = gzip ? undefined : store.counters.lastImportOf(path);
  if (prior && prior.size > 0 && prior.size < file.size) {
    const before = await hashPrefix(
      path,
      prior.size,
      new ContentHash(store.counters.hasImportsOutside(IDENTITY_PREFIX)),
      opts.signal,
    );
    if (before && before.hash.identities().includes(prior.identity)) {
      log.info({ file: path, from: prior.size }, 'sensor log grew since it was imported; reading what was added');
      const input = fileChunks(path, prior.size, file.size, CHUNK);
      const r = await ingestOnce(
        store,
        path,
        input,
        { ...opts, reference: stat.mtime, hash: before.hash, fromMidLine: !before.endsLine },
        file,
        log,
      );
      return r.status === 'imported' ? { ...r, resumedAt: prior.size } : r;
    }
  }
  // Rotated logs are usually gzip-compressed; read them as they are. zlib holds on to what it is
  // given, so that read makes a buffer per chunk. pipeline, not pipe: a read error or a corrupt
  // archive ends the import instead of stalling it.
  const input = gzip
    ? pipeline(
        createReadStream(path, { highWaterMark: CHUNK, end: file.size - 1 }),
        createGunzip({ chunkSize: CHUNK }),
        () => undefined,
      )
    : fileChunks(path, 0, file.size, CHUNK);
  return ingestOnce(store, path, input, { ...opts, reference: stat.mtime }, file, log);
}

/**
 * The hash of a file's first `size` bytes, and whether they end with a line break; null when the
 * file is shorter now (replaced under the same name). A stop ends it between chunks.
 */
async function hashPrefix(
  path: string,
  size: number,
  hash: ContentHash,
  signal?: AbortSignal,
): Promise<{ hash: ContentHash; endsLine: boolean } | null> {
  let read = 0;
  let last = -1;
  for await (const buf of fileChunks(path, 0, size, CHUNK)) {
    signal?.throwIfAborted();
    hash.update(buf);
    read += buf.length;
    last = buf[buf.length - 1]!;
  }
  return read === size ? { hash, endsLine: last === 10 } : null;
}

export async function importStream(
  store: Pick<Store, 'counters'>,
  name: string,
  input: Readable,
  opts: ImportOptions,
  log: Logger,
): Promise<ImportOutcome> {
  return ingestOnce(store, name, input, { ...opts, reference: new Date() }, null, log);
}
