import type { Config } from '../config/schema.ts';
import type { Post, Tlp } from '../model.ts';
import type { Outgoing } from '../outbound/compose.ts';
import { decisionNoteId, reviewRequestId } from '../review/mail.ts';
import type { StoredDraft } from '../store/index.ts';
import { withoutRe } from '../mail/reply-text.ts';
import { bilingualText, type KindSpec } from './render.ts';

/*
 * The two kinds of mail about a draft rather than to a list: the request for a moderator's
 * approval, and the note that tells a moderator why a mail decided nothing. Reading the answers
 * is src/review/mail.ts.
 */

type DraftForReview = Pick<StoredDraft, 'messageId' | 'subject' | 'text' | 'tlp' | 'to'>;

export interface ReviewInput {
  draft: DraftForReview;
  token: string;
  config: Config;
}

/** What the moderators are told: where the draft goes, its label, how long an approval waits. */
export function reviewData({ draft, config }: ReviewInput) {
  return { to: draft.to, tlp: draft.tlp, delay: config.review.sendDelaySeconds };
}

/** The mail that asks the moderators to approve a new draft; the outbound gate builds it. */
export function reviewRequest(draft: DraftForReview, token: string, config: Config): Outgoing {
  const ask = bilingualText(config.draft.templates, review.body, reviewData({ draft, token, config }));
  return {
    from: config.identity.from,
    to: config.review.address!,
    subject: `[kansoku review] ${token} ${draft.subject}`,
    // The draft as it is, after both parts, so that the moderators read what the list would.
    text: `${ask}\n----- 下書き / draft -----\n${draft.text}`,
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

/** The request for a person's approval of a new draft, to the review address. */
export const review: KindSpec<ReviewInput, Outgoing> = {
  body: 'review',
  parts: [],
  view: reviewData,
  render: (i) => reviewRequest(i.draft, i.token, i.config),
  fileName: null,
};

export interface NoteInput {
  /** The moderator's mail that decided nothing. */
  post: Post;
  to: string;
  reason: string;
  tlp: Tlp;
  config: Config;
}

/** The note says why the mail decided nothing. */
export function noteData({ reason }: NoteInput) {
  return { reason };
}

/** The short bilingual answer to a moderator's mail that decided nothing, saying why. */
export function decisionNote(post: Post, to: string, reason: string, tlp: Tlp, config: Config): Outgoing {
  return {
    from: config.identity.from,
    to,
    subject: `Re: ${withoutRe(post.subject)}`,
    text: bilingualText(config.draft.templates, note.body, noteData({ post, to, reason, tlp, config })),
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

/** The answer to a moderator whose mail approved or rejected nothing, saying why. */
export const note: KindSpec<NoteInput, Outgoing> = {
  body: 'note',
  parts: [],
  view: noteData,
  render: (i) => decisionNote(i.post, i.to, i.reason, i.tlp, i.config),
  fileName: null,
};
