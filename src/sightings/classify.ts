import type { SightingVerdict } from '../model.ts';

/**
 * A member's answer to a report, from their own text only. "Not seeing it" is read before "seeing
 * it", because the denial contains the confirmation's words.
 */
const DENY: RegExp[] = [
  /\b(?:not|n't|no longer)\s+(?:been\s+)?(?:seeing|see|seen|observ\w*|notic\w*|detect\w*|getting)\b/i,
  new RegExp(
    String.raw`\b(?:don't|do not|doesn't|does not|haven't|have not|didn't|did not|can't|cannot|can not)` +
      String.raw`\s+(?:see|seen|observe|confirm|find|notice|detect)\b`,
    'i',
  ),
  /\bnothing\s+(?:unusual\s+|similar\s+|like that\s+)?(?:here|on our (?:side|end|sensors?|network))\b/i,
  /\bno\s+(?:sign|signs|increase|change|uptick|spike|rise|activity)\b/i,
  /\b(?:quiet|normal|flat|business as usual)\s+(?:here|on our)\b/i,
  /\b(?:not|none|nothing)\s+(?:here|on our (?:side|end))\b/i,
  /観測されていません|観測していません|観測できていません|観測されませんでした|確認されていません|確認できていません|確認できません|確認されませんでした|見られません|見えていません|見当たりません|届いていません/,
  /(?:増加|変化|増え)(?:は|も)?(?:見られ|観測され|確認され|あり)(?:ません|ていません)/,
  /特に(?:変化|増加|異常)(?:は)?(?:ありません|なし|見られません)|平常(?:どおり|通り|の範囲)/,
];

const CONFIRM: RegExp[] = [
  /\bsame here\b|\bme too\b|\bhere too\b|\+1\b|\bcan confirm\b|\bconfirm(?:ed|ing)?\b/i,
  /\b(?:we|i)\s+(?:also|too)\s+(?:see|saw|observe|observed|noticed|detected|have|got)\b/i,
  /\b(?:seeing|see|saw|observed?)\s+(?:the\s+)?same\b/i,
  /\b(?:we|i)(?:'re| are| am)\s+seeing\s+(?:it|this|that|them|these|those)\b/i,
  /\b(?:likewise|similar(?:ly)?)\s+(?:here|on our)\b/i,
  /(?:こちら|当方|弊社|弊方|当社|うち|私ども|我々)(?:で|のほう|側)?(?:でも|も)[^。\n]{0,30}?(?:観測|確認|検知|見えて|見られ|来て|届いて|増えて|増加|急増)/,
  /同様の(?:事象|傾向|通信|スキャン|アクセス|パケット)[^。\n]{0,10}?(?:を|が)(?:観測|確認|検知)/,
  /同じく(?:観測|確認)/,
];

/** "We see it on our edge too": a subject and a verb of seeing, then "too" later in the same sentence. */
const WE_SEE = new RegExp(
  String.raw`\b(?:we|i)(?:'re|'ve| are| am| have)? (?:also )?(?:been )?` +
    String.raw`(?:see|seeing|saw|seen|observ\w+|notic\w+|detect\w*|getting|hit|logging)\b`,
  'i',
);
const TOO = /\b(?:too|as well|also)\b/i;

const QUESTION = /[?？]|教えて(?:ください|いただけ)|でしょうか|ご存知/;
const ASKS = /^(?:how|what|why|which|when|where|does anyone|do you|is there|are there|has anyone|can someone)\b/i;

/** Sentences with their blanks collapsed, each no longer than a sentence can sensibly be. */
function sentences(text: string): Array<{ text: string; asks: boolean }> {
  return (text.match(/[^.!?。！？\n]+[.!?。！？\n]?/g) ?? [])
    .map((x) => ({ text: x.replace(/\s+/g, ' ').trim().slice(0, 500), asks: /[?？]$/.test(x.trim()) }))
    .filter((x) => x.text);
}

export function classifyReply(text: string): SightingVerdict {
  if (!text.trim()) return 'other';
  const parts = sentences(text);
  if (parts.some((x) => DENY.some((r) => r.test(x.text)))) return 'deny';
  const weSeeToo = (x: string) => {
    const m = WE_SEE.exec(x);
    return m !== null && TOO.test(x.slice(m.index + m[0].length));
  };
  // "Can you confirm?" asks; it does not confirm.
  if (parts.some((x) => !x.asks && (weSeeToo(x.text) || CONFIRM.some((r) => r.test(x.text))))) return 'confirm';
  if (QUESTION.test(text) || parts.some((x) => ASKS.test(x.text))) return 'question';
  return 'other';
}
