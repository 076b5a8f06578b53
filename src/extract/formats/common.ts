import { parse as parseCsv } from 'csv-parse/sync';
import ipaddr from 'ipaddr.js';
import type { LogEvent, Proto } from '../../model.ts';
import type { LineClock, PacketSlots } from './scan.ts';
import { leadingTimestamp, toIso, wallOf, type TimeContext } from './timestamps.ts';

export {
  CLF_TS,
  clfWall,
  ISO_TS,
  isoWall,
  leadingTimestamp,
  SLASH_TS,
  SYSLOG_TS,
  syslogWall,
  toIso,
  wallOf,
  type TimeContext,
  type WallTime,
} from './timestamps.ts';

/**
 * A log format: one module in formats/, one line in the registry. `sniff` is a cheap test run on
 * every candidate; `parse` returns null for text it cannot read and never throws. Header-driven
 * formats (Zeek #fields, W3C #Fields, CSV) also recognise their header line; `parse` then gets the
 * columns it declared, or null, in which case the format's documented default order applies.
 */
export interface LogFormat {
  id: string;
  description: string;
  sniff(text: string): boolean;
  parse(text: string, time: TimeContext, columns?: string[] | null): LogEvent | null;
  header?(line: string): string[] | null;
  /** The byte-level reading for sensor-scale ingest (scan.ts); optional, and never the only one. */
  scan?(buf: Buffer, start: number, end: number, out: PacketSlots, clock: LineClock): boolean;
}

/** A real IPv4 (dotted quad) or IPv6 address; anonymised and defanged ones are not. */
const DOTTED_QUAD = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A dotted quad as ipaddr.js prints one (no leading zeros), so it is its own canonical form. */
export function isDottedQuad(s: string): boolean {
  return DOTTED_QUAD.test(s);
}

export function isIpAddress(s: string): boolean {
  // The common case first: a plain dotted quad needs no address library.
  return DOTTED_QUAD.test(s) || (s.includes(':') && ipaddr.IPv6.isValid(s));
}

/** Unix time in seconds (with a fraction) as ISO 8601 UTC; null when it is not a number. */
export function epochIso(s: string | undefined): string | null {
  if (!s || !/^\d{9,11}(\.\d+)?$/.test(s)) return null;
  return new Date(Math.round(Number(s) * 1000)).toISOString().replace(/\.000Z$/, 'Z');
}

/** TCP flags as a bitmask (AWS VPC tcp-flags, Zeek, nfdump): FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32. */
export function flagsFromBitmask(n: number): string {
  const set = new Set<string>();
  [
    ['F', 1],
    ['S', 2],
    ['R', 4],
    ['P', 8],
    ['A', 16],
    ['U', 32],
    ['E', 64],
    ['C', 128],
  ].forEach(([c, b]) => {
    if (n & (b as number)) set.add(c as string);
  });
  return ordered(set);
}

/** The value of `key=value` or `key="value"` in a key=value log line (FortiGate, NetScreen). */
export function kvField(text: string, key: string): string | undefined {
  return new RegExp(`(?:^|[\\s>])${key}=("[^"]*"|\\S+)`).exec(text)?.[1]?.replace(/^"|"$/g, '');
}

/** The index of each wanted column, by name. */
/**
 * The field names of a W3C extended log's `#Fields:` header (IIS, Windows Firewall), when it names
 * `must` among them: the file's own column order.
 */
