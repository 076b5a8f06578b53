/**
 * Bytes to text for mail: text parts, attachments, and the Japanese that old mailers sent under
 * the wrong label or none.
 */
import { EventEmitter } from 'node:events';
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import libmime from 'libmime';

type Japanese = 'JIS' | 'EUCJP' | 'SJIS';

const JAPANESE_LABELS: Record<string, Japanese> = {
  'iso-2022-jp': 'JIS',
  jis: 'JIS',
  'euc-jp': 'EUCJP',
  shift_jis: 'SJIS',
  sjis: 'SJIS',
  cp932: 'SJIS',
  'windows-31j': 'SJIS',
};

/**
 * ISO-2022-JP is 7-bit: a part so labelled that has 8-bit bytes is something else, most often
 * EUC-JP or Shift_JIS from a mailer of the 1990s, or UTF-8. It is read as what its bytes are;
 * decoded as JIS it comes out as unreadable kanji.
 */
function jisOrWhatItIs(buf: Uint8Array): Japanese | 'UTF8' {
  if (!buf.some((b) => b >= 0x80)) return 'JIS';
  const detected = Encoding.detect(buf);
  return detected === 'EUCJP' || detected === 'SJIS' || detected === 'UTF8' ? detected : 'JIS';
}

/** Decodes attachment bytes by their label, or by sniffing when the label is missing or unknown. */
export function decodeBytes(buf: Buffer, charset?: string): string {
  const cs = charset?.toLowerCase().trim();
  const japanese = cs ? JAPANESE_LABELS[cs] : undefined;
  if (japanese)
    return Encoding.convert(buf, {
      to: 'UNICODE',
      from: japanese === 'JIS' ? jisOrWhatItIs(buf) : japanese,
      type: 'string',
    });
  if (cs && cs !== 'us-ascii' && cs !== 'utf-8' && iconv.encodingExists(cs)) return iconv.decode(buf, cs);
  const detected = Encoding.detect(buf);
  if (detected === 'JIS' || detected === 'EUCJP' || detected === 'SJIS') {
    return Encoding.convert(buf, { to: 'UNICODE', from: detected, type: 'string' });
  }
  return buf.toString('utf8');
}

/** An RFC 2047 encoded word that says it is ISO-2022-JP. */
const JIS_WORD = /=\?(iso-2022-jp)(\*[\w-]*)?\?([bq])\?([^?\s]*)\?=/gi;

/** The bytes of an encoded word's text: base64 (B) or quoted-printable with `_` for space (Q). */
function wordBytes(encoding: string, text: string): Buffer {
  if (encoding.toLowerCase() === 'b') return Buffer.from(text, 'base64');
  return Buffer.from(
    text.replace(/_/g, ' ').replace(/=([\da-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
}

const MIME_NAMES: Record<Japanese | 'UTF8', string> = {
  JIS: 'ISO-2022-JP',
  EUCJP: 'EUC-JP',
  SJIS: 'Shift_JIS',
  UTF8: 'UTF-8',
};

/**
 * The message with the header's encoded words that say ISO-2022-JP but hold 8-bit bytes labelled
 * as what those bytes are (`jisOrWhatItIs`), for mailparser to decode: old Japanese mailers wrote
 * EUC-JP and Shift_JIS subjects and names under that label. The message itself when there are none.
 */
export function relabelJapaneseWords(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const end = crlf < 0 ? lf : lf < 0 ? crlf : Math.min(crlf, lf);
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1');
  if (!/=\?iso-2022-jp/i.test(head)) return raw;
  const fixed = head.replace(
    JIS_WORD,
    (word, _cs: string, lang: string | undefined, encoding: string, text: string) => {
      const actual = jisOrWhatItIs(wordBytes(encoding, text));
      return actual === 'JIS' ? word : `=?${MIME_NAMES[actual]}${lang ?? ''}?${encoding}?${text}?=`;
    },
  );
  return fixed === head ? raw : Buffer.concat([Buffer.from(fixed, 'latin1'), raw.subarray(head.length)]);
}

/**
 * ISO-2022-JP that carries no charset label reaches us with its escape sequences intact
 * (mailparser decodes it as ASCII); decode it here so that Japanese posts from old mailers read.
 */
export function fixJapanese(s: string): string {
  if (!s.includes('\x1b$')) return s;
  const codes = Array.from(s, (c) => c.charCodeAt(0) & 0xff);
  return Encoding.convert(codes, { to: 'UNICODE', from: 'JIS', type: 'string' });
}

/**
 * How mailparser turns a text part's bytes into text (its `Iconv` option, which it calls with the
 * part's label and feeds as a stream). As mailparser's own decoding does: the label resolved as
 * libmime resolves it, then iconv-lite. The difference: a part labelled ISO-2022-JP is read as
 * what its bytes are (`jisOrWhatItIs`). An unknown label throws, and mailparser then keeps the
 * bytes as they are, as it does by default.
 */
export class TextPartDecoder extends EventEmitter {
  private readonly chunks: Buffer[] = [];
  private readonly charset: string;
  private readonly jis: boolean;

  constructor(label: string) {
    super();
    this.charset = libmime.normalizeCharset(label);
    this.jis = /^(jis|iso-?2022-?jp)/i.test(this.charset);
    if (!this.jis && !iconv.encodingExists(this.charset)) throw new Error(`unknown charset ${label}`);
  }

  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  end(): void {
    const buf = Buffer.concat(this.chunks);
    this.emit(
      'data',
      Buffer.from(this.jis ? decodeBytes(buf, 'iso-2022-jp') : iconv.decode(buf, this.charset), 'utf8'),
    );
    this.emit('end');
  }
}
