import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Handlebars from 'handlebars';
import MailComposer from 'nodemailer/lib/mail-composer';
import { packageRoot } from '../config/load.ts';
import { addressDomain } from '../mail/address.ts';
import type { Config } from '../config/schema.ts';
import type { DraftMessage, Finding, Post, Report, Tlp } from '../model.ts';
import { strictest } from '../extract/tlp.ts';
import { iso2022jpBody, iso2022jpHeader } from './iso2022jp.ts';
import { Redactor } from './redact.ts';
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
 * as the list's members write; our own networks replaced in all of it.
 */
export function bilingualText(name: string, view: object, redactor: Redactor): string {
  const ja = renderTemplate(`${name}.ja`, view).trim();
  const en = renderTemplate(`${name}.en`, view).trim();
  return redactor.redact(`${ja}\n\n${'-'.repeat(60)}\n\n${en}\n`).replace(/\n{3,}/g, '\n\n');
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
  // An unlabelled post takes its list's default; a post from no known list is treated as AMBER.
  const tlp: Tlp = strictest([report.tlp ?? list?.defaultTlp ?? 'AMBER', config.operator.tlp])!;
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
  const redactor = new Redactor(config.operator.networks);
  const text = bilingualText('reply', view, redactor);

  let subject = replySubject(post.subject);
  const ports = findings.map((f) => portLabel(f.port, f.proto));
  if (!findings.some((f) => new RegExp(`\\b${f.port}\\b`).test(subject))) subject += ` (${ports.join(', ')})`;
  if (!/TLP\s*[:\-]/i.test(subject)) subject = `[TLP:${tlp}] ${subject}`;

  const references = [...post.references.filter((r) => r !== post.messageId), post.messageId];
  return {
    kind: 'reply',
    messageId: draftMessageId(post.messageId, 'reply', config.identity.from),
    from: config.identity.from,
    to: list?.address ?? post.from?.address ?? '',
    subject: redactor.redact(subject),
    inReplyTo: post.messageId,
    references,
    tlp,
    text,
    sourceMessageId: post.messageId,
  };
}

/**
 * Builds the draft as an RFC 5322 message, threaded and marked as kansoku's: UTF-8, or 7-bit
 * ISO-2022-JP for the older Japanese lists that expect it.
 */
export async function toEml(d: DraftMessage, opts: { charset?: 'utf-8' | 'iso-2022-jp'; date?: Date } = {}): Promise<Buffer> {
  const jp = opts.charset === 'iso-2022-jp';
  const mc = new MailComposer({
    from: d.from,
    to: d.to,
    subject: jp ? iso2022jpHeader(d.subject) : d.subject,
    text: jp ? 'x' : d.text,
    messageId: d.messageId,
    inReplyTo: d.inReplyTo ?? undefined,
    references: d.references.length ? d.references : undefined,
    date: opts.date ?? new Date(),
    headers: {
      'X-Kansoku-Draft': d.messageId.replace(/[<>]/g, ''),
      'X-Kansoku-Kind': d.kind,
      'X-Kansoku-TLP': d.tlp,
    },
    textEncoding: 'quoted-printable',
  });
  const node = mc.compile();
  if (!jp) return node.build();
  // nodemailer would quoted-printable the escape sequences; old lists expect the bytes as 7bit.
  node.setHeader('Content-Type', 'text/plain; charset=ISO-2022-JP');
  node.setHeader('Content-Transfer-Encoding', '7bit');
  return Buffer.from(`${node.buildHeaders()}\r\n\r\n${iso2022jpBody(d.text)}\r\n`, 'latin1');
}
