import type { LogFormat } from '../extract/formats/registry.ts';
import {
  FLAG_SYN,
  flagLetters,
  LineClock,
  newPacketSlots,
  PROTO_ICMP,
  PROTO_NAMES,
  PROTO_TCP,
  type PacketSlots,
} from '../extract/formats/scan.ts';
import { parseRecord, readHeader, type Headers } from '../extract/loglines.ts';
import type { LogEvent } from '../model.ts';
import { PROTO_NUMBER, RawEvents } from '../net/packets.ts';
import type { HourlyBatch } from '../store/index.ts';
import { ContentHash } from './content-hash.ts';
import { countries as countryData, type CountryLookup } from './countries.ts';
import type { HourBucket } from './rollups.ts';
import { heldBytes, IntSet, UniqueCounter } from './unique.ts';
import { hourAt } from '../time.ts';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The scanner's protocols by their IANA numbers, and its TCP flag bits as the letters a parser gives. */
const IANA = PROTO_NAMES.map((p) => PROTO_NUMBER[p]);
const LETTERS = Array.from({ length: 256 }, (_, bits) => flagLetters(bits));

let gc: (() => void) | undefined;
/**
 * A full garbage collection now. The runtime has no call for it unless started with --expose-gc;
 * that flag, set now, gives a new context its `gc`.
 */
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** The /24 (or /48 for IPv6) an address belongs to: scanners spread over one network show up here. */
function net24(addr: string): string {
  if (addr.includes(':')) return addr.split(':').slice(0, 3).join(':');
  const dot = addr.lastIndexOf('.');
  return dot > 0 ? addr.slice(0, dot) : addr;
}

/**
 * A bucket as the rollup fills it. A byte-scanned packet's source goes into `held`, a plain set,
 * until the bucket is handed over or the set passes HOLD_LIMIT (`settle`); then, and for parsed
 * lines, sources are counted into the bucket's counters per packet.
 */
interface Entry {
  b: HourBucket;
  /** Once counted per packet: the bucket's per-country counters by country index. */
  byCountry: Array<UniqueCounter | undefined> | null;
  held: IntSet | null;
}

/** Up to this many held sources are counted one by one when a bucket is handed over. */
const FEW_SOURCES = 16;

/**
 * Distinct sources a bucket holds before it counts them per packet: a set of this many takes
 * 256 KB, and twice as many kept a 5 GB log above 300 MB.
 */
const HOLD_LIMIT = 32_768;

export interface IngestResult extends HourlyBatch<HourBucket> {
  /** What the content read is known by (`ContentHash.identities`). */
  identities: string[];
  lines: number;
  parsed: number;
  /** Lines that no format could read, or that carried no usable time. */
  skipped: number;
  formats: Record<string, number>;
  firstHour: number | null;
  lastHour: number | null;
}

/**
 * Rolls log events up into hourly buckets per (sensor, proto, port): events, SYN-only events,
 * distinct sources, targets and source /24s (exact while small, sketches beyond), and distinct
 * sources per country. Any parsed line marks its hour as covered, so a sensor that was down shows
 * as a gap, never as zero traffic. ICMP is counted under port 0.
 */
export class HourlyRollup {
  private readonly buckets = new Map<number, Entry>();
  /** Scanners hit many targets: one country lookup per source address, not per packet. */
  private readonly countryCache = new Map<string, string | null>();
  readonly coverage = new Map<number, { hour: number; sensor: string; events: number }>();
  /** Raw events not yet handed over (with `keepRecent`). */
  recent: RawEvents;
  parsed = 0;
  skipped = 0;
  firstHour: number | null = null;
  lastHour: number | null = null;
  private readonly formatCounts: Record<string, number> = {};
  /** The format of the lines read last, and how many: counted into `formats` when it changes. */
  private runFormat = '';
  private run = 0;

  /** Lines parsed per format. */
  get formats(): Record<string, number> {
    this.countFormat('');
    return this.formatCounts;
  }

  private countFormat(format: string): void {
    if (format === this.runFormat) {
      this.run++;
      return;
    }
    if (this.run > 0) this.formatCounts[this.runFormat] = (this.formatCounts[this.runFormat] ?? 0) + this.run;
    this.runFormat = format;
    this.run = format ? 1 : 0;
  }

  private readonly countries: CountryLookup;

