import type { CountKind, CountMention } from '../model.ts';
import { allMatches } from './matches.ts';
import { namedAsPort } from './ports.ts';

/*
 * Prose reaches these patterns with runs of whitespace collapsed to one space, so the patterns
 * allow single spaces only: no two unbounded runs that could trade characters (ReDoS).
 */
// ("1.2 lakh packets", as an Indian operator writes a hundred thousand)
const MULTIPLIER = '(k|K|M|thousand|million|lakhs?|crores?|億|万|千)';
const NUM = String.raw`(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?: ?${MULTIPLIER}(?![A-Za-z]))?`;
const APPROX_EN =
  String.raw`(?:(about|approximately|approx\.?|around|roughly|nearly|almost|` +
  String.raw`over|more than|some|~|≈) ?)?`;
// "1.1M login attempts", "3,327 connection attempts": one word of what kind between a figure and its noun.
const ADJ =
  String.raw`(?:(?:unique|distinct|individual|different|separate|new|total|login|connection|authentication|` +
  String.raw`ssh|telnet|scan|scanning|brute-force|infected|attacking|compromised|spoofed|non-spoofed|denied|` +
  String.raw`dropped|blocked|request|reflector|active|malicious) ){0,2}`;
/** What counts sources, as each kind's noun below does its own. */
const SOURCE_NOUN =
  String.raw`(?:source (?:ips?|ip addresses|addresses|hosts)|sources|hosts|ips|ip addresses|addresses|` +
  // "~4k srcs", as a hurried post writes it; "~400 distinct middleboxes"
  String.raw`attackers|scanners|bots|infected hosts|reflectors|amplifiers|srcs|src ips|middleboxes)`;
const NOUN_EN: Array<[CountKind, string]> = [
  [
    'targets',
    String.raw`(?:target(?:ed)? (?:hosts|ips|addresses)|targets|destinations|` +
      String.raw`destination (?:ips|addresses|hosts)|victims)`,
  ],
  ['sources', SOURCE_NOUN],
  ['packets', String.raw`(?:packets|pkts|probes|events|attempts|connections|flows|hits|requests|syns|datagrams|drops)`],
];
const RATE = String.raw`( ?(?:/|per |an? )(?<unit>hour|hr|h|day|d)\b)?`;
/**
 * A figure per something other than time ("60 SYNs an hour per router", "1,000 packets per
 * second") is a rate of one thing, not a count the post states: whether or not the time came first.
 */
const TIME_UNIT = String.raw`(?:hour|hr|h|day|d)\b`;
const NOT_PER = String.raw`(?!(?: ?(?:/|per |an? )${TIME_UNIT})?,? ?(?:per|/) ?(?!${TIME_UNIT})[a-z])`;

const NOUN_JA: Array<[CountKind, string]> = [
  [
    'targets',
    '(?:ターゲット|宛先(?:アドレス|ホスト)?|標的|対象(?:インスタンス|ホスト|機器|サーバ|アドレス|IP ?アドレス))',
  ],
  [
    'sources',
    // (「約3,500 IP」: "IP" alone after a figure counts addresses too)
    '(?:送信元 ?(?:アドレス|IP ?(?:アドレス)?|ホスト)?|発信元 ?(?:アドレス|IP ?(?:アドレス)?)?|(?:感染)?ホスト|' +
      'IP ?アドレス|IP(?![A-Za-z]| ?アドレス)|ソースアドレス|攻撃元 ?(?:IP ?(?:アドレス)?)?|' +
      // 「反射元(リフレクタ)は約 1,200 台」「unique src が 700 程度」
      '反射元|リフレクタ(?:ー)?|踏み台|(?:unique |ユニーク ?)?src(?: ?IP)?)',
  ],
  ['packets', '(?:総?パケット|イベント|アクセス)'],
];
const VAGUE_EN = /\b(hundreds|thousands|tens of thousands|hundreds of thousands|millions)\b/i;
const VAGUE_JA = /(数十|数百|数千|数万|数十万)/;

/**
 * The English nouns of every kind in one pattern, a named group per kind: each case-insensitive
 * pattern costs V8 one to four milliseconds to compile, a tenth of `kansoku extract`'s own work
 * when there were nine. No text reads as two kinds at one place, so one pattern finds what three did.
 */
const NOUNS_EN = NOUN_EN.map(([kind, noun]) => `(?<${kind}>${noun})`).join('|');
/**
 * A figure before its noun: "12k packets", "~220 distinct reflectors". "TCP 179 connection attempts"
 * names a port, not 179 attempts ("8291/tcp 12k packets" does count), and "RFC 1918 addresses" a document.
 */
