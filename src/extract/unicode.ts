/**
 * Characters that show nothing, yet split a word or a number in two: zero-width spaces and
 * joiners, the soft hyphen, the combining grapheme joiner, bidirectional marks, Hangul and
 * Khmer fillers. What we read in a post (a label, an address) is read without them.
 */
// The class lists combining and joining marks one by one on purpose: each is removed alone.
export const INVISIBLE_CHARS = new RegExp(
  // eslint-disable-next-line no-misleading-character-class
  String.raw`[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f` +
    String.raw`\u202a-\u202e\u2060-\u2064\u206a-\u206f\u3164\uffa0\ufeff]`,
);

/**
 * Characters NFKC may change: everything past Latin-1, and the Latin-1 ones with a compatibility
 * form (no-break space, ¨, ª, ¯, ², ³, ´, µ, ¸, ¹, º, ¼, ½, ¾).
 */
const MAY_FOLD = /[\xa0\xa8\xaa\xaf\xb2-\xb5\xb8-\xba\xbc-\xbe\u0100-\uffff]/;

/**
 * `s.normalize('NFKC')`, without the call when nothing in `s` can fold: V8 copies a Latin-1
 * string to UTF-16 for ICU, which made folding English prose cost as much as ten pattern passes
 * over it.
 */
export function nfkc(s: string): string {
  return MAY_FOLD.test(s) ? s.normalize('NFKC') : s;
}
