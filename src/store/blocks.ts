import { endianness } from 'node:os';
import { addressColumns, addressText } from '../net/columns.ts';
import { PROTO_NUMBER, PROTO_OF, type RawEvents, type RecentEvent } from '../net/packets.ts';
import { HOUR_MS } from '../time.ts';
import type { Proto } from '../model.ts';

/**
 * Raw events as the store keeps them: packed in blocks of one (sensor, protocol, port, day),
 * column by column, instead of a row per event. A sensor logs a million events a day, and a row
 * each, with its index entries, was most of what an import cost (a million took 2.9 s of a
 * 5.7 s import); the correlator reads a port's events by the hour and day anyway. A block's
 * events share an address family; the ports with a single event in a batch share one block of
 * the day (`MIXED`), so that a wide scan's one packet per port is not a row each either.
 *
 * A block's events are two columns of bytes: the keys, what lookups read (time since the start
 * of the block's hour in ms, uint32; destination port, int32; source, uint32 or 16 bytes for
 * IPv6), and the rest (seq, float64; source port and IP ID, int32; destination; TTL, int16;
 * flags, uint8, an index into the block's list of flag strings, 0 for none). A missing number is
 * -1, a missing destination 0 (0.0.0.0, ::). In the machine's byte order, which is little-endian
 * on every platform Node runs kansoku on; a big-endian one would read garbage, so it is refused.
 */
if (endianness() !== 'LE') throw new Error('kansoku stores raw events little-endian; this machine is big-endian');

/**
 * A block holds the events of one UTC day at most, and is stored under the hour of its oldest: a
 * lookup for the hours [a, b] reads the blocks stored under [a - SPAN_HOURS + 1, b]. A week of a
 * port so reads seven of them (and seven mixed ones), not 168 of each.
 */
export const SPAN_HOURS = 24;
/** The port of a block that holds the events of several ports (and ICMP's, which have none). */
export const MIXED = -1;
/** A (port, day) with fewer events than this in a batch goes into the day's mixed block. */
const OWN_BLOCK = 2;
/** Events in one block at most: a busy port's day is split, so that no row runs to tens of MB. */
const MAX_BLOCK = 1 << 16;

/** A block as stored: what finds it (sensor, proto, port, hour, times), and its packed events. */
export interface Block {
  sensor: string;
  proto: number;
  port: number;
  hour: number;
  firstTs: number;
  lastTs: number;
  n: number;
  /** 1 when its addresses are IPv6. */
  v6: number;
  /** The flag strings its events' flag indexes name, as a JSON array. */
  flags: string;
  /** What finds an event: its time, destination port and source (`keyLayout`). */
  keys: Buffer;
  /** The rest of it (`restLayout`); not read where only the keys are needed. */
  data?: Buffer;
}

/** The stored columns of a block, in `Block`'s order. */
export const BLOCK_COLUMNS = [
  'sensor',
  'proto',
  'port',
  'hour',
  'first_ts',
  'last_ts',
  'n',
  'v6',
  'flags',
  'keys',
  'data',
];
/** The same columns as a `Block`'s fields, with (`BLOCK_FIELDS`) and without (`KEY_FIELDS`) the rest of each event. */
export const KEY_FIELDS = 'sensor, proto, port, hour, first_ts AS "firstTs", last_ts AS "lastTs", n, v6, flags, keys';
export const BLOCK_FIELDS = `${KEY_FIELDS}, data`;

export function blockValues(b: Block): Array<string | number | Buffer> {
  return [b.sensor, b.proto, b.port, b.hour, b.firstTs, b.lastTs, b.n, b.v6, b.flags, b.keys, b.data!];
}

/** Where each column of a block's keys starts: time since the block's hour (ms), destination port, source. */
function keyLayout(n: number, v6: boolean) {
  const ts = 0;
  const dpt = ts + 4 * n;
  const src = dpt + 4 * n;
  return { ts, dpt, src, size: src + (v6 ? 16 : 4) * n };
}

