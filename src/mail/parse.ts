import { createHash } from 'node:crypto';
import { convert as htmlToText } from 'html-to-text';
import { Gunzip, unzipSync } from 'fflate';
import { simpleParser, type Attachment, type MailParserOptions, type ParsedMail } from 'mailparser';
import { KansokuError } from '../errors.ts';
import { LABEL_ONLY, type Post, type TextAttachment } from '../model.ts';
import { decodeBytes, fixJapanese, relabelJapaneseWords, TextPartDecoder } from './charsets.ts';

/** Attachments read as text: what members attach when they share logs. */
const TEXT_ATTACHMENT = /\.(txt|log|csv|tsv|json|ndjson|md)$/i;

const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** Archives (a Shadowserver-style report) are opened within these caps; beyond them, not at all. */
export const ARCHIVE_LIMITS = { maxBytes: 20 * 1024 * 1024, maxEntries: 50, maxRatio: 200 };
/**
 * Forwarded messages (message/rfc822 parts) are read to this depth of forwards within forwards,
 * each within this size: a forwarded report brings its own log attachments, base64 adding a third.
 */
export const FORWARD_LIMITS = { maxDepth: 3, maxBytes: 10 * 1024 * 1024 };

/**
 * mailparser's HTML and link conversions cost 3-4x the parse itself (house-style.md) and are not
 * needed: HTML-only mail is converted below, once, and only when it has no text part.
 */
export const PARSER_OPTIONS: MailParserOptions = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  // mailparser calls `new Iconv(charset)`; its @types say an instance, not a class.
  Iconv: TextPartDecoder as unknown as MailParserOptions['Iconv'],
};

/** The key of a message that has no Message-ID (or cannot be parsed): a hash of its bytes. */
export function syntheticMessageId(raw: Buffer): string {
  return `<sha256-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@kansoku.invalid>`;
}

/** Parses one raw message into a Post. Throws a KansokuError when the bytes are not a message at all. */
export async function parsePost(raw: Buffer): Promise<Post> {
  let m: ParsedMail;
  try {
    m = await parseMail(raw);
  } catch (err) {
    throw new KansokuError('MESSAGE_UNPARSABLE', 'mail', (err as Error).message, { cause: err });
  }
  const headers = headerMap(m);
  const warnings: string[] = [];
  const id = m.messageId?.trim();
  const messageId = id && /^<[^<>\s]+>$/.test(id) ? id : id ? `<${id.replace(/[<>\s]/g, '')}>` : null;
  return {
    messageId: messageId ?? syntheticMessageId(raw),
    messageIdSynthetic: messageId === null,
    inReplyTo: firstMessageId(m.inReplyTo),
    references: messageIds(m.references),
    listId: listId(headers['list-id']),
    from: firstAddress(m),
    date: m.date && !Number.isNaN(m.date.getTime()) ? m.date.toISOString() : null,
    subject: fixJapanese(m.subject ?? ''),
    text: bodyText(m),
    attachments: [...(await textAttachments(m.attachments, warnings, 0)), ...alternative(m)],
    auto: {
      autoSubmitted: headers['auto-submitted']?.toLowerCase().split(';')[0]!.trim() ?? null,
      precedence: headers['precedence']?.toLowerCase().trim() ?? null,
      returnPathEmpty: headers['return-path'] !== undefined && /^<\s*>$/.test(headers['return-path'].trim()),
      isBounce: isBounce(m, headers),
    },
    headers,
    authResults: (m.headerLines ?? [])
      .filter((h) => h.key.toLowerCase() === 'authentication-results')
      .map((h) =>
        h.line
          .slice(h.line.indexOf(':') + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      ),
    warnings,
  };
}

function parseMail(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(relabelJapaneseWords(raw), PARSER_OPTIONS);
}

/** The first occurrence of each header, unfolded, as text; mailparser keeps the raw lines. */
function headerMap(m: ParsedMail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of m.headerLines ?? []) {
    const key = h.key.toLowerCase();
    if (key in out) continue;
    const colon = h.line.indexOf(':');
    out[key] = h.line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  return out;
}

function messageIds(v: string | string[] | undefined): string[] {
  const all = ([] as string[]).concat(v ?? []).join(' ');
  return [...all.matchAll(/<[^<>\s]+>/g)].map((x) => x[0]);
}

function firstMessageId(v: string | undefined): string | null {
  return messageIds(v)[0] ?? null;
}

/** RFC 2919: the identifier is the part in angle brackets, or the whole value when there is none. */
function listId(v: string | undefined): string | null {
  if (!v) return null;
  const m = /<([^<>]+)>/.exec(v);
  return (m ? m[1]! : v).trim().toLowerCase() || null;
}

function firstAddress(m: ParsedMail): Post['from'] {
  const from = Array.isArray(m.from) ? m.from[0] : m.from;
  const a = from?.value[0];
  if (!a) return null;
  return { address: (a.address ?? '').toLowerCase(), name: fixJapanese(a.name ?? '') };
}

function htmlText(html: string): string {
  return htmlToText(html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] });
}

