import type { Tlp } from '../model.ts';

/** Strictness order: a draft takes the strictest label of its sources. */
export const TLP_ORDER: Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

// The pieces of a label, matched on NFKC-folded text (full-width ＴＬＰ：ＲＥＤ is TLP:RED). Every
// repetition is bounded so that the patterns stay linear on any input. Letters or digits next to
// the label make it part of a longer word ("TLPS", "atlp", "REDACTED"); anything else, Japanese
// included, may touch it ("本件はTLP:REDです").
const DASHES = '\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212';
const NAME = `(?<![a-z0-9])(?:TLP|TRAFFIC[\\s${DASHES}]{1,3}LIGHT[\\s${DASHES}]{1,3}PROTOCOL(?:\\s{0,3}\\(\\s{0,3}TLP\\s{0,3}\\))?)`;
const SEP = `[\\s:=/_${DASHES}]{1,8}`;
// AMBER+STRICT in any spelling comes first, so that it is never read as plain AMBER.
const LABELS = `RED|AMBER[\\s+_${DASHES}]{1,8}STRICT|AMBER|GREEN|WHITE|CLEAR`;
const END = '(?![a-z0-9])';

const LABEL = new RegExp(`${NAME}${SEP}(${LABELS})${END}`, 'gi');
/** A label as a subject carries it, with the brackets around it when there are any. */
const SUBJECT_TAG = new RegExp(`([\\[(<{【〔「『]?)\\s{0,3}${NAME}${SEP}(?:${LABELS})${END}\\s{0,3}([\\])>}】〕」』]?)`, 'gi');
const PAIRS: Record<string, string> = { '[': ']', '(': ')', '<': '>', '{': '}', '【': '】', '〔': '〕', '「': '」', '『': '』' };

export function strictest(labels: Array<Tlp | null | undefined>): Tlp | null {
  let best: Tlp | null = null;
  for (const l of labels) if (l && (best === null || TLP_ORDER.indexOf(l) > TLP_ORDER.indexOf(best))) best = l;
  return best;
}

function label(spelled: string): Tlp {
  const word = spelled.toUpperCase();
  if (word.startsWith('AMBER') && word.endsWith('STRICT')) return 'AMBER+STRICT';
  return word === 'WHITE' ? 'CLEAR' : (word as Tlp);
}

/** The strictest TLP label the texts carry, in any spelling of TLP 1.0 or 2.0; WHITE is CLEAR. */
export function findTlp(...texts: string[]): Tlp | null {
  const found: Tlp[] = [];
  for (const t of texts) for (const m of t.normalize('NFKC').matchAll(LABEL)) found.push(label(m[1]!));
  return strictest(found);
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
  for (const m of folded.matchAll(SUBJECT_TAG)) {
    const open = m[1]!;
    const close = m[2]!;
    // A bracket goes with the tag only when it closes around it: "[foo TLP:RED]" keeps "[foo".
    const paired = open !== '' && PAIRS[open] === close;
    const start = m.index + (paired ? 0 : open.length);
    const end = m.index + m[0].length - (paired ? 0 : close.length);
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