export function w3cFields(line: string, must: string): string[] | null {
  if (!/^\s*#Fields:\s/i.test(line) || !line.includes(must)) return null;
  return line
    .replace(/^\s*#Fields:\s*/i, '')
    .trim()
    .split(/\s+/);
}

/** A W3C log's `date` and `time` fields (`2024-06-11`, `08:12:33`) as a time, in `offset` when the format says one. */
export function w3cTime(
  date: string | undefined,
  clock: string | undefined,
  time: TimeContext,
  offset: string | null = null,
): { ts: string | null; tsText: string | null } {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  const cm = /^(\d{2}):(\d{2}):(\d{2})$/.exec(clock ?? '');
  if (!dm || !cm) return { ts: null, tsText: null };
  return {
    ts: toIso(wallOf([dm[1], dm[2], dm[3], cm[1], cm[2], cm[3]], '', offset), time),
    tsText: `${date} ${clock}`,
  };
}

export function columnIndex(columns: string[], ...names: string[]): Array<number | undefined> {
  return names.map((n) => {
    const i = columns.indexOf(n);
    return i < 0 ? undefined : i;
  });
}

export function protoOf(name: string | undefined | null): Proto | null {
  if (!name) return null;
  switch (name.toLowerCase()) {
    case 'tcp':
    case '6':
      return 'tcp';
    case 'udp':
    case '17':
      return 'udp';
    case 'icmp':
    case '1':
    case 'icmpv6':
    case 'ipv6-icmp':
    case '58':
      return 'icmp';
    default:
      return null;
  }
}

const FLAG_ORDER = 'FSRPAUEC';
const FLAG_WORDS: Record<string, string> = {
  FIN: 'F',
  SYN: 'S',
  RST: 'R',
  PSH: 'P',
  ACK: 'A',
  URG: 'U',
  ECE: 'E',
  CWR: 'C',
};
/** tcpdump letters: "." is ACK, "W" is CWR. */
const FLAG_LETTERS: Record<string, string> = {
  F: 'F',
  S: 'S',
  R: 'R',
  P: 'P',
  A: 'A',
  '.': 'A',
  U: 'U',
  E: 'E',
  W: 'C',
  C: 'C',
};

function ordered(set: Set<string>): string {
  return [...FLAG_ORDER].filter((c) => set.has(c)).join('');
}

/** "SYN", "CWR ECE SYN", "URG PSH FIN" -> "S", "SEC"... in F S R P A U E C order. */
export function flagsFromWords(words: string): string {
  const set = new Set<string>();
  for (const w of words.toUpperCase().split(/[\s,|+]+/)) if (FLAG_WORDS[w]) set.add(FLAG_WORDS[w]);
  return ordered(set);
}

/** "-S------", "F---A---", "S.", "R.", "." -> letters in F S R P A U E C order. */
export function flagsFromLetters(letters: string): string {
  const set = new Set<string>();
  for (const c of letters.toUpperCase()) if (FLAG_LETTERS[c]) set.add(FLAG_LETTERS[c]);
  return ordered(set);
}

export function port(s: string | undefined | null): number | null {
  if (s === undefined || s === null || s === '') return null;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : null;
}

/**
 * A dotted quad whose octets a poster may have masked ("A.B.C.15", "x.x.x.x", "192.0.2.x",
 * "a.b.c.d", "xxx.xxx.xxx.15", "10.*.*.1"), then ":port": the port is still the one probed.
 */
export const MASKED_V4 = String.raw`(?:\d{1,3}|[A-Za-z]{1,3}|\*{1,3})(?:\.(?:\d{1,3}|[A-Za-z]{1,3}|\*{1,3})){3}`;
const MAYBE_MASKED_V4_PORT = new RegExp(String.raw`^(${MASKED_V4}):(\d{1,5})$`);
const MAYBE_MASKED_V4 = new RegExp(`^${MASKED_V4}$`);

/** An address as a post may give one: real, or with octets masked ("203.0.113.x", "A.B.C.15"). */
export function addressLike(s: string): boolean {
  return isIpAddress(s) || MAYBE_MASKED_V4.test(s);
}

/** Octets as posts mask them: digits, a letter, x's or stars ("A.B.C.15", "x.x.x.x", "192.0.2.*"), no name. */
const MASKED_ONLY_V4 = /^(?:\d{1,3}|[A-Za-z]|[xX]{1,3}|\*{1,3})(?:\.(?:\d{1,3}|[A-Za-z]|[xX]{1,3}|\*{1,3})){3}$/;

/** An IPv4 address a post masked, not a real one nor a name. */
export function maskedV4(s: string): boolean {
  return MASKED_ONLY_V4.test(s) && !isIpAddress(s);
}

/**
 * An address with its port appended: "1.2.3.4:80", "[2001:db8::1]:80", or IPv6 whose ninth colon
 * group is the port; a bare address (brackets taken off) has none.
 */
export function hostPort(written: string): { addr: string; port: number | null } {
  // An IPv4-mapped IPv6 address, as dual-stack sockets write an IPv4 peer (Dionaea's
  // "::ffff:192.0.2.90:445"), is that IPv4 address.
  const s = written.replace(/^(\[?)::ffff:(?=\d{1,3}(?:\.\d{1,3}){3}\b)/i, '$1');
  const v4 = MAYBE_MASKED_V4_PORT.exec(s);
  if (v4) return { addr: v4[1]!, port: port(v4[2]) };
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(s)) return { addr: s, port: null };
  const bracket = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s);
  if (bracket) return { addr: bracket[1]!, port: port(bracket[2]) };
  // Snort writes IPv6 as eight full groups, so a ninth group is the port.
  const groups = s.split(':');
  if (groups.length === 9) {
    return { addr: groups.slice(0, 8).join(':'), port: port(groups[8]) };
  }
  return { addr: s.replace(/^\[([^\]]+)\]$/, '$1'), port: null };
}