function bodyText(m: ParsedMail): string {
  if (m.text && m.text.trim()) return fixJapanese(m.text);
  if (typeof m.html === 'string' && m.html.trim()) return htmlText(m.html);
  return '';
}

/**
 * The HTML alternative of a post that has a text part: members' clients send both, and a label
 * (or an address of ours) may stand in one only. Read for those, not for claims.
 */
function alternative(m: ParsedMail): TextAttachment[] {
  if (!(m.text && m.text.trim()) || typeof m.html !== 'string' || !m.html.trim()) return [];
  return [{ filename: '(HTML part)', contentType: LABEL_ONLY, text: htmlText(m.html) }];
}

function isBounce(m: ParsedMail, headers: Record<string, string>): boolean {
  // Delivery reports, read receipts and abuse feedback (RFC 3464, 8098, 5965) are all multipart/report.
  if ((headers['content-type'] ?? '').toLowerCase().includes('multipart/report')) return true;
  if (
    m.attachments.some((a) =>
      /^message\/(delivery-status|feedback-report|disposition-notification)$/i.test(a.contentType),
    )
  )
    return true;
  const from = firstAddress(m)?.address ?? '';
  return /^(mailer-daemon|postmaster)@/i.test(from);
}

/**
 * Text attachments, archives opened, forwarded messages read; `depth` is the number of forwarded
 * messages the list sits in. mailparser already writes an inline message/rfc822 part into the body
 * text, but hands one sent as an attachment (or with no disposition) over as its raw bytes.
 */
async function textAttachments(list: Attachment[], warnings: string[], depth: number): Promise<TextAttachment[]> {
  const out: TextAttachment[] = [];
  for (const a of list) {
    if (a.related) continue;
    const name = a.filename ?? '';
    if (/^message\/rfc822$/i.test(a.contentType)) {
      const f = await forwardedMessage(a, warnings, depth + 1);
      if (f) out.push(f);
      continue;
    }
    const ct = a.headers.get('content-type') as { params?: Record<string, string> } | undefined;
    if (isGzip(name, a.contentType, a.content) || isZip(name, a.contentType, a.content)) {
      for (const f of openArchive(name || '(unnamed)', a.content, warnings))
        out.push({ filename: f.name, contentType: 'text/plain', text: decodeBytes(f.data) });
      continue;
    }
    const html = /^text\/html$/i.test(a.contentType) || /\.html?$/i.test(name);
    const isText =
      html || TEXT_ATTACHMENT.test(name) || /^(?:text\/[\w.+-]+|application\/(?:x-)?n?d?json)$/i.test(a.contentType);
    if (!isText) continue;
    if (a.size > MAX_ATTACHMENT_BYTES) {
      warnings.push(`attachment ${name}: ${a.size} bytes, over ${MAX_ATTACHMENT_BYTES}; not read`);
      continue;
    }
    const text = decodeBytes(a.content, ct?.params?.charset);
    out.push(
      html
        ? { filename: name || '(unnamed)', contentType: LABEL_ONLY, text: htmlText(text) }
        : { filename: name || '(unnamed)', contentType: a.contentType, text },
    );
  }
  return out;
}

