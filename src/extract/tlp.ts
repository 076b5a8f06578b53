import { TLP_ORDER, type Tlp } from '../model.ts';
import { INVISIBLE_CHARS, nfkc } from './unicode.ts';

export { TLP_ORDER, type Tlp } from '../model.ts';

export function isTlp(s: string): s is Tlp {
  return (TLP_ORDER as readonly string[]).includes(s);
}

// The pieces of a label, matched on NFKC-folded text (full-width ＴＬＰ：ＲＥＤ is TLP:RED). Every
// repetition is bounded so that the patterns stay linear on any input. Letters or digits next to
// the label make it part of a longer word ("TLPS", "atlp", "REDACTED"); anything else, Japanese
// included, may touch it ("本件はTLP:REDです").
const DASHES = '\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212';
// "TLP 2.0: RED", "TLPv2:RED": a version between the name and the label.
const VERSION = '(?:\\s{0,2}(?:v|version)?\\s{0,2}[12](?:\\.0)?)?';
// "Traffic Light Protocol", with "(TLP)" after it or not.
const LONG_NAME = String.raw`TRAFFIC[\s${DASHES}]{1,3}LIGHT[\s${DASHES}]{1,3}PROTOCOL(?:\s{0,3}\(\s{0,3}TLP\s{0,3}\))?`;
const NAME = String.raw`(?<![a-z0-9])(?:T\.?L\.?P\.?${VERSION}|${LONG_NAME})`;
// Anything but letters and digits may stand between the name and the label: "TLP: **RED**",
// "TLP => RED", "TLP・RED", "TLP.RED". A wider net reads more posts as stricter, never laxer.
const SEP = '[^\\p{L}\\p{N}]{1,8}';
// AMBER+STRICT in any spelling comes first, so that it is never read as plain AMBER.
const LABELS = `RED|AMBER[\\s+_/()${DASHES}]{1,8}STRICT|AMBER|GREEN|WHITE|CLEAR|レッド|赤|アンバー|グリーン|緑|ホワイト|白|クリア`;
const END = '(?![a-z0-9])';

const LABEL = new RegExp(`${NAME}${SEP}(${LABELS})${END}`, 'giu');
/** The label first and the name after it: "RED (TLP)", "AMBER [TLP]". */
const LABEL_FIRST = new RegExp(`(?<![a-z0-9])(${LABELS})\\s{0,2}[([（［]\\s{0,2}TLP\\s{0,2}[)\\]）］]`, 'giu');
/**
 * Text that may hold a label: both patterns need the name, and under their Unicode case folding
 * no letter of it but its two cases matches. Most posts carry no label, and the two patterns,
 * tried at every character, cost as much as the rest of the search.
 */
const MAYBE_LABEL = /T\.?L\.?P|TRAFFIC/i;

const PAIRS: Record<string, string> = {
  '[': ']',
  '(': ')',
  '<': '>',
  '{': '}',
  '【': '】',
  '〔': '〕',
  '「': '」',
  '『': '』',
};

const JAPANESE: Record<string, Tlp> = {
  レッド: 'RED',
  赤: 'RED',
  アンバー: 'AMBER',
  グリーン: 'GREEN',
  緑: 'GREEN',
  ホワイト: 'CLEAR',
  白: 'CLEAR',
  クリア: 'CLEAR',
};

// Characters that hide inside a label without showing ("TLP:\u200bRED"), and look-alike letters
// from other scripts and small capitals ("TLP:RЕD" with a Cyrillic Е, "TLP:ʀᴇᴅ"): gone or Latin
// before the label is read.
const INVISIBLE = new RegExp(INVISIBLE_CHARS.source, 'g');
const LOOKALIKE: Record<string, string> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Χ: 'X',
  ᴀ: 'A',
  ʙ: 'B',
  ᴄ: 'C',
  ᴅ: 'D',
  ᴇ: 'E',
  ɢ: 'G',
  ʜ: 'H',
  ɪ: 'I',
  ʟ: 'L',
  ᴍ: 'M',
  ɴ: 'N',
  ᴘ: 'P',
  ʀ: 'R',
  ꜱ: 'S',
  ᴛ: 'T',
  ᴡ: 'W',
};
const LOOKALIKES = new RegExp(`[${Object.keys(LOOKALIKE).join('')}]`, 'g');

/** Beyond ASCII: what the steps of `readable` may change, all of them. */
const NOT_ASCII = /[^\0-\x7f]/;

