import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import type { Post, Tlp } from '../model.ts';
import { addressDomain } from '../mail/address.ts';
import type { Outgoing } from '../outbound/compose.ts';
import { authenticatedFrom } from '../sightings/auth.ts';
import type { StoredDraft } from '../store/index.ts';
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

type DraftForReview = Pick<StoredDraft, 'messageId' | 'subject' | 'text' | 'tlp' | 'to'>;

/** The mail that asks the moderators to approve a new draft; the outbound gate builds it. */
export function reviewRequest(draft: DraftForReview, token: string, config: Config): Outgoing {
  const delay = config.review.sendDelaySeconds;
  const text = [
    `以下の下書きの確認をお願いします（宛先：${draft.to}、TLP:${draft.tlp}）。`,
    'このメールに返信し、本文の最初に「承認」または「却下」とだけ書いてください。',
    ...(delay ? [`承認後${delay}秒間は送信されません。その間に「却下」と返信すれば取り消せます。`] : []),
    '',
    `Please review the draft below (to ${draft.to}, TLP:${draft.tlp}).`,
    'Reply to this message with "approve" or "reject" as the first word of your reply.',
    ...(delay
      ? [`An approved draft waits ${delay} seconds before it is sent; reply "reject" within that time to take it back.`]
      : []),
    '',
    '----- 下書き / draft -----',
    draft.text,
  ].join('\n');
  return {
    from: config.identity.from,
    to: config.review.address!,
    subject: `[kansoku review] ${token} ${draft.subject}`,
    text,
    messageId: reviewRequestId(token, config),
    inReplyTo: null,
    references: [],
    tlp: draft.tlp,
    kind: 'review',
    draftMessageId: draft.messageId,
    automatic: true,
    charset: 'utf-8',
    headers: { 'X-Kansoku-Review': token },
  };
}

export function decisionNoteId(post: Post, config: Config): string {
  return `<kansoku.note.${createHash('sha256').update(post.messageId).digest('hex').slice(0, 24)}@${addressDomain(config.identity.from)}>`;
}

/** The short bilingual answer to a moderator's mail that decided nothing, saying why. */
export function decisionNote(post: Post, to: string, reason: string, tlp: Tlp, config: Config): Outgoing {
  const text = [
    'このメールでは下書きの承認・却下を行いませんでした。',
    `理由：${reason}`,
    '承認する場合は本文の最初に「承認」、却下する場合は「却下」と書いて、確認依頼のメールに返信してください。',
    '',
    'Your mail did not approve or reject the draft.',
    `Reason: ${reason}`,
    'To approve, reply to the review request with "approve" as the first word; to reject, "reject".',
    '',
    '-- ',
    'kansoku',
  ].join('\n');
  const subject = post.subject.replace(/^\s*(re|aw|sv|返信)\s*[:：]\s*/i, '');
  return {
    from: config.identity.from,
    to,
    subject: `Re: ${subject}`,
    text,
    messageId: decisionNoteId(post, config),
    inReplyTo: post.messageId,
    references: [...post.references, post.messageId],
    tlp,
    kind: 'note',
    draftMessageId: decisionNoteId(post, config),
    automatic: true,
    charset: 'utf-8',
    // RFC 3834: an answer to a person's mail, written without one.
    headers: { 'Auto-Submitted': 'auto-replied' },
  };
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