/** A field with no quote inside: quoted whole or not at all, then a comma or the end. */
const PLAIN_FIELD = /"([^"]*)"(?=,|$)|([^",]*)(?=,|$)/y;

/**
 * The fields of a CSV line whose fields are all plain, as csv-parse reads them, or null: csv-parse
 * sets up a parser for each call, 31 us of CPU for a Shadowserver row where this takes 1.6. It
 * stays the reader of the rest: doubled quotes, a quote inside a field, and text with a lone
 * surrogate, which it writes as U+FFFD.
 */
function plainFields(line: string): string[] | null {
  if (!line || /[\ud800-\udfff]/.test(line)) return null;
  const out: string[] = [];
  for (let at = 0; ; at++) {
    PLAIN_FIELD.lastIndex = at;
    const m = PLAIN_FIELD.exec(line);
    if (!m) return null;
    out.push(m[1] ?? m[2]!);
    at = PLAIN_FIELD.lastIndex;
    if (at === line.length) return out;
  }
}

/** The fields of one CSV line, or null when it is not one. */
export function csvFields(line: string): string[] | null {
  const plain = plainFields(line);
  if (plain) return plain;
  try {
    return (parseCsv(line, { relax_column_count: true, relax_quotes: true }) as string[][])[0] ?? null;
  } catch {
    return null;
  }
}

/** A line no larger than this is read as JSON: records with payloads (eve.json) can be huge. */
const MAX_JSON_LINE = 64 * 1024;

/** The JSON object a line holds from its first `{`; null for anything else, or a line too long. */
export function jsonRecord(text: string): Record<string, unknown> | null {
  const start = text.indexOf('{');
  if (start < 0 || text.length > MAX_JSON_LINE) return null;
  try {
    const o: unknown = JSON.parse(text.slice(start));
    return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A JSON value as text when it is a string or a number. */
export function jsonText(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function event(format: string, raw: string, fields: Omit<LogEvent, 'format' | 'raw'>): LogEvent {
  return { format, ...fields, raw };
}

/**
 * A record of two `host:port` ends, as most filter logs write one: an ICMP record's "ports" are its
 * type and code, not ports; the time is the one the line starts with unless the format read its own.
 */
export function endsEvent(
  format: string,
  raw: string,
  time: TimeContext,
  f: {
    src: string;
    dst: string;
    proto: Proto | null;
    action: string | null;
    flags?: string | null;
    ts?: { ts: string | null; tsText: string | null } | null;
  },
): LogEvent {
  const s = hostPort(f.src);
  const d = hostPort(f.dst);
  const ports = f.proto !== 'icmp';
  const ts = f.ts === undefined ? leadingTimestamp(raw, time) : f.ts;
  return event(format, raw, {
    ts: ts?.ts ?? null,
    tsText: ts?.tsText ?? null,
    src: s.addr,
    spt: ports ? s.port : null,
    dst: d.addr,
    dpt: ports ? d.port : null,
    proto: f.proto,
    flags: f.flags ?? null,
    flagsText: null,
    action: f.action,
  });
}