const figureBefore = (noun: string) =>
  new RegExp(
    String.raw`(?<![\w.,/:-])(?<!(?<![/\d])\b(?:tcp|udp|ports?|RFC) )${APPROX_EN}${NUM} ${ADJ}${noun}\b${RATE}` +
      // ("Total packets (all ports): 1,284,553 Unique sources: 96,412": the noun labels the figure after it)
      String.raw`(?!: ?[~≈]?\d)` +
      NOT_PER,
    'gi',
  );
/**
 * What a match of figureBefore holds from the last digit of its figure on, looked for first: the
 * whole pattern may start at any word or digit and is tried at every one, which made it the
 * costliest pass over a post that states no count.
 */
const mayFigureBefore = (noun: string) => new RegExp(String.raw`\d(?: ?${MULTIPLIER})? ${ADJ}${noun}\b`, 'i');
const COUNT_EN = figureBefore(`(?:${NOUNS_EN})`);
const MAY_COUNT_EN = mayFigureBefore(`(?:${NOUNS_EN})`);
/**
 * One word of the writer's own before a noun of sources: "4,300 distinct CPE addresses", "~220
 * distinct 11211/udp reflectors", "8,600 bot IPs"; not one that says whose they are ("3,870
 * customer addresses", "3 victim /32s"), a time or a word that carries the sentence on ("took 20
 * minutes", "123 toward hosts").
 */
const OWN_WORD =
  String.raw`(?!(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|times|percent|of|the|our|their|to|from|` +
  String.raw`in|on|at|per|and|or|more|less|other|such|all|toward|towards|into|onto|across|via|dozens?|` +
  String.raw`dst|dest|destination|target|targeted|victim|customer|customers|internal|protected|monitored|sensor|` +
  String.raw`honeypot|honeynet|public|private|usable|spare|free|allocated|assigned|own|affected|darknet|dark)\b)` +
  String.raw`(?:[a-z][\w-]{1,14}|\d{1,5}\/(?:tcp|udp)) `;
const OWN_SOURCES_EN = figureBefore(`${OWN_WORD}${SOURCE_NOUN}`);
const MAY_OWN_SOURCES_EN = mayFigureBefore(`${OWN_WORD}${SOURCE_NOUN}`);
const VAGUE_COUNT_EN = new RegExp(String.raw`\b(?:${VAGUE_EN.source}) of ${ADJ}(?:${NOUNS_EN})\b`, 'gi');
const NUMBER_OF_EN = new RegExp(String.raw`\bnumber of (?:${NOUNS_EN})\b`, 'gi');

/**
 * The Japanese nouns likewise, targets first: 「宛先ホスト」 is read once, as targets, where a
 * pattern per kind also read its 「ホスト」 as sources.
 */
const NOUNS_JA = NOUN_JA.map(([kind, noun]) => `(?<${kind}>${noun})`).join('|');
const AFTER_JA = new RegExp(
  String.raw`(約|およそ|概ね|最大|推定)?(?<![\d,./]|ポート|番)${NUM} ?(?:件|個|台|もの|以上の|超の|の)?` +
    String.raw`(?:個別|ユニーク|異なる|別々の)?(?:の)?(?:${NOUNS_JA})(?!あたり|当たり|毎|ごと)`,
  'g',
);
// 「送信元の数は約1,200」「送信元は約1,200」「送信元ユニークIPアドレス数: 31,204」「パケット数 1,387,102」
// 「送信元 IP アドレスのユニーク数は、9月13日0時の時点で約18,000」「送信元はざっと 3000 くらい」;
// not 「宛先は23番ポート」 or a time.
// 「感染ホスト数 (推定): 約3万」「送信元IP数は合計で約 8,400」「送信元は今のところ 2 IP のみ」
// 「パケット数は 1 時間で約 45 万」 (not its "1", an hour)
const BEFORE_JA = new RegExp(
  // (or a blank alone after a noun of sources, as a terse report writes it: 「ユニーク送信元 14,502」「送信元 150
  // くらい」, not 「観測ホスト 12 台」 or 「src 53 固定」; and a name in brackets after the noun: 「反射元(リフレクタ)は約 1,200 台」)
  String.raw`(?:${NOUNS_JA})(?: ?[(（][^)）\d]{1,12}[)）])?` +
    String.raw`(?: ?(?:の)?(?:(?:ユニーク ?(?:IP ?)?(?:アドレス)?)?数(?: ?[(（][^)）\d]{1,8}[)）])?(?:は|が|：|:)?|` +
    String.raw`は|が|：|:) ?|(?<=(?:送信元|発信元|攻撃元|反射元|リフレクター?)(?: ?[(（][^)）\d]{1,12}[)）])?) )` +
    // (an aside about when, never one that goes on to another subject: 「…は少ないもののパケット数は…」)
    String.raw`(?:、? ?[^。、はが]{0,24}?(?:時点|現在|まで|時間|日間)で?、? ?|(?:合計|総数|全体|今のところ|現時点|現状)で? ?)?` +
    String.raw`(約|およそ|概ね|最大|ざっと|だいたい|大体|おおよそ|ほぼ)? ?${NUM}` +
    // (nor a range, nor how many /24s: 「送信元は 40 程度の /24 に集中」「3 か所の /24」)
    String.raw`(?![\d,.]| ?(?:番|/|ポート|時|日|月|年|%|％|分|秒|倍|割)|[-–〜~] ?\d| ?(?:程度|ほど|くらい)?の ?\/\d|` +
    // (nor countries, networks or a rate: 「送信元 2 か国」「約 40 AS に分散」「1 件あたり」)
    String.raw` ?(?:か所|箇所|か国|カ国|ヵ国|ケ国|AS|つの)| ?(?:件|台|個)?(?:あたり|当たり)| ?(?:→|->|固定)|[：:])`,
  'g',
);
const VAGUE_COUNT_JA = new RegExp(String.raw`${VAGUE_JA.source}(?:件|個|台)?(?:の)?(?:${NOUNS_JA})`, 'g');
const NOUN_ALONE_JA = new RegExp(NOUNS_JA, 'g');
/** Katakana and kanji: one of them is in each Japanese noun above. */
const JAPANESE_NOUN_CHAR = /[\u30a0-\u30ff\u4e00-\u9fff]/;

