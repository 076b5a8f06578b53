import { flagLetters, PROTO_ICMP, PROTO_NAMES, PROTO_TCP, type PacketSlots } from '../extract/formats/scan.ts';
import type { NewRecentEvent } from '../store/index.ts';

/**
 * Raw events waiting to be stored. Byte-scanned packets are kept column by column as numbers, and
 * become event values (their addresses still numbers) only while the store takes them, one at a
 * time: tens of thousands of objects held until the next write would live long enough to be
 * promoted, and the heap would grow with them (a million lines peaked near 400 MB that way).
 * Events parsed from text are kept as they came.
 */
export class PendingEvents implements Iterable<NewRecentEvent> {
  private n = 0;
  private ts = new Float64Array(256);
  private src = new Uint32Array(256);
  private dst = new Uint32Array(256);
  private spt = new Int32Array(256);
  private dpt = new Int32Array(256);
  private ttl = new Int32Array(256);
  private ipId = new Int32Array(256);
  private seq = new Float64Array(256);
  private proto = new Uint8Array(256);
  private flags = new Uint8Array(256);
  private readonly parsed: NewRecentEvent[] = [];

  constructor(private readonly sensor: string) {}

  get length(): number {
    return this.n + this.parsed.length;
  }

  push(e: NewRecentEvent): void {
    this.parsed.push(e);
  }

  pushScanned(s: PacketSlots): void {
    if (this.n === this.ts.length) this.grow();
    const i = this.n++;
    this.ts[i] = s.ms;
    this.src[i] = s.src;
    this.dst[i] = s.dst;
    this.spt[i] = s.spt;
    this.dpt[i] = s.dpt;
    this.ttl[i] = s.ttl;
    this.ipId[i] = s.ipId;
    this.seq[i] = s.seq;
    this.proto[i] = s.proto;
    this.flags[i] = s.flags;
  }

  private grow(): void {
    const more = <T extends Float64Array | Uint32Array | Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.ts = more(this.ts);
    this.src = more(this.src);
    this.dst = more(this.dst);
    this.spt = more(this.spt);
    this.dpt = more(this.dpt);
    this.ttl = more(this.ttl);
    this.ipId = more(this.ipId);
    this.seq = more(this.seq);
    this.proto = more(this.proto);
    this.flags = more(this.flags);
  }

  *[Symbol.iterator](): Iterator<NewRecentEvent> {
    for (let i = 0; i < this.n; i++) {
      const p = this.proto[i]!;
      const icmp = p === PROTO_ICMP;
      yield {
        ts: this.ts[i]!,
        sensor: this.sensor,
        src: this.src[i]!,
        spt: icmp ? null : this.spt[i]!,
        dst: this.dst[i]!,
        dpt: icmp ? null : this.dpt[i]!,
        proto: PROTO_NAMES[p]!,
        flags: p === PROTO_TCP ? flagLetters(this.flags[i]!) : null,
        ttl: this.ttl[i]! < 0 ? null : this.ttl[i]!,
        ipId: this.ipId[i]! < 0 ? null : this.ipId[i]!,
        seq: this.seq[i]! < 0 ? null : this.seq[i]!,
      };
    }
    yield* this.parsed;
  }
}