/** Where each column of the rest starts: seq, source port, IP ID, destination, TTL, flags. */
function restLayout(n: number, v6: boolean) {
  const seq = 0;
  const spt = seq + 8 * n;
  const ipId = spt + 4 * n;
  const dst = ipId + 4 * n;
  const ttl = dst + (v6 ? 16 : 4) * n;
  const flag = ttl + 2 * n;
  return { seq, spt, ipId, dst, ttl, flag, size: flag + n };
}

/** The key of the day, address family, protocol and sensor an event belongs to (any port). */
function groupOf(t: RawEvents, i: number): number {
  const day = Math.floor(t.ts[i]! / (SPAN_HOURS * HOUR_MS));
  return ((day * 2 + (t.six.has(i) ? 1 : 0)) * 256 + t.proto[i]!) * 65536 + t.sensor[i]!;
}

/** The events `idx` (all of one group) packed as one block of `port`. */
function pack(t: RawEvents, idx: number[], port: number): Block {
  const n = idx.length;
  const first = idx[0]!;
  const v6 = t.six.has(first);
  // Times are kept from the start of the hour of the block's oldest event.
  let firstTs = Infinity;
  let lastTs = -Infinity;
  for (const i of idx) {
    firstTs = Math.min(firstTs, t.ts[i]!);
    lastTs = Math.max(lastTs, t.ts[i]!);
  }
  const hour = Math.floor(firstTs / HOUR_MS);
  const base = hour * HOUR_MS;
  const k = keyLayout(n, v6);
  const r = restLayout(n, v6);
  const keys = Buffer.alloc(k.size);
  const data = Buffer.alloc(r.size);
  const ts = new Uint32Array(keys.buffer, keys.byteOffset + k.ts, n);
  const dpt = new Int32Array(keys.buffer, keys.byteOffset + k.dpt, n);
  const src = v6 ? null : new Uint32Array(keys.buffer, keys.byteOffset + k.src, n);
  const seq = new Float64Array(data.buffer, data.byteOffset + r.seq, n);
  const spt = new Int32Array(data.buffer, data.byteOffset + r.spt, n);
  const ipId = new Int32Array(data.buffer, data.byteOffset + r.ipId, n);
  const dst = v6 ? null : new Uint32Array(data.buffer, data.byteOffset + r.dst, n);
  const ttl = new Int16Array(data.buffer, data.byteOffset + r.ttl, n);
  const flagOf = new Uint8Array(data.buffer, data.byteOffset + r.flag, n);
  // The block's own flag list: a batch's indexes, renumbered to those its events use.
  const names: Array<string | null> = [null];
  const renumber = new Map<number, number>([[0, 0]]);
  for (let e = 0; e < n; e++) {
    const i = idx[e]!;
    ts[e] = t.ts[i]! - base;
    dpt[e] = t.dpt[i]!;
    seq[e] = t.seq[i]!;
    spt[e] = t.spt[i]!;
    ipId[e] = t.ipId[i]!;
    ttl[e] = t.ttl[i]!;
    let f = renumber.get(t.flag[i]!);
    if (f === undefined) {
      f = names.push(t.flagNames[t.flag[i]!]!) - 1;
      renumber.set(t.flag[i]!, f);
    }
    flagOf[e] = f;
    if (src && dst) {
      src[e] = t.src[i]!;
      dst[e] = t.dst[i]!;
    } else {
      const a = t.six.get(i)!;
      a.src.copy(keys, k.src + 16 * e);
      a.dst?.copy(data, r.dst + 16 * e);
    }
  }
  return {
    sensor: t.sensors[t.sensor[first]!]!,
    proto: t.proto[first]!,
    port,
    hour,
    firstTs,
    lastTs,
    n,
    v6: v6 ? 1 : 0,
    flags: JSON.stringify(names.slice(1)),
    keys,
    data,
  };
}

