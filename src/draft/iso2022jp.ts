import Encoding from 'encoding-japanese';

/** Encodes text as ISO-2022-JP bytes, as a JavaScript string of 7-bit characters. */
function jis(s: string): string {
  return Encoding.convert(s, { to: 'JIS', from: 'UNICODE', type: 'string' });
}

function roundTrips(ch: string): boolean {
  return Encoding.convert(jis(ch), { to: 'UNICODE', from: 'JIS', type: 'string' }) === ch;
}

/**
 * Replaces what JIS X 0208 cannot carry (①, ㈱, ～ variants...) with its compatibility form, so
 * that nothing turns into "?" on an ISO-2022-JP list (japanese-style.md).
 */
export function jisSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80 || roundTrips(ch)) out += ch;
    else {
      const compat = ch.normalize('NFKC');
      out += compat !== ch && [...compat].every((c) => c.charCodeAt(0) < 0x80 || roundTrips(c)) ? compat.replace(/^(\d+)$/, '($1)') : '?';
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
