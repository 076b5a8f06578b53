import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { LogFormat } from '../extract/formats/registry.ts';
import { parseRecord, readHeader, type Headers } from '../extract/loglines.ts';
import type { LogEvent } from '../model.ts';
import type { HourBucket, HourlyBatch } from '../store/index.ts';

export const HOUR_MS = 3_600_000;

export function hourOf(iso: string): number {
  return Math.floor(Date.parse(iso) / HOUR_MS);
}

export function hourIso(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString().replace('.000Z', 'Z');
}

export interface IngestResult extends HourlyBatch {
  sha256: string;
  lines: number;
  parsed: number;
  /** Lines that no format could read, or that carried no usable time. */
  skipped: number;
  formats: Record<string, number>;
  firstHour: number | null;
  lastHour: number | null;
}

/**
 * Rolls log lines up into hourly buckets per (proto, port): events, SYN-only events, unique
 * sources and targets. Any parsed line marks its hour as covered, so a sensor that was down
 * shows as a gap, never as zero traffic. ICMP is counted under port 0.
 */
export class HourlyRollup {
  private readonly buckets = new Map<string, HourBucket>();
  readonly sensorHours = new Map<number, number>();
  parsed = 0;
  skipped = 0;
  readonly formats: Record<string, number> = {};

  add(e: LogEvent): void {
    if (!e.ts || !e.proto) {
      this.skipped++;
      return;
    }
    const hour = hourOf(e.ts);
    if (!Number.isFinite(hour)) {
      this.skipped++;
      return;
    }
    this.parsed++;
    this.formats[e.format] = (this.formats[e.format] ?? 0) + 1;
    this.sensorHours.set(hour, (this.sensorHours.get(hour) ?? 0) + 1);
    const port = e.proto === 'icmp' ? 0 : e.dpt;
    if (port === null) return;
    const key = `${hour}|${e.proto}|${port}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { hour, proto: e.proto, port, events: 0, synOnly: 0, sources: new Set(), targets: new Set() };
      this.buckets.set(key, b);
    }
    b.events++;
    if (e.flags === 'S') b.synOnly++;
    if (e.src) b.sources.add(e.src);
    if (e.dst) b.targets.add(e.dst);
  }

  get bucketList(): HourBucket[] {
    return [...this.buckets.values()];
  }
}

export interface IngestOptions {
  zone: string;
  /** Year inference for timestamps without one: the file's modification time, or now. */
  reference: Date;
  maxLineChars: number;
}

/** Reads one log stream line by line with the registry's parsers and rolls it up by hour. */
export async function ingestStream(input: Readable, opts: IngestOptions): Promise<IngestResult> {
  const hash = createHash('sha256');
  input.on('data', (c: Buffer | string) => hash.update(c));
  const rl = createInterface({ input, crlfDelay: Infinity });
  const rollup = new HourlyRollup();
  const time = { reference: opts.reference, zone: opts.zone };
  let hint: LogFormat | undefined;
  let lines = 0;
  const headers: Headers = new Map();
  for await (const line of rl) {
    lines++;
    if (line.length === 0) continue;
    if (line.length > opts.maxLineChars) {
      rollup.skipped++;
      continue;
    }
    if ((line.charCodeAt(0) === 35 || hint === undefined || hint.header) && readHeader(line, headers)) continue;
    const r = parseRecord(line, time, hint, headers);
    if (!r) {
      rollup.skipped++;
      continue;
    }
    hint = r.format;
    rollup.add(r.event);
  }
  let firstHour: number | null = null;
  let lastHour: number | null = null;
  for (const h of rollup.sensorHours.keys()) {
    if (firstHour === null || h < firstHour) firstHour = h;
    if (lastHour === null || h > lastHour) lastHour = h;
  }
  return {
    buckets: rollup.bucketList,
    sensorHours: rollup.sensorHours,
    sha256: hash.digest('hex'),
    lines,
    parsed: rollup.parsed,
    skipped: rollup.skipped,
    formats: rollup.formats,
    firstHour,
    lastHour,
  };
}
