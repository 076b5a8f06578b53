import type { Config } from '../config/schema.ts';
import type { DraftMessage, Finding, PortClaim, PostHeader, Report } from '../model.ts';
import { subjectWithTlp, withoutTlpTags } from '../extract/tlp.ts';
import { bilingualText, draftMessageId, listById, messageTlp, type KindSpec } from './render.ts';
import { isReplySubject } from '../mail/reply-text.ts';
import { portLabel, replyView, type ReplyView } from './view.ts';

export interface ReplyInput {
  post: PostHeader;
  report: Report;
  findings: Finding[];
  config: Config;
}

/** Lists cut a thread's subject at "Re:" once; one more "Re:" is never added. */
function replySubject(subject: string): string {
  const s = subject.trim() || '(no subject)';
  return isReplySubject(s) ? s : `Re: ${s}`;
}

/** The reply's facts: the post's, the report's, and what our own counters found for each port. */
export function replyData({ post, report, findings, config }: ReplyInput): ReplyView {
  const list = listById(post.listId, config);
  return replyView({
    post,
    report,
    findings,
    tlp: messageTlp([report.tlp], list, config),
    listName: list?.name ?? null,
    nameJa: config.identity.nameJa,
    nameEn: config.identity.nameEn,
    zone: config.draft.localTimezone,
    maxQuotedLines: config.draft.maxQuotedLines,
    baselineHours: config.correlate.baselineHours,
    sigma: config.correlate.sigma,
    lookbackHours: config.correlate.lookbackHours,
  });
}

/**
 * Renders the in-thread reply to a report: one body with the Japanese part first and the English
 * part after, as the list's members write; our own networks replaced in the whole text.
 */
export function renderReply(input: ReplyInput): DraftMessage {
  const { post, findings, config } = input;
  const list = listById(post.listId, config);
  const view = replyData(input);
  const text = bilingualText(config.draft.templates, reply.body, view);

  let subject = replySubject(withoutTlpTags(post.subject));
  const ports = findings.map((f) => portLabel(f.port, f.proto));
  if (!findings.some((f) => new RegExp(`\\b${f.port}\\b`).test(subject))) subject += ` (${ports.join(', ')})`;

  const references = [...post.references.filter((r) => r !== post.messageId), post.messageId];
  return {
    kind: 'reply',
    messageId: draftMessageId(post.messageId, 'reply', config.identity.from),
    from: config.identity.from,
    to: list?.address ?? post.from?.address ?? '',
    subject: subjectWithTlp(subject, view.tlp),
    inReplyTo: post.messageId,
    references,
    tlp: view.tlp,
    text,
    sourceMessageId: post.messageId,
  };
}

/** A draft's file name: the day, its first ports, and a piece of the draft's Message-ID. */
export function emlName(
  date: string | null,
  claims: Array<Pick<PortClaim, 'port' | 'proto'>>,
  messageId: string,
): string {
  const day = (date ?? new Date().toISOString()).slice(0, 10).replace(/-/g, '');
  const ports =
    claims
      .slice(0, 3)
      .map((x) => `${x.proto ?? 'port'}${x.port}`)
      .join('-') || 'report';
  const key = /\.([0-9a-f]{8})/.exec(messageId)?.[1] ?? 'draft';
  return `${day}-${ports}-${key}.eml`;
}

/** The reply to a list post that reports ports: what our own sensor sees of them. */
export const reply: KindSpec<ReplyInput, DraftMessage> = {
  body: 'reply',
  parts: [],
  view: replyData,
  render: renderReply,
  fileName: (i, d) => emlName(i.report.date, i.report.ports, d.messageId),
};
