import { endianness } from 'node:os';
import { addressText } from '../net/columns.ts';
import { PROTO_NUMBER, PROTO_OF, RawEvents, type RecentEvent } from '../net/packets.ts';
import { HOUR_MS } from '../time.ts';
import type { Proto } from '../model.ts';

/**
 * Raw events as the store keeps them: packed in blocks of one (sensor, protocol, port, hour),
 * column by column, instead of a row per event. A sensor logs a million events a day, and a row
 * each, with its index entries, was most of what an import cost (a million took 2.9 s of a
 * 5.7 s import); the correlator reads a port's events by the hour anyway. A block's events share
 * an address family; the ports with too few events in a batch to fill a block of their own share
 * one of the hour (`MIXED`), so that a wide scan's one packet per port is not a row each either.
 *
 * A block's data, for n events: seq (float64), time within the hour in ms (uint32), source port,
 * destination port, IP ID (int32), source and destination (uint32, or 16 bytes for IPv6), TTL
 * (int16), flags (uint8, an index into the block's list of flag strings, 0 for none). A missing
 * number is -1, a missing destination 0 (0.0.0.0, ::). In the machine's byte order, which is
 * little-endian on every platform Node runs kansoku on; a big-endian one would read garbage, so it
 * is refused.
 */
if (endianness() !== 'LE') throw new Error('kansoku stores raw events little-endian; this machine is big-endian');

/** The port of a block that holds the events of several ports (and ICMP's, which have none). */
export const MIXED = -1;
/** A (port, hour) with fewer events than this in a batch goes into the hour's mixed block. */
const OWN_BLOCK = 8;
/** Events in one block at most: a busy port's hour is split, so that no row runs to tens of MB. */
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
  data: Buffer;
}

/** The stored columns of a block, in `Block`'s order. */
export const BLOCK_COLUMNS = ['sensor', 'proto', 'port', 'hour', 'first_ts', 'last_ts', 'n', 'v6', 'flags', 'data'];
/** The same columns as a `Block`'s fields. */
export const BLOCK_FIELDS = 'sensor, proto, port, hour, first_ts AS "firstTs", last_ts AS "lastTs", n, v6, flags, data';

export function blockValues(b: Block): Array<string | number | Buffer> {
  return [b.sensor, b.proto, b.port, b.hour, b.firstTs, b.lastTs, b.n, b.v6, b.flags, b.data];
}

/** Where each column starts in a block's data, and the data's length. */
function layout(n: number, v6: boolean) {
  const a = v6 ? 16 : 4;
  const seq = 0;
  const ts = seq + 8 * n;
  const spt = ts + 4 * n;
  const dpt = spt + 4 * n;
  const ipId = dpt + 4 * n;
  const src = ipId + 4 * n;
  const dst = src + a * n;
  const ttl = dst + a * n;
  const flag = ttl + 2 * n;
  return { seq, ts, spt, dpt, ipId, src, dst, ttl, flag, size: flag + n };
}

/** The key of the hour, address family, protocol and sensor an event belongs to (any port). */
function groupOf(t: RawEvents, i: number): number {
  return ((Math.floor(t.ts[i]! / HOUR_MS) * 2 + (t.six.has(i) ? 1 : 0)) * 256 + t.proto[i]!) * 65536 + t.sensor[i]!;
}

/** The events `idx` (all of one group) packed as one block of `port`. */
function pack(t: RawEvents, idx: number[], port: number): Block {
  const n = idx.length;
  const first = idx[0]!;
  const v6 = t.six.has(first);
  const hour = Math.floor(t.ts[first]! / HOUR_MS);
  const base = hour * HOUR_MS;
  const at = layout(n, v6);
  const data = Buffer.alloc(at.size);
  const ab = data.buffer;
  const o = data.byteOffset;
  const seq = new Float64Array(ab, o + at.seq, n);
  const ts = new Uint32Array(ab, o + at.ts, n);
  const spt = new Int32Array(ab, o + at.spt, n);
  const dpt = new Int32Array(ab, o + at.dpt, n);
  const ipId = new Int32Array(ab, o + at.ipId, n);
  const ttl = new Int16Array(ab, o + at.ttl, n);
  const flagOf = new Uint8Array(ab, o + at.flag, n);
  const src = v6 ? null : new Uint32Array(ab, o + at.src, n);
  const dst = v6 ? null : new Uint32Array(ab, o + at.dst, n);
  // The block's own flag list: a batch's indexes, renumbered to those its events use.
  const names: Array<string | null> = [null];
  const renumber = new Map<number, number>([[0, 0]]);
  let firstTs = Infinity;
  let lastTs = -Infinity;
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    const when = t.ts[i]!;
    if (when < firstTs) firstTs = when;
    if (when > lastTs) lastTs = when;
    seq[k] = t.seq[i]!;
    ts[k] = when - base;
    spt[k] = t.spt[i]!;
    dpt[k] = t.dpt[i]!;
    ipId[k] = t.ipId[i]!;
    ttl[k] = t.ttl[i]!;
    let f = renumber.get(t.flag[i]!);
    if (f === undefined) {
      f = names.push(t.flagNames[t.flag[i]!]!) - 1;
      renumber.set(t.flag[i]!, f);
    }
    flagOf[k] = f;
    if (src && dst) {
      src[k] = t.src[i]!;
      dst[k] = t.dst[i]!;
    } else {
      const a = t.six.get(i)!;
      a.src.copy(data, at.src + 16 * k);
      a.dst?.copy(data, at.dst + 16 * k);
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
    data,
  };
}

