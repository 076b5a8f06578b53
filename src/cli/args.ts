import { userInfo } from 'node:os';
import { KansokuError } from '../errors.ts';

/** `12` or `#12`, as `kansoku drafts` prints it. */
export function draftId(s: string): number {
  const n = Number(s.replace(/^#/, ''));
  if (!Number.isInteger(n) || n <= 0) throw new KansokuError('DRAFT_NOT_FOUND', 'cli', `"${s}" is not a draft number`);
  return n;
}

/** Who decides on a draft, for the audit trail. */
export function actor(by?: string): string {
  if (by) return by;
  try {
    return process.env.KANSOKU_ACTOR ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * An ISO 8601 time with its zone, or a date (read as 00:00 UTC). A time without a zone would be
 * read in whatever zone the machine runs in, and "1" or "Nov 6" as whatever Date.parse guesses.
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/** An ISO time given on the command line, checked before anything is opened. */
export function checkIsoTime(option: string, value: string | undefined): void {
  if (value !== undefined && (!ISO_TIME.test(value) || Number.isNaN(Date.parse(value))))
    throw new KansokuError(
      'USAGE',
      'cli',
      `${option} ${value}: not an ISO time with its zone, such as 2026-11-20T01:00:00Z, or a date`,
    );
}