  constructor(
    private readonly sensor: string,
    private readonly keepRecent: boolean,
    countryDb?: string | null,
  ) {
    this.countries = countryData(countryDb);
    this.recent = new RawEvents(sensor);
  }

  add(e: LogEvent): void {
    const t = e.ts ? Date.parse(e.ts) : NaN;
    if (!e.proto || !Number.isFinite(t)) {
      this.skipped++;
      return;
    }
    const hour = hourAt(t);
    this.parsed++;
    this.countFormat(e.format);
    this.cover(hour);
    const port = e.proto === 'icmp' ? 0 : e.dpt;
    if (port === null) return;
    const b = this.bucket(hour, e.proto === 'tcp' ? 0 : e.proto === 'udp' ? 1 : 2, port);
    b.events++;
    if (e.flags === 'S') b.synOnly++;
    if (e.src) {
      b.sources.add(e.src);
      b.nets24.add(net24(e.src));
      let cc = this.countryCache.get(e.src);
      if (cc === undefined) {
        if (this.countryCache.size > 200_000) this.countryCache.clear();
        cc = this.countries.of(e.src);
        this.countryCache.set(e.src, cc);
      }
      if (cc) {
        let u = b.countries.get(cc);
        if (!u) {
          b.countries.set(cc, (u = new UniqueCounter()));
          this.countryCounters++;
        }
        u.add(e.src);
      }
      if (this.keepRecent) {
        this.recent.add({
          ts: t,
          sensor: this.sensor,
          src: e.src,
          spt: e.spt,
          dst: e.dst,
          dpt: e.dpt,
          proto: e.proto,
          flags: e.flags,
          ttl: e.ttl ?? null,
          ipId: e.ipId ?? null,
          seq: e.seq ?? null,
        });
      }
    }
    if (e.dst) b.targets.add(e.dst);
  }

  /** The coverage of the hour seen last: most lines fall in the same hour as the one before. */
  private lastCover: { hour: number; sensor: string; events: number } | null = null;

  private cover(hour: number): void {
    if (this.lastCover?.hour === hour) {
      this.lastCover.events++;
      return;
    }
    if (this.firstHour === null || hour < this.firstHour) this.firstHour = hour;
    if (this.lastHour === null || hour > this.lastHour) this.lastHour = hour;
    let c = this.coverage.get(hour);
    if (c) c.events++;
    else this.coverage.set(hour, (c = { hour, sensor: this.sensor, events: 1 }));
    this.lastCover = c;
  }

  /**
   * The buckets of the hour seen last, by (proto, port) packed into a small integer, so that a line
   * costs no string lookup.
   */
  private hourBuckets: Map<number, Entry> | null = null;
  private hourOfBuckets = -1;
  /**
   * The buckets of the hour before that one, when it was the hour before: a bucket's sources set
   * is made as large as the same port's was then, instead of growing to it by doubling.
   */
  private hourBefore: Map<number, Entry> | null = null;

  private bucket(hour: number, proto: number, port: number): HourBucket {
    return this.entry(hour, proto, port).b;
  }

  private entry(hour: number, proto: number, port: number): Entry {
    const small = proto * 65536 + port;
    if (hour === this.hourOfBuckets) {
      const e = this.hourBuckets!.get(small);
      if (e) return e;
    } else {
      this.hourBefore = hour === this.hourOfBuckets + 1 ? this.hourBuckets : null;
      this.hourBuckets = new Map();
      this.hourOfBuckets = hour;
    }
    // (hour, proto, port) packed into one number: string keys cost more than the parsing (house-style.md).
    const key = hour * 4 * 65536 + small;
    let e = this.buckets.get(key);
    if (!e) {
      const b: HourBucket = {
        hour,
        sensor: this.sensor,
        proto: PROTO_NAMES[proto]!,
        port,
        events: 0,
        synOnly: 0,
        sources: new UniqueCounter(),
        targets: new UniqueCounter(),
        nets24: new UniqueCounter(),
        countries: new Map(),
      };
      e = { b, byCountry: null, held: new IntSet(this.hourBefore?.get(small)?.held?.size) };
      this.buckets.set(key, e);
    }
    this.hourBuckets!.set(small, e);
    return e;
  }

