import { createHash } from 'node:crypto';
import { Gunzip, Unzip, UnzipInflate } from 'fflate';
import { simpleParser, type Attachment, type MailParserOptions, type ParsedMail } from 'mailparser';
import { DEFAULT_LIMITS, type Limits } from '../config/schema.ts';
import { KansokuError } from '../errors.ts';
import { LABEL_ONLY, type Post, type TextAttachment } from '../model.ts';
import { decodeBytes, fixJapanese, relabelJapaneseWords, TextPartDecoder } from './charsets.ts';
import { htmlText, stripTags } from './html.ts';
import { capHeaderFields } from './mime.ts';
import { BEGIN, clearsignedText } from './pgp.ts';
import { verifySignature } from './signature.ts';

/** Attachments read as text: what members attach when they share logs. */
const TEXT_ATTACHMENT = /\.(txt|log|csv|tsv|json|ndjson|md)$/i;

/**
 * One message being read: its limits, what they cut, and the attachment text it may still expand
 * to (limits.maxDecompressedBytes), spent by its attachments and by those of the messages forwarded
 * in it, archives counted by what they expand to.
 */
interface Reading {
  limits: Limits;
  warnings: string[];
  left: number;
  /** Attachments not read at all because the budget was spent: named once, at the end. */
  unread: string[];
  /**
   * The message is a delivery report: the message it carries is the one that bounced, returned,
   * not a report forwarded to the list, and is not read (nothing answers a bounce anyway).
   */
  returned: boolean;
}

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

/** A line that opens an inline-signed text, unquoted: the post's own signature, not a quoted one's. */
const SIGNED = new RegExp(`^${BEGIN}`, 'm');

/**
 * Parses one raw message into a Post, within `limits` (the configured ones in the pipeline and the
 * CLI), its signature checked against `keyring` (auth.pgpKeyring). Throws a KansokuError when the
 * bytes are not a message at all.
 */
export async function parsePost(
  raw: Buffer,
  limits: Limits = DEFAULT_LIMITS,
  keyring: string | null = null,
): Promise<Post> {
  const warnings: string[] = [];
  let m: ParsedMail;
  try {
    m = await parseMail(raw, limits, warnings, 'message');
  } catch (err) {
    throw new KansokuError('MESSAGE_UNPARSABLE', 'mail', (err as Error).message, { cause: err });
  }
  const headers = headerMap(m);
  const bounce = isBounce(m, headers);
  const r: Reading = { limits, warnings, left: limits.maxDecompressedBytes, unread: [], returned: bounce };
  const id = m.messageId?.trim();
  const messageId = id && /^<[^<>\s]+>$/.test(id) ? id : id ? `<${id.replace(/[<>\s]/g, '')}>` : null;
  const text = bodyText(m, r, 'body');
  const attachments = [...(await textAttachments(m.attachments, r, 0)), ...alternative(m)];
  const list = listId(headers['list-id']);
  // What mailparser saw tells whether there is a signature to look for in the bytes at all.
  const signed =
    // A broken Content-Type can leave contentType not a string (flanker-spam-broken-ctype.eml).
    m.attachments.some((a) => /^application\/pgp-signature$/i.test(a.contentType)) || SIGNED.test(m.text ?? '');
  const signature = signed
    ? await verifySignature(raw, list, { keyring, maxSignatureBytes: limits.maxSignatureBytes }, r.warnings)
    : null;
  if (r.unread.length) {
    const names = r.unread.slice(0, 5).join(', ') + (r.unread.length > 5 ? `, and ${r.unread.length - 5} more` : '');
    r.warnings.push(
      `${r.unread.length} attachments not read: limits.maxDecompressedBytes (${limits.maxDecompressedBytes}) ` +
        `spent on those before them (${names})`,
    );
  }
  return {
    messageId: messageId ?? syntheticMessageId(raw),
    messageIdSynthetic: messageId === null,
    inReplyTo: firstMessageId(m.inReplyTo),
    references: messageIds(m.references),
    listId: list,
    from: firstAddress(m),
    date: m.date && !Number.isNaN(m.date.getTime()) ? m.date.toISOString() : null,
    subject: fixJapanese(m.subject ?? ''),
    text,
    attachments,
    auto: {
      autoSubmitted: headers['auto-submitted']?.toLowerCase().split(';')[0]!.trim() ?? null,
      precedence: headers['precedence']?.toLowerCase().trim() ?? null,
      returnPathEmpty: headers['return-path'] !== undefined && /^<\s*>$/.test(headers['return-path'].trim()),
      isBounce: bounce,
    },
    headers,
    authResults: (m.headerLines ?? [])
      .filter((h) => h.key.toLowerCase() === 'authentication-results')
      .map((h) => unfold(h.line.slice(h.line.indexOf(':') + 1))),
    warnings: r.warnings,
    signature,
  };
}

