/**
 * A count of distinct values that stays exact while small and turns into a HyperLogLog sketch
 * when it grows, so that memory per hourly bucket is bounded. Sketches merge across sensors,
 * batches and hours. (An npm HLL measured here undercounted 2x below 10k values; house-style.md.)
 */
import { endianness } from 'node:os';
import { dotted, parseDotted } from '../net/ipv4.ts';

/** Up to this many values the set is kept exact. */
const EXACT_LIMIT = 1024;
/** 2^13 registers: a standard error of about 1.2%, 8 KB a sketch. */
const P = 13;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);
/** 2^-r for every register value r. */
const POW2_NEG = Float64Array.from({ length: 64 }, (_, r) => 2 ** -r);
/** Register values counted four ways (`count`); one, since counting never runs twice at once. */
const HISTOGRAM = new Int32Array(64 * 4);

/**
 * MurmurHash3 (32-bit) over the string's UTF-16 units. FNV-1a was measured 4.6% off at 100k
 * sequential addresses: structured strings need a hash that mixes every unit well.
 */
function hash(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return finish(h, s.length);
}

/** MurmurHash3's finaliser: every input bit moves every output bit. */
function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The hash of a dotted quad or /24 held as a number: MurmurHash3's finaliser over the number, the
 * kind mixed in. Such values hash this way whether they came in as text or as numbers, and it
 * costs a few multiplications, where hashing the text costs one round per character.
 */
function hashDotted(n: number, parts: 3 | 4): number {
  return finish((n | 0) ^ (parts === 4 ? 0x5bd1e995 : 0x1b873593), 0);
}

const BIG_ENDIAN_HOST = endianness() === 'BE';

/** 32-bit numbers stored in network order, read back. */
function fromBigEndian(bytes: Buffer): Uint32Array {
  const values = new Uint32Array(bytes.length / 4);
  const own = Buffer.from(values.buffer);
  own.set(bytes);
  if (!BIG_ENDIAN_HOST) own.swap32();
  return values;
}

/**
 * The rank of a hash whose last 32 - P bits are all zero (one in half a million): a constant, for
 * the arithmetic would run there for the first time in optimised code, which V8 then throws away.
 */
const ALL_ZEROS_RANK = 32 - P + 1;

/** A hash into a sketch: the register its first P bits name keeps the longest run of zeros after. */
function toRegisters(registers: Uint8Array, h: number): void {
  const idx = h >>> (32 - P);
  const rest = (h << P) >>> 0;
  const rank = rest === 0 ? ALL_ZEROS_RANK : Math.clz32(rest) + 1;
  if (rank > registers[idx]!) registers[idx] = rank;
}

/** `values[from]` to `values[to - 1]`, addresses (parts 4) or /24s (parts 3), into a sketch. */
function toRegistersAll(registers: Uint8Array, values: Uint32Array, from: number, to: number, parts: 3 | 4): void {
  for (let i = from; i < to; i++) toRegisters(registers, hashDotted(values[i]!, parts));
}

/**
 * Bytes of set and sketch storage that counters hold, in this process: what they grow to is
 * added, what an ingest writes ahead and lets go of is taken off (`release`). An ingest compares
 * it with what it was when it started, to keep its memory bounded.
 */
let held = 0;
export function heldBytes(): number {
  return held;
}

/** The last seed an IntSet was given. */
let seeds = 0;

/**
 * A set of 32-bit numbers in one typed array (open addressing): no boxed numbers per value. A
 * slot holding 0 is empty, so that a new array needs no filling; the value 0 is kept apart.
 */
export class IntSet {
  /**
   * Mixed into the hash, different for every set: values come out of one set in the order of
   * its slots, and put into another set hashed the same way they would pile up in runs.
   */
  private readonly seed = (seeds = (seeds + 0x6d2b79f5) | 0);
  /**
   * None while the set holds one value other than 0 at most, kept in `single`: most sets of a
   * wide scan's buckets never hold more, and a table is the larger part of what a set costs.
   */
  private slots: Int32Array | null = null;
  private shift = 0;
  private single = 0;
  private hasZero = false;
  /**
   * Values known to be distinct, kept as they were given, with no table (`ofDistinct`): a table
   * is made from them only if the set is to take more.
   */
  private list: Uint32Array | null = null;
  size = 0;

  /** A set with room for `room` values before it first grows. */
  constructor(room = 1) {
    if (room > 1) this.reserve(room);
  }