  /** A packet a format's byte scanner read: counted exactly as `add` counts the same line parsed. */
  addScanned(s: PacketSlots, format: string): void {
    const hour = hourAt(s.ms);
    this.parsed++;
    this.countFormat(format);
    this.cover(hour);
    const entry = this.entry(hour, s.proto, s.proto === PROTO_ICMP ? 0 : s.dpt);
    const b = entry.b;
    b.events++;
    if (s.flags === FLAG_SYN) b.synOnly++;
    b.targets.addV4(s.dst);
    const held = entry.held;
    if (held) {
      if (held.add(s.src) && held.size > HOLD_LIMIT) this.settle(entry, false);
    } else if (b.sources.addV4(s.src)) this.newSource(entry, s.src, true);
    if (this.keepRecent) {
      const icmp = s.proto === PROTO_ICMP;
      this.recent.addPacket(
        s.ms,
        s.src,
        s.dst,
        icmp ? -1 : s.spt,
        icmp ? -1 : s.dpt,
        IANA[s.proto]!,
        s.proto === PROTO_TCP ? LETTERS[s.flags]! : null,
        s.ttl,
        s.ipId,
        s.seq,
      );
    }
  }

  /**
   * Counts a bucket's held sources into its distinct sources, /24s and countries, and from then
   * on counts them per packet. Done when the bucket is handed over, most sources are counted here
   * once each, in one pass over one bucket's sets, instead of once per packet across all of them;
   * each country's set is made at its final size and filled in one run. A bucket that is `done`
   * keeps each country's sources as their run in one array, with no set made, as nothing is added
   * to them any more; one that goes on counting makes sets for the packets to come (a run left in
   * the array would keep all of it in memory).
   */
  private settle(entry: Entry, done: boolean): void {
    const held = entry.held;
    if (!held) return;
    entry.held = null;
    const { sources, nets24 } = entry.b;
    held.release();
    if (held.size <= FEW_SOURCES) {
      // Most buckets of a wide scan: a packet or two. Arrays to sort them by country cost more.
      held.forEach((v) => {
        sources.addV4(v);
        this.newSource(entry, v, false);
      });
      return;
    }
    const values = held.values();
    const n = values.length;
    sources.addDistinct(values, 0, n, 4);
    const nets = new Uint32Array(n);
    const index = new Uint16Array(n);
    let last = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      nets[i] = v >>> 8;
      const ci = (index[i] = this.countries.indexV4(v));
      if (ci > last) last = ci;
    }
    nets24.addMany(nets, 0, n, 3);
    // The sources grouped by country (a counting sort), then each country's set filled at once.
    const perCountry = new Int32Array(last + 2);
    for (let i = 0; i < n; i++) perCountry[index[i]! + 1]!++;
    for (let ci = 1; ci < perCountry.length; ci++) perCountry[ci]! += perCountry[ci - 1]!;
    // The /24s are counted: their array takes the sources grouped by country.
    const grouped = nets;
    const next = perCountry.slice(0, last + 1);
    for (let i = 0; i < n; i++) grouped[next[index[i]!]!++] = values[i]!;
    for (let ci = 2; ci <= last; ci++) {
      const from = perCountry[ci]!,
        to = perCountry[ci + 1]!;
      if (from >= to) continue;
      const u = this.countryCounter(entry, ci);
      if (done) u.addDistinct(grouped, from, to, 4);
      else u.addMany(grouped, from, to, 4);
    }
  }

  /** The buckets as they are handed over: with their held sources counted. */
  private finished(list: Entry[]): HourBucket[] {
    return list.map((e) => {
      this.settle(e, true);
      return e.b;
    });
  }

  /**
   * Counts a source new to the bucket into its /24s and its country. Per packet (`perPacket`),
   * the bucket keeps its country counters by index, so that a packet costs no string lookup.
   */
  private newSource(entry: Entry, src: number, perPacket: boolean): void {
    entry.b.nets24.addNet24(Math.floor(src / 256));
    const ci = this.countries.indexV4(src);
    if (ci <= 1) return;
    if (!perPacket) {
      this.countryCounter(entry, ci).addV4(src);
      return;
    }
    const byIndex = (entry.byCountry ??= []);
    (byIndex[ci] ??= this.countryCounter(entry, ci)).addV4(src);
  }

  /** The bucket's distinct sources of the country behind index `ci` (> 1). */
  private countryCounter(entry: Entry, ci: number): UniqueCounter {
    const cc = this.countries.code(ci)!;
    let u = entry.b.countries.get(cc);
    if (!u) {
      entry.b.countries.set(cc, (u = new UniqueCounter()));
      this.countryCounters++;
    }
    return u;
  }

  /** Per-country counters the buckets in memory hold. */
  private countryCounters = 0;

  /**
   * What the buckets in memory take besides their sets' and sketches' storage (`heldBytes`): their
   * objects, maps and per-country counters. Measured on a darknet day: about 1 KB a bucket and a
   * quarter of that a country counter; a busy hour's bucket holds a hundred of those.
   */
  get objectBytes(): number {
    return this.buckets.size * BUCKET_BYTES + this.countryCounters * COUNTRY_BYTES;
  }

  get bucketList(): HourBucket[] {
    return this.finished([...this.buckets.values()]);
  }

  /**
   * Hands over the buckets of hours before `hour` (all of them when null) and the raw events so
   * far, and forgets them: what a long import writes ahead so that its memory stays bounded.
   */
  spill(hour: number | null): { buckets: HourBucket[]; recent: RawEvents } {
    const out: Entry[] = [];
    for (const [k, e] of this.buckets) {
      if (hour === null || e.b.hour < hour) {
        out.push(e);
        this.buckets.delete(k);
      }
    }
    this.hourOfBuckets = -1;
    this.hourBefore = null;
    const buckets = this.finished(out);
    for (const b of buckets) {
      for (const u of [b.sources, b.targets, b.nets24, ...b.countries.values()]) u.release();
      this.countryCounters -= b.countries.size;
    }
    return { buckets, recent: this.takeRecent() };
  }

  /** Hands over the raw events so far, and forgets them. */
  takeRecent(): RawEvents {
    const recent = this.recent;
    this.recent = new RawEvents(this.sensor);
    return recent;
  }
}

