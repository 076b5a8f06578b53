import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../config/load.ts';
import { addressDomain } from '../mail/address.ts';
import type { Config } from '../config/schema.ts';
import type { DraftMessage, Finding, Post, Report, Tlp } from '../model.ts';
import { messageTlp as tlpOf, subjectWithTlp, tlpFloor, withoutTlpTags } from '../extract/tlp.ts';
import { portLabel, replyView } from './view.ts';

const templates = new Map<string, Handlebars.TemplateDelegate>();

/** Renders templates/NAME.hbs. Text templates are not escaped; templates named *.html are. */
export function renderTemplate(name: string, view: object): string {
  let t = templates.get(name);
  if (!t) {
    const source = readFileSync(resolve(packageRoot, 'templates', `${name}.hbs`), 'utf8');
    t = Handlebars.compile(source, { noEscape: !name.endsWith('.html'), strict: false });
    templates.set(name, t);
  }
  return t(view);
}

/**
 * One body from the two templates NAME.ja and NAME.en: the Japanese part first, then the English,
 * as the list's members write. (Our own networks are replaced by the outbound gate, in every part
 * of the message at once.)
 */
export function bilingualText(name: string, view: object): string {
  const ja = renderTemplate(`${name}.ja`, view).trim();
  const en = renderTemplate(`${name}.en`, view).trim();
  return `${ja}\n\n${'-'.repeat(60)}\n\n${en}\n`.replace(/\n{3,}/g, '\n\n');
}

/**
 * A message's TLP: the strictest of everything in it, and never below the list's default (a post
 * labelled lower still gets an answer at the list's label) or our own figures' label.
 */
export function messageTlp(
  material: Array<Tlp | null | undefined>,
  list: Config['lists'][number] | null,
  config: Config,
): Tlp {
  return tlpOf(material, tlpFloor(list ? [list.defaultTlp] : [], config.operator.tlp));
}

/** Lists cut a thread's subject at "Re:" once; one more "Re:" is never added. */
function replySubject(subject: string): string {
  const s = subject.trim() || '(no subject)';
  return /^(re|aw|sv|返信)\s*[:：]/i.test(s) ? s : `Re: ${s}`;
}

/** A draft's Message-ID is stable: the same post always yields the same ID, so a resend is recognisable. */
export function draftMessageId(sourceMessageId: string, kind: string, from: string): string {
  const key = createHash('sha256').update(`${kind}\n${sourceMessageId}`).digest('hex').slice(0, 24);
  return `<kansoku.${kind}.${key}@${addressDomain(from)}>`;
}

export interface ReplyInput {
  post: Post;
  report: Report;
  findings: Finding[];
  config: Config;
}

/** Finds the configured list a message came through, by its List-Id. */
export function listById(listId: string | null, config: Config): Config['lists'][number] | null {
  return config.lists.find((l) => listId !== null && l.listId.toLowerCase() === listId) ?? null;
}

/**
 * Renders the in-thread reply to a report: one body with the Japanese part first and the English
 * part after, as the list's members write; our own networks replaced in the whole text.
 */
export function renderReply({ post, report, findings, config }: ReplyInput): DraftMessage {
  const list = listById(post.listId, config);
  const tlp = messageTlp([report.tlp], list, config);
  const view = replyView({
    post,
    report,
    findings,
    tlp,
    listName: list?.name ?? null,
    nameJa: config.identity.nameJa,
    nameEn: config.identity.nameEn,
    zone: config.draft.localTimezone,
    maxQuotedLines: config.draft.maxQuotedLines,
    baselineHours: config.correlate.baselineHours,
    sigma: config.correlate.sigma,
    lookbackHours: config.correlate.lookbackHours,
  });
  const text = bilingualText('reply', view);

  let subject = replySubject(withoutTlpTags(post.subject));
  const ports = findings.map((f) => portLabel(f.port, f.proto));
  if (!findings.some((f) => new RegExp(`\\b${f.port}\\b`).test(subject))) subject += ` (${ports.join(', ')})`;

  const references = [...post.references.filter((r) => r !== post.messageId), post.messageId];
  return {
    kind: 'reply',
    messageId: draftMessageId(post.messageId, 'reply', config.identity.from),
    from: config.identity.from,
    to: list?.address ?? post.from?.address ?? '',
    subject: subjectWithTlp(subject, tlp),
    inReplyTo: post.messageId,
    references,
    tlp,
    text,
    sourceMessageId: post.messageId,
  };
}
