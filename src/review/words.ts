import { ownText } from '../mail/reply-text.ts';

export type ReplyIntent = { intent: 'approve' | 'reject'; sentence: string } | { intent: 'none'; why: string };

// A moderator who is away may be quoted back the request, or write about approving "on return":
// such a body never decides, whatever word it starts with.
const AUTOMATIC_JA = ['不在', '休暇', '外出中', '出張中', '自動返信', '自動応答', '留守'];
const AUTOMATIC_EN = new RegExp(
  String.raw`\bout[\s-]+of[\s-]+(?:the[\s-]+)?office\b|\booo\b|\bon[\s-]+(?:vacation|leave|holiday)\b` +
    String.raw`|\baway[\s-]+from[\s-]+(?:the|my)[\s-]+(?:office|desk)\b` +
    String.raw`|\bauto[\s-]?(?:reply|response)\b|\bautomatic[\s-]+(?:reply|response)\b`,
  'i',
);

const EN_NEGATION = new Set(['not', 'no', 'never', 'dont', 'cannot', 'cant', 'wont', 'nor', 'neither']);
const EN_HEDGE = new Set([
  'wait',
  'hold',
  'later',
  'yet',
  'unless',
  'if',
  'but',
  'until',
  'till',
  'once',
  'after',
  'before',
  'pending',
  'maybe',
  'perhaps',
  'except',
  'without',
  'fix',
  'first',
  'edit',
  'correct',
  'change',
  'update',
  'however',
]);
// Substrings, not words: Japanese has no spaces, and these are rare enough inside a plain
// "承認します" sentence that a false "none" (the draft waits) is the cheap mistake.
const JA_NEGATION = ['ない', 'ません', 'ず', '不可', '否', '中止', '取り消', '取消'];
const JA_HEDGE = [
  '保留',
  '待',
  'まだ',
  '後で',
  '後ほど',
  '場合',
  'たら',
  'れば',
  'なら',
  'ただし',
  '但し',
  'けど',
  'けれど',
  'ものの',
  '次第',
  '条件',
  'てから',
  '後に',
  '修正',
  '直して',
  '訂正',
  '変更して',
  '※',
];