function readable(text: string): string {
  if (!NOT_ASCII.test(text)) return text;
  return nfkc(text)
    .replace(INVISIBLE, '')
    .replace(LOOKALIKES, (c) => LOOKALIKE[c]!);
}

/** Where the blanks (three at most) before position i begin. */
function blanksBefore(t: string, i: number): number {
  let k = i;
  while (k > 0 && i - k < 3 && /\s/.test(t[k - 1]!)) k--;
  return k;
}

/** Where the blanks (three at most) from position i end. */
function blanksAfter(t: string, i: number): number {
  let k = i;
  while (k < t.length && k - i < 3 && /\s/.test(t[k]!)) k++;
  return k;
}

/** The strictest of the labels, or null when there is none: a message takes the strictest of its sources. */
export function strictest(labels: Array<Tlp | null | undefined>): Tlp | null {
  let best: Tlp | null = null;
  for (const l of labels) if (l && (best === null || TLP_ORDER.indexOf(l) > TLP_ORDER.indexOf(best))) best = l;
  return best;
}

/**
 * The lowest label a message may carry: the default of every list it goes to (AMBER when it goes
 * to no list we know), and the label our own figures are shared under.
 */
export function tlpFloor(listDefaults: Tlp[], ownTlp: Tlp): Tlp {
  return strictest([...listDefaults, listDefaults.length ? null : 'AMBER', ownTlp])!;
}

/** A message's label: the strictest of everything in it, never below its floor. */
export function messageTlp(material: Array<Tlp | null | undefined>, floor: Tlp): Tlp {
  return strictest([...material, floor])!;
}

/** TLP:RED is for named recipients only: such material never goes to a list, in any message. */
export function mayGoToList(tlp: Tlp | null): boolean {
  return tlp !== 'RED';
}

function label(spelled: string): Tlp {
  if (JAPANESE[spelled]) return JAPANESE[spelled];
  const word = spelled.toUpperCase();
  if (word.startsWith('AMBER') && word.endsWith('STRICT')) return 'AMBER+STRICT';
  return word === 'WHITE' ? 'CLEAR' : (word as Tlp);
}

/** Every TLP label the texts carry, in any spelling of TLP 1.0 or 2.0; WHITE is CLEAR. */
export function tlpLabels(...texts: string[]): Tlp[] {
  const found: Tlp[] = [];
  for (const t of texts) {
    const r = readable(t);
    if (!MAYBE_LABEL.test(r)) continue;
    for (const m of r.matchAll(LABEL)) found.push(label(m[1]!));
    for (const m of r.matchAll(LABEL_FIRST)) found.push(label(m[1]!));
  }
  return found;
}

/** The strictest TLP label the texts carry. */
export function findTlp(...texts: string[]): Tlp | null {
  return strictest(tlpLabels(...texts));
}

/**
 * The subject with ours in front ("[TLP:AMBER] Re: ...") and every TLP tag its poster wrote
 * removed: a poster's label, perhaps laxer than ours, must not read as the label of our message.
 */
export function subjectWithTlp(subject: string, tlp: Tlp): string {
  const rest = withoutTlpTags(subject);
  return rest ? `[TLP:${tlp}] ${rest}` : `[TLP:${tlp}]`;
}

/**
 * The subject without the TLP tags its poster wrote. Code points are folded one by one so that
 * what is kept is the poster's own text, full-width or not.
 */
export function withoutTlpTags(subject: string): string {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of subject) {
    const f = ch.normalize('NFKC');
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  origin.push(subject.length);
  let kept = '';
  let from = 0;
  for (const m of folded.matchAll(LABEL)) {
    // A bracket goes with the tag only when it closes around it: "[foo TLP:RED]" keeps "[foo".
    const before = blanksBefore(folded, m.index);
    const after = blanksAfter(folded, m.index + m[0].length);
    const close = before > 0 ? PAIRS[folded[before - 1]!] : undefined;
    const paired = close !== undefined && close === folded[after];
    const start = paired ? before - 1 : m.index;
    const end = paired ? after + 1 : m.index + m[0].length;
    kept += `${subject.slice(origin[from], origin[start])} `;
    from = end;
  }
  kept += subject.slice(origin[from]);
  let rest = kept.replace(/\s+/g, ' ').trim();
  if (from > 0) {
    rest = rest
      .replace(/([[(<{【〔「『]) | ([\])>}】〕」』])/g, '$1$2')
      .replace(/^[\s|,;/\-–—]+|[\s|,;/\-–—]{1,16}$/g, '');
  }
  return rest;
}
