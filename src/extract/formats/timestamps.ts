/**
 * Timestamps as logs write them, placed on the UTC axis. Below both the format parsers
 * (common.ts) and the byte-level scanner (scan.ts), which read the same timestamps.
 */
import { DateTime } from 'luxon';

/** What a parser needs to place a timestamp that lacks a year or a zone. */
export interface TimeContext {
  /** A time near the records: the post's Date, or the log file's time. Years are inferred from it. */
  reference: Date;
  /** Zone of timestamps that carry none: an IANA name, or a fixed offset such as "+09:00". */
  zone: string;
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
  const fixed = w.offset ?? (time.zone === 'UTC' ? 'Z' : FIXED_OFFSET.test(time.zone) ? time.zone : null);
  // UTC or a written offset needs no zone database: the common case for sensor logs, and many
  // times faster than luxon.
  const t = fixed === null ? zonedMillis(w, ms, time) : fixedMillis(w, ms, fixed, time.reference.getTime());
  if (t === null) return null;
  return new Date(t).toISOString().replace(ms ? /Z$/ : /\.000Z$/, 'Z');
}

const FIXED_OFFSET = /^[+-]\d{2}:\d{2}$/;

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
/**
 * "2025-10-18 20:00:21.848827", "2024-05-01T10:00:00+09:00", and ISO 8601's decimal comma as Python's
 * logging writes it ("2024-06-12 09:01:44,118": fail2ban), not a next CSV column ("...:44,118,tcp").
 */
// (an offset a blank apart, "2024-04-26 22:14:09 -0500", as strftime's "%F %T %z" writes it, or a zone's
// name: "2025-03-06 00:12:44 JST", as posts from Japan write their local time)
export const ISO_TS = new RegExp(
  String.raw`(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:(?:\.|,(?=\d{3}(?![\d,])))(\d{1,9}))?` +
    String.raw`(Z|[+-]\d{2}:?\d{2}| [+-](?:0\d|1[0-4]):?(?:00|30|45)(?![\d:.%])| (?:UTC|GMT|JST)(?![\w+-]))?`,
);

/** The zones a timestamp may name instead of its offset. */
const ZONE_NAMES: Record<string, string> = { UTC: 'Z', GMT: 'Z', JST: '+09:00' };

/** "2026/02/19 10:31:22", as Yamaha, NEC and other routers write their local time. */
export const SLASH_TS = /(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;
/** "2026 Jun 14 09:12:55": syslog's time with the year first, as some embedded firewalls write it. */
const YEAR_SYSLOG_TS = /(\d{4}) ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/y;

/** "Sun Mar 16 21:05:33 2025": C's ctime, as OpenWrt's logread and Apache's error log write it. */
const CTIME_TS =
  /(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) +(\d{1,2})() (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? (\d{4})\b/y;

/** Every timestamp pattern keeps the time of day in groups 4-7. */
function clock(m: RegExpExecArray): Pick<WallTime, 'hour' | 'minute' | 'second' | 'fraction'> {
  return { hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), fraction: m[7] ?? '' };
}

/**
 * A wall time from the numbers as a format writes them: year, month, day, hour, minute and
 * second, in that order whatever order the line has them in.
 */
export function wallOf(
  [year, month, day, hour, minute, second]: Array<string | undefined>,
  fraction: string,
  offset: string | null,
): WallTime {
  return {
    year: +year!,
    month: +month!,
    day: +day!,
    hour: +hour!,
    minute: +minute!,
    second: +second!,
    fraction,
    offset,
  };
}

export function syslogWall(m: RegExpExecArray): WallTime | null {
  const month = MONTHS[m[1]!.toLowerCase()];
  if (!month) return null;
  return { year: m[3] ? Number(m[3]) : null, month, day: Number(m[2]), ...clock(m), offset: null };
}

/** Common Log Format's time, as web servers write it: "28/Nov/2026:22:14:07 +0000". */
export const CLF_TS = /(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})/;

export function clfWall(m: RegExpExecArray): WallTime | null {
  const month = MONTHS[m[2]!.toLowerCase()];
  if (!month) return null;
  return {
    year: Number(m[3]),
    month,
    day: Number(m[1]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    fraction: '',
    offset: `${m[7]}${m[8]}:${m[9]}`,
  };
}

/** A wall time from ISO_TS or SLASH_TS, which write the date's numbers in the same order. */
export function isoWall(m: RegExpExecArray): WallTime {
  const o = m[8]?.trimStart();
  const offset = o ? (ZONE_NAMES[o] ?? (o === 'Z' ? 'Z' : o.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2'))) : null;
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), ...clock(m), offset };
}

/**
 * Finds a syslog, ISO, year/month/day or ctime timestamp at the start of `text`, after an optional
 * `<PRI>`, and after RFC 5424's version (`<134>1 2026-...`), as rsyslog's
 * RSYSLOG_SyslogProtocol23Format writes it.
 */
export function leadingTimestamp(
  text: string,
  time: TimeContext,
): { ts: string | null; tsText: string; end: number } | null {
  // (or in brackets, as many a honeypot writes it: "[2025-03-03 08:11:02] 192.0.2.66:39012 -> ...")
  const pri = /^\s*(?:<\d{1,3}>(?:[1-9]\d{0,2} (?=\d{4}-))?|\[(?=\d{4}-))?\s*/.exec(text)![0].length;
  const rest = text.slice(pri);
  const found = (m: RegExpExecArray, w: WallTime | null) =>
    w && { ts: toIso(w, time), tsText: m[0], end: pri + m[0].length };
  const iso = ISO_TS.exec(rest);
  if (iso && iso.index === 0) return found(iso, isoWall(iso));
  const sys = SYSLOG_TS.exec(rest);
  if (sys && sys.index === 0) return found(sys, syslogWall(sys));
  const slash = SLASH_TS.exec(rest);
  if (slash && slash.index === 0) return found(slash, isoWall(slash));
  CTIME_TS.lastIndex = 0;
  const c = CTIME_TS.exec(rest);
  const cw = c && syslogWall(c);
  if (c) return found(c, cw && { ...cw, year: Number(c[8]) });
  YEAR_SYSLOG_TS.lastIndex = 0;
  const y = YEAR_SYSLOG_TS.exec(rest);
  const month = y && MONTHS[y[2]!.toLowerCase()];
  return y && month ? found(y, { year: Number(y[1]), month, day: Number(y[3]), ...clock(y), offset: null }) : null;
}
