import { DateTime } from 'luxon';
import { zoneAbbr } from '../time.ts';

export { zoneAbbr } from '../time.ts';

/**
 * Numbers, dates and times as each language's readers write them. Japanese text gives local time
 * first with UTC in brackets (「09:00 JST（00:00 UTC）」); English gives UTC first.
 */

export function num(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

export const WEEK_JA = ['月', '火', '水', '木', '金', '土', '日'];

function dt(iso: string, zone: string): DateTime {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
}

/** The other zone's date, for a time whose date is not the same there: 「11月20日 」, "21 Nov ". */
export function otherDate(shown: DateTime, other: DateTime, lang: 'ja' | 'en'): string {
  if (shown.toISODate() === other.toISODate()) return '';
  return lang === 'ja' ? `${other.month}月${other.day}日 ` : `${other.setLocale('en').toFormat('d LLL')} `;
}

/** 「2026年11月21日（土）09:00 JST（00:00 UTC）」; 「…00:30 JST（11月20日 15:30 UTC）」 across midnight. */
export function dateTimeJa(iso: string, zone: string): string {
  const l = dt(iso, zone);
  const u = dt(iso, 'utc');
  const day = `${l.year}年${l.month}月${l.day}日（${WEEK_JA[l.weekday - 1]}）`;
  return `${day}${l.toFormat('HH:mm')} ${zoneAbbr(l)}（${otherDate(l, u, 'ja')}${u.toFormat('HH:mm')} UTC）`;
}

/**
 * 「11月21日 9時台（JST、00:00 UTC）」 (with `weekday`, 「11月21日（土） 9時台…」): an hourly bucket
 * as the daily overviews name it; the UTC date too when it is another day
 * (「11月20日 3時台（JST、11月19日 18:00 UTC）」).
 */
export function hourJa(iso: string, zone: string, weekday = false): string {
  const l = dt(iso, zone);
  const u = dt(iso, 'utc');
  const day = `${l.month}月${l.day}日${weekday ? `（${WEEK_JA[l.weekday - 1]}）` : ''}`;
  return `${day} ${l.hour}時台（${zoneAbbr(l)}、${otherDate(l, u, 'ja')}${u.toFormat('HH:mm')} UTC）`;
}

/** "Sat 21 Nov 2026 00:00 UTC (09:00 JST)"; "Fri 20 Nov 2026 15:30 UTC (21 Nov 00:30 JST)" across midnight. */
export function dateTimeEn(iso: string, zone: string): string {
  const u = dt(iso, 'utc');
  const l = dt(iso, zone);
  const local = `${otherDate(u, l, 'en')}${l.toFormat('HH:mm')} ${zoneAbbr(l)}`;
  return `${u.setLocale('en').toFormat('ccc d LLL yyyy HH:mm')} UTC (${local})`;
}

/**
 * "21 Nov 00:00-01:00 UTC (09:00 JST)" ("Sat 21 Nov …" with `weekday`): an hourly bucket;
 * "19 Nov 23:00-00:00 UTC (20 Nov 08:00 JST)" across midnight.
 */
export function hourEn(iso: string, zone: string, weekday = false): string {
  const u = dt(iso, 'utc');
  const l = dt(iso, zone);
  const start = u.setLocale('en').toFormat(weekday ? 'ccc d LLL HH:mm' : 'd LLL HH:mm');
  const span = `${start}-${u.plus({ hours: 1 }).toFormat('HH:mm')}`;
  return `${span} UTC (${otherDate(u, l, 'en')}${l.toFormat('HH:mm')} ${zoneAbbr(l)})`;
}

/** 「11月13日 10:54 JST（01:54 UTC）」: a moment, short, local first; the UTC date too when it differs. */
export function momentJa(iso: string, zone: string): string {
  const l = dt(iso, zone);
  const u = dt(iso, 'utc');
  const utc = `${otherDate(l, u, 'ja')}${u.toFormat('HH:mm')} UTC`;
  return `${l.month}月${l.day}日 ${l.toFormat('HH:mm')} ${zoneAbbr(l)}（${utc}）`;
}

/** "13 Nov 01:54 UTC": a moment, short, in UTC. */
export function momentEn(iso: string): string {
  return `${dt(iso, 'utc').setLocale('en').toFormat('d LLL HH:mm')} UTC`;
}

/** "93%": a share (0 to 1) as people write it. */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** 「約13倍」 / "about 13x": ratios are rounded the way people say them. */
export function ratioText(r: number | null): string {
  if (r === null) return '-';
  return r >= 10 ? num(Math.round(r)) : num(r, 1);
}

/** How Japanese operators name the countries ICU names at length (seed 001: 「米国発」). */
const COUNTRY_JA: Record<string, string> = { US: '米国', GB: '英国', HK: '香港', MO: 'マカオ' };
let regionsJa: Intl.DisplayNames | undefined;

/** 「米国」「中国」「ドイツ」 for a two-letter country code; the code itself when ICU has no name. */
export function countryJa(cc: string): string {
  const code = cc.toUpperCase();
  if (COUNTRY_JA[code]) return COUNTRY_JA[code];
  if (!/^[A-Z]{2}$/.test(code)) return cc;
  regionsJa ??= new Intl.DisplayNames(['ja'], { type: 'region', fallback: 'code' });
  return regionsJa.of(code) ?? cc;
}
