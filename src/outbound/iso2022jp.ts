import Encoding from 'encoding-japanese';

/** Encodes text as ISO-2022-JP bytes, as a JavaScript string of 7-bit characters. */
function jis(s: string): string {
  return Encoding.convert(s, { to: 'JIS', from: 'UNICODE', type: 'string' });
}

/**
 * Whether a character is in JIS X 0208 proper: rows 1-8 and 16-84. encoding-japanese also writes
 * the NEC and IBM extension rows (①, ㈱...), which strict ISO-2022-JP readers do not have.
 */
function inJisX0208(ch: string): boolean {
  const m = /^\x1b\$B([\x21-\x7e])[\x21-\x7e]\x1b\(B$/.exec(jis(ch));
  if (!m) return false;
  const row = m[1]!.charCodeAt(0) - 0x20;
  return (row >= 1 && row <= 8) || (row >= 16 && row <= 84);
}

const ok = (c: string) => c.charCodeAt(0) < 0x80 || inJisX0208(c);

/**
 * Replaces what JIS X 0208 cannot carry (①, ㈱, ～ variants...) with its compatibility form, so
 * that nothing turns into "?" on an ISO-2022-JP list (japanese-style.md).
 */
export function jisSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ok(ch)) out += ch;
    else {
      const compat = ch.normalize('NFKC');
      out += compat !== ch && [...compat].every(ok) ? compat.replace(/^(\d+)$/, '($1)') : '?';
    }
  }
  return out;
}

/** The body in ISO-2022-JP with CRLF line ends, every line back in ASCII mode at its end. */
export function iso2022jpBody(text: string): string {
  return jisSafe(text)
    .split(/\r?\n/)
    .map((l) => jis(l))
    .join('\r\n');
}

/**
 * An RFC 2047 header value in ISO-2022-JP: one encoded-word per short run of characters, each
 * complete in itself, so that no encoded-word passes 75 characters.
 */
export function iso2022jpHeader(value: string): string {
  const safe = jisSafe(value);
  if (!/[^\x20-\x7e]/.test(safe)) return safe;
  const words: string[] = [];
  const chars = [...safe];
  for (let i = 0; i < chars.length; i += 12) {
    words.push(`=?ISO-2022-JP?B?${Buffer.from(jis(chars.slice(i, i + 12).join('')), 'latin1').toString('base64')}?=`);
  }
  return words.join(' ');
}