export interface IngestOptions {
  zone: string;
  /** Year inference for timestamps without one: the file's modification time, or now. */
  reference: Date;
  maxLineChars: number;
  sensor: string;
  /** Keep every event's raw fields in the recent-events table too. */
  keepRecent: boolean;
  /** An MMDB file to take countries from instead of the bundled data. */
  countryDb?: string | null;
  /**
   * About how much memory the rollups may take before finished hours are written ahead (default
   * 64 MB): a day of a busy darknet fills a few buckets with large per-country sets, a wide
   * scan fills many small ones.
   */
  memoryBytes?: number;
  /**
   * What hashes the content: one that holds the content before this input already, for an import
   * that goes on where the last one ended (default: a new one, for a store with no older records).
   */
  hash?: ContentHash;
  /** The input starts inside a line the last import counted: up to the first line break is skipped. */
  fromMidLine?: boolean;
  /** Stops the read between chunks (the daemon shutting down): it then throws the signal's reason. */
  signal?: AbortSignal;
}

/** Where a long ingest writes ahead what it no longer needs in memory (hours it has passed). */
export type Spill = (batch: { buckets: HourBucket[]; recent: RawEvents }) => void;

/**
 * Raw events held before they are written ahead: about 5 MB as numbers, packed into blocks of a
 * port-hour as they go. Twice as many kept a million lines with 15% to random ports at 306 MB
 * (the blocks' grouping holds an index per event) and took no less time; half as many cut more
 * port-hours into two blocks, and took a third longer.
 */
const SPILL_RECENT = 100_000;
/** What a bucket costs in memory besides its sets and sketches: its objects and map entries. */
const BUCKET_BYTES = 1024;
/** What one country's counter in a bucket costs besides its set: the counter, its set object, the map entry. */
const COUNTRY_BYTES = 256;

/**
 * Hands over the buckets of the hours a log has moved past: logs run forward in time, so the hours
 * before the newest one are done. If that frees too little (a log out of order, or one busy hour),
 * everything goes: the store merges the parts of a bucket into the same counts.
 */
function writeAhead(rollup: HourlyRollup, spill: Spill, full: () => boolean): void {
  const out = rollup.spill(rollup.lastHour);
  if (full()) out.buckets.push(...rollup.spill(null).buckets);
  spill(out);
}

/**
 * Hands `buf`'s lines from `start` on to `line`; where the last, unfinished one starts. A function
 * of its own: inside the read loop, this loop lost its optimised code each time that loop's rarer
 * paths (a line cut by a chunk's edge, a write ahead) came up for the first time.
 */
function lineByLine(buf: Buffer, start: number, line: (buf: Buffer, start: number, end: number) => void): number {
  for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
    line(buf, start, nl);
    start = nl + 1;
  }
  return start;
}

