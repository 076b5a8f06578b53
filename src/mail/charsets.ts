/**
 * Bytes to text for mail: text parts, attachments, and the Japanese that old mailers sent under
 * the wrong label or none.
 */
import { isUtf8 } from 'node:buffer';
import { EventEmitter } from 'node:events';
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import libmime from 'libmime';
import { headerEnd } from './mime.ts';

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

let nativeDecoder: TextDecoder | undefined;

/**
 * ISO-2022-JP to text. Node's own decoder (ICU, WHATWG's rules) reads it first: encoding-japanese
 * takes about 80 ms to load and build its tables, most of what a short command spends on a
 * Japanese post. It reads the same text for every JIS X 0208 character both know, and also the
 * NEC and IBM extensions (≒ ≡ ∫ √ ￢ ...) where encoding-japanese gives "?". Left to
 * encoding-japanese, as before: JIS-Roman (ESC ( J), which WHATWG reads with ¥ for a backslash
 * and ‾ for a tilde where old mailers meant ASCII (paths, log lines), and whatever WHATWG refuses
 * (JIS X 0212, SO/SI kana, broken escapes, 8-bit bytes).
 */
export function decodeJis(bytes: Uint8Array): string {
  return nativeJis(bytes) ?? Encoding.convert(bytes, { to: 'UNICODE', from: 'JIS', type: 'string' });
}

const JIS_ROMAN = Buffer.from('\x1b(J', 'latin1');

function nativeJis(bytes: Uint8Array): string | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.some((b) => b >= 0x80) || buf.includes(JIS_ROMAN)) return undefined;
  nativeDecoder ??= new TextDecoder('iso-2022-jp', { fatal: true });
  try {
    return nativeDecoder.decode(buf);
  } catch {
    return undefined;
  }
}

/** Decodes attachment bytes by their label, or by sniffing when the label is missing or unknown. */
export function decodeBytes(buf: Buffer, charset?: string): string {
  const cs = charset?.toLowerCase().trim();
  const japanese = cs ? JAPANESE_LABELS[cs] : undefined;
  if (japanese) {
    const actual = japanese === 'JIS' ? jisOrWhatItIs(buf) : japanese;
    return actual === 'JIS' ? decodeJis(buf) : Encoding.convert(buf, { to: 'UNICODE', from: actual, type: 'string' });
  }
  if (cs && cs !== 'us-ascii' && cs !== 'utf-8' && iconv.encodingExists(cs)) return iconv.decode(buf, cs);
  // What detection would call UTF-8 anyway, known natively: no JIS escape, no NUL of UTF-16/32, and
  // valid UTF-8 (which bytes of EUC-JP or Shift_JIS text almost never are).
  if (!buf.includes(0x1b) && !buf.includes(0) && isUtf8(buf)) return buf.toString('utf8');
  const detected = Encoding.detect(buf);
  if (detected === 'JIS') return decodeJis(buf);
  if (detected === 'EUCJP' || detected === 'SJIS') {
    return Encoding.convert(buf, { to: 'UNICODE', from: detected, type: 'string' });
  }
  return buf.toString('utf8');
}

/** An RFC 2047 encoded word that says it is ISO-2022-JP (ISO2022_JP too, as some mailers write it). */
const JIS_WORD = /=\?(iso-?2022[-_]?jp)(\*[\w-]*)?\?([bq])\?([^?\s]*)\?=/gi;
/** Such words one after another, with only white space (folding included) between them. */
const JIS_RUN = new RegExp(String.raw`${JIS_WORD.source}(?:\s*${JIS_WORD.source})*`, 'gi');

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
 * The message with its header's ISO-2022-JP encoded words made readable for mailparser, or the
 * message itself when there are none:
 * - A run of words whose bytes Node's decoder reads (`decodeJis`) becomes one UTF-8 word with the
 *   same text, so that libmime does not load encoding-japanese for it. The run is decoded whole,
 *   as libmime joins such words: a mailer may split a character, or leave JIS mode, across words.
 * - A word that holds 8-bit bytes is labelled as what those bytes are (`jisOrWhatItIs`): old
 *   Japanese mailers wrote EUC-JP and Shift_JIS subjects and names under that label.
 */
export function relabelJapaneseWords(raw: Buffer): Buffer {
  const bytes = raw.subarray(0, headerEnd(raw).headers);
  // Looked for in the bytes first: most headers have no such word, and some run to 200 KB.
  if (!bytes.includes('2022')) return raw;
  const head = bytes.toString('latin1');
  if (!/=\?iso-?2022[-_]?jp/i.test(head)) return raw;
  const fixed = head.replace(JIS_RUN, (run) => {
    const words = [...run.matchAll(JIS_WORD)];
    const bytes = Buffer.concat(words.map((w) => wordBytes(w[3]!, w[4]!)));
    const text = nativeJis(bytes);
    if (text !== undefined) return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
    return run.replace(JIS_WORD, (word, _cs: string, lang: string | undefined, encoding: string, text: string) => {
      const actual = jisOrWhatItIs(wordBytes(encoding, text));
      return actual === 'JIS' ? word : `=?${MIME_NAMES[actual]}${lang ?? ''}?${encoding}?${text}?=`;
    });
  });
  return fixed === head ? raw : Buffer.concat([Buffer.from(fixed, 'latin1'), raw.subarray(head.length)]);
}

/**
 * ISO-2022-JP that carries no charset label reaches us with its escape sequences intact
 * (mailparser decodes it as ASCII); decode it here so that Japanese posts from old mailers read.
 */
export function fixJapanese(s: string): string {
  if (!s.includes('\x1b$')) return s;
  return decodeJis(Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff));
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
