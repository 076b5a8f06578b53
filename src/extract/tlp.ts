import type { Tlp } from '../model.ts';

/** Strictness order: a draft takes the strictest label of its sources. */
export const TLP_ORDER: Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

/** TLP 1.0 and 2.0 spellings: "TLP:AMBER", "TLP: amber", "[TLP-RED]", "TLP AMBER+STRICT", "TLP:WHITE". */
const LABEL = /\bTLP(?:\s*[:：-]\s*|\s+)(RED|AMBER(?:\s*\+\s*STRICT)?|GREEN|WHITE|CLEAR)\b/gi;

export function strictest(labels: Array<Tlp | null | undefined>): Tlp | null {
  let best: Tlp | null = null;
  for (const l of labels) if (l && (best === null || TLP_ORDER.indexOf(l) > TLP_ORDER.indexOf(best))) best = l;
  return best;
}

/** The strictest TLP label a text carries; TLP 1.0 WHITE is TLP 2.0 CLEAR. */
export function findTlp(...texts: string[]): Tlp | null {
  const found: Tlp[] = [];
  for (const t of texts) {
    for (const m of t.matchAll(LABEL)) {
      const l = m[1]!.toUpperCase().replace(/\s+/g, '');
      found.push(l === 'WHITE' ? 'CLEAR' : (l as Tlp));
    }
  }
  return strictest(found);
}