/** The match and the vague word ("thousands", 「数千」) within `reach` characters after it in its sentence. */
function vagueAfter(prose: string, m: RegExpExecArray, reach: number, sentenceEnd: RegExp, vague: RegExp) {
  const end = m.index + m[0].length;
  const tail = prose.slice(end, end + reach).split(sentenceEnd)[0]!;
  const w = vague.exec(tail);
  return w ? `${m[0]}${tail.slice(0, w.index + w[0].length)}` : null;
}

/**
 * A figure under its label, as a report states it ("Unique sources: 18,442", "Total packets (all
 * ports): 1,284,553"), or a change to it, the figure it reached ("the number of distinct sources
 * went from about 40 to 1,250").
 */
const LABEL_NOUNS: Array<[CountKind, string]> = [
  ['sources', 'sources|source ips?|source addresses|source count|reflectors'],
  ['packets', 'packets|packet count|hits'],
  ['targets', 'targets|destinations|target count'],
];
const LABEL_WORDS = String.raw`(?:(?:unique|distinct|total) )?(?:${LABEL_NOUNS.map(([, nouns]) => nouns).join('|')})`;
const CHANGE_EN = String.raw`(?:went|grew|rose|jumped|climbed) from`;
/** "Unique sources crossed 3,100": the figure a label's count reached. */
// (not "hit": "Most sources hit 445 first" names a port)
const REACHED_EN = String.raw`(?:crossed|reached|topped|passed|exceeded)`;
/** What may stand between a label and its figure: "Sources so far: ~1,850", "Total packets (all ports): 1,284,553". */
const LABEL_ASIDE = String.raw`(?: \([^)]{0,30}\)| so far| today| yesterday| this week| overall)?`;
const ABOUT_EN = String.raw`(?:about |around |roughly |nearly |approximately |almost |over |more than )?`;
/** Which kind a label's noun counts. */
const LABELLED_EN = new RegExp(LABEL_NOUNS.map(([kind, nouns]) => `(?<${kind}>${nouns})`).join('|'), 'i');
const MAY_LABELLED_EN = new RegExp(
  String.raw`${LABEL_WORDS}${LABEL_ASIDE}(?:: ?|=| is | was | are | were | \(| ${REACHED_EN} )|` +
    String.raw`(?:sources|packets|targets) ${CHANGE_EN}`,
  'i',
);
// (not nfdump's "Summary: total flows: 4, total bytes: 312, total packets: 4", the paste's own tally,
// nor "daily sources", a rate)
const LABELLED_FIGURE_EN = new RegExp(
  String.raw`(?<![\w-]|, (?:(?:unique|distinct|total) )?|(?:daily|hourly|weekly) )(${LABEL_WORDS})` +
    // ("the source count is 2,400, not 24,000", as a correction gives it)
    // ("The source count (about 2,300) stands", "the number of sources was ~900", "Unique sources crossed 3,100")
    // (and a bot's "hits=1284")
    String.raw`${LABEL_ASIDE}(?:: ?|=|(?<=count) is ${ABOUT_EN}|(?<=count) \(${ABOUT_EN}|` +
    String.raw`(?<=\bnumber of (?:(?:unique|distinct) )?\w+(?: \w+)?) (?:is|was|are|were) ${ABOUT_EN}|` +
    String.raw` ${REACHED_EN} ${ABOUT_EN}| ` +
    String.raw`${CHANGE_EN} [^.;]{1,40}? to ${ABOUT_EN})[~≈]?${NUM}` +
    // (not an address, a date, a time, a share, a port's list or service, nor "4134 and 4837"; nor a ratio,
    // a rate or a rank: "the source count is 3x last week's", "40 per source", "2nd highest")
    String.raw`(?!\d|[,.:/-]\d|%|,? ?\d| ?[(（]| ?\/ ?(?:tcp|udp)| (?:and|or) \d|` +
    String.raw`x\b| ?(?:times|per)\b|(?:st|nd|rd|th)\b|` +
    // (nor a rate, a unit, a masked address or a count of something else: "Packets topped 40 Gbps", "Source
    // count (24h avg)", "Source IP: 185.x.x.x", "Reflectors: 19 ASNs", "Sources: 3 /24s", "2 orders of magnitude")
    String.raw`[a-z]|\.[x*]| ?(?:[KMG]?pps|[KMGT]?bps|[KMGT]b\/s|orders?|dozens?|ASNs?|AS\b|\/\d))`,
  'gi',
);

