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

/** An ISO time given on the command line, checked before anything is opened. */
export function checkIsoTime(option: string, value: string | undefined): void {
  if (value && Number.isNaN(Date.parse(value)))
    throw new KansokuError('INPUT_UNREADABLE', 'cli', `${option} ${value}: not an ISO time`);
}