/**
 * A batch of raw events as blocks: one per (sensor, protocol, port, day, family) with enough
 * events, the rest of each day in one mixed block. A block holds at most 255 flag strings
 * and `MAX_BLOCK` events; beyond either, the next one starts.
 */
export function* packEvents(t: RawEvents): Generator<Block> {
  // Each group's events by port, in the order they came.
  const groups = new Map<number, Map<number, number[]>>();
  for (let i = 0; i < t.n; i++) {
    const g = groupOf(t, i);
    let ports = groups.get(g);
    if (!ports) groups.set(g, (ports = new Map()));
    const p = t.proto[i] === PROTO_NUMBER.icmp ? MIXED : t.dpt[i]!;
    const list = ports.get(p);
    if (list) list.push(i);
    else ports.set(p, [i]);
  }
  // Made as the store takes them: a batch's blocks are megabytes together.
  function* emit(idx: number[], port: number): Generator<Block> {
    for (let from = 0; from < idx.length;) {
      const flags = new Set<number>();
      let to = from;
      while (to < idx.length && to - from < MAX_BLOCK) {
        const f = t.flag[idx[to]!]!;
        if (!flags.has(f) && flags.size === 255) break;
        flags.add(f);
        to++;
      }
      yield pack(t, idx.slice(from, to), port);
      from = to;
    }
  }
  for (const ports of groups.values()) {
    const mixed: number[] = [];
    for (const [port, idx] of ports) {
      if (port !== MIXED && idx.length >= OWN_BLOCK) yield* emit(idx, port);
      else for (const i of idx) mixed.push(i);
    }
    if (mixed.length) yield* emit(mixed, MIXED);
  }
}

/** An address as a value equal for equal addresses: its number (IPv4), or its 16 bytes in hex; null for none. */
export function addressKey(a: string): number | string | null {
  const [n, bytes] = addressColumns(a);
  return n ?? bytes?.toString('hex') ?? null;
}

/** Bytes of a stored column as a typed array's memory needs them: aligned to `align`. */
function aligned(bytes: Buffer | Uint8Array, size: number, what: string, align: number): Buffer {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (b.length !== size) throw new Error(`raw events block: ${what} has ${b.length} bytes, not ${size}`);
  // A pooled Buffer (PostgreSQL's, decoded from hex) may start anywhere.
  return b.byteOffset % align === 0 ? b : Buffer.from(new Uint8Array(b));
}

/**
 * A stored block's columns, read in place. The keys are always there; the rest only when the
 * query read it (`BLOCK_FIELDS`), and its columns are made when first asked for.
 */
export class BlockView {
  readonly n: number;
  readonly v6: boolean;
  readonly sensor: string;
  readonly proto: Proto;
  /** Its oldest and newest events' times, epoch ms. */
  readonly firstTs: number;
  readonly lastTs: number;
  /** Each event's time since the start of the block's hour; `time(i)` is its epoch ms. */
  private readonly rel: Uint32Array;
  private readonly base: number;
  readonly dpt: Int32Array;
  /** IPv4 sources by number; null for an IPv6 block (`srcKey`). */
  readonly src: Uint32Array | null;
  private readonly keys: Buffer;
  private readonly k: ReturnType<typeof keyLayout>;
  private readonly row: Block;
  private restColumns?: ReturnType<BlockView['readRest']>;

  constructor(row: Block) {
    this.row = row;
    this.n = Number(row.n);
    this.v6 = Number(row.v6) === 1;
    this.sensor = row.sensor;
    this.firstTs = Number(row.firstTs);
    this.lastTs = Number(row.lastTs);
    this.proto = PROTO_OF.get(Number(row.proto)) ?? 'tcp';
    this.k = keyLayout(this.n, this.v6);
    this.keys = aligned(row.keys, this.k.size, 'keys', 4);
    const ab = this.keys.buffer;
    const o = this.keys.byteOffset;
    this.rel = new Uint32Array(ab, o + this.k.ts, this.n);
    this.base = Number(row.hour) * HOUR_MS;
    this.dpt = new Int32Array(ab, o + this.k.dpt, this.n);
    this.src = this.v6 ? null : new Uint32Array(ab, o + this.k.src, this.n);
  }

