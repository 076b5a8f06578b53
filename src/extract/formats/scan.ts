/**
 * Byte-level reading of log lines, for formats that arrive by the million (sensor logs). A format
 * may offer `scan` next to `parse`: it reads a line straight from the file's Buffer into numeric
 * slots, with no string made, and returns false for anything unusual, which then goes through
 * `parse` as usual. Whatever `scan` accepts must count exactly as `parse` would.
 */
import { leadingTimestamp, type TimeContext } from './timestamps.ts';

export const PROTO_TCP = 0;
export const PROTO_UDP = 1;
export const PROTO_ICMP = 2;
export const PROTO_NAMES = ['tcp', 'udp', 'icmp'] as const;

/** One packet as `scan` leaves it. Addresses are IPv4 as unsigned 32-bit numbers; -1 is absent. */
export interface PacketSlots {
  ms: number;
  proto: number;
  src: number;
  dst: number;
  spt: number;
  dpt: number;
  /** TCP flags as bits in F S R P A U E C order (F = 1 ... C = 128); 0 when none or not TCP. */
  flags: number;
  ttl: number;
  ipId: number;
  seq: number;
}

export function newPacketSlots(): PacketSlots {
  return { ms: 0, proto: 0, src: 0, dst: 0, spt: -1, dpt: -1, flags: 0, ttl: -1, ipId: -1, seq: -1 };
}

export const FLAG_SYN = 2;
const FLAG_LETTERS = 'FSRPAUEC';

