import { addressColumns, addressText } from './columns.ts';
import type { Proto } from '../model.ts';

/**
 * Raw events: what a sensor log says of each packet, kept for a while so that a reported source
 * or fingerprint can be looked up. Below the stages and the store, which both hold them.
 */

/** A raw event kept for a while, so that a reported source or fingerprint can be looked up. */
export interface RecentEvent {
  ts: number;
  sensor: string;
  src: string;
  spt: number | null;
  dst: string | null;
  dpt: number | null;
  proto: Proto;
  flags: string | null;
  ttl: number | null;
  ipId: number | null;
  seq: number | null;
}

/** A raw event as handed to the store: an IPv4 address may come as its number, as a byte scanner read it. */
export interface NewRecentEvent extends Omit<RecentEvent, 'src' | 'dst'> {
  src: string | number;
  dst: string | number | null;
}

export const PROTO_NUMBER: Record<Proto, number> = { tcp: 6, udp: 17, icmp: 1 };
export const PROTO_OF = new Map<number, Proto>(Object.entries(PROTO_NUMBER).map(([p, n]) => [n, p as Proto]));

/**
 * Raw events waiting to be stored, column by column as numbers: tens of thousands of event objects
 * held until the next write would live long enough to be promoted, and the heap would grow with
 * them (a million lines peaked near 400 MB that way). A byte scanner's packets come in as numbers
 * (`addPacket`), never as objects.
 */
export class RawEvents implements Iterable<NewRecentEvent> {
  n = 0;
  private cap = 256;
  sensor = new Uint16Array(this.cap);
  proto = new Uint8Array(this.cap);
  ts = new Float64Array(this.cap);
  spt = new Int32Array(this.cap);
  dpt = new Int32Array(this.cap);
  ipId = new Int32Array(this.cap);
  seq = new Float64Array(this.cap);
  ttl = new Int16Array(this.cap);
  flag = new Uint8Array(this.cap);
  /** IPv4 addresses by number; an IPv6 event's are in `six`, by the event's index. */
  src = new Uint32Array(this.cap);
  dst = new Uint32Array(this.cap);
  six = new Map<number, { src: Buffer; dst: Buffer | null }>();
  readonly sensors: string[] = [];
  private readonly sensorIndex = new Map<string, number>();
  readonly flagNames: Array<string | null> = [null];
  private readonly flagIndex = new Map<string, number>();

  /** `sensor`: the sensor of the packets `addPacket` takes. */
  constructor(sensor = '') {
    this.sensorOf(sensor);
  }

  get length(): number {
    return this.n;
  }

  private sensorOf(name: string): number {
    let si = this.sensorIndex.get(name);
    if (si === undefined) {
      si = this.sensors.push(name) - 1;
      this.sensorIndex.set(name, si);
    }
    return si;
  }

  private flagOf(flags: string | null): number {
    if (flags === null) return 0;
    let fi = this.flagIndex.get(flags);
    if (fi === undefined) {
      fi = this.flagNames.push(flags) - 1;
      this.flagIndex.set(flags, fi);
    }
    return fi;
  }

  add(e: NewRecentEvent): void {
    const [s4, s6] = addressColumns(e.src);
    // An event whose source is no address: nothing could ever look it up.
    if (s4 === null && s6 === null) return;
    const [d4, d6] = addressColumns(e.dst);
    const i = this.n;
    this.addPacket(
      e.ts,
      s4 ?? 0,
      // A destination of the other family than its source is not kept (no log line has one).
      d4 ?? 0,
      e.spt ?? -1,
      e.dpt ?? -1,
      PROTO_NUMBER[e.proto],
      e.flags,
      e.ttl ?? -1,
      e.ipId ?? -1,
      e.seq ?? -1,
    );
    this.sensor[i] = this.sensorOf(e.sensor);
    if (s6) this.six.set(i, { src: s6, dst: d6 });
  }

  /** An IPv4 packet of the sensor named at construction, its missing numbers -1. */
  addPacket(
    ms: number,
    src: number,
    dst: number,
    spt: number,
    dpt: number,
    proto: number,
    flags: string | null,
    ttl: number,
    ipId: number,
    seq: number,
  ): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.sensor[i] = 0;
    this.proto[i] = proto;
    this.ts[i] = ms;
    this.spt[i] = spt;
    this.dpt[i] = dpt;
    this.ipId[i] = ipId;
    this.seq[i] = seq;
    this.ttl[i] = ttl;
    this.flag[i] = this.flagOf(flags);
    this.src[i] = src;
    this.dst[i] = dst;
  }

  *[Symbol.iterator](): Iterator<NewRecentEvent> {
    const num = (v: number): number | null => (v < 0 ? null : v);
    for (let i = 0; i < this.n; i++) {
      const six = this.six.get(i);
      yield {
        ts: this.ts[i]!,
        sensor: this.sensors[this.sensor[i]!]!,
        src: six ? addressText(null, six.src)! : this.src[i]!,
        spt: num(this.spt[i]!),
        dst: six ? six.dst && addressText(null, six.dst) : this.dst[i] === 0 ? null : this.dst[i]!,
        dpt: num(this.dpt[i]!),
        proto: PROTO_OF.get(this.proto[i]!)!,
        flags: this.flagNames[this.flag[i]!]!,
        ttl: num(this.ttl[i]!),
        ipId: num(this.ipId[i]!),
        seq: num(this.seq[i]!),
      };
    }
  }

  private grow(): void {
    this.cap *= 2;
    const more = <T extends Float64Array | Uint32Array | Int32Array | Int16Array | Uint16Array | Uint8Array>(
      a: T,
    ): T => {
      const b = new (a.constructor as new (n: number) => T)(this.cap);
      b.set(a);
      return b;
    };
    this.sensor = more(this.sensor);
    this.proto = more(this.proto);
    this.ts = more(this.ts);
    this.spt = more(this.spt);
    this.dpt = more(this.dpt);
    this.ipId = more(this.ipId);
    this.seq = more(this.seq);
    this.ttl = more(this.ttl);
    this.flag = more(this.flag);
    this.src = more(this.src);
    this.dst = more(this.dst);
  }
}
