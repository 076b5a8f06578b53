import type { SightingVerdict } from '../model.ts';

/**
 * A member's answer to a report, from their own text only (mail/reply-text.ts drops the quote).
 *
 * The text is read clause by clause ("We don't see a rise, but we do see the same sources": two
 * clauses). A clause that denies is read as a denial even when it holds a confirmation's words
 * (「当方でも観測されていません」 holds 観測). A clear statement of seeing it beats a denial
 * elsewhere, as an analyst would count "no rise here, but the same sources": the sources are a
 * sighting. A bare "+1" or "same here" does not beat a denial.
 */
/** A pattern written in pieces, so that no line of it runs past the page. */
const re = (flags: string, ...parts: string[]) => new RegExp(parts.join(''), flags);

const DENY: RegExp[] = [
  re(
    'i',
    String.raw`\b(?:not|n't|no longer|never)\s+(?:been\s+|really\s+|yet\s+)?`,
    String.raw`(?:seeing|see|seen|observ\w*|notic\w*|detect\w*|getting|spotted)\b`,
  ),
  re(
    'i',
    String.raw`\b(?:don't|do not|doesn't|does not|haven't|have not|hasn't|has not|didn't|did not|can't|cannot|can not)`,
    String.raw`\s+(?:yet\s+|really\s+)?`,
    String.raw`(?:see|seen|observe|observed|confirm|find|found|notice|noticed|detect|detected|spot|spotted)\b`,
  ),
  re(
    'i',
    String.raw`\bnothing\s+(?:unusual\s+|similar\s+|like that\s+|special\s+|out of the ordinary\s+|of the sort\s+)?`,
    String.raw`(?:here|on our (?:side|end|sensors?|network|edge|darknet)|in our (?:logs?|data|netflow|sensors?))\b`,
  ),
  /\b(?:no|zero)\s+(?:sign|signs|increase|change|uptick|spike|rise|activity|traffic|hits|bump|jump)\b/i,
  /\b(?:quiet|normal|flat|business as usual|unchanged)\s+(?:here|on our|for us|in our)\b/i,
  re(
    'i',
    String.raw`\b(?:our|the)\s+(?:graphs?|sensors?|counters?|numbers|darknet|telescope|netflow|logs?)\s+`,
    String.raw`(?:are|is|look|looks|stay|stayed|remain)\s+(?:flat|quiet|normal|unchanged|clean)\b`,
  ),
  /\b(?:not|none|nothing)\s+(?:here|on our (?:side|end))\b/i,
  /\bnothing\s+(?:unusual|abnormal|special|out of the ordinary|interesting|significant|new|dramatic)\b/i,
  /\b(?:see|seeing|saw|seen|found|find|have|observe[ds]?|shows?|showed|got|get)\s+nothing\b/i,
  re(
    'i',
    String.raw`\b(?:could not|couldn't|unable to|cannot|can't|not able to|not) confirm\b|\bnot confirmed\b`,
    String.raw`|\bconfirmed negative\b|\bnothing to confirm\b`,
  ),
  /\b(?:our|the) (?:normal|usual) (?:level|range|baseline)\b|\bwithin (?:the |our )?(?:normal|usual)\b/i,
  /\b(?:0|zero) (?:hits|events|packets|sources|probes)\b/i,
  /^(?:nope|negative)\b|\bnegative (?:here|from|on|for)\b/i,
  /\bflat\b(?! rate)/i,
  re(
    '',
    '(?:観測|確認|検知|検出)(?:は|も)?(?:され|し|でき)?(?:て)?(?:い|お)?(?:ません|りません)',
    '|(?:観測|確認|検知)(?:されませんでした|できませんでした|しませんでした)',
    // Plain forms: 「観測してないです」「見られないです」「増えていない状況です」.
    '|(?:観測|確認|検知|検出)(?:は|も)?(?:され|し|でき)(?:て)?(?:い)?ない|(?:見え|来|届い|増え|出)て(?:い)?ない|見られない',
  ),
  re(
    '',
    '見られません|見られませんでした|見えていません|見えておりません|見当たりません|見受けられません',
    '|届いていません|届いておりません|来ていません|来ておりません',
  ),
  /(?:増加|変化|増え|異常|急増)(?:は|も)?(?:特に)?(?:見られ|観測され|確認され|あり)(?:ません|ていません|ておりません)/,
  /特に(?:変化|増加|異常|動き)(?:は)?(?:ありません|ございません|なし|見られません)|平常(?:どおり|通り|の範囲|運転)/,
  re(
    '',
    '通常(?:の)?範囲|いつも(?:通り|どおり)|通常(?:通り|どおり)|フラット|(?:観測|検知|変化|増加)なし',
    '|(?:増えて|増加して)(?:い|お)?(?:ない|ません|りません)|静か(?:です|でした)',
  ),
];

