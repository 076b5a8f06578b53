import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Tlp } from '../model.ts';
import { iso2022jpBody, iso2022jpHeader, jisSafe } from './iso2022jp.ts';

/** Everything one outgoing message is built from; the gate fills it, compose writes the bytes. */
export interface Outgoing {
  from: string;
  to: string;
  subject: string;
  /** The plain-text body (the Japanese part first, then the English). */
  text: string;
  /** An HTML alternative (the digest), with inline images. */
  html?: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string; cid: string }>;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  tlp: Tlp;
  kind: string;
  /** X-Kansoku-Draft: every message the bot sends carries it, so that it never answers its own mail. */
  draftMessageId: string;
  /** Sent without a person's approval: marked Auto-Submitted (RFC 3834). */
  automatic: boolean;
  charset: 'utf-8' | 'iso-2022-jp';
  headers?: Record<string, string>;
  date?: Date;
}

/** References keep the thread's root and its latest ids: enough for every client to thread by. */
export const MAX_REFERENCES = 20;
/** A Message-ID longer than this cannot be folded into a header line under RFC 5322's 998. */
const MAX_ID = 250;
const SUBJECT_CHARS = 300;

/**
 * A message id as it may go into our thread headers: a well-formed one as it is; one that is too
 * long, malformed, or that `unsafe` rejects (it names our own networks) as a stable hash form, so
 * that our own messages still thread together.
 */
export function safeMessageId(id: string, unsafe: (id: string) => boolean = () => false): string {
  if (id.length <= MAX_ID && /^<[!-;=?A-~]+@[!-;=?A-~]+>$/.test(id) && !unsafe(id)) return id;
  return `<h.${createHash('sha256').update(id).digest('hex').slice(0, 32)}@kansoku.invalid>`;
}

export function trimReferences(ids: string[]): string[] {
  const unique = [...new Set(ids)];
  return unique.length <= MAX_REFERENCES + 1 ? unique : [unique[0]!, ...unique.slice(-MAX_REFERENCES)];
}

/** One kind of line end in the text, whatever its source wrote. */
const lf = (s: string) => s.replace(/\r\n?/g, '\n');
/** nodemailer writes a 7bit body as given: CRLF, the wire's line end, has to be there already. */
const crlf = (s: string) => s.replace(/\n/g, '\r\n');

function oneLine(s: string): string {
  const flat = s.replace(/[\r\n\t]+/g, ' ').trim();
  return flat.length > SUBJECT_CHARS ? `${flat.slice(0, SUBJECT_CHARS - 1)}…` : flat;
}

/**
 * The one place that turns a message into RFC 5322 bytes: UTF-8 (quoted-printable), or 7-bit
 * ISO-2022-JP for the older Japanese lists that expect it; multipart when there is an HTML part.
 */
export async function compose(o: Outgoing): Promise<Buffer> {
  const jp = o.charset === 'iso-2022-jp';
  const text = lf(o.text);
  const subject = oneLine(o.subject);
  const headers: Record<string, string> = {
    ...(o.automatic ? { 'Auto-Submitted': 'auto-generated' } : {}),
    'X-Kansoku-Draft': o.draftMessageId.replace(/[<>]/g, ''),
    'X-Kansoku-Kind': o.kind,
    'X-Kansoku-TLP': o.tlp,
    ...o.headers,
  };
  const multipart = o.html !== undefined;
  const mc = new MailComposer({
    from: o.from,
    to: o.to,
    subject: jp && !multipart ? iso2022jpHeader(subject) : subject,
    // The single-part ISO-2022-JP body is written below; multipart mail goes out as UTF-8 even to
    // ISO-2022-JP lists, its text folded to what JIS X 0208 carries.
    text: crlf(jp ? (multipart ? jisSafe(text) : 'x') : text),
    html: o.html === undefined ? undefined : crlf(lf(o.html)),
    attachments: o.attachments,
    messageId: o.messageId,
    inReplyTo: o.inReplyTo ?? undefined,
    references: o.references.length ? o.references : undefined,
    date: o.date ?? new Date(),
    headers,
    textEncoding: 'quoted-printable',
  });
  const node = mc.compile();
  if (!jp || multipart) return node.build();
  // nodemailer would quoted-printable the escape sequences; old lists expect the bytes as 7bit.
  node.setHeader('Content-Type', 'text/plain; charset=ISO-2022-JP');
  node.setHeader('Content-Transfer-Encoding', '7bit');
  return Buffer.from(`${node.buildHeaders()}\r\n\r\n${iso2022jpBody(text)}\r\n`, 'latin1');
}
