/**
 * A count of distinct values that stays exact while small and turns into a HyperLogLog sketch
 * when it grows, so that memory per hourly bucket is bounded. Sketches merge across sensors,
 * batches and hours. (An npm HLL measured here undercounted 2x below 10k values; house-style.md.)
 */

/** Up to this many values the set is kept exact. */
export const EXACT_LIMIT = 1024;
/** 2^13 registers: a standard error of about 1.2%, 8 KB a sketch. */
const P = 13;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);

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
  h ^= s.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class UniqueCounter {
  private exact: Set<string> | null = new Set();
  private registers: Uint8Array | null = null;

  add(value: string): void {
    if (this.exact) {
      this.exact.add(value);
      if (this.exact.size > EXACT_LIMIT) this.toSketch();
      return;
    }
    this.addHash(hash(value));
  }

  private addHash(h: number): void {
    const idx = h >>> (32 - P);
    const rest = (h << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers![idx]!) this.registers![idx] = rank;
  }

  private toSketch(): void {
    this.registers = new Uint8Array(M);
    for (const v of this.exact!) this.addHash(hash(v));
    this.exact = null;
  }

  merge(other: UniqueCounter): void {
    if (other.exact) {
      for (const v of other.exact) this.add(v);
      return;
    }
    if (this.exact) this.toSketch();
    for (let i = 0; i < M; i++) if (other.registers![i]! > this.registers![i]!) this.registers![i] = other.registers![i]!;
  }

  get isExact(): boolean {
    return this.exact !== null;
  }

  has(value: string): boolean | null {
    return this.exact ? this.exact.has(value) : null;
  }

  count(): number {
    if (this.exact) return this.exact.size;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      sum += 2 ** -this.registers![i]!;
      if (this.registers![i] === 0) zeros++;
    }
    const e = (ALPHA * M * M) / sum;
    // Small-range correction (linear counting), as in the original HyperLogLog paper.
    return Math.round(e <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : e);
  }

  /** 'E' and the values joined by newlines, or 'H' and the registers. */
  serialize(): Buffer {
    if (this.exact) return Buffer.concat([Buffer.from('E'), Buffer.from([...this.exact].join('\n'), 'utf8')]);
    return Buffer.concat([Buffer.from('H'), Buffer.from(this.registers!)]);
  }

  static deserialize(b: Buffer | Uint8Array | null | undefined): UniqueCounter {
    const u = new UniqueCounter();
    if (!b || b.length === 0) return u;
    const buf = Buffer.from(b);
    if (buf[0] === 0x48 && buf.length === M + 1) {
      u.exact = null;
      u.registers = new Uint8Array(buf.subarray(1));
    } else {
      const text = buf.subarray(1).toString('utf8');
      if (text) for (const v of text.split('\n')) u.add(v);
    }
    return u;
  }
}