/**
 * Addresses a figure reaches, not ones it comes from: "attempts to 1,904 distinct addresses",
 * "across 65k of our addresses", "2,000 of our customer addresses".
 */
// ("across our ~2,000 panel hosts", "tried roughly 14,000 distinct external hosts")
const TO_BEFORE =
  /\b(?:to|against|across|on|at|hit|hitting|targeting|of|tried|scanned|probed|contacted)(?: our| my)? $/i;
const GENERIC = /\b(?:hosts|ips|ip addresses|addresses)\b/i;

/** What a match of OF_OURS holds, looked for first (mayFigureBefore says why). */
const MAY_OF_OURS = / of (?:our|my) /i;
/** "65k of our addresses", "2,000 of our customer addresses": how many of ours were reached. */
const OF_OURS = new RegExp(
  String.raw`(?<![\w.,/:-])${APPROX_EN}${NUM} of (?:our|my) (?:[a-z]+ )?` +
    String.raw`(?:addresses|ips|ip addresses|hosts|customers)\b`,
  'gi',
);

function targetedAt(prose: string, m: RegExpExecArray, noun = m.groups!.sources): boolean {
  // (not "We probed 3,400 source IPs from the attack back": the noun says whose they are)
  if (noun === undefined || !GENERIC.test(noun) || /\b(?:source|reflector|infected|bot|attacker)/i.test(noun))
    return false;
  const before = prose.slice(Math.max(0, m.index - 12), m.index);
  return TO_BEFORE.test(before);
}

function kindOf(m: RegExpMatchArray): CountKind {
  return NOUN_EN.find(([kind]) => m.groups![kind] !== undefined)![0];
}

const FACTOR: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  千: 1e3,
  万: 1e4,
  lakh: 1e5,
  m: 1e6,
  million: 1e6,
  crore: 1e7,
  億: 1e8,
};

function value(num: string, mult: string | undefined): number {
  const n = Number(num.replace(/,/g, ''));
  return Math.round(n * (FACTOR[(mult ?? '').toLowerCase().replace(/s$/, '')] ?? 1));
}

function per(unit: string | undefined): 'hour' | 'day' | null {
  if (!unit) return null;
  return /^h/i.test(unit) ? 'hour' : 'day';
}

/**
 * Counts of sources, targets and packets that a post states. Numbers are read as written
 * ("68,725", "2k", "約1,200", "3.4万"); words such as "thousands" or 「数千」 are kept as text with
 * no value, never turned into a number.
 */