  /**
   * The set of `values`, which are distinct and are not changed after: a bucket's sources, split
   * by country, are thousands of sets an hour that are written out and never added to, and
   * making a table for each took a third of the time it takes to count them.
   */
  static ofDistinct(values: Uint32Array): IntSet {
    const set = new IntSet();
    set.list = values;
    set.size = values.length;
    held += values.byteLength;
    return set;
  }

  get bytes(): number {
    return this.slots?.byteLength ?? this.list?.byteLength ?? 0;
  }

  /** Adds `n`; false when it was there already. */
  add(n: number): boolean {
    const k = n | 0;
    const slots = this.slots;
    if (k === 0 || slots === null) return this.addOutsideTable(k);
    const mask = slots.length - 1;
    let i = Math.imul(k ^ this.seed, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const v = slots[i]!;
      if (v === k) return false;
      if (v === 0) break;
      i = (i + 1) & mask;
    }
    slots[i] = k;
    if (++this.size * 2 > slots.length) this.grow(slots.length * 2);
    return true;
  }

  /** `add` for 0, and for a set that has no table (yet). */
  private addOutsideTable(k: number): boolean {
    if (this.list) this.toTable();
    if (k === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.size++;
      return true;
    }
    if (this.slots !== null) return this.add(k);
    if (this.single === k) return false;
    if (this.single === 0) {
      this.single = k;
      this.size++;
      return true;
    }
    this.grow(16);
    return this.add(k);
  }

  /** The values given to `ofDistinct`, moved into a table that can take more. */
  private toTable(): void {
    const list = this.list!;
    this.list = null;
    this.size = 0;
    held -= list.byteLength;
    this.reserve(list.length + 1);
    for (let i = 0; i < list.length; i++) this.add(list[i]!);
  }

  /** Room for `n` values in all, made at once: a set filled from a known count grows no more. */
  reserve(n: number): void {
    if (this.list) this.toTable();
    if (n <= 1) return;
    const now = this.slots?.length ?? 0;
    let length = 16;
    while (n * 2 > length) length *= 2;
    if (length > now) this.grow(length);
  }

  /** The values, in no particular order; not to be changed. */
  values(): Uint32Array {
    if (this.list) return this.list;
    const out = new Uint32Array(this.size);
    let at = 0;
    if (this.hasZero) at++;
    const slots = this.slots;
    if (slots === null) {
      if (this.single !== 0) out[at] = this.single;
      return out;
    }
    // Without a branch per slot: whether a slot is taken is as good as random.
    for (let i = 0; i < slots.length && at < out.length; i++) {
      const v = slots[i]!;
      out[at] = v;
      at += +(v !== 0);
    }
    return out;
  }

  /** A table of `length` slots; the values move over without the checks `add` makes. */
  private grow(length: number): void {
    const old = this.slots;
    const slots = new Int32Array(length);
    held += slots.byteLength - (old?.byteLength ?? 0);
    const shift = (this.shift = 32 - Math.log2(length));
    const mask = length - 1;
    const put = (k: number) => {
      let i = Math.imul(k ^ this.seed, 0x9e3779b1) >>> shift;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = k;
    };
    if (old === null) {
      if (this.single !== 0) put(this.single);
      this.single = 0;
    } else {
      for (let j = 0; j < old.length; j++) if (old[j] !== 0) put(old[j]!);
    }
    this.slots = slots;
  }

  /** Calls `fn` with every value (a callback: a generator costs more than the work per value). */
  forEach(fn: (n: number) => void): void {
    if (this.list) {
      for (let i = 0; i < this.list.length; i++) fn(this.list[i]!);
      return;
    }
    const slots = this.slots;
    if (slots === null) {
      if (this.single !== 0) fn(this.single >>> 0);
    } else for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) fn(slots[i]! >>> 0);
    if (this.hasZero) fn(0);
  }

  /** Writes the values into `out` from `at`, 4 bytes each in network order (the 'N' format). */
  writeBE(out: Buffer, at: number): void {
    if (this.list) {
      const bytes = out.subarray(at, at + this.list.byteLength);
      bytes.set(new Uint8Array(this.list.buffer, this.list.byteOffset, this.list.byteLength));
      if (!BIG_ENDIAN_HOST) bytes.swap32();
      return;
    }
    if (this.hasZero) {
      out.fill(0, at, at + 4);
      at += 4;
    }
    const slots = this.slots;
    if (slots === null) {
      if (this.single !== 0) out.writeInt32BE(this.single, at);
      return;
    }
    for (let i = 0; i < slots.length; i++) {
      const v = slots[i]!;
      if (v === 0) continue;
      out[at] = v >>> 24;
      out[at + 1] = v >>> 16;
      out[at + 2] = v >>> 8;
      out[at + 3] = v;
      at += 4;
    }
  }

  /** Takes this set's storage off `heldBytes`: its owner lets it go. */
  release(): void {
    held -= this.bytes;
  }
}

