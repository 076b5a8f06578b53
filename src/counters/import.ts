import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KansokuError } from '../errors.ts';
import { fileHead } from '../files.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import { hourIso, ingestStream, type IngestResult } from './ingest.ts';

export interface ImportOutcome {
  name: string;
  status: 'imported' | 'already-imported';
  lines: number;
  parsed: number;
  skipped: number;
  formats: Record<string, number>;
  from: string | null;
  to: string | null;
}

export interface ImportOptions {
  zone: string;
  maxLineChars: number;
  sensor: string;
  keepRecent: boolean;
}

function isGzipFile(path: string): boolean {
  const head = fileHead(path, 2);
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** Large reads: a sensor log is read at hundreds of MB/s, and 64 KB chunks leave the CPU idle. */
const CHUNK = 1 << 20;

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: CHUNK }), h);
  return h.digest('hex');
}

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

function skippedOutcome(name: string): ImportOutcome {
  return { name, status: 'already-imported', lines: 0, parsed: 0, skipped: 0, formats: {}, from: null, to: null };
}

/**
 * Imports sensor log files into the hourly counters. A file whose content was imported before is
 * skipped, so running the bot again never counts the same traffic twice.
 */
export async function importFile(store: Store, path: string, opts: ImportOptions, log: Logger): Promise<ImportOutcome> {
  let mtime: Date;
  try {
    mtime = statSync(path).mtime;
  } catch (err) {
    throw new KansokuError('INPUT_UNREADABLE', 'counters', `${path}: ${(err as Error).message}`, { cause: err });
  }
  const sha = await sha256File(path);
  if (store.counters.hasImport(sha)) {
    log.info({ file: path }, 'sensor log already imported; skipped');
    return skippedOutcome(path);
  }
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  // Rotated logs are usually gzip-compressed; read them as they are.
  const r = await ingestStream(isGzipFile(path) ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw, { ...opts, reference: mtime }, undefined, true);
  store.counters.addBatch(r, { sha256: sha, name: path, lines: r.lines, parsed: r.parsed });
  log.info({ file: path, lines: r.lines, parsed: r.parsed, skipped: r.skipped, formats: r.formats }, 'sensor log imported');
  return outcome(path, r, 'imported');
}

export async function importStream(store: Store, name: string, input: Readable, opts: ImportOptions, log: Logger): Promise<ImportOutcome> {
  const r = await ingestStream(input, { ...opts, reference: new Date() });
  if (store.counters.hasImport(r.sha256)) {
    log.info({ input: name }, 'sensor log already imported; skipped');
    return skippedOutcome(name);
  }
  store.counters.addBatch(r, { sha256: r.sha256, name, lines: r.lines, parsed: r.parsed });
  log.info({ input: name, lines: r.lines, parsed: r.parsed, skipped: r.skipped }, 'sensor log imported');
  return outcome(name, r, 'imported');
}
