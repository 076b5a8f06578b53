import type { Claim } from '../model.ts';

/** What a post says about the scan itself, in English and Japanese. */

const SCAN_TYPES: Array<[string, RegExp]> = [
  ['syn-scan', /\bSYN[\s-]*(?:scan|probe|sweep)s?\b|SYN\s*スキャン/i],
  ['syn-flood', /\bSYN[\s-]*flood|SYN\s*Flood|SYNフラッド/i],
  ['udp-scan', /\bUDP[\s-]*(?:scan|probe|sweep)s?\b|UDP\s*スキャン/i],
  ['reflection', /\breflect(?:ion|ed)\b|\bamplification\b|\bbackscatter\b|リフレクション|反射|バックスキャッタ|増幅/i],
  ['brute-force', /\bbrute[\s-]*forc(?:e|ing)\b|ブルートフォース|総当たり/i],
  ['null-scan', /\bNULL[\s-]*scan\b/i],
  ['xmas-scan', /\bX-?mas[\s-]*(?:tree\s*)?scan\b/i],
  ['fin-scan', /\bFIN[\s-]*scan\b/i],
];

const ONE_PER_24 = new RegExp(
  String.raw`\b(?:one|a single|single|only one|1)\s+(?:target|ip|address|host|destination)(?:\s+ip)?(?:\s+address)?` +
    String.raw`\s+(?:per|in each|in every|for each|of each)\s+\/24\b` +
    String.raw`|\/24\s*(?:ごと|毎|あたり)に?\s*(?:1|一)(?:つ|個|台)?の?(?:アドレス|IP|ホスト|宛先)`,
  'i',
);
/**
 * A share of the sources that aim at one address: "96% of hosts sending packets to a certain /24
 * ... are targeting one specific IP", 「送信元の96%が特定の1つのIPアドレスを狙って」. The words between
 * are bounded (80 characters, one sentence) so that the pattern stays linear.
 */
const ONE_TARGET_SHARE = [
  new RegExp(
    String.raw`(?<![\d.])(\d{1,3}(?:\.\d{1,2})?) ?(?:%|percent) of (?:the |all )?` +
      String.raw`(?:hosts|sources|scanners|ips|addresses|bots)\b[^.!?\n]{0,80}?\b(?:are |were |is )?` +
      String.raw`(?:target(?:s|ing|ed)?|hit(?:s|ting)?|prob(?:e|es|ing)) (?:only )?(?:one|a single|single|the same|1)` +
      String.raw`(?: specific| particular| single)? (?:ip|address|host|target|destination)`,
    'i',
  ),
  new RegExp(
    String.raw`(?:送信元|発信元|ホスト)(?:IP|アドレス|ホスト)?の(?:約)?(\d{1,3}(?:\.\d{1,2})?) ?%[^。\n]{0,40}?` +
      '(?:特定の|単一の|同じ)(?:1つの|一つの)?(?:IP|アドレス|ホスト|宛先)',
  ),
];
const MAY_SHARE = /%|percent/i;
const SEQUENTIAL = /\bsequential(?:ly)?\b|\bincremental(?:ly)?\b|順番に|連続した/i;

const QUESTION = new RegExp(
  String.raw`\b(?:are|is)\s+(?:other|others|anyone|anybody|other folks|other people)\b[^?\n]{0,60}\?` +
    String.raw`|\banyone\s+else\b[^?\n]{0,60}\?|\b(?:does|do)\s+anyone\b[^?\n]{0,80}\?` +
    '|観測されていますでしょうか|観測されていますか|いかがでしょうか|見えていますか|ご存知の方',
  'i',
);

/** Scan types and targeting patterns the post describes, each with the text it was read from. */
export function patterns(prose: string): Claim[] {
  const out: Claim[] = [];
  for (const [id, re] of SCAN_TYPES) {
    const m = re.exec(prose);
    if (m) out.push({ kind: 'scan-type', value: id, text: m[0] });
  }
  // Each looked for only in prose that holds what it must ("/24", a percentage): they may start
  // at any word or digit, and most posts give neither.
  for (const [id, re] of [
    ['one-target-per-/24', prose.includes('/24') ? ONE_PER_24 : null],
    ['sequential', SEQUENTIAL],
  ] as const) {
    const m = re?.exec(prose);
    if (m) out.push({ kind: 'targeting', value: id, text: m[0] });
  }
  const share = MAY_SHARE.test(prose) ? ONE_TARGET_SHARE.map((re) => re.exec(prose)).find((m) => m) : undefined;
  const pct = share ? Number(share[1]) : NaN;
  if (share && pct <= 100) out.push({ kind: 'targeting', value: 'one-target-share', text: share[0], share: pct / 100 });
  return out;
}

/** The post asks the list whether others see the same. */
export function asksList(prose: string): boolean {
  return QUESTION.test(prose);
}

/**
 * How many times `re` (global) matches, counted up to `cap`: the tests below need no more, where
 * a long post has thousands of words to list.
 */
function countUpTo(prose: string, re: RegExp, cap: number): number {
  let n = 0;
  for (const _ of prose.matchAll(re)) if (++n === cap) break;
  return n;
}

/** Languages the post is written in, by script: kana or kanji means Japanese, Latin words English. */
export function languages(prose: string): Array<'ja' | 'en'> {
  const out: Array<'ja' | 'en'> = [];
  const ja = countUpTo(prose, /[\u3040-\u30ff\u4e00-\u9fff]/g, 4);
  const en = countUpTo(prose, /\b[A-Za-z]{3,}\b/g, 6);
  if (ja >= 4) out.push('ja');
  if (en >= 6 || (ja < 4 && en >= 1)) out.push('en');
  return out;
}
