import type { LineClock, PacketSlots } from './scan.ts';
import ipaddr from 'ipaddr.js';
import { DateTime } from 'luxon';
import type { LogEvent, Proto } from '../../model.ts';

/** What a parser needs to place a timestamp that lacks a year or a zone. */
export interface TimeContext {
  /** A time near the records: the post's Date, or the log file's time. Years are inferred from it. */
  reference: Date;
  /** IANA zone of timestamps that carry none. */
  zone: string;
}

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
export function columnIndex(columns: string[], ...names: string[]): Array<number | undefined> {
  return names.map((n) => {
    const i = columns.indexOf(n);
    return i < 0 ? undefined : i;
  });
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

export interface WallTime {
  year: number | null;
  month: number | null;
  day: number | null;
  hour: number;
  minute: number;
  second: number;
  fraction: string;
  /** Offset written in the timestamp itself ("Z", "+09:00"), if any. */
  offset: string | null;
}

/**
 * Places a wall-clock time on the UTC axis. A timestamp without a year gets the year that puts it
 * closest before the reference (syslog lines from late December read in January belong to the
 * year before); one without a date gets the reference's date, or the day before.
 */
export function toIso(w: WallTime, time: TimeContext): string | null {
  if (w.month !== null && (w.month < 1 || w.month > 12)) return null;
  if (w.hour > 23 || w.minute > 59 || w.second > 60) return null;
  const ms = w.fraction ? Math.round(Number(`0.${w.fraction}`) * 1000) % 1000 : 0;
  const fixed = w.offset ?? (time.zone === 'UTC' ? 'Z' : null);
  // UTC or a written offset needs no zone database: the common case for sensor logs, and many
  // times faster than luxon.
  const t = fixed === null ? zonedMillis(w, ms, time) : fixedMillis(w, ms, fixed, time.reference.getTime());
  if (t === null) return null;
  return new Date(t).toISOString().replace(ms ? /Z$/ : /\.000Z$/, 'Z');
}

function offsetMinutes(fixed: string): number {
  if (fixed === 'Z') return 0;
  return (fixed.startsWith('-') ? -1 : 1) * (Number(fixed.slice(1, 3)) * 60 + Number(fixed.slice(-2)));
}

function fixedMillis(w: WallTime, ms: number, fixed: string, reference: number): number | null {
  const off = offsetMinutes(fixed) * 60_000;
  const ref = new Date(reference + off);
  const build = (year: number, month: number, day: number) => {
    // Date.UTC rolls "Feb 30" over into March; such a timestamp is not a time at all.
    if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
    return Date.UTC(year, month - 1, day, w.hour, w.minute, w.second, ms) - off;
  };
  const month = w.month ?? ref.getUTCMonth() + 1;
  const day = w.day ?? ref.getUTCDate();
  let t = build(w.year ?? ref.getUTCFullYear(), month, day);
  if (t !== null && w.year === null && w.month !== null && t > reference + 2 * 86_400_000)
    t = build(ref.getUTCFullYear() - 1, month, day);
  if (t !== null && w.day === null && t > reference) t -= 86_400_000;
  return t;
}

function zonedMillis(w: WallTime, ms: number, time: TimeContext): number | null {
  const ref = DateTime.fromJSDate(time.reference, { zone: time.zone });
  const build = (year: number) =>
    DateTime.fromObject(
      {
        year,
        month: w.month ?? ref.month,
        day: w.day ?? ref.day,
        hour: w.hour,
        minute: w.minute,
        second: w.second,
        millisecond: ms,
      },
      { zone: time.zone },
    );
  let dt = build(w.year ?? ref.year);
  if (w.year === null && w.month !== null && dt.isValid && dt > ref.plus({ days: 2 })) dt = build(ref.year - 1);
  if (w.day === null && dt.isValid && dt > ref) dt = dt.minus({ days: 1 });
  return dt.isValid ? dt.toMillis() : null;
}

/** "Mar 15 20:57:02", "Jan  8 03:37:09", "Apr 15 2013 09:36:50", with optional fraction. */
export const SYSLOG_TS = /([A-Z][a-z]{2})\s+(\d{1,2})\s+(?:(\d{4})\s+)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;
/** "2025-10-18 20:00:21.848827", "2024-05-01T10:00:00+09:00". */
export const ISO_TS = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?/;

/** Both timestamp patterns keep the time of day in groups 4-7. */
function clock(m: RegExpExecArray): Pick<WallTime, 'hour' | 'minute' | 'second' | 'fraction'> {
  return { hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), fraction: m[7] ?? '' };
}

export function syslogWall(m: RegExpExecArray): WallTime | null {
  const month = MONTHS[m[1]!.toLowerCase()];
  if (!month) return null;
  return { year: m[3] ? Number(m[3]) : null, month, day: Number(m[2]), ...clock(m), offset: null };
}

export function isoWall(m: RegExpExecArray): WallTime {
  const offset = m[8] ? (m[8] === 'Z' ? 'Z' : m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : null;
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), ...clock(m), offset };
}

/**
 * Finds a syslog or ISO timestamp at the start of `text`, after an optional `<PRI>`, and after
 * RFC 5424's version (`<134>1 2026-...`), as rsyslog's RSYSLOG_SyslogProtocol23Format writes it.
 */
export function leadingTimestamp(
  text: string,
  time: TimeContext,
): { ts: string | null; tsText: string; end: number } | null {
  const pri = /^\s*(?:<\d{1,3}>(?:[1-9]\d{0,2} (?=\d{4}-))?)?\s*/.exec(text)![0].length;
  const rest = text.slice(pri);
  const iso = ISO_TS.exec(rest);
  if (iso && iso.index === 0) return { ts: toIso(isoWall(iso), time), tsText: iso[0], end: pri + iso[0].length };
  const sys = SYSLOG_TS.exec(rest);
  if (sys && sys.index === 0) {
    const w = syslogWall(sys);
    if (w) return { ts: toIso(w, time), tsText: sys[0], end: pri + sys[0].length };
  }
  return null;
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
 * An address with its port appended: "1.2.3.4:80", "[2001:db8::1]:80", or IPv6 whose ninth colon
 * group is the port; a bare address (brackets taken off) has none.
 */
export function hostPort(s: string): { addr: string; port: number | null } {
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(s);
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