function parseMail(raw: Buffer, limits: Limits, warnings: string[], what: string): Promise<ParsedMail> {
  const capped = capHeaderFields(raw, limits.maxHeaderFieldBytes, warnings, what);
  return simpleParser(relabelJapaneseWords(capped), PARSER_OPTIONS);
}

/** The first occurrence of each header, unfolded, as text; mailparser keeps the raw lines. */
function headerMap(m: ParsedMail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of m.headerLines ?? []) {
    const key = h.key.toLowerCase();
    if (key in out) continue;
    const colon = h.line.indexOf(':');
    out[key] = unfold(h.line.slice(colon + 1));
  }
  return out;
}

/**
 * A header's value on one line. `[\r\n]+` rather than `\r?\n`: a line break cannot stand inside a
 * header but as its folding, and the class is found about five times faster in a subject folded
 * 3,300 times (flanker-long-header.eml).
 */
function unfold(value: string): string {
  return value.replace(/[\r\n]+[ \t]+/g, ' ').trim();
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

/** The text of a message: its text part, or its HTML when it has none; signed text as its signer wrote it. */
function bodyText(m: ParsedMail, r: Reading, what: string): string {
  if (m.text && m.text.trim()) return clearsignedText(fixJapanese(m.text));
  if (typeof m.html === 'string' && m.html.trim()) return clearsignedText(htmlText(m.html, r.limits, what, r.warnings));
  return '';
}

/**
 * The HTML alternative of a post that has a text part: members' clients send both, and a label
 * (or an address of ours) may stand in one only. Read for those, not for claims: its words are
 * enough, and laying it out cost more than parsing the whole message.
 */
function alternative(m: ParsedMail): TextAttachment[] {
  if (!(m.text && m.text.trim()) || typeof m.html !== 'string' || !m.html.trim()) return [];
  return [{ filename: '(HTML part)', contentType: LABEL_ONLY, text: stripTags(m.html) }];
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
 * At most `max` bytes of `data`, and when that cuts it, up to the end of its last whole line: half
 * a record ("DPT=50" of "DPT=5000") would be read as a whole one, and tell the list a wrong port.
 */
function upToLine(data: Buffer, max: number): Buffer {
  if (data.length <= max) return data;
  return data.subarray(0, data.lastIndexOf(10, max - 1) + 1);
}

/**
 * Text attachments, archives opened, forwarded messages read; `depth` is the number of forwarded
 * messages the list sits in. mailparser already writes an inline message/rfc822 part into the body
 * text, but hands one sent as an attachment (or with no disposition) over as its raw bytes.
 */
async function textAttachments(list: Attachment[], r: Reading, depth: number): Promise<TextAttachment[]> {
  const out: TextAttachment[] = [];
  for (const a of list) {
    if (a.related) continue;
    const name = a.filename ?? '';
    if (/^message\/rfc822$/i.test(a.contentType)) {
      if (r.returned && depth === 0) continue;
      const f = await forwardedMessage(a, r, depth + 1);
      if (f) out.push(f);
      continue;
    }
    const ct = a.headers.get('content-type') as { params?: Record<string, string> } | undefined;
    const archive = isGzip(name, a.contentType, a.content) || isZip(name, a.contentType, a.content);
    const html = /^text\/html$/i.test(a.contentType) || /\.html?$/i.test(name);
    const isText =
      html || TEXT_ATTACHMENT.test(name) || /^(?:text\/[\w.+-]+|application\/(?:x-)?n?d?json)$/i.test(a.contentType);
    if (!archive && !isText) continue;
    if (r.left <= 0) {
      r.unread.push(name || '(unnamed)');
      continue;
    }
    if (archive) {
      for (const f of openArchive(name || '(unnamed)', a.content, r))
        out.push({ filename: f.name, contentType: 'text/plain', text: clearsignedText(decodeBytes(f.data)) });
      continue;
    }
    const max = r.limits.maxAttachmentBytes;
    if (a.size > max) {
      r.warnings.push(`attachment ${name}: ${a.size} bytes, over limits.maxAttachmentBytes (${max}); not read`);
      continue;
    }
    const data = upToLine(a.content, r.left);
    if (data.length < a.content.length) {
      r.warnings.push(
        `attachment ${name}: limits.maxDecompressedBytes (${r.limits.maxDecompressedBytes}) reached; ` +
          `read the first ${data.length} of ${a.content.length} bytes`,
      );
      r.left = 0;
    } else r.left -= data.length;
    const text = decodeBytes(data, ct?.params?.charset);
    const filename = name || '(unnamed)';
    out.push(
      html
        ? { filename, contentType: LABEL_ONLY, text: stripTags(text) }
        : { filename, contentType: a.contentType, text: clearsignedText(text) },
    );
  }
  return out;
}

/**
 * A forwarded message as one text: its subject, its body and its own text attachments, so that
 * TLP labels and log lines in a forwarded report are read as if posted.
 */
async function forwardedMessage(a: Attachment, r: Reading, depth: number): Promise<TextAttachment | null> {
  const what = `forwarded message ${a.filename ?? `part ${a.partId ?? '?'}`}`;
  const { maxForwardDepth, maxForwardBytes } = r.limits;
  if (depth > maxForwardDepth) {
    r.warnings.push(`${what}: forwarded more than limits.maxForwardDepth (${maxForwardDepth}) levels deep; not read`);
    return null;
  }
  if (a.size > maxForwardBytes) {
    r.warnings.push(`${what}: ${a.size} bytes, over limits.maxForwardBytes (${maxForwardBytes}); not read`);
    return null;
  }
  let m: ParsedMail;
  try {
    m = await parseMail(a.content, r.limits, r.warnings, what);
  } catch (err) {
    r.warnings.push(`${what}: not a readable message (${(err as Error).message})`);
    return null;
  }
  const subject = fixJapanese(m.subject ?? '');
  const body = bodyText(m, r, what);
  const inner = await textAttachments(m.attachments, r, depth);
  return {
    filename: subject || '(forwarded message)',
    contentType: 'message/rfc822',
    text: [`Subject: ${subject}\n\n${body}`, ...inner.map((x) => x.text)].join('\n\n'),
  };
}

function isGzip(name: string, type: string, data: Buffer): boolean {
  return /\.gz$/i.test(name) || /gzip/i.test(type) || (data[0] === 0x1f && data[1] === 0x8b);
}

function isZip(name: string, type: string, data: Buffer): boolean {
  return /\.zip$/i.test(name) || /zip/i.test(type) || data.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'));
}

/**
 * Compressed input is fed in slices this small: DEFLATE expands a slice at most about 1,032 times,
 * so a decompression bomb is noticed after a few MB of output, not after all of it.
 */
const SLICE = 4096;

/**
 * The text files inside a .gz or .zip attachment, measured by what they really expand to (a zip
 * may declare any sizes it likes): within limits.maxArchiveEntries and limits.maxArchiveBytes and
 * what the message may still expand to, read up to the cap, the last file to its last whole line.
 * An archive that expands more than limits.maxArchiveRatio times the bytes of it read so far is
 * a bomb: not read.
 */
export function openArchive(name: string, data: Buffer, r: Reading): Array<{ name: string; data: Buffer }> {
  const { maxArchiveBytes, maxArchiveEntries, maxArchiveRatio } = r.limits;
  const room = Math.min(maxArchiveBytes, r.left);
  type File = { name: string; chunks: Uint8Array[] };
  const files: File[] = [];
  let produced = 0;
  let kept = 0;
  let stop: 'bomb' | 'full' | null = null;
  const take = (f: File, chunk: Uint8Array) => {
    produced += chunk.length;
    if (stop) return;
    const n = Math.min(chunk.length, room - kept);
    f.chunks.push(chunk.subarray(0, n));
    kept += n;
    if (n < chunk.length) stop = 'full';
  };
  let entries = 0;
  let seen = 0;
  let notRead = 0;
  try {
    let push: (chunk: Uint8Array, final: boolean) => void;
    if (data[0] === 0x1f && data[1] === 0x8b) {
      const f: File = { name: name.replace(/\.gz$/i, ''), chunks: [] };
      files.push(f);
      const g = new Gunzip((chunk) => take(f, chunk));
      push = (chunk, final) => g.push(chunk, final);
    } else {
      const u = new Unzip((entry) => {
        entries++;
        if (stop || !TEXT_ATTACHMENT.test(entry.name)) return;
        if (++seen > maxArchiveEntries) {
          notRead++;
          return;
        }
        const f: File = { name: `${name}/${entry.name}`, chunks: [] };
        files.push(f);
        let failed = false;
        entry.ondata = (err, chunk) => {
          if (err && !failed) r.warnings.push(`attachment ${name}: entry ${entry.name} not readable (${err.message})`);
          failed ||= !!err;
          if (!failed) take(f, chunk);
        };
        entry.start();
      });
      u.register(UnzipInflate);
      push = (chunk, final) => {
        u.push(chunk, final);
        if (final && !entries) throw new Error('no file in it');
      };
    }
    for (let i = 0; i < data.length && !stop; i += SLICE) {
      push(data.subarray(i, i + SLICE), i + SLICE >= data.length);
      // Against what was read so far: a bomb is known by its first slice, not after 20 MB of it.
      if (produced > Math.min(i + SLICE, data.length) * maxArchiveRatio) stop = 'bomb';
    }
  } catch (err) {
    r.warnings.push(`attachment ${name}: not a readable archive (${(err as Error).message})`);
  }
  if (stop === 'bomb') {
    r.warnings.push(
      `attachment ${name}: expands more than limits.maxArchiveRatio (${maxArchiveRatio}) times ` +
        `the bytes read of it, a decompression bomb; not read`,
    );
    return [];
  }
  if (notRead)
    r.warnings.push(
      `attachment ${name}: ${notRead} text files beyond limits.maxArchiveEntries (${maxArchiveEntries}) not read`,
    );
  const out: Array<{ name: string; data: Buffer }> = files.map((f) => ({
    name: f.name,
    data: Buffer.concat(f.chunks),
  }));
  const budget = r.left < maxArchiveBytes;
  r.left -= kept;
  if (stop === 'full') {
    const last = out.at(-1)!;
    // Cut mid-stream: it ends with its last whole line (upToLine says why).
    last.data = last.data.subarray(0, last.data.lastIndexOf(10) + 1);
    const cap = budget
      ? `limits.maxDecompressedBytes (${r.limits.maxDecompressedBytes}) for the whole message`
      : `limits.maxArchiveBytes (${maxArchiveBytes})`;
    r.warnings.push(
      `attachment ${name}: expands past ${cap}; ${last.name} read to its first ${last.data.length} bytes`,
    );
    if (budget) r.left = 0;
  }
  return out;
}