/** The flags string `parse` would give, from the bits. */
export function flagLetters(bits: number): string {
  let s = '';
  for (let i = 0; i < 8; i++) if (bits & (1 << i)) s += FLAG_LETTERS[i];
  return s;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;
/** A UTC offset a blank after the time ("... 22:14:09 -0500"): the text parser reads it, the scanner leaves it. */
const offsetApart = (buf: Buffer, te: number, end: number): boolean =>
  te + 2 < end && buf[te] === 32 && (buf[te + 1] === 43 || buf[te + 1] === 45) && isDigit(buf[te + 2]);

/**
 * The leading timestamp of lines, remembered: a sensor writes thousands of lines an hour, and
 * they share their first bytes. An ISO 8601 time with an offset (or in a UTC log) is read from
 * its bytes against the start of its hour, which is worked out once an hour; any other time text
 * is compared whole with the last line's. Whatever is new goes through `leadingTimestamp`, the
 * same reading `parse` uses.
 */
export class LineClock {
  /** Where the time text of the last line read ends. */
  end = 0;
  private readonly key = Buffer.alloc(64);
  private keyLen = -1;
  private base = Number.NaN;
  /**
   * The key's first 12 bytes as three 32-bit words, and a view of the buffer read last: the hour
   * is compared a word at a time, which took about 5% off the scanner's time.
   */
  private k0 = 0;
  private k1 = 0;
  private k2 = 0;
  private view: DataView | null = null;
  private viewOf: Buffer | null = null;
  constructor(private readonly time: TimeContext) {}

  /** Epoch ms of the line's leading timestamp; NaN when it has none. */
  read(buf: Buffer, start: number, end: number): number {
    if (isDigit(buf[start])) {
      const ms = this.iso(buf, start, end);
      if (ms !== null) return ms;
    }
    return this.whole(buf, start, end);
  }

  /** `YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm]` up to the first space; null when the text is not that. */
  private iso(buf: Buffer, start: number, end: number): number | null {
    return this.sameHour(buf, start, end) ?? this.newHour(buf, start, end);
  }

  /** The common case: the hour and the offset are the last ISO line's, so only MM:SS.fff is read. */
  private sameHour(buf: Buffer, start: number, end: number): number | null {
    const zoneLen = this.keyLen - 13;
    if (zoneLen < 0 || start + 13 > buf.length) return null;
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const view = this.view!;
    if (
      view.getInt32(start, true) !== this.k0 ||
      view.getInt32(start + 4, true) !== this.k1 ||
      view.getInt32(start + 8, true) !== this.k2 ||
      buf[start + 12] !== this.key[12]
    )
      return null;
    const m1 = buf[start + 14]! - 48,
      m2 = buf[start + 15]! - 48,
      s1 = buf[start + 17]! - 48,
      s2 = buf[start + 18]! - 48;
    if (
      buf[start + 13] !== 58 ||
      buf[start + 16] !== 58 ||
      !(m1 >= 0 && m1 <= 5 && m2 >= 0 && m2 <= 9 && s1 >= 0 && s1 <= 6 && s2 >= 0 && s2 <= 9)
    )
      return null;
    let fe = start + 19;
    let frac = 0;
    let scale = 1;
    if (buf[fe] === 46) {
      fe++;
      while (fe < end && isDigit(buf[fe]) && scale < 1e9) {
        frac = frac * 10 + buf[fe]! - 48;
        scale *= 10;
        fe++;
      }
      if (scale === 1) return null;
    }
    for (let i = 0; i < zoneLen; i++) if (buf[fe + i] !== this.key[13 + i]) return null;
    const te = fe + zoneLen;
    if (te > end || (te < end && buf[te] !== 32) || (zoneLen === 0 && offsetApart(buf, te, end))) return null;
    const second = s1 * 10 + s2;
    if (second > 60) return null;
    this.end = te;
    return (
      this.base + ((m1 * 10 + m2) * 60 + second) * 1000 + (scale > 1 ? Math.round((frac / scale) * 1000) % 1000 : 0)
    );
  }

  private newHour(buf: Buffer, start: number, end: number): number | null {
    let te = start;
    while (te < end && buf[te] !== 32) te++;
    if (te - start < 19 || te - start > 40) return null;
    for (let i = 0; i < ISO_DIGITS.length; i++) if (!isDigit(buf[start + ISO_DIGITS[i]!])) return null;
    if (
      buf[start + 4] !== 45 ||
      buf[start + 7] !== 45 ||
      buf[start + 10] !== 84 ||
      buf[start + 13] !== 58 ||
      buf[start + 16] !== 58
    )
      return null;
    let fe = start + 19;
    let frac = 0;
    let scale = 1;
    if (buf[fe] === 46) {
      fe++;
      while (fe < te && isDigit(buf[fe]) && fe - start < 29) {
        frac = frac * 10 + buf[fe]! - 48;
        scale *= 10;
        fe++;
      }
      if (scale === 1) return null;
    }
    const zoneLen = te - fe;
    if (
      zoneLen === 0
        ? this.time.zone !== 'UTC' || offsetApart(buf, te, end)
        : buf[fe] !== 90 && buf[fe] !== 43 && buf[fe] !== 45
    )
      return null;
    // The hour and the offset are the key: minutes, seconds and fraction are added to its start.
    const keyLen = 13 + zoneLen;
    let same = keyLen === this.keyLen;
    for (let i = 0; same && i < 13; i++) same = buf[start + i] === this.key[i];
    for (let i = 0; same && i < zoneLen; i++) same = buf[fe + i] === this.key[13 + i];
    if (!same) {
      const hourText = `${buf.toString('latin1', start, start + 13)}:00:00${buf.toString('latin1', fe, te)}`;
      const ts = leadingTimestamp(hourText, this.time);
      if (!ts || ts.ts === null || ts.end !== hourText.length) return null;
      buf.copy(this.key, 0, start, start + 13);
      buf.copy(this.key, 13, fe, te);
      this.keyLen = keyLen;
      this.base = Date.parse(ts.ts);
      this.k0 = this.key.readInt32LE(0);
      this.k1 = this.key.readInt32LE(4);
      this.k2 = this.key.readInt32LE(8);
    }
    const minute = (buf[start + 14]! - 48) * 10 + buf[start + 15]! - 48;
    const second = (buf[start + 17]! - 48) * 10 + buf[start + 18]! - 48;
    if (minute > 59 || second > 60) return null;
    this.end = te;
    // As toIso rounds a fraction: to the millisecond, and within the second.
    return this.base + (minute * 60 + second) * 1000 + (scale > 1 ? Math.round((frac / scale) * 1000) % 1000 : 0);
  }

  private readonly text = Buffer.alloc(64);
  private textLen = -1;
  private textMs = Number.NaN;

  /** Any other leading time text, compared whole with the last such line's. */
  private whole(buf: Buffer, start: number, end: number): number {
    const n = this.textLen;
    // (not when an offset follows the text, which that line did not have: "... 07.123456 +09:00")
    let same = n > 0 && start + n < end && buf[start + n] === 32 && !offsetApart(buf, start + n, end);
    for (let i = 0; same && i < n; i++) same = buf[start + i] === this.text[i];
    if (same) {
      this.end = start + n;
      return this.textMs;
    }
    const head = buf.toString('latin1', start, Math.min(end, start + 64));
    const ts = leadingTimestamp(head, this.time);
    if (!ts || ts.ts === null) {
      this.textLen = -1;
      return Number.NaN;
    }
    buf.copy(this.text, 0, start, start + ts.end);
    this.textLen = ts.end;
    this.textMs = Date.parse(ts.ts);
    this.end = start + ts.end;
    return this.textMs;
  }
}

const ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