/**
 * Exact while small: dotted quads and /24s as numbers (one kind per counter), anything else as
 * strings. Beyond EXACT_LIMIT, a HyperLogLog sketch. A value counts once whichever way it came in
 * (as text from a parser or as a number from a byte scanner), and hashes the same either way.
 */
export class UniqueCounter {
  /** Values that are not dotted quads or /24s (IPv6, names); made only when one comes. */
  private strs: Set<string> | null = null;
  private ints: IntSet | null = null;
  private kind: 0 | 3 | 4 = 0;
  private registers: Uint8Array | null = null;

  add(value: string): void {
    const d = parseDotted(value);
    if (this.registers) {
      this.addHash(d ? hashDotted(d.n, d.parts) : hash(value));
      return;
    }
    if (d && (this.kind === 0 || this.kind === d.parts)) this.addDotted(d.n, d.parts);
    else {
      (this.strs ??= new Set()).add(value);
      this.checkSize();
    }
  }

  /** An IPv4 address as a number; false only when it is certainly not new (an exact set had it). */
  addV4(n: number): boolean {
    return this.addDotted(n, 4);
  }

  /**
   * Addresses (parts 4) or /24s (parts 3) given as numbers, `values[from]` to `values[to - 1]`: the
   * exact set is made big enough for them at once, and past its limit they go straight into the
   * sketch's registers.
   */
  addMany(values: Uint32Array, from: number, to: number, parts: 3 | 4): void {
    let i = from;
    if (!this.registers && (this.kind === 0 || this.kind === parts)) {
      (this.ints ??= new IntSet()).reserve(Math.min(this.exactSize + to - from, EXACT_LIMIT));
    }
    for (; i < to && !this.registers; i++) this.addDotted(values[i]!, parts);
    if (this.registers) toRegistersAll(this.registers, values, i, to, parts);
  }

  /**
   * `addMany` for values known to be distinct, which are not changed after: an empty counter
   * keeps them as they are, without a set made for them, or beyond EXACT_LIMIT puts them straight
   * into its sketch.
   */
  addDistinct(values: Uint32Array, from: number, to: number, parts: 3 | 4): void {
    if (this.kind !== 0 || this.ints || this.strs || this.registers) {
      this.addMany(values, from, to, parts);
      return;
    }
    if (to - from <= EXACT_LIMIT) {
      this.kind = parts;
      this.ints = IntSet.ofDistinct(values.subarray(from, to));
      return;
    }
    this.registers = new Uint8Array(M);
    held += M;
    toRegistersAll(this.registers, values, from, to, parts);
  }

  /** A /24 as the number of its first three octets. */
  addNet24(n: number): void {
    this.addDotted(n, 3);
  }

  private addDotted(n: number, parts: 3 | 4): boolean {
    if (this.registers) {
      this.addHash(hashDotted(n, parts));
      return true;
    }
    if (this.kind !== parts) {
      if (this.kind !== 0) {
        (this.strs ??= new Set()).add(dotted(n, parts));
        this.checkSize();
        return true;
      }
      this.kind = parts;
    }
    if (!(this.ints ??= new IntSet()).add(n)) return false;
    this.checkSize();
    return true;
  }

  private get exactSize(): number {
    return (this.strs?.size ?? 0) + (this.ints?.size ?? 0);
  }

  private checkSize(): void {
    if (this.exactSize > EXACT_LIMIT) this.toSketch();
  }

  private addHash(h: number): void {
    toRegisters(this.registers!, h);
  }

  private toSketch(): void {
    this.registers = new Uint8Array(M);
    held += M - (this.ints?.bytes ?? 0);
    if (this.strs) for (const v of this.strs) this.add(v);
    // An indexed loop, not a callback or an iterator: this runs once per bucket, mostly before
    // either would be optimised.
    const values = this.ints?.values();
    if (values) toRegistersAll(this.registers, values, 0, values.length, this.kind as 3 | 4);
    this.strs = null;
    this.ints = null;
  }

  merge(other: UniqueCounter): void {
    if (!other.registers) {
      if (other.strs) for (const v of other.strs) this.add(v);
      const kind = other.kind as 3 | 4;
      other.ints?.forEach((n) => this.addDotted(n, kind));
      return;
    }
    if (!this.registers) this.toSketch();
    for (let i = 0; i < M; i++) if (other.registers[i]! > this.registers![i]!) this.registers![i] = other.registers[i]!;
  }

