import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import type { Post } from '../model.ts';
import { addressDomain } from '../mail/address.ts';
import { authenticatedFrom } from '../sightings/auth.ts';
import { readDecision } from './words.ts';

/** "KS-" and ten characters of Crockford base32: 50 bits, one per draft, valid until it is sent. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Our review requests' Message-IDs carry the token; only replies to one of them can decide. */
const REQUEST_ID = /^<kansoku\.review\.(ks-[0-9a-hjkmnp-tv-z]{10})@/i;

export function newReviewToken(): string {
  const bytes = randomBytes(10);
  return `KS-${Array.from(bytes, (b) => ALPHABET[b & 31]).join('')}`;
}

export function reviewRequestId(token: string, config: Config): string {
  return `<kansoku.review.${token.toLowerCase()}@${addressDomain(config.identity.from)}>`;
}

export function decisionNoteId(post: Post, config: Config): string {
  const key = createHash('sha256').update(post.messageId).digest('hex').slice(0, 24);
  return `<kansoku.note.${key}@${addressDomain(config.identity.from)}>`;
}

export type ModeratorDecision =
  | { kind: 'decision'; token: string; action: 'approve' | 'reject'; moderator: string; sentence: string }
  | { kind: 'ignored'; token: string; reason: string; answer: string | null };

/** The review token of the request a mail answers, from In-Reply-To or References; null if it answers none. */
export function answeredToken(post: Post): string | null {
  for (const id of [post.inReplyTo, ...[...post.references].reverse()]) {
    const m = id ? REQUEST_ID.exec(id) : null;
    if (m) return m[1]!.toUpperCase();
  }
  return null;
}

/** A moderator's own names, so that 「鈴木です」 or a bare "Alice" above the decision is skipped. */
function namesOf(post: Post): string[] {
  const name = post.from?.name ?? '';
  const local = (post.from?.address ?? '').split('@')[0] ?? '';
  return [...new Set([name, ...name.split(/[\s,.]+/), local].filter((n) => n.length > 1))];
}

/**
 * Reads a reply to one of our review requests. Null when the mail answers none (mail review off,
 * no In-Reply-To/References to a request, or it came through a list): a review token elsewhere in a
 * post means nothing.
 * Only a configured moderator, authenticated at our trusted server when one is configured, whose
 * own text begins with approve/承認 (no negation in that sentence) or reject/却下, decides.
 * Anything else is ignored, with the address to tell why (a moderator's), or null.
 */
export function moderatorDecision(post: Post, config: Config): ModeratorDecision | null {
  if (!config.review.address) return null;
  // A post that came through a list is a list post, whatever it references: a member cannot
  // take it off the list's path (and out of our alerts) by naming a review request.
  if (post.listId && config.lists.some((l) => l.listId.toLowerCase() === post.listId)) return null;
  const token = answeredToken(post);
  if (!token) return null;
  const from = post.from?.address ?? '';
  if (!config.review.moderators.some((a) => a.toLowerCase() === from)) {
    return { kind: 'ignored', token, reason: `sender ${from || '(none)'} is not a moderator`, answer: null };
  }
  const auth = authenticatedFrom(post, config.auth.trustedServerId);
  if (!auth.ok) return { kind: 'ignored', token, reason: `sender not authenticated: ${auth.why}`, answer: from };
  const r = readDecision(post.text, namesOf(post));
  if (r.intent === 'none') return { kind: 'ignored', token, reason: r.why, answer: r.why === AUTOMATIC ? null : from };
  return { kind: 'decision', token, action: r.intent, moderator: from, sentence: r.sentence };
}

/** readDecision's reason for an out-of-office reply: never answered, or two robots talk forever. */
const AUTOMATIC = 'reads as an automatic reply';
