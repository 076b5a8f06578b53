/**
 * A count of distinct values that stays exact while small and turns into a HyperLogLog sketch
 * when it grows, so that memory per hourly bucket is bounded. Sketches merge across sensors,
 * batches and hours. (An npm HLL measured here undercounted 2x below 10k values; house-style.md.)
 */
import { dotted } from '../extract/formats/scan.ts';

/** Up to this many values the set is kept exact. */
export const EXACT_LIMIT = 1024;
/** 2^13 registers: a standard error of about 1.2%, 8 KB a sketch. */
const P = 13;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);
/** 2^-r for every register value r. */
const POW2_NEG = Float64Array.from({ length: 64 }, (_, r) => 2 ** -r);

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
export function hashDotted(n: number, parts: 3 | 4): number {
  return finish((n | 0) ^ (parts === 4 ? 0x5bd1e995 : 0x1b873593), 0);
}
/** A dotted quad (parts 4) or /24 (parts 3) in canonical form, as a number; null for anything else. */
function parseDotted(s: string): { n: number; parts: 3 | 4 } | null {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let parts = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return null;
      octet = octet * 10 + c - 48;
      if (++digits > 3 || octet > 255) return null;
    } else if (c === 46 && digits > 0 && parts < 4) {
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      parts++;
    } else return null;
  }
  if (digits === 0 || parts < 3) return null;
  return { n: n * 256 + octet, parts: parts as 3 | 4 };
}

const EMPTY = -0x80000000;

/**
 * Bytes of set and sketch storage that counters hold, in this process: what they grow to is
 * added, what an ingest writes ahead and lets go of is taken off (`release`). An ingest compares
 * it with what it was when it started, to keep its memory bounded.
 */
let held = 0;
export function heldBytes(): number {
  return held;
}

/** A set of 32-bit numbers in one typed array (open addressing): no boxed numbers per value. */
class IntSet {
  private slots = new Int32Array(16).fill(EMPTY);
  constructor() {
    held += this.slots.byteLength;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }
  private shift = 28;
  /** EMPTY is itself a value (128.0.0.0): it is kept apart. */
  private hasEmpty = false;
  size = 0;

  /** Adds `n`; false when it was there already. */
  add(n: number): boolean {
    const k = n | 0;
    if (k === EMPTY) {
      if (this.hasEmpty) return false;
      this.hasEmpty = true;
      this.size++;
      return true;
    }
    const mask = this.slots.length - 1;
    let i = Math.imul(k, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const v = this.slots[i]!;
      if (v === k) return false;
      if (v === EMPTY) break;
      i = (i + 1) & mask;
    }
    this.slots[i] = k;
    if (++this.size * 2 > this.slots.length) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(EMPTY);
    held += this.slots.byteLength - old.byteLength;
    this.shift--;
    const hadEmpty = this.hasEmpty;
    this.size = 0;
    this.hasEmpty = false;
    for (let i = 0; i < old.length; i++) if (old[i] !== EMPTY) this.add(old[i]! >>> 0);
    if (hadEmpty) this.add(EMPTY >>> 0);
  }

  /** Calls `fn` with every value (a callback: a generator costs more than the work per value). */
  forEach(fn: (n: number) => void): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i] !== EMPTY) fn(slots[i]! >>> 0);
    if (this.hasEmpty) fn(EMPTY >>> 0);
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
    const idx = h >>> (32 - P);
    const rest = (h << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers![idx]!) this.registers![idx] = rank;
  }

  private toSketch(): void {
    this.registers = new Uint8Array(M);
    held += M - (this.ints?.bytes ?? 0);
    if (this.strs) for (const v of this.strs) this.add(v);
    const kind = this.kind as 3 | 4;
    this.ints?.forEach((n) => this.addHash(hashDotted(n, kind)));
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

  /** While exact: calls `fn` with every IPv4 address the set holds as a number. */
  forEachExactV4(fn: (n: number) => void): void {
    if (!this.registers && this.kind === 4) this.ints?.forEach(fn);
  }

  /** The storage this counter holds: its set, or its sketch. */
  get bytes(): number {
    return this.registers ? M : (this.ints?.bytes ?? 0);
  }

  /** Takes this counter's storage off `heldBytes`: its owner has written it out and lets it go. */
  release(): void {
    held -= this.bytes;
  }

  get isExact(): boolean {
    return this.registers === null;
  }

  count(): number {
    if (!this.registers) return this.exactSize;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const r = this.registers[i]!;
      sum += POW2_NEG[r]!;
      if (r === 0) zeros++;
    }
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
    if (this.registers) return Buffer.concat([Buffer.from('H'), this.registers]);
    const n = this.ints?.size ?? 0;
    const text = Buffer.from([...(this.strs ?? [])].join('\n'), 'utf8');
    const out = Buffer.allocUnsafe(6 + n * 4 + text.length);
    out[0] = 0x4e;
    out[1] = this.kind;
    out.writeUInt32BE(n, 2);
    let at = 6;
    this.ints?.forEach((v) => {
      out.writeUInt32BE(v, at);
      at += 4;
    });
    text.copy(out, at);
    return out;
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
      const n = buf.readUInt32BE(2);
      textAt = 6 + n * 4;
      for (let at = 6; at < textAt && at + 4 <= buf.length; at += 4) u.addDotted(buf.readUInt32BE(at), buf[1] as 3 | 4);
    }
    const text = buf.subarray(textAt).toString('utf8');
    if (text) for (const v of text.split('\n')) u.add(v);
    return u;
  }
}