/**
 * A forwarded message as one text: its subject, its body and its own text attachments, so that
 * TLP labels and log lines in a forwarded report are read as if posted.
 */
async function forwardedMessage(a: Attachment, warnings: string[], depth: number): Promise<TextAttachment | null> {
  const what = `forwarded message ${a.filename ?? `part ${a.partId ?? '?'}`}`;
  if (depth > FORWARD_LIMITS.maxDepth) {
    warnings.push(`${what}: forwarded more than ${FORWARD_LIMITS.maxDepth} levels deep; not read`);
    return null;
  }
  if (a.size > FORWARD_LIMITS.maxBytes) {
    warnings.push(`${what}: ${a.size} bytes, over ${FORWARD_LIMITS.maxBytes}; not read`);
    return null;
  }
  let m: ParsedMail;
  try {
    m = await parseMail(a.content);
  } catch (err) {
    warnings.push(`${what}: not a readable message (${(err as Error).message})`);
    return null;
  }
  const subject = fixJapanese(m.subject ?? '');
  const inner = await textAttachments(m.attachments, warnings, depth);
  return {
    filename: subject || '(forwarded message)',
    contentType: 'message/rfc822',
    text: [`Subject: ${subject}\n\n${bodyText(m)}`, ...inner.map((x) => x.text)].join('\n\n'),
  };
}

function isGzip(name: string, type: string, data: Buffer): boolean {
  return /\.gz$/i.test(name) || /gzip/i.test(type) || (data[0] === 0x1f && data[1] === 0x8b);
}

function isZip(name: string, type: string, data: Buffer): boolean {
  return /\.zip$/i.test(name) || /zip/i.test(type) || data.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'));
}

/**
 * The text files inside a .gz or .zip attachment, within ARCHIVE_LIMITS: total expanded size,
 * number of entries, expansion ratio. A cap that is hit leaves the rest unread, with a warning.
 */
export function openArchive(name: string, data: Buffer, warnings: string[]): Array<{ name: string; data: Buffer }> {
  const { maxBytes, maxEntries, maxRatio } = ARCHIVE_LIMITS;
  const cap = Math.min(maxBytes, Math.max(1, data.length) * maxRatio);
  try {
    if (data[0] === 0x1f && data[1] === 0x8b) {
      const chunks: Uint8Array[] = [];
      let total = 0;
      let over = false;
      const g = new Gunzip((chunk) => {
        total += chunk.length;
        if (total > cap) over = true;
        else chunks.push(chunk);
      });
      // Fed in slices so that a decompression bomb is noticed after a slice, not after all of it.
      for (let i = 0; i < data.length && !over; i += 16_384)
        g.push(data.subarray(i, i + 16_384), i + 16_384 >= data.length);
      if (over) {
        warnings.push(`attachment ${name}: expands past ${cap} bytes (ratio or size cap); not read`);
        return [];
      }
      return [{ name: name.replace(/\.gz$/i, ''), data: Buffer.concat(chunks) }];
    }
    let entries = 0;
    let total = 0;
    const files = unzipSync(data, {
      filter: (f) => {
        if (!TEXT_ATTACHMENT.test(f.name)) return false;
        entries++;
        total += f.originalSize;
        if (entries > maxEntries || total > cap || f.originalSize > f.size * maxRatio) {
          warnings.push(
            `attachment ${name}: entry ${f.name} over the archive caps ` +
              `(${maxEntries} entries, ${cap} bytes, ratio ${maxRatio}); not read`,
          );
          return false;
        }
        return true;
      },
    });
    return Object.entries(files).map(([n, d]) => ({ name: `${name}/${n}`, data: Buffer.from(d.subarray(0, cap)) }));
  } catch (err) {
    warnings.push(`attachment ${name}: not a readable archive (${(err as Error).message})`);
    return [];
  }
}