/** A statement that we see it too: beats a denial in another clause. */
const SEE: RegExp[] = [
  /\b(?:we|i)\s+(?:also|too)\s+(?:see|saw|observe|observed|noticed|detected|logged)\b/i,
  // "Looks like we have it too": have or got with the thing itself for object.
  re(
    'i',
    String.raw`\b(?:we|i)(?:'ve| have)? (?:also )?(?:have|had|got) (?:it|this|that|them|these|the same|similar)\b`,
    String.raw`.{0,40}?\b(?:too|as well|also)\b`,
  ),
  /\b(?:seeing|see|saw|observed?|noticed|logging|logged)\s+(?:the\s+)?same\b/i,
  /\b(?:we|i)(?:'re| are| am)\s+(?:also\s+)?seeing\s+(?:it|this|that|them|these|those|the same|similar)\b/i,
  /\b(?:likewise|similar(?:ly)?)\s+(?:here|on our)\b/i,
  // "we see ~400 sources/h on 5000/tcp": a figure of our own.
  re(
    'i',
    String.raw`\b(?:we|i)(?:'re| are)? (?:see|seeing|saw|observe|observed|have|had|got|get|log|logged|count|counted) `,
    String.raw`(?:~|about |around |roughly |approx\.? |over |some )?[1-9]`,
  ),
  /^(?:also\s+)?(?:seeing|observing|getting|noticing|logging)\s+(?:it|this|that|them|these|those|the same|similar)\b/i,
  /\bsame\s+(?:sources?|ips?|addresses|pattern|traffic|activity|scan\w*|behaviou?r)\b.{0,40}?\b(?:our|us|here)\b/i,
  /\bsame\s+(?:on|at|for|in)\s+(?:our|us|my)\b|\bmatches what (?:we|i)(?:'re)? (?:see|seeing|saw|have)\b/i,
  re(
    'i',
    String.raw`\b(?:it|this|that|they|it's|they're)(?:'s| is| are|'re)?\s+(?:also\s+)?`,
    String.raw`(?:on|in|at|hitting|reaching|visible (?:on|in))`,
    String.raw`\s+(?:our|us)\b.{0,40}?\b(?:too|as well|also)\b`,
  ),
  /\bcan confirm\b(?! (?:whether|if|what|which))/i,
  /\b(?:we|i) (?:also |can also )?confirm(?:ed)?\b(?! (?:whether|if|what|which))/i,
  /^confirm(?:ed|ing)\b|\bconfirmed (?:here|on our|from our|at our|as well|too)\b/i,
  re(
    '',
    String.raw`(?:こちら|当方|弊社|弊方|当社|弊学|弊組織|うち|私ども|我々|自社|手元)[^。\n、]{0,20}?`,
    String.raw`(?:でも|も)[^。\n]{0,30}?`,
    // 確認 alone is "we checked": it counts only as 確認でき / 確認され / 確認しており.
    '(?:観測|確認(?:でき|され|して(?:い|お)|いたしており|済)|検知|検出|見えて|見られ|来て|届いて|増えて|増加|急増|記録|出て',
    '|拾って|拾えて|捕捉|引っかかって|同様)',
  ),
  /^確認(?:でき|出来)ました/,
  /同様の(?:事象|傾向|通信|スキャン|アクセス|パケット|増加|挙動)[^。\n]{0,10}?(?:を|が)[^。\n]{0,6}?(?:観測|確認|検知|見えて|見られ)/,
  /同じ(?:送信元|宛先|ポート|通信|スキャン|パケット|アドレス|IP|傾向|事象)[^。\n]{0,15}?(?:を|が|も)[^。\n]{0,10}?(?:観測|確認|検知|見えて|見られ)/,
  /同じく(?:観測|確認|見え|検知|来て)|同様に(?:観測|確認|増加)/,
];

/** "Checking whether we see it": a clause about looking, not about what was seen. */
const LOOKING = re(
  'i',
  '(?:か|かどうか)(?:を)?(?:確認|調査|チェック|調べ|見て)',
  String.raw`|\b(?:will|going to|let me|i'll|we'll) (?:check|look|confirm)\b|\bchecking (?:now|whether|if)\b`,
);

/** A short agreement: counts when nothing in the reply denies. "+1" is not the start of a phone number. */
const AGREE: RegExp[] = [
  /\bsame here\b|\bme too\b|\bhere too\b|\bsame for us\b|\bditto\b/i,
  // At the start of a line of its own text, and not a phone number: "+1.555.010.0100" is one.
  /^\s*\+1(?![\s(.-]*\d)(?!\s*(?:to|for|on the|です)\b)/m,
];

/** "We see it on our edge too", "Seeing it too": a verb of seeing, then "too" later in the same clause. */
const WE_SEE = new RegExp(
  String.raw`^(?:also )?(?:seeing|observing|noticing|getting|logging)\b|` +
    String.raw`\b(?:we|i|our [\w/()-]+(?: [\w/()-]+)?)(?:'re|'ve| are| am| have| has)? (?:also )?(?:been )?` +
    String.raw`(?:see|sees|seeing|saw|seen|observ\w+|notic\w+|detect\w*|getting|hit|logging|logged|` +
    String.raw`picked|caught|shows?|showed|recorded)\b`,
  'i',
);
const TOO = /\b(?:too|as well|also)\b/i;

const QUESTION = /[?？]|教えて(?:ください|いただけ)|でしょうか|ご存知|いただけますか|いただけませんか/;
const ASKS = re(
  'i',
  String.raw`^(?:how|what|why|which|when|where|does anyone|do you|did you|is there|are there|has anyone|have you`,
  String.raw`|can someone|can you|could you|anyone)\b`,
);

/** A signature: RFC 3676's "-- " line, and whatever follows it. */
const SIGNATURE = /^-- ?$/m;

/** Clauses with their blanks collapsed: sentences, cut again at "but" and 「が、」, none longer than 500. */
function clauses(text: string): Array<{ text: string; asks: boolean }> {
  return (text.match(/[^.!?。！？\n]+[.!?。！？\n]?/g) ?? []).flatMap((sentence) => {
    const asks = /[?？]$/.test(sentence.trim());
    const parts = sentence
      .split(/\s(?:but|however|though|although)\s|\s[-–—]{1,2}\s|(?:が|けど|けれど|けれども|ものの)、/i)
      .map((x) => x.replace(/\s+/g, ' ').trim().slice(0, 500))
      .filter(Boolean);
    // The question mark belongs to the clause it ends: "Same here -- which ASNs are yours?".
    return parts.map((x, i) => ({ text: x, asks: asks && i === parts.length - 1 }));
  });
}

export function classifyReply(text: string): SightingVerdict {
  const own = text.split(SIGNATURE)[0]!;
  if (!own.trim()) return 'other';
  const parts = clauses(own);
  const denies = parts.map((x) => DENY.some((r) => r.test(x.text)));
  const weSeeToo = (x: string) => {
    const m = WE_SEE.exec(x);
    return m !== null && TOO.test(x.slice(m.index + m[0].length));
  };
  // "Can you confirm?" asks; it does not confirm.
  const sees = parts.map(
    (x, i) => !denies[i] && !x.asks && !LOOKING.test(x.text) && (weSeeToo(x.text) || SEE.some((r) => r.test(x.text))),
  );
  if (sees.some(Boolean)) return 'confirm';
  if (denies.some(Boolean)) return 'deny';
  if (
    AGREE.some((r) =>
      r.test(
        own
          .split(/\n/)
          .filter((l) => !/[?？]\s*$/.test(l))
          .join('\n'),
      ),
    )
  )
    return 'confirm';
  if (QUESTION.test(own) || parts.some((x) => ASKS.test(x.text))) return 'question';
  return 'other';
}