// Longest first: "承認" followed by anything but one of these is some other word ("承認は", "承認者").
const JA_FORMS = [
  'でお願いいたします',
  'でお願いします',
  'いたしました',
  'いたします',
  '致しました',
  '致します',
  'しました',
  'します',
  'です',
  'で',
  '',
];
const EN_DECISION = /^(?:approved?|reject(?:ed)?)(?![\p{L}\p{N}_'-])/iu;
const MENTIONS_APPROVE = /approv|承認/i;
const MENTIONS_REJECT = /reject|却下/i;

const JA_GREETINGS = [
  'いつもお世話になっております',
  'お世話になっております',
  'お世話になります',
  'お疲れ様です',
  'お疲れさまです',
  'おつかれさまです',
  'お疲れ様でございます',
  'おはようございます',
  'こんにちは',
];
const EN_GREETING =
  /^(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening)|thanks|thank you|many thanks)\b/i;
const ADDRESSEE = /(?:様|さま|さん|各位|殿|御中)$/;
const INTRO = /(?:です|でございます|と申します)$/;
// A name is kanji, katakana or Latin joined by の; any other hiragana makes it a statement
// ("確認しましたです", "問題ないです") rather than "セキュリティ運用の鈴木です".
const HIRAGANA_BUT_NO = /[\u3041-\u306d\u306f-\u3096]/;
/** Greetings, addressees and names are short; a longer opening is the message itself. */
const OPENING_MAX = 40;
const OPENING_END = '\n,、。.!:;?';
const PUNCTUATION_OR_SPACE = /^[\s,、。.!:;]+/;
const LETTER = /[\p{L}\p{N}]/u;

/** An out-of-office / vacation / auto-reply body, in Japanese or English (never decides). */
export function looksAutomatic(text: string): boolean {
  const t = text.normalize('NFKC');
  return AUTOMATIC_JA.some((w) => t.includes(w)) || AUTOMATIC_EN.test(t);
}

/**
 * What a moderator's reply decides. `text` is the whole decoded body (quotes included: call ownText first),
 * `names` the moderator's own names (display name from From, its parts, the local part of the address) to strip.
 */
export function readDecision(text: string, names: string[]): ReplyIntent {
  // NFKC so that full-width "ＡＰＰＲＯＶＥ", "？" and "！" read as their ASCII selves.
  const own = ownText(text.replace(/\r\n?/g, '\n')).normalize('NFKC');
  if (!own) return none('no text of its own above the quote');
  if (looksAutomatic(own)) return none('reads as an automatic reply');
  const body = dropOpening(own, new Set(names.map((n) => n.normalize('NFKC').trim().toLowerCase()).filter(Boolean)));
  if (!body) return none('nothing after the greeting');

  const { sentence, whole, question } = firstSentence(body);
  const en = EN_DECISION.exec(sentence);
  const intent = en
    ? en[0].toLowerCase().startsWith('approve')
      ? 'approve'
      : 'reject'
    : sentence.startsWith('承認')
      ? 'approve'
      : sentence.startsWith('却下')
        ? 'reject'
        : null;
  if (!intent) return none(`first word is "${firstWord(sentence)}", not approve/reject`);
  if (question) return none(`the sentence is a question: "${whole}"`);
  // A rejection is the safe direction: its reason may say "not" ("reject: not ours"). A negated
  // 却下 (却下しないで) is no plain 却下 below, and an English negation would come before the word.
  if (intent === 'approve') {
    const negation = negationIn(sentence);
    if (negation) return none(`negation in the same sentence: "${negation}"`);
    const hedge = hedgeIn(sentence);
    if (hedge) return none(`hedge in the same sentence: "${hedge}"`);
  }
  if ((intent === 'approve' ? MENTIONS_REJECT : MENTIONS_APPROVE).test(sentence))
    return none('says both approve and reject');
  if (!en && !plainJapanese(sentence.slice(2)))
    return none(`first word is "${firstWord(sentence)}", not a plain ${intent === 'approve' ? '承認' : '却下'}`);
  if (intent === 'approve') {
    // The sentence is clean; what follows it may still take it back ("承認です。まだ送らないで",
    // "Approve... NOT!", "approve\n\nJust kidding, please reject") or make it conditional
    // ("承認します\n\nただし件名修正後に"). Everything the moderator wrote above the sign-off counts.
    const above = aboveSignature(body);
    const doubt = doubtIn(above) ?? retractionIn(above);
    if (doubt) return none(`taken back or qualified after the approval: "${doubt}"`);
  }
  return { intent, sentence: whole };
}

/** Phrases that read as yes although they hold a negating morpheme: 「問題ありません」, "no objection". */
const POSITIVE = new RegExp(
  '問題(?:は|も)?(?:ありません|ない|なし|ございません)|異論(?:は)?(?:ありません|ございません|なし)' +
    '|異存(?:は)?(?:ありません|ございません)|差し支え(?:は)?(?:ありません|ございません)|(?:構い|かまい)ません' +
    String.raw`|\bno (?:problems?|objections?|issues?|concerns?|changes?)\b|\bnot a problem\b`,
  'gi',
);
/**
 * Marks and words that undo or qualify a yes wherever they stand next to it. Any character beyond
 * the BMP (👍, 🙏, 😀 as much as 👎) is doubt: a yes written with an emoji decides nothing.
 */
const DOUBT_MARKS = new RegExp(
  String.raw`[×✗✘❌❎⛔¿‽()（）\u{10000}-\u{10FFFF}]|\bw\/o\b|` +
    String.raw`\b(?:minus|iff|kidding|joking|jk|nobody|nah|nope|actually)\b|冗談|難しい|言いたい|ところ`,
  'iu',
);
/** Words that take a decision back from anywhere in the reply's own text. */
const RETRACTION = new RegExp(
  String.raw`\b(?:reject\w*|hold|wait|cancel\w*|retract\w*|kidding|joking|scratch that|never ?mind|` +
    String.raw`don'?t send|do not send|stop)\b` +
    '|却下|冗談|送らないで|送信しないで|待って|取り消|取消|中止|保留|やめて|やっぱり',
  'i',
);

/**
 * The text above the sign-off: a signature separator ("-- ", a rule of dashes, equals or
 * underscores) or a closing line (「よろしくお願いします」「以上」, "Thanks", "Regards"), below
 * which come names, titles and disclaimers that decide nothing.
 */
function aboveSignature(text: string): string {
  const m = SIGN_OFF.exec(text);
  return m ? text.slice(0, m.index) : text;
}

const SIGN_OFF = new RegExp(
  '^(?:-- ?|[-=_＿━─*]{3,}|(?:よろしく|宜しく)お願い(?:いた|致)?します[。.]?|以上(?:です|、?よろしくお願いします)?[。.]?' +
    '|(?:thanks|thank you|many thanks|regards|best regards|kind regards|best|cheers)[,.!]?)' +
    String.raw`[ \t]*$`,
  'im',
);

function doubtIn(text: string): string | null {
  const t = text.replace(POSITIVE, ' ');
  return negationIn(t) ?? hedgeIn(t) ?? DOUBT_MARKS.exec(t)?.[0] ?? (/[?？]/.test(t) ? '?' : null);
}

function retractionIn(text: string): string | null {
  return RETRACTION.exec(text.replace(POSITIVE, ' '))?.[0] ?? null;
}

function none(why: string): ReplyIntent {
  return { intent: 'none', why };
}

/** After 承認 / 却下: one of the accepted endings, then no more letters of the same word. */
function plainJapanese(after: string): boolean {
  return JA_FORMS.some((f) => after.startsWith(f) && !LETTER.test(after.charAt(f.length)));
}

/**
 * Greetings, addressees, a self-introduction and the moderator's own name, in any order, each
 * ending at punctuation or a line end. A part that mentions a decision, negates or hedges is the
 * message, not its opening.
 */
function dropOpening(text: string, names: Set<string>): string {
  let rest = text.trimStart();
  let introduced = false;
  for (;;) {
    const greeting = JA_GREETINGS.find((g) => rest.startsWith(g));
    if (greeting) {
      rest = skipPunctuation(rest.slice(greeting.length));
      continue;
    }
    const end = openingEnd(rest);
    if (end < 0) return rest;
    const part = rest.slice(0, end).trim();
    if (!part || MENTIONS_APPROVE.test(part) || MENTIONS_REJECT.test(part) || negationIn(part) || hedgeIn(part))
      return rest;
    const intro: boolean = !introduced && INTRO.test(part) && !HIRAGANA_BUT_NO.test(part.replace(INTRO, ''));
    const opening =
      names.has(part.toLowerCase()) ||
      (EN_GREETING.test(part) && part.split(/\s+/).length <= 5) ||
      ADDRESSEE.test(part) ||
      intro;
    if (!opening) return rest;
    introduced ||= intro;
    rest = skipPunctuation(rest.slice(end));
  }
}

/** Where the opening part ends, or -1 when it is too long or asks something to be one. */
function openingEnd(text: string): number {
  const limit = Math.min(text.length, OPENING_MAX + 1);
  for (let i = 0; i < limit; i++) {
    if (OPENING_END.includes(text[i]!)) return text[i] === '?' ? -1 : i;
  }
  return text.length <= OPENING_MAX ? text.length : -1;
}

function skipPunctuation(text: string): string {
  const m = PUNCTUATION_OR_SPACE.exec(text);
  return m ? text.slice(m[0].length) : text;
}

/**
 * The first sentence: up to 。 . ! ? or a line end. A dot between two letters or digits ("v1.2",
 * "example.com") is not an end. `whole` keeps the closing marks; `question` if any is "?".
 */
function firstSentence(text: string): { sentence: string; whole: string; question: boolean } {
  let i = 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n' || c === '。' || c === '!' || c === '?') break;
    if (c === '.' && !(isAlnum(text[i - 1]) && isAlnum(text[i + 1]))) break;
  }
  let j = i;
  while (j < text.length && '。.!?'.includes(text[j]!)) j++;
  return {
    sentence: text.slice(0, i).trim(),
    whole: text.slice(0, j).trim(),
    question: text.slice(i, j).includes('?'),
  };
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z0-9]$/.test(c);
}

function englishWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/’/g, "'")
    .split(/[^a-z']+/);
}

function negationIn(sentence: string): string | null {
  for (const w of englishWords(sentence)) {
    if (EN_NEGATION.has(w.replace(/'/g, '')) || w.endsWith("n't")) return w;
  }
  return JA_NEGATION.find((n) => sentence.includes(n)) ?? null;
}

function hedgeIn(sentence: string): string | null {
  for (const w of englishWords(sentence)) if (EN_HEDGE.has(w)) return w;
  const ja = JA_HEDGE.find((h) => sentence.includes(h));
  if (ja) return ja;
  // "が" joining a clause ("承認したいところですが、…") and nothing else ("ありがとう").
  for (let i = sentence.indexOf('が'); i >= 0; i = sentence.indexOf('が', i + 1)) {
    const next = sentence.charAt(i + 1);
    if (next === '' || /[\s,、…]/.test(next)) return 'が';
  }
  return null;
}

function firstWord(sentence: string): string {
  const m = /^[\p{L}\p{N}'’-]{1,20}/u.exec(sentence);
  return m ? m[0] : sentence.slice(0, 1);
}
