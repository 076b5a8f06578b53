/**
 * OpenPGP cleartext-signed text (RFC 4880 section 7.1) as its reader sees it. A signer writes
 * "- " before every line that begins with "-", so that the IMS record line
 * "-S------ 1296947564 0" reaches the list as "- -S------ 1296947564 0"; between the armor lines
 * stand the "Hash:" headers and, after the text, the signature block. Read as it stands, the log
 * records of a signed report are not records.
 */

/** A quote prefix ("> ", ">>", "> > "), so that a quoted signed post is read like the post. */
const QUOTE = /^[ \t]{0,3}(?:>[ \t]?)+/;
/** The armor lines of cleartext-signed text: its start, its signature's start, its end. */
export const BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----';
export const SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
export const END = '-----END PGP SIGNATURE-----';
/** An armor header line: "Hash: SHA256" (RFC 4880 section 6.2 names the keys). */
const ARMOR_HEADER = /^[A-Za-z][\w-]{0,40}: ?\S/;

function split(line: string): { quote: string; rest: string } {
  const quote = QUOTE.exec(line)?.[0] ?? '';
  return { quote, rest: line.slice(quote.length).trimEnd() };
}

/** The depth of a quote prefix: the number of ">" in it. */
function depth(quote: string): number {
  let n = 0;
  for (const c of quote) if (c === '>') n++;
  return n;
}

/**
 * The text with every cleartext-signed part (quoted ones too) read as its signer wrote it: the
 * BEGIN line, the armor headers and the signature block left out, dash-escaped lines un-escaped.
 * Text around the signed part (unsigned: CVE-2023-41037) is kept as it is. Without a signature
 * block the signed text runs to the end, so nothing is lost.
 */
export function clearsignedText(text: string): string {
  // A signed post quoted or forwarded inside a signed reply comes out of the first pass as a signed
  // part of its own. Three passes cover what lists carry, and bound what a crafted nest can cost.
  for (let pass = 0; pass < 3 && text.includes(BEGIN); pass++) {
    const next = unsign(text);
    if (next === text) break;
    text = next;
  }
  return text;
}

function unsign(text: string): string {
  const out: string[] = [];
  // Where the line is in a signed part (the armor headers, the text, the signature), and its depth.
  let state: 'outside' | 'headers' | 'text' | 'signature' = 'outside';
  let level = 0;
  for (const line of text.split(/\r?\n/)) {
    const { quote, rest } = split(line);
    const here = depth(quote) === level;
    if (state === 'outside') {
      if (rest === BEGIN) {
        state = 'headers';
        level = depth(quote);
      } else out.push(line);
    } else if (state === 'headers' && here && ARMOR_HEADER.test(rest)) {
      // An armor header: unsigned, and of no use to a reader.
    } else if (state === 'headers' && here && rest === '') {
      state = 'text';
    } else if (state === 'signature') {
      if (here && rest === END) state = 'outside';
      // A signature cut short (no END line): the first line that is not armor is the text again.
      else if (!here || !(ARMOR_HEADER.test(rest) || /^[A-Za-z0-9+/=]*$/.test(rest))) {
        state = 'outside';
        out.push(line);
      }
    } else if (here && rest === SIGNATURE) {
      state = 'signature';
    } else {
      // A signer that wrote no blank line after the headers: the text starts here.
      state = 'text';
      out.push(here && rest.startsWith('- ') ? quote + line.slice(quote.length + 2) : line);
    }
  }
  return out.join('\n');
}