/**
 * A batch of raw events as blocks: one per (sensor, protocol, port, hour, family) with enough
 * events, the rest of each hour in one mixed block. A block holds at most 255 flag strings
 * and `MAX_BLOCK` events; beyond either, the next one starts.
 */
export function packEvents(t: RawEvents): Block[] {
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
  const out: Block[] = [];
  const emit = (idx: number[], port: number): void => {
    for (let from = 0; from < idx.length;) {
      const flags = new Set<number>();
      let to = from;
      while (to < idx.length && to - from < MAX_BLOCK) {
        const f = t.flag[idx[to]!]!;
        if (!flags.has(f) && flags.size === 255) break;
        flags.add(f);
        to++;
      }
      out.push(pack(t, idx.slice(from, to), port));
      from = to;
    }
  };
  for (const ports of groups.values()) {
    const mixed: number[] = [];
    for (const [port, idx] of ports) {
      if (port !== MIXED && idx.length >= OWN_BLOCK) emit(idx, port);
      else for (const i of idx) mixed.push(i);
    }
    if (mixed.length) emit(mixed, MIXED);
  }
  return out;
}

/** A stored block's columns, read in place where its bytes allow. */
export class BlockView {
  readonly n: number;
  readonly v6: boolean;
  readonly ts: Float64Array;
  readonly spt: Int32Array;
  readonly dpt: Int32Array;
  readonly ipId: Int32Array;
  readonly seq: Float64Array;
  readonly ttl: Int16Array;
  readonly flag: Uint8Array;
  /** IPv4 addresses by number; null for an IPv6 block (`addr`). */
  readonly src: Uint32Array | null;
  readonly dst: Uint32Array | null;
  readonly flagNames: Array<string | null>;
  readonly sensor: string;
  readonly proto: Proto;
  private readonly bytes: Buffer;
  private readonly at: ReturnType<typeof layout>;

  constructor(row: Block) {
    this.n = Number(row.n);
    this.v6 = Number(row.v6) === 1;
    this.sensor = row.sensor;
    this.proto = PROTO_OF.get(Number(row.proto)) ?? 'tcp';
    this.at = layout(this.n, this.v6);
    let data = Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data as Uint8Array);
    if (data.length !== this.at.size)
      throw new Error(`raw events block of ${this.n} events has ${data.length} bytes, not ${this.at.size}`);
    // Typed arrays need their element size's alignment: a pooled Buffer may not have it.
    if (data.byteOffset % 8 !== 0) data = Buffer.from(new Uint8Array(data));
    this.bytes = data;
    const ab = data.buffer;
    const o = data.byteOffset;
    const n = this.n;
    const at = this.at;
    this.seq = new Float64Array(ab, o + at.seq, n);
    const rel = new Uint32Array(ab, o + at.ts, n);
    this.ts = new Float64Array(n);
    const base = Number(row.hour) * HOUR_MS;
    for (let i = 0; i < n; i++) this.ts[i] = base + rel[i]!;
    this.spt = new Int32Array(ab, o + at.spt, n);
    this.dpt = new Int32Array(ab, o + at.dpt, n);
    this.ipId = new Int32Array(ab, o + at.ipId, n);
    this.ttl = new Int16Array(ab, o + at.ttl, n);
    this.flag = new Uint8Array(ab, o + at.flag, n);
    this.src = this.v6 ? null : new Uint32Array(ab, o + at.src, n);
    this.dst = this.v6 ? null : new Uint32Array(ab, o + at.dst, n);
    this.flagNames = [null, ...(JSON.parse(row.flags) as string[])];
  }

  /** Event i's source, as a value equal for equal addresses: its number, or its 16 bytes in hex. */
  srcKey(i: number): number | string {
    return this.src ? this.src[i]! : this.bytes.toString('hex', this.at.src + 16 * i, this.at.src + 16 * i + 16);
  }

  /** Event i's destination as `srcKey` gives sources; null for none. */
  dstKey(i: number): number | string | null {
    if (this.dst) return this.dst[i] === 0 ? null : this.dst[i]!;
    const from = this.at.dst + 16 * i;
    const hex = this.bytes.toString('hex', from, from + 16);
    return /^0+$/.test(hex) ? null : hex;
  }

  private address(column: number, i: number): string | null {
    if (!this.v6) {
      const v = (column === this.at.src ? this.src : this.dst)![i]!;
      return column === this.at.dst && v === 0 ? null : addressText(v, null);
    }
    const bytes = this.bytes.subarray(column + 16 * i, column + 16 * i + 16);
    return column === this.at.dst && bytes.every((b) => b === 0) ? null : addressText(null, bytes);
  }

  event(i: number): RecentEvent {
    const num = (v: number): number | null => (v < 0 ? null : v);
    return {
      ts: this.ts[i]!,
      sensor: this.sensor,
      src: this.address(this.at.src, i)!,
      spt: num(this.spt[i]!),
      dst: this.address(this.at.dst, i),
      dpt: num(this.dpt[i]!),
      proto: this.proto,
      flags: this.flagNames[this.flag[i]!] ?? null,
      ttl: num(this.ttl[i]!),
      ipId: num(this.ipId[i]!),
      seq: num(this.seq[i]!),
    };
  }

  /** The events whose index `accept` takes, to be packed again (the store drops the rest of an old block). */
  keep(accept: (i: number) => boolean): RawEvents {
    const out = new RawEvents();
    for (let i = 0; i < this.n; i++) if (accept(i)) out.add(this.event(i));
    return out;
  }
}