  /** The storage this counter holds: its set, or its sketch. */
  get bytes(): number {
    return this.registers ? M : (this.ints?.bytes ?? 0);
  }

  /** Takes this counter's storage off `heldBytes`: its owner has written it out and lets it go. */
  release(): void {
    held -= this.bytes;
  }

  count(): number {
    if (!this.registers) return this.exactSize;
    // Registers counted by value first, in four histograms so that equal neighbours do not wait
    // on each other: a branch per register for the zeros costs five times as much.
    const r = this.registers;
    const hist = HISTOGRAM.fill(0);
    for (let i = 0; i < M; i += 4) {
      hist[r[i]! << 2]!++;
      hist[(r[i + 1]! << 2) | 1]!++;
      hist[(r[i + 2]! << 2) | 2]!++;
      hist[(r[i + 3]! << 2) | 3]!++;
    }
    let sum = 0;
    for (let v = 0; v < 64; v++)
      sum += (hist[v << 2]! + hist[(v << 2) | 1]! + hist[(v << 2) | 2]! + hist[(v << 2) | 3]!) * POW2_NEG[v]!;
    const zeros = hist[0]! + hist[1]! + hist[2]! + hist[3]!;
    const e = (ALPHA * M * M) / sum;
    // Small-range correction (linear counting), as in the original HyperLogLog paper.
    return Math.round(e <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : e);
  }

  /**
   * 'H' and the registers; or, while exact, 'N', the kind (3 or 4), the count of numbers, the
   * numbers (32-bit, big-endian) and then any other values as text, one per line. 'E' and text
   * only is what earlier versions wrote, and is still read.
   */
  serialize(): Buffer {
    const text = this.otherValues();
    const out = Buffer.allocUnsafe(this.serializedLength(text));
    this.serializeInto(out, 0, text);
    return out;
  }

  /**
   * Serialises several counters into one buffer: `[start, end)` of each counter's bytes, in
   * order. One allocation for them all, where a busy hour has thousands of per-country sets.
   */
  static serializeAll(counters: UniqueCounter[]): { bytes: Buffer; ends: number[] } {
    const texts = counters.map((u) => u.otherValues());
    const ends: number[] = [];
    let length = 0;
    for (let i = 0; i < counters.length; i++) ends.push((length += counters[i]!.serializedLength(texts[i]!)));
    const bytes = Buffer.allocUnsafe(length);
    for (let i = 0; i < counters.length; i++) counters[i]!.serializeInto(bytes, i === 0 ? 0 : ends[i - 1]!, texts[i]!);
    return { bytes, ends };
  }

  /** The values that are not dotted quads or /24s, as the 'N' format's text part. */
  private otherValues(): Buffer | null {
    return this.strs && !this.registers ? Buffer.from([...this.strs].join('\n'), 'utf8') : null;
  }

  private serializedLength(text: Buffer | null): number {
    return this.registers ? M + 1 : 6 + (this.ints?.size ?? 0) * 4 + (text?.length ?? 0);
  }

  private serializeInto(out: Buffer, at: number, text: Buffer | null): void {
    if (this.registers) {
      out[at] = 0x48;
      out.set(this.registers, at + 1);
      return;
    }
    const n = this.ints?.size ?? 0;
    out[at] = 0x4e;
    out[at + 1] = this.kind;
    out.writeUInt32BE(n, at + 2);
    this.ints?.writeBE(out, at + 6);
    text?.copy(out, at + 6 + n * 4);
  }

  static deserialize(b: Buffer | Uint8Array | null | undefined): UniqueCounter {
    const u = new UniqueCounter();
    if (!b || b.length === 0) return u;
    const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
    if (buf[0] === 0x48 && buf.length === M + 1) {
      u.registers = new Uint8Array(buf.subarray(1));
      return u;
    }
    let textAt = 1;
    if (buf[0] === 0x4e && buf.length >= 6 && (buf[1] === 3 || buf[1] === 4)) {
      textAt = 6 + buf.readUInt32BE(2) * 4;
      const values = fromBigEndian(buf.subarray(6, Math.min(textAt, 6 + Math.floor((buf.length - 6) / 4) * 4)));
      u.addMany(values, 0, values.length, buf[1] as 3 | 4);
    }
    const text = buf.subarray(textAt).toString('utf8');
    if (text) for (const v of text.split('\n')) u.add(v);
    return u;
  }
}