export function extractCounts(prose: string): CountMention[] {
  const found: Array<[number, CountMention]> = [];
  const seen = new Set<string>();
  const push = (c: CountMention, at: number) => {
    const key = `${c.kind}@${at}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push([at, c]);
  };
  // (a port's number after "the" names the port's traffic: "Most of the 8081 sources" in a post on tcp/8081)
  const portOf = (m: RegExpExecArray) =>
    !m[1] &&
    !m[3] &&
    /^\d{2,5}$/.test(m[2]!) &&
    /\bthe $/i.test(prose.slice(Math.max(0, m.index - 4), m.index)) &&
    namedAsPort(prose, m[2]!);
  const figure = (m: RegExpExecArray, kind: CountKind) =>
    !portOf(m) &&
    push(
      { kind, value: value(m[2]!, m[3]), approx: !!m[1] || !!m[3], per: per(m.groups!.unit), text: m[0].trim() },
      m.index + m[0].length,
    );
  for (const m of MAY_COUNT_EN.test(prose) ? allMatches(prose, COUNT_EN) : [])
    figure(m, targetedAt(prose, m) ? 'targets' : kindOf(m));
  for (const m of MAY_OWN_SOURCES_EN.test(prose) ? allMatches(prose, OWN_SOURCES_EN) : [])
    figure(m, targetedAt(prose, m, m[0]) ? 'targets' : 'sources');
  for (const m of MAY_LABELLED_EN.test(prose) ? allMatches(prose, LABELLED_FIGURE_EN) : []) {
    const label = LABELLED_EN.exec(m[1]!)!;
    push(
      { kind: kindOf(label), value: value(m[2]!, m[3]), approx: !!m[3], per: null, text: m[0].trim() },
      m.index + m[0].length,
    );
  }
  for (const m of MAY_OF_OURS.test(prose) ? allMatches(prose, OF_OURS) : [])
    push(
      { kind: 'targets', value: value(m[2]!, m[3]), approx: !!m[1] || !!m[3], per: null, text: m[0].trim() },
      m.index + m[0].length,
    );
  for (const m of allMatches(prose, VAGUE_COUNT_EN))
    push({ kind: kindOf(m), value: null, approx: true, per: null, text: m[0].trim() }, m.index + m[0].length);
  // "the number of hosts ... appears to be in the thousands": the word within the same sentence.
  for (const m of allMatches(prose, NUMBER_OF_EN)) {
    const text = vagueAfter(prose, m, 60, /[.!?\n]/, VAGUE_EN);
    if (text) push({ kind: kindOf(m), value: null, approx: true, per: null, text: text.trim() }, m.index + m[0].length);
  }
  // Every Japanese noun has katakana or kanji: prose with neither skips the four passes below.
  const japanese = JAPANESE_NOUN_CHAR.test(prose);
  for (const m of japanese ? allMatches(prose, AFTER_JA) : [])
    push(
      { kind: kindOf(m), value: value(m[2]!, m[3]), approx: !!m[1] || !!m[3], per: null, text: m[0].trim() },
      m.index,
    );
  // The nouns' groups come first here: the figure's groups follow them.
  const k = NOUN_JA.length;
  for (const m of japanese ? allMatches(prose, BEFORE_JA) : []) {
    const [approx, num, mult] = [m[k + 1], m[k + 2]!, m[k + 3]];
    push(
      { kind: kindOf(m), value: value(num, mult), approx: !!approx || !!mult, per: null, text: m[0].trim() },
      m.index,
    );
  }
  for (const m of japanese ? allMatches(prose, VAGUE_COUNT_JA) : [])
    push({ kind: kindOf(m), value: null, approx: true, per: null, text: m[0].trim() }, m.index);
  // 「ホストの数は極端に多く数千に達している」: the word shortly after the noun, within the sentence.
  for (const m of japanese ? allMatches(prose, NOUN_ALONE_JA) : []) {
    const text = vagueAfter(prose, m, 16, /[。\n]/, VAGUE_JA);
    if (text) push({ kind: kindOf(m), value: null, approx: true, per: null, text }, m.index);
  }
  // A bilingual post states a figure twice (「送信元約1,200台（1,200 hosts）」): one mention, not two.
  const stated = new Set<string>();
  return found
    .sort((a, b) => a[0] - b[0])
    .map(([, c]) => c)
    .filter((c) => {
      if (c.value === null) return true;
      const key = `${c.kind}/${c.value}/${c.per}`;
      if (stated.has(key)) return false;
      stated.add(key);
      return true;
    });
}

/**
 * The first stated number of each kind, a total before a rate ("3,400 sources" before
 * "2k sources/hour"): what the contract's `counts` carries.
 */
export function countTotals(mentions: CountMention[]): Partial<Record<CountKind, number>> {
  const out: Partial<Record<CountKind, number>> = {};
  for (const m of [...mentions.filter((x) => x.per === null), ...mentions.filter((x) => x.per !== null)]) {
    if (m.value !== null && out[m.kind] === undefined) out[m.kind] = m.value;
  }
  return out;
}