/**
 * Reads one log stream line by line and rolls it up by hour. Lines are cut from the stream's
 * Buffers by byte; a format with a byte scanner (netfilter) reads its lines there, with no string
 * made, and anything the scanner leaves goes through the registry's parsers as text. With `spill`,
 * buckets of hours the log has moved past go out when memory fills, so that memory stays bounded
 * however long the log is (`memoryBytes`).
 */
export async function ingestStream(
  input: AsyncIterable<Buffer | string>,
  opts: IngestOptions,
  spill?: Spill,
): Promise<IngestResult> {
  const hash = opts.hash ?? new ContentHash(false);
  const rollup = new HourlyRollup(opts.sensor, opts.keepRecent, opts.countryDb);
  const time = { reference: opts.reference, zone: opts.zone };
  const clock = new LineClock(time);
  const slots = newPacketSlots();
  let hint: LogFormat | undefined;
  let lines = 0;
  const headers: Headers = new Map();

  const text = (line: string): void => {
    if (line.length > opts.maxLineChars) {
      rollup.skipped++;
      return;
    }
    if ((line.charCodeAt(0) === 35 || hint === undefined || hint.header) && readHeader(line, headers)) return;
    const r = parseRecord(line, time, hint, headers);
    if (!r) {
      rollup.skipped++;
      return;
    }
    hint = r.format;
    rollup.add(r.event);
  };
  const line = (buf: Buffer, start: number, end: number): void => {
    lines++;
    if (end > start && buf[end - 1] === 13) end--;
    if (end === start) return;
    const scan = hint?.scan;
    if (scan && buf[start] !== 35 && end - start <= opts.maxLineChars && scan(buf, start, end, slots, clock))
      rollup.addScanned(slots, hint!.id);
    else text(buf.toString('utf8', start, end));
  };

  let rest: Buffer | null = null;
  let skipping = opts.fromMidLine === true;
  const heldAtStart = heldBytes();
  const memoryBytes = opts.memoryBytes ?? 64 << 20;
  let chunks = 0;
  for await (const chunk of input) {
    opts.signal?.throwIfAborted();
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    hash.update(buf);
    let start = 0;
    if (skipping) {
      start = buf.indexOf(10) + 1;
      if (start === 0) continue;
      skipping = false;
    }
    if (rest) {
      // Only the line cut by the chunk's edge is copied, not the chunk.
      const nl = buf.indexOf(10);
      if (nl < 0) {
        // A line longer than any parser takes is skipped anyway: keep only enough of it to say so.
        rest = Buffer.concat([rest, buf]);
        if (rest.length > 4 * (opts.maxLineChars + 1)) rest = rest.subarray(0, 4 * (opts.maxLineChars + 1));
        continue;
      }
      const joined = Buffer.concat([rest, buf.subarray(0, nl)]);
      line(joined, 0, joined.length);
      start = nl + 1;
    }
    start = lineByLine(buf, start, line);
    // Copied: the input may read its next chunk into the same memory.
    rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    const full = () => heldBytes() - heldAtStart + rollup.objectBytes > memoryBytes;
    const wrote = spill && (full() || rollup.recent.length > SPILL_RECENT);
    if (wrote && full()) writeAhead(rollup, spill, full);
    else if (wrote) spill({ buckets: [], recent: rollup.takeRecent() });
    if (wrote || ++chunks % 16 === 0) {
      // What was written is garbage now, much of it old enough to wait for a full collection, and
      // the runtime lets garbage (sets outgrown too) grow to several times what is live before it
      // collects: a 60-day, 760 MB log peaked at 534 MB that way, and at 236 MB collected here.
      // Only when it has grown so (a collection takes tens of milliseconds): a short log never
      // waits for one. At three budgets rather than two, 2M lines over 60 days peaked at 281 MB,
      // not 258.
      const m = process.memoryUsage();
      if (m.heapUsed + m.arrayBuffers > 2 * memoryBytes) collectGarbage();
    }
  }
  if (rest) line(rest, 0, rest.length);
  return {
    buckets: rollup.bucketList,
    coverage: rollup.coverage,
    recent: rollup.recent,
    identities: hash.identities(),
    lines,
    parsed: rollup.parsed,
    skipped: rollup.skipped,
    formats: rollup.formats,
    firstHour: rollup.firstHour,
    lastHour: rollup.lastHour,
  };
}