  /** Event i's time, epoch ms. */
  time(i: number): number {
    return this.base + this.rel[i]!;
  }

  private readRest() {
    if (!this.row.data) throw new Error('raw events block read without its data');
    const r = restLayout(this.n, this.v6);
    const data = aligned(this.row.data, r.size, 'data', 8);
    const ab = data.buffer;
    const o = data.byteOffset;
    const n = this.n;
    return {
      data,
      r,
      seq: new Float64Array(ab, o + r.seq, n),
      spt: new Int32Array(ab, o + r.spt, n),
      ipId: new Int32Array(ab, o + r.ipId, n),
      dst: this.v6 ? null : new Uint32Array(ab, o + r.dst, n),
      ttl: new Int16Array(ab, o + r.ttl, n),
      flag: new Uint8Array(ab, o + r.flag, n),
      flagNames: [null, ...(JSON.parse(this.row.flags) as string[])] as Array<string | null>,
    };
  }

  /** The columns besides the keys. */
  get rest(): ReturnType<BlockView['readRest']> {
    return (this.restColumns ??= this.readRest());
  }

  /** Event i's source, as `addressKey` gives it. */
  srcKey(i: number): number | string {
    return this.src ? this.src[i]! : this.keys.toString('hex', this.k.src + 16 * i, this.k.src + 16 * i + 16);
  }

  /** Event i's destination as `srcKey` gives sources; null for none. */
  dstKey(i: number): number | string | null {
    const { dst, data, r } = this.rest;
    if (dst) return dst[i] === 0 ? null : dst[i]!;
    const hex = data.toString('hex', r.dst + 16 * i, r.dst + 16 * i + 16);
    return /^0+$/.test(hex) ? null : hex;
  }

  /** Event i's flags, as the log parser gave them. */
  flags(i: number): string | null {
    const { flag, flagNames } = this.rest;
    return flagNames[flag[i]!] ?? null;
  }

  event(i: number): RecentEvent {
    const num = (v: number): number | null => (v < 0 ? null : v);
    const { seq, spt, ipId, dst, ttl, data, r } = this.rest;
    let src: string;
    let to: string | null;
    if (this.src && dst) {
      src = addressText(this.src[i]!, null)!;
      to = dst[i] === 0 ? null : addressText(dst[i]!, null);
    } else {
      src = addressText(null, this.keys.subarray(this.k.src + 16 * i, this.k.src + 16 * i + 16))!;
      const d = data.subarray(r.dst + 16 * i, r.dst + 16 * i + 16);
      to = d.every((b) => b === 0) ? null : addressText(null, d);
    }
    return {
      ts: this.time(i),
      sensor: this.sensor,
      src,
      spt: num(spt[i]!),
      dst: to,
      dpt: num(this.dpt[i]!),
      proto: this.proto,
      flags: this.flags(i),
      ttl: num(ttl[i]!),
      ipId: num(ipId[i]!),
      seq: num(seq[i]!),
    };
  }

  /** Adds the events `accept` takes to `into` (packing an hour's or a day's blocks again). */
  copyTo(into: RawEvents, accept: (i: number) => boolean = () => true): void {
    const { seq, spt, ipId, dst, ttl } = this.rest;
    // IPv4 events of the sensor `into` takes packets of go across as numbers, the rest as events.
    const numbers = this.src !== null && dst !== null && into.sensors[0] === this.sensor;
    for (let i = 0; i < this.n; i++) {
      if (!accept(i)) continue;
      if (numbers)
        into.addPacket(
          this.time(i),
          this.src[i]!,
          dst[i]!,
          spt[i]!,
          this.dpt[i]!,
          PROTO_NUMBER[this.proto],
          this.flags(i),
          ttl[i]!,
          ipId[i]!,
          seq[i]!,
        );
      else into.add(this.event(i));
    }
  }
}
