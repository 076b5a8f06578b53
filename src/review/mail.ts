import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Config } from '../config/schema.ts';
import type { Post } from '../model.ts';
import { addressDomain } from '../mail/address.ts';
import { ownText } from '../mail/reply-text.ts';
import type { StoredDraft } from '../store/index.ts';

/** "KS-" and ten characters of Crockford base32: 50 bits, one per draft, spent on first use. */
const TOKEN = /\bKS-([0-9A-HJKMNP-TV-Z]{10})\b/;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newReviewToken(): string {
  const bytes = randomBytes(10);
  return `KS-${Array.from(bytes, (b) => ALPHABET[b & 31]).join('')}`;
}


/** The mail that asks the moderators to approve a new draft. */
export async function reviewRequest(
  draft: Pick<StoredDraft, 'messageId' | 'subject' | 'text' | 'tlp' | 'to'>,
  token: string,
  config: Config,
): Promise<{ messageId: string; raw: Buffer }> {
  const messageId = `<kansoku.review.${token.toLowerCase()}@${addressDomain(config.identity.from)}>`;
  const text = [
    `以下の下書きの確認をお願いします（宛先：${draft.to}、TLP:${draft.tlp}）。`,
    'このメールに返信し、本文の最初に「承認」または「却下」と書いてください。',
    `Please review the draft below (to ${draft.to}, TLP:${draft.tlp}).`,
    'Reply to this message with "approve" or "reject" as the first word of your reply.',
    '',
    '----- 下書き / draft -----',
    draft.text,
  ].join('\n');
  const raw = await new MailComposer({
    from: config.identity.from,
    to: config.review.address!,
    subject: `[kansoku review] ${token} ${draft.subject}`,
    text,
    messageId,
    // Every message the bot sends carries X-Kansoku-Draft, so that it never answers its own mail.
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Kansoku-Draft': draft.messageId.replace(/[<>]/g, ''), 'X-Kansoku-Review': token },
    textEncoding: 'quoted-printable',
  })
    .compile()
    .build();
  return { messageId, raw };
}

export type ModeratorDecision =
  | { kind: 'decision'; token: string; action: 'approve' | 'reject'; moderator: string }
  | { kind: 'ignored'; token: string; reason: string };

const APPROVE = /\b(approve|approved)\b|承認/i;
const REJECT = /\b(reject|rejected)\b|却下/i;

/**
 * Reads a reply to a review request. Returns null when the message carries no review token; a
 * token from anyone but a configured moderator, or a reply that says neither (or both) approve
 * and reject, is ignored with its reason.
 */
export function moderatorDecision(post: Post, config: Config): ModeratorDecision | null {
  const m = TOKEN.exec(post.subject) ?? TOKEN.exec(post.text);
  if (!m) return null;
  const token = `KS-${m[1]}`;
  const from = post.from?.address ?? '';
  if (!config.review.moderators.some((a) => a.toLowerCase() === from)) {
    return { kind: 'ignored', token, reason: `sender ${from || '(none)'} is not a moderator` };
  }
  const own = ownText(post.text);
  const approve = APPROVE.test(own);
  const reject = REJECT.test(own);
  if (approve === reject) return { kind: 'ignored', token, reason: approve ? 'says both approve and reject' : 'says neither approve nor reject' };
  return { kind: 'decision', token, action: approve ? 'approve' : 'reject', moderator: from };
}
