import type { DateTime } from 'luxon';
/**
 * Hours as the counters keep them: whole UTC hours since the epoch. The correlator, the digest
 * and the store all count in these, so they are defined here once, below every stage.
 */

export const HOUR_MS = 3_600_000;

/** A zone's short name as operators write it: JST for Tokyo (ICU says GMT+9), else the offset's. */
export function zoneAbbr(dt: DateTime): string {
  return dt.zoneName === 'Asia/Tokyo' ? 'JST' : (dt.offsetNameShort ?? dt.toFormat('ZZ'));
}

/** The epoch hour an instant (epoch ms) falls in. */
export function hourAt(ms: number): number {
  return Math.floor(ms / HOUR_MS);
}

/** The epoch hour an ISO 8601 time falls in. */
export function hourOf(iso: string): number {
  return hourAt(Date.parse(iso));
}

/** The start of an epoch hour, as ISO 8601 without milliseconds ("2026-11-20T10:00:00Z"). */
export function hourIso(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString().replace('.000Z', 'Z');
}

/** An ISO 8601 time moved by `hours` (negative: back). */
export function addHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR_MS).toISOString();
}
