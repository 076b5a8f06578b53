import type { Claim, PortRange, Proto } from '../model.ts';
import { allMatches } from './matches.ts';

/*
 * What a post says besides its ports: countries, the time window, port ranges and services named
 * by name. Each claim keeps the text it was read from. Prose reaches here with blanks collapsed
 * to single spaces, and the patterns allow single spaces only (no backtracking on long input).
 */

/**
 * Names a list writes that the region names below lack: adjectives, short forms, and the JP entry
 * that stands for itself (a bare 「日本」 is where the poster sits: 「日本時間」, not a source).
 */
const ALIASES: Array<[string, string[]]> = [
  ['CN', ['China', 'Chinese', '中国', '中華人民共和国']],
  ['US', ['United States', 'USA', 'U.S.', '米国', 'アメリカ']],
  ['RU', ['Russian Federation']],
  ['KR', ['Korea']],
  ['JP', ['Japan', '日本国内']],
  ['HK', ['Hong Kong', '香港']],
  ['MO', ['Macau', 'マカオ']],
  ['VN', ['Viet Nam']],
  ['TH', ['タイ国']],
  ['GB', ['UK', 'Britain', '英国']],
  ['TR', ['Turkey']],
  ['CZ', ['Czech Republic']],
  ['MM', ['Burma']],
];

/**
 * Codes Intl knows that are not countries of ISO 3166-1 (unions, reserved and withdrawn codes),
 * and the JP names: those come from ALIASES only.
 */
const NOT_COUNTRIES = new Set(
  'AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB YD YU ZR ZZ JP'.split(' '),
);
/** English names that are more often a word, a US state or a person in a post. */
const AMBIGUOUS = new Set(['Chad', 'Georgia', 'Jersey', 'Jordan', 'Guinea', 'Niger', 'Man']);

/** A region name and its everyday forms: "Myanmar (Burma)" -> "Myanmar", "Hong Kong SAR China" -> "Hong Kong". */
function forms(name: string): string[] {
  const short = name.replace(/\s*[(（][^)）]*[)）]$/, '').replace(/ SAR China$/, '');
  return [...new Set([name, short, short.replace(/ & /g, ' and ')])].filter((n) => n && !AMBIGUOUS.has(n));
}

/**
 * Every country's English and Japanese name, from the ICU data Node carries (Intl.DisplayNames),
 * so that 「ベネズエラ」 or "Paraguay" is read as well as the usual few.
 */
function countryNames(): Map<string, string> {
  const byName = new Map<string, string>();
  for (const [code, names] of ALIASES) for (const n of names) byName.set(n, code);
  const en = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const ja = new Intl.DisplayNames(['ja'], { type: 'region', fallback: 'none' });
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of A)
    for (const b of A) {
      const code = a + b;
      if (NOT_COUNTRIES.has(code)) continue;
      for (const name of [en.of(code), ja.of(code)]) {
        if (!name) continue;
        for (const f of forms(name)) if (!byName.has(f)) byName.set(f, code);
      }
    }
  return byName;
}

const BY_NAME = countryNames();
const CODES = new Set(BY_NAME.values());
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * One pattern for every name, longest first ("South Sudan" before "Sudan"), tried only where
 * NAME_START finds a name's first character: tried at every position of the prose, its 500-odd
 * names took 20 us of a short post's 100-150 us of extraction, six times as long. Latin names
 * stand as words; katakana ones must not sit inside a longer katakana word (タイ in タイプ, マリ in
 * サマリー).
 */
const COUNTRY_NAME = new RegExp(
  '(?:' +
    [...BY_NAME.keys()]
      .sort((x, y) => y.length - x.length)
      .map(escape)
      .join('|') +
    String.raw`)(?![A-Za-z\u30a1-\u30fa\u30fc])`,
  'y',
);
/** The first character of a name, with no letter of a longer word before it. */
const NAME_START = new RegExp(
  `[${[...new Set([...BY_NAME.keys()].map((n) => n[0]!))].map(escape).join('')}]` +
    String.raw`(?<![A-Za-z\u30a1-\u30fa\u30fc][\s\S])`,
  'g',
);
/** Bare ISO codes are too short to trust in running text: only "(CN)", "CN/US/KR" or "CN, US". */
const CODE_LIST = /(?<![A-Za-z])([A-Z]{2})(?:(?:\/|, ?)([A-Z]{2}))+(?![A-Za-z])|\(([A-Z]{2})\)/g;
/** Codes that are words in a list of two capitals ("(AM)", "(NO)", "AT/OR"): never read as countries. */
const CODE_WORDS = new Set(['AM', 'PM', 'NO', 'TO', 'AS', 'IS', 'BE', 'ME', 'SO', 'AT', 'OR']);

export function countries(prose: string): Claim[] {
  const out = new Map<string, Claim>();
  // Stepped through with test(), which makes no match array: most starts are the capitals of other words.
  NAME_START.lastIndex = 0;
  while (NAME_START.test(prose)) {
    const start = NAME_START.lastIndex - 1;
    COUNTRY_NAME.lastIndex = start;
    const m = COUNTRY_NAME.exec(prose);
    if (!m) continue;
    NAME_START.lastIndex = start + m[0].length;
    const code = BY_NAME.get(m[0])!;
    if (!out.has(code)) out.set(code, { kind: 'country', value: code, text: m[0] });
  }
  for (const m of allMatches(prose, CODE_LIST)) {
    for (const c of m[0].match(/[A-Z]{2}/g) ?? [])
      if (CODES.has(c) && !CODE_WORDS.has(c) && !out.has(c)) out.set(c, { kind: 'country', value: c, text: m[0] });
  }
  return [...out.values()];
}

/**
 * Each window with what any match of it holds, looked for first: the English ones may start at
 * any word, and most posts give no window.
 */
const WINDOW: Array<[RegExp | null, RegExp]> = [
  [
    /since /i,
    new RegExp(
      String.raw`\bsince (?:about |around )?(?:\d{1,2}:\d{2}|\d{1,2} ?(?:am|pm))` +
        String.raw`(?: ?(?:UTC|GMT|JST|[+-]\d{2}:?\d{2}))?(?: (?:yesterday|today|on \w+))?`,
      'i',
    ),
  ],
  [
    /since /i,
    new RegExp(
      String.raw`\bsince (?:yesterday|today|this morning|last night|last week|` +
        String.raw`monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{1,2} \w+|\w+ \d{1,2})\b`,
      'i',
    ),
  ],
  [
    / the (?:past|last) /i,
    /\b(?:over|in|for|during) the (?:past|last) (?:few|several|\d+|couple of) (?:hours|days|weeks)\b/i,
  ],
  [/ the (?:past|last) /i, /\b(?:over|in|for|during) the (?:past|last) (?:hour|day|week|24 hours|48 hours)\b/i],
  [
    null,
    /(?:昨日|本日|今日|今朝|昨夜|先週|今週|[0-9０-９]{1,2}日)(?:の)?(?:朝|昼|夕方|夜|午前|午後|未明)?(?:頃|ごろ)?から/,
  ],
  [null, /[0-9]{1,2}時(?:台|頃|ごろ)?(?:（JST）|\(JST\)|（UTC）|\(UTC\)| ?JST| ?UTC)?から/],
  [null, /ここ数日|ここ[0-9]+日|数日前から|この[0-9]+時間|過去[0-9]+(?:時間|日間)/],
];

/** The time window a post gives, as written ("since 21:00 JST", "over the past few days", 「昨日夕方頃から」). */
export function timeWindow(prose: string): Claim | null {
  for (const [needs, re] of WINDOW) {
    if (needs && !needs.test(prose)) continue;
    const m = re.exec(prose);
    if (m) return { kind: 'window', value: m[0], text: m[0] };
  }
  return null;
}

const RANGE = new RegExp(
  String.raw`(?:\b(tcp|udp) ?\/? ?(?:ports?:? )?|\bports?[,:]? )` +
    // (not "udp/123 ~80% of volume", where a tilde set against its figure says about)
    String.raw`(\d{1,5})(?:[-–〜~] ?| [-–〜] ?| ~ | (?:through|thru) )(\d{1,5})` +
    String.raw`(?! ?[-–〜~]?\d)(?:\/(tcp|udp)\b)?`,
  'gi',
);
/** "8000-8010/tcp": a range with its protocol after it, and no word before. */
const RANGE_AFTER = /(?<![\w.:/-])(\d{1,5}) ?[-–〜~] ?(\d{1,5})\/(tcp|udp)\b/gi;
const RANGE_JA = /(?<![\d,])(\d{1,5})番台/g;

/** 「60001/TCP〜60010/TCP」: a range with the protocol at both ends. */
const RANGE_PAIR = /(?<![\d.,/])(\d{1,5}) ?\/ ?(tcp|udp) ?[-–〜~] ?(\d{1,5}) ?\/ ?(?:tcp|udp)\b/gi;
/** 「6000/TCP から 6010/TCP までの範囲」「TCP 5900番から5910番まで」: a range said in Japanese. */
const RANGE_KARA = new RegExp(
  String.raw`(?:\b(tcp|udp) ?\/? ?)?(?<![\d.,/])(\d{1,5})(?: ?\/ ?(tcp|udp))? ?番?(?:ポート)? ?から ?` +
    String.raw`(\d{1,5})(?: ?\/ ?(tcp|udp))? ?番?(?:ポート)? ?まで`,
  'gi',
);

/**
 * The port ranges the prose states, each with where it stands, so that its ends are not read as
 * ports too: "UDP 1026-31" (the shorthand keeps the leading digits), "tcp/135-139", "8000-8010/tcp",
 * "ports 1000-1150", "TCP ports 5900 through 5910", 「60001/TCP〜60010/TCP」, 「6000/TCP から 6010/TCP まで」,
 * 「60000番台」.
 */
export function rangesAt(prose: string): Array<PortRange & { at: number }> {
  const out: Array<PortRange & { at: number }> = [];
  const add = (from: number, to: number, p: string | undefined, m: RegExpExecArray) => {
    if (from > 65535 || to > 65535 || to <= from) return;
    out.push({ from, to, proto: (p?.toLowerCase() as Proto | undefined) ?? null, text: m[0].trim(), at: m.index });
  };
  for (const m of allMatches(prose, RANGE)) {
    let toText = m[3]!;
    if (toText.length < m[2]!.length) toText = m[2]!.slice(0, m[2]!.length - toText.length) + toText;
    add(Number(m[2]), Number(toText), m[1] ?? m[4], m);
  }
  if (/\d\/(?:tcp|udp)/i.test(prose))
    for (const m of allMatches(prose, RANGE_AFTER))
      if (!out.some((r) => r.at <= m.index && m.index < r.at + r.text.length)) add(Number(m[1]), Number(m[2]), m[3], m);
  if (prose.includes('まで'))
    for (const m of allMatches(prose, RANGE_KARA))
      // A port's word at one end at least: 「件数は 120 から 450 まで増えました」 is counts
      if (/番|ポート|\/ ?(?:tcp|udp)/i.test(m[0])) add(Number(m[2]), Number(m[4]), m[1] ?? m[3] ?? m[5], m);
  for (const m of allMatches(prose, RANGE_PAIR)) add(Number(m[1]), Number(m[3]), m[2], m);
  for (const m of allMatches(prose, RANGE_JA)) {
    const base = Number(m[1]);
    // "60000番台" is the 60000s: everything that shares the leading digit.
    const step = 10 ** m[1]!.replace(/^\d/, '').length;
    if (step < 10 || base % step !== 0) continue;
    add(base, Math.min(65535, base + step - 1), undefined, m);
  }
  return out;
}

const SERVICES: Array<[string, RegExp, Array<[number, Proto]>]> = [
  // lower case as hurried posts write it ("ssh brute force"), not a host's name ("ssh.example.net")
  ['ssh', /\bssh\b(?![.-]\w)/i, [[22, 'tcp']]],
  ['telnet', /\btelnet\b|テルネット/i, [[23, 'tcp']]],
  ['rdp', /\bRDP\b|Remote Desktop|リモートデスクトップ/i, [[3389, 'tcp']]],
  ['smb', /\bsmb\b(?![.-]\w)|\bCIFS\b/i, [[445, 'tcp']]],
  [
    'netbios',
    /\bNetBIOS\b/i,
    [
      [137, 'udp'],
      [138, 'udp'],
      [139, 'tcp'],
    ],
  ],
  ['sip', /\bSIP\b|(?<=\b(?:and|or|against|on|to|of) )sip\b(?![.-]\w)/, [[5060, 'udp']]],
  ['ntp', /\bNTP\b/, [[123, 'udp']]],
  ['snmp', /\bSNMP\b/, [[161, 'udp']]],
  // (not UPnP alone, whose SOAP services are TCP ports of their own: 「UPnP 関連のサービス」 on TCP 37215)
  ['ssdp', /\bSSDP\b/, [[1900, 'udp']]],
  ['memcached', /\bmemcached\b/i, [[11211, 'udp']]],
  ['mssql', /\bMS-?SQL\b|SQL Server/i, [[1433, 'tcp']]],
  ['mysql', /\bMySQL\b/i, [[3306, 'tcp']]],
  ['vnc', /\bVNC\b/, [[5900, 'tcp']]],
  ['redis', /\bRedis\b/i, [[6379, 'tcp']]],
  ['mongodb', /\bMongoDB\b/i, [[27017, 'tcp']]],
  ['elasticsearch', /\bElasticsearch\b/i, [[9200, 'tcp']]],
  ['dns', /\bDNS\b/, [[53, 'udp']]],
  ['ftp', /\bFTP\b/, [[21, 'tcp']]],
  ['smtp', /\bSMTP\b/, [[25, 'tcp']]],
];

/** Each service's pattern made global once, for finding all its mentions. */
const SERVICES_ALL = SERVICES.map(([, re, ports]) => [new RegExp(re.source, `${re.flags}g`), ports] as const);

/** Any of the names above, looked for first: most posts name none, and each is a pass of its own. */
// (without their lookarounds, which make a pass tried at every character slow: a word's own pattern
// checks them after)
const ANY_SERVICE = new RegExp(
  SERVICES.map(([, re]) => re.source.replace(/\(\?<?[=!](?:[^()]|\([^()]*\))*\)/g, '')).join('|'),
  'i',
);

/** The number stands in the prose on its own, whether or not a pattern read it as a port (「5060 は見えてません」). */
// (after an address's colon too: "listens on 127.0.0.1:6379 only")
// (not a count: "SSH brute force from 22 addresses")
const numberIn = (prose: string, n: number) =>
  new RegExp(String.raw`(?<![\w.,/-])${n}(?![\w.,:]\d|\d| ?(?:[a-z]+ )?(?:${COUNT_NOUNS}))`, 'i').test(prose);
/** A negation that ends its clause, not one that qualifies a noun: 「見えていない。」, not 「見られていない手法」. */
const AS_PREDICATE = String.raw`(?=\s*(?:[。、.,)）]|$|ので|よう|模様|状況|です|でした|とのこと))`;
const COUNT_NOUNS = 'addresses|hosts|sources|reflectors|ips|packets|times|attempts|servers|customers|devices|件|台|個';

/**
 * A reply that says its writer does not see what the thread reports ("Not seeing this here",
 * "Haven't had an event ourselves", 「弊社では観測されていません」), and says nothing of seeing it:
 * the ports it only quotes are not its own. `own` is the reply's text with its quotes left out.
 */
export function deniesThread(own: string): boolean {
  if (seesThread(own)) return false;
  // (a sentence that names a port of its own denies that port only, and "never seen anything like it" is news)
  return allMatches(own, /[^.!?。！？\n]+/g).some(
    (m) =>
      !NEWS.test(m[0]) &&
      m[0].split(/[,;、]|\b(?:but|though|although)\b|が、/).some((c) => NOT_HERE.test(c) && !/\d{2}/.test(c)),
  );
}

/** A reply that says it sees what the thread reports, or a rise of its own: "Same here", "40k hits overnight". */
export function seesThread(own: string): boolean {
  return SEEN_HERE.test(own) || RISING.test(own) || GROWTH.test(own);
}

/**
 * The reply's own words right under a quoted line, when they are a bare no: "> tcp/8081" / "not here",
 * "> tcp/8888" / "flat", 「> 23/tcp」 / 「こちらでは見えていません」. Not an answer to a question that
 * goes on ("No, you're not the only one", 「いいえ、弊社も同じ状況です」「はい、増加が止まる気配は見られません」).
 */
export function answersNo(answer: string): boolean {
  if (answer.length > 80 || /\d/.test(answer)) return false;
  return BARE_NO.test(answer) || (NOT_HERE.test(answer) && !/はい|同じ|同様|も(?:増|見|観測|確認)|増|急/.test(answer));
}
const BARE_NO = new RegExp(
  String.raw`^\s*(?:no|nope|not here|not (?:seen|seeing)(?: (?:it|this|that))?|nothing(?: seen)?|none|zero|` +
    String.raw`flat|quiet|` +
    String.raw`unchanged|normal|as usual|same as (?:usual|always|ever)|negative|n\/a)` +
    String.raw`(?:,?\s*(?:here|for us|on our (?:side|end)|this week|either))?\s*[.!]?\s*$`,
  'i',
);

const NOT_HERE = new RegExp(
  String.raw`(?:\bnot|n't|\bnever)\s+(?:been\s+|really\s+|yet\s+)?(?:seeing|seen|see|saw|observ\w*|notic\w*|` +
    String.raw`detect\w*|had|getting)\s+(?:this|it|that|them|these|those|anything|any(?: of (?:it|this|that|them))?|` +
    String.raw`an? (?:event|attack|spike|increase|incident)|the same|similar)\b` +
    String.raw`|\bnothing (?:here|on our (?:side|end)|similar|like (?:it|that|this))\b|\bnot here\b` +
    String.raw`|(?:見えて(?:い)?ない|(?:観測|確認)されていない|来ていない|(?:特に)?(?:変化|異常)(?:は)?(?:なし|ありません|ない))` +
    String.raw`${AS_PREDICATE}` +
    String.raw`|\bno (?:sign|trace)s? of (?:it|this|that|them)\b` +
    String.raw`|(?:観測|確認|検知)(?:は|も)?(?:され|し|でき)(?:て)?(?:い|お)?(?:ません|りません)|見えていません|見られません|来ていません`,
  'i',
);
const SEEN_HERE = new RegExp(
  String.raw`^\s*\+1|\bsame here\b|\bme too\b|\b(?:here|us) too\b|\bas well\b|` +
    String.raw`\bconfirm(?:s|ed|ing)?\b(?! (?:whether|if))` +
    // ("Our honeypots got 40k hits overnight")
    String.raw`|\b(?:our|my) [\w -]{0,30}?\b(?:got|gets|see|sees|saw|shows?|showed|logged|recorded|caught)\b` +
    String.raw`(?! (?:no|nothing|none|zero)\b)` +
    String.raw`|\b(?:we|i)(?:'re| are| am)? (?:also )?(?:(?:see|seeing|saw|observ\w*|noticed|logged)\b` +
    String.raw`(?! (?:no|nothing|none|zero)\b)|(?:have|had|got) (?:it|this|that|them|these|those|the same|similar)\b)` +
    String.raw`|(?:弊社|当方|こちら|当社|うち|我々|自社)[^。\n]{0,20}?でも` +
    // 「同じ時間帯に見えています」
    String.raw`|(?:見えて|観測して|確認して|検知して|来て|届いて)(?:い|お)(?:ます|る)`,
  'im',
);

/**
 * The ports of services the post's own words say are quiet ("No DNS component at all on our side",
 * 「SSH は平常どおり」): a port only its thread names is then none of this post's. `skip` is a
 * position in its thread (a quote, the subject).
 */
export function quietServicePorts(prose: string, skip: (at: number) => boolean): Set<number> {
  const out = new Set<number>();
  if (!ANY_SERVICE.test(prose)) return out;
  const may = mayBeQuiet(prose);
  for (const [re, ports] of SERVICES_ALL)
    for (const m of allMatches(prose, re))
      if (!skip(m.index) && (noneOf(prose, m) || (may && denial(prose, m.index) === 'quiet')))
        for (const [port] of ports) out.add(port);
  return out;
}

const ASIDE_OF_PORT = /\d{2,5}(?: ?\/ ?(?:tcp|udp))? ?[(（][^()（）\n]{0,30}$/i;

/** "No DNS component at all": none of the service's part in an attack. */
const noneOf = (prose: string, m: RegExpExecArray) =>
  /\bno\s+$/i.test(prose.slice(Math.max(0, m.index - 4), m.index)) &&
  /^\s+(?:component|vector|part|element)\b/i.test(prose.slice(m.index + m[0].length, m.index + m[0].length + 12));

/**
 * Services named without a port ("SSH brute force", 「RDPへの探索」): their well-known ports, as
 * implied claims kept apart from the ports the post names itself. `named` is every port the post
 * names, kept or not: "SIP scans" over 「5060 は見えてません」 implies no 5060.
 */
export function impliedPorts(prose: string, named: Set<number>): Array<Claim & { port: number; proto: Proto }> {
  const out: Array<Claim & { port: number; proto: Proto }> = [];
  if (!ANY_SERVICE.test(prose)) return out;
  for (const [service, re, ports] of SERVICES) {
    const m = re.exec(prose);
    // (not a service the post says is unaffected: "Not affected: NETCONF on tcp/830, SNMP"; nor one
    // that describes a port in its aside: "52869/tcp(Realtek SDKのUPnP)")
    if (!m || denial(prose, m.index) !== null || ASIDE_OF_PORT.test(prose.slice(Math.max(0, m.index - 40), m.index)))
      continue;
    for (const [port, proto] of ports)
      if (!named.has(port) && !numberIn(prose, port))
        out.push({ kind: 'service', value: service, text: m[0], port, proto });
  }
  return out;
}

const RISING = new RegExp(
  String.raw`\b(?:increas\w*|ris(?:e|ing|en)|surg\w*|spik\w*|uptick|jump\w*|grow\w*|` +
    String.raw`sharp|more|elevated|unusual|burst|flood)\b` +
    '|増加|急増|増え|活発|上昇|急上昇|多数|大量',
  'i',
);

/** The sentence around position `at`, for judging what a claim in it says. */
export function sentenceAt(prose: string, at: number): string {
  const { start, end } = sentenceBounds(prose, at);
  return prose.slice(start, end);
}

/**
 * Where a clause ends: a comma, a semicolon, "but", "however", "while", "and we", 「しかし」「けど」, and a 、
 * unless the words before it go on into what follows (a topic 「…は、」「…については、」, a reason
 * 「…ため、」「…ので、」) or it parts the items of a list (「123/UDP、1900/UDP が上位ですが」). "tcp/23 up
 * 4x, nothing unusual on 22" says two things, of two ports; 「３３８９番はＦＷで遮断しているため、観測でき
 * ていません」 says one.
 */
/** A port in a list, with its protocol or without. */
const LIST_ITEM = String.raw`(?:(?:tcp|udp) ?\/ ?)?\d{1,5}(?: ?\/ ?(?:tcp|udp))?`;
const TURN = new RegExp(
  // (a dash between blanks parts clauses too: "attempts on 9090 - we see no traffic at all on 9443")
  // (not the comma of a figure: "logged 1,204 hits on 6379 yesterday vs 1,187 the day before - flat")
  // (nor the comma of a list of ports: "Ports 23, 22, 445 and 3389 are flat" says one thing of them all)
  // (one that opens the clause or follows "ports": not "Big rise on 8443, 445 and 22 are flat" nor "a jump on
  // TCP 8443, 22 and 443 are flat")
  String.raw`(?<!\d|\d ?\/ ?(?:tcp|udp)),|,(?!\d)(?:(?<!(?:^\s*|[(（]|\bports |, ?)${LIST_ITEM},)|` +
    String.raw`(?! ?${LIST_ITEM}(?:, ?${LIST_ITEM})*,? (?:and|or|&) ${LIST_ITEM}\b))|` +
    String.raw`[;，；]| [-–—] |` +
    String.raw`(?<!(?:は|も|ため|ので|から|では|には|ついては|関しては))(?:(?<![\dA-Za-z番)）])、|、(?! ?\d))|しかし|けれど|けど` +
    String.raw`|\b(?:but|however|while|whereas|though|although)\b|\band (?=(?:we|i|they|our|it|there|nothing|no)\b)` +
    // ("on tcp/2375 rather than 2376", "only on 2222/tcp -- the sensor listening on 22 has been quiet"; not "no
    // increase on tcp/445 -- or on tcp/139")
    // ("Nothing unusual on tcp/22 -- the same goes for tcp/2222" says one thing of both)
    // (not after the port alone, whose status the dash gives: "23/tcp -- no change here", "Port 8081 -- nothing")
    String.raw`|\b(?:rather than|instead of)\b` +
    String.raw`|(?<!^\s*(?:[-*•・]\s*)?(?:[A-Za-z]+ on )?(?:(?:tcp|udp|port) ?\/? ?)?\d{1,5}(?: ?\/ ?(?:tcp|udp))?)` +
    String.raw` --? (?=(?:the|our|we|i|it|they|there|nothing|no|this|that)\b)` +
    String.raw`(?!(?:the|it'?s the|that'?s the|this is the) same\b)` +
    // ("3389/tcp rose 4x with no comparable change on 3389/udp": two things said, of two ports)
    String.raw`|\bwith (?=no\b)`,
  'gi',
);

/** The clause around `at`: its sentence, cut where it turns before and after `at`. */
export function clauseAt(prose: string, at: number): string {
  const { start, end } = clauseBounds(prose, at);
  return prose.slice(start, end);
}

/** The words of the clause around `at` that stand before it. */
export function clauseBefore(prose: string, at: number): string {
  return prose.slice(clauseBounds(prose, at).start, at);
}

/** Where the clause around `at` starts and ends in `prose`, and where its sentence does. */
function clauseBounds(
  prose: string,
  at: number,
): { start: number; end: number; sentenceStart: number; sentenceEnd: number } {
  const { start, end } = sentenceBounds(prose, at);
  const sentence = prose.slice(start, end);
  const i = at - start;
  let from = 0;
  let to = sentence.length;
  for (const m of allMatches(sentence, TURN)) {
    // A comma inside brackets parts the items of an aside (「(80番、443番など)への試行は…」), not clauses.
    if (insideBrackets(sentence, m.index)) continue;
    if (m.index + m[0].length <= i) from = m.index + m[0].length;
    else if (m.index >= i) {
      to = m.index;
      break;
    }
  }
  return { start: start + from, end: start + to, sentenceStart: start, sentenceEnd: end };
}

function insideBrackets(text: string, at: number): boolean {
  let depth = 0;
  for (let k = 0; k < at; k++) {
    const c = text[k];
    if (c === '(' || c === '（') depth++;
    else if ((c === ')' || c === '）') && depth > 0) depth--;
  }
  return depth > 0;
}

/**
 * A clause that says its port is quiet or out of it: "not seeing a change on 80 or 8080", "SIP on
 * UDP 5060 is not affected", "nothing unusual on 443", "…, but not 139", "tcp/139 is flat",
 * 「80番宛ては普段と変わりません」, 「7547 番宛ては特に増えていません」. The negation must be of
 * seeing or of a change: "no sign of exploitation", "we aren't vulnerable", "can't explain the rise
 * on tcp/8291" and "not sure if anyone else sees 2323" still report the port.
 */
const NEGATED = new RegExp(
  String.raw`(?:(?<!\b(?:hard|difficult|impossible) )\bnot|n't|\bnever|\bno longer|\bhardly|\bbarely)` +
    String.raw`(?! (?:only|just|usually|normally|typically|often|sure|clear|certain)\b)` +
    // ("does not appear to be targeted"; not "had not been patched were hit")
    String.raw` (?:[\w-]+ ){0,2}?(?:(?:appear|seem)s? to be )?` +
    String.raw`(?:seeing|see|seen|saw|observ\w*|notic\w*|affected|involved|impacted|` +
    String.raw`change|changing|changed|increasing|increased|rising|risen|up|targeted|hit|scanned|probed|attacked|` +
    // ("TCP 11211 is not used in these attacks")
    String.raw`touched|tested|started|moved|budged|used)\b` +
    // ("The submission port, tcp/587, is not getting any of this")
    String.raw`|\bnot (?:getting|receiving) any(?:thing)?\b` +
    // ("We have no reports of exploitation through the admin GUI on TCP 8443")
    String.raw`|\bno reports? of (?:exploitation|attacks?|scanning|activity|abuse)\b` +
    // ("The H on udp/389 is not scanning: a customer's LDAP server", "outbound bot traffic, not scanning of us")
    String.raw`|\bnot (?:scanning|probing|attacking|targeting)(?: (?:of )?(?:us|our [\w-]+))?(?=\s*(?:[:;,.)]|$))` +
    // ("Winbox (8291) is not part of this")
    // ("tcp/5555, which rode along in 2016, is not in the mix at all")
    String.raw`|\bnot (?:a )?part of (?:this|it|that|the)\b|\bnot in (?:the|this|that|our) mix\b` +
    // ("the spike is NOT on tcp/1025 - I misread the column")
    String.raw`|\b(?:spike|increase|rise|surge|jump|uptick)s? (?:is|was|are|were)(?: not|n't) (?:on|at)\b` +
    String.raw`(?! (?:this|that|the same|such|any) level)` +
    // (not "Nothing much stands out except tcp/7547", whose exception is the news)
    String.raw`|\bnothing (?:unusual|new|special|abnormal|odd|out of the ordinary|much|interesting|on|similar on)\b` +
    String.raw`(?![^.;]{0,30}\b(?:except|apart from|other than|besides|save for|but for)\b)` +
    String.raw`|\bnot (?:so |that |too )?much\b(?! (?:an?|the)\b)|\bnot anything (?:on|at|to|for|unusual|new)\b` +
    String.raw`|\bnothing (?:here|to report)\b|\bnothing above (?:the )?(?:noise|baseline|background|normal)\b` +
    String.raw`(?![^.;]{0,40}\b(?:except|apart from|other than|besides|save for|but for)\b)` +
    String.raw`|\bnothing (?:seen|observed)\b(?! (?:like|before|until|till)\b)` +
    // ("Port 5061 not really, a handful a day as always"; not "it's not really a scan")
    String.raw`|\bnot (?:really|at all|here|so much)(?=\s*(?:[,.;:!?]|$))` +
    // ("Yes on udp/1900 (SSDP), no on udp/3702 (WS-Discovery)")
    String.raw`|^\s*(?:and |but )?no (?:on|for) (?:tcp|udp|port|\d)` +
    String.raw`|\bno signs? of (?:being )?(?:touched|probed|scanned|hit|use|activity|access|traffic|scans|probes|` +
    String.raw`hits)\b` +
    String.raw`|\bnothing (?:[\w-]+ ){0,4}?ever (?:touched|hit|reached|probed|scanned|came)\b` +
    // ("there is no udp/11211 in it at all")
    String.raw`|\bout of scope\b|\bno (?:(?:tcp|udp) ?\/ ?)?\d{2,5}(?: in (?:it|them|there))? (?:anywhere|at all)\b` +
    // ("No chargen/udp-19 this time")
    String.raw`|\bno (?:[a-z][\w-]* ?\/ ?)?(?:tcp|udp)[-/ ]?\d{1,5} (?:this time|here|today|either|yet)\b` +
    String.raw`|\b(?:received|got|saw|seen|logged|recorded|had) no ` +
    String.raw`(?:requests|hits|traffic|connections|packets|probes|` +
    String.raw`attempts|scans)\b` +
    String.raw`|\bnothing (?:has )?changed\b|\bnothing there\b|\bnothing at all\b` +
    // ("No corresponding increase was seen on TCP 23", not "... with no corresponding increase in sources")
    String.raw`|\bno (?:corresponding|similar|matching|comparable) (?:increase|rise|change|spike|uptick|growth) ` +
    String.raw`(?:(?:was|is|has been) )?(?:(?:seen|observed|noted) )?(?:on|at|to|for)\b` +
    String.raw`|\bno (?:(?:notable|noticeable|significant|real|big|major|obvious|marked|measurable|visible) )?` +
    String.raw`(?:change|increase|rise|spike|uptick|difference|unusual|activity|hits|traffic|attempts|probes|` +
    String.raw`scans|scanning|connections)\b` +
    // (not a time that was: "got its first real hits today after two quiet weeks")
    String.raw`|\b(?:unchanged|unaffected|untouched|flat|quiet|unremarkable|uneventful)\b` +
    String.raw`(?! (?:weeks?|days?|months?|years?|hours?|nights?|weekends?|periods?|spells?|stretch)\b)|\bzero hits\b` +
    // ("our udp/11211 filters show basically zero")
    String.raw`|\b(?:received|got|saw|sees?|seen|logged|recorded|show|shows|showed|showing) ` +
    String.raw`(?:(?:basically|essentially|practically|virtually|pretty much|almost|next to) )?` +
    String.raw`(?:nothing|none|zero)(?![-\w]| to\b)` +
    String.raw`|\b(?:zero|no) (?:packets|probes|syns|connections|flows?|access|events|attempts|sessions)\b` +
    String.raw`|\bzero (?:on|for|at)\b` +
    String.raw`|\b(?:cannot|can't|could not|couldn't) confirm\b` +
    String.raw`|\bno (?:busier|higher|worse|more|louder|noisier) than (?:usual|normal|ever|before|last week)\b` +
    // back where it was: "it has died down", 「通常の水準に戻っています」 (not "decreased a little", which a
    // reader still counts among the week's ports)
    String.raw`|\b(?:back|returned) to (?:normal|baseline|usual)\b` +
    // ("tcp/2375 back inside band since 09:00 UTC, no longer flagged", "stayed low and dropped out of the top 20",
    // 「低調で、上位20件から外れました」)
    String.raw`|\bback (?:inside|within|in) (?:the )?band\b(?! briefly)(?![^.;]{0,60}\bagain\b)` +
    String.raw`|\bno longer flagged\b(?! as)` +
    String.raw`|\bwithin (?:the )?(?:normal (?:band|baseline|range)|band|baseline)\b` +
    String.raw`|\bdropped out of the top\b(?![^.;]{0,60}\b(?:then|again|back|shot)\b)|低調` +
    String.raw`|(?:上位|ランキング|トップ)[^。、]{0,8}?から外れ(?:ました|た|て(?!も))` +
    String.raw`|観測なし(?=\s*(?:(?:です|でした)(?![かね])|。|$))` +
    // ("the udp/161 burst from the 12th has ended", "ADB: activity has essentially ceased")
    String.raw`|\b(?:has|have|had)(?: (?:essentially|largely|mostly|all but|now|since))? ` +
    String.raw`(?:ended|ceased|stopped|subsided|died (?:down|off|out)|dried up|faded|petered out)` +
    String.raw`\b(?! for\b| nothing\b)` +
    // 「81/tcpの活動は昨日で終息し」 (not 「収束する気配はなく」)
    String.raw`|(?:終息|収束)(?:し|した|して)(?!な|ませ)` +
    String.raw`|(?:通常|平常|普段|元)の?(?:水準|レベル)?に戻` +
    String.raw`|\b(?:is|are|was|were|looks?|seems?|stays?|stayed|remains?) ` +
    String.raw`(?:(?:completely|totally|entirely|perfectly|pretty|quite|very|fairly|still|all|just) )?` +
    String.raw`(?:fine|ok|okay|normal|at baseline|nil|zero|empty|silent|absent|expected(?! to)|legitimate|benign|` +
    String.raw`closed)\b` +
    String.raw`|^\s*not (?:on |to |for |ports? )?(?:tcp|udp)?[/ ]?\d` +
    String.raw`|変わりません|変わりありません|変わりない|変わらない|変わってない|(?:変化|変動)(?:は)?(?:なし|ありません|ない)|増えていません|増えてない|` +
    String.raw`増えていない|増加していない|増加していません|` +
    String.raw`増えてはいません|見えていません|見えてない|見てません|見ていません|観測されていません|観測していません|` +
    // 「スキャンの増加は確認されていない」「ほぼ収まっています」
    String.raw`(?:確認|観測|検知)(?:は|も)?(?:され|し)て(?:い)?ない|収まって(?:い(?:る|ます)|きた|きました)|低調|(?:観測|確認|検知)されなくな|見られなくな|` +
    // (「見られていない」 as what the sentence says, not a noun's: 「過去に見られていない規模で」「見られていない 9530/TCP へ」)
    String.raw`(?:見|み)られ(?:ません|ない)|(?:見|み)られて(?:い)?ない${AS_PREDICATE}|` +
    String.raw`(?:見られ|確認され|観測され|見え|増え|来)ておりません|` +
    // out of the ranking now, not "前期は20位圏外だった 6379/TCP" or 「圏外から6位に」, which rose into it
    String.raw`(?<!(?:前期|先週|前週|前月|前回|以前|昨年|これまで)[^。]{0,6})圏外(?!から|より)|` +
    String.raw`確認されていません|確認できていません|(?:観測|確認|検知)されません(?:でした)?|` +
    String.raw`(?:観測|確認|検知)されていませんでした|確認しておりません|観測できていません|見られていません|見られません|` +
    String.raw`来ていません|来てない|対象では(?:ございません|ありません|ない)|対象になって(?:いません|おりません)|` +
    String.raw`含まれて(?:いません|おりません)|含まれません|` +
    String.raw`横ばい|(?:アクセス|通信|パケット|スキャン|試行|ブロック|検知|着信|攻撃)(?:は|も)(?:ありません|ない|なし)|` +
    // 「なお 23/tcp は関係ないようです」, not what a rise is unrelated to (「増加は弊社の設定ミスとは関係ありません」,
    // 「DDoS とは無関係ですが、引き続き増加しています」)
    String.raw`(?<!(?:増加|増え|急増|スキャン|アクセス|攻撃)[^。]{0,30})(?:関係(?:ない|ありません|なさそう)|無関係)` +
    String.raw`(?!(?:よう)?(?:です|でした)?(?:が|けど|けれど))|` +
    // 「社内の VPN 装置 (443/tcp) のほうは特に異常ありません」, not 「異常ありませんか？」「異常なしでしたが」
    String.raw`特に異常(?:は|も)?(?:ありません|なし|見られません)(?![かがけ]|でしたが)|` +
    String.raw`影響(?:は|を)?(?:ありません|ない|受けません|受けない)|該当しません|対象外|` +
    // (not "as usual, I checked": 「いつもどおり確認したところ 8291/tcp が 10倍に」)
    String.raw`(?:平常|いつも|普段|通常|例年|平年)時?(?:通り|どおり|並み)(?![^、。]{0,4}(?:確認|チェック|見|調べ))`,
  'i',
);

/**
 * What turns a negation into news: "hadn't seen tcp/5000 before Monday", "never seen so much on
 * 37215", "never seen tcp/17000 grow tenfold", "haven't seen anything like the tcp/23 flood",
 * 「今まで TCP/37215 は見えていませんでしたが」.
 */
const NEWS = new RegExp(
  // ("before anyone asks" is no time before which it was never seen)
  // (nor "requires authentication before any input is parsed")
  String.raw`\b(?:before(?! (?:anyone|anybody|someone|you|we|i|people|any)\b)|previously|until|till|anything like|` +
    String.raw`like (?:this|that|it)|such)\b` +
    String.raw`|(?<!\bnot )\b(?:this|so) (?:high|much|many|bad|big)\b|今まで|これまで|以前|初めて`,
  'i',
);

/** "Never seen tcp/17000 grow tenfold": a growth never seen before is news too. */
const GROWTH = /\b(?:grow|grew|jump|ris|spik|surg|climb|doubl|tripl|tenfold)/i;

/**
 * A port said in its own clause to be as it always is: "udp/1900 is at its usual background
 * level", "TCP 443 is dominated by ordinary web traffic as always". Not when the clause says it
 * grows ("tcp/23 is up again, as usual on a Monday").
 */
const BASELINE = new RegExp(
  String.raw`\bas (?:always|usual|ever)\b|(?:\([^)]{0,20}\) )?\b(?:usual|normal|ordinary|typical|regular|everyday)` +
    String.raw`(?: \([^)]{0,20}\))? (?:background|baseline|levels?|noise|web traffic|traffic|range)\b|` +
    // (「22/tcp、445/tcp など他の主要ポートは通常の範囲内でした」)
    String.raw`\bbackground (?:levels?|noise|radiation)\b|前週並み|前月並み|同程度|同水準|` +
    String.raw`(?:平常|通常)の?(?:水準|レベル|範囲内?)|` +
    // 「こちらは普段と同じレベルです」
    String.raw`(?:普段|いつも|通常|平常|平時)(?:と同じ|どおり|通り)(?![^、。]{0,4}(?:確認|チェック|見|調べ))|` +
    // ("web (80/443) on the neighbours is serving normally")
    String.raw`\b(?:serving|working|operating|running|behaving|responding|answering) ` +
    String.raw`(?:normally|fine|as (?:usual|normal))\b|` +
    // ("80 and 445 are listed for reference only, no significant change")
    String.raw`\b(?:listed|shown|included|given) (?:here )?(?:only )?for (?:reference|comparison)\b`,
  'i',
);

/**
 * A sentence that says the rest of a post's figures did nothing ("Everything else stayed inside the
 * band", "Everything else in the top list is within normal range", 「その他は前週並み」): a table's
 * rows are then the report only where the prose names them as active.
 */
export const REST_QUIET = new RegExp(
  String.raw`(?:\b(?:everything|all|anything) else|` +
    String.raw`\b(?:all )?(?:the )?(?:other|remaining)(?: (?:tcp|udp|top|listed))? ` +
    String.raw`(?:ports|rows|entries|services|lines)|` +
    String.raw`\bthe rest(?: of (?:the|our|this) (?:table|list|ranking|rows|ports|top(?: [\w-]+)?)| (?!of\b))|` +
    String.raw`\bthe (?:tcp|udp) (?:ranking|table|list|rows|side))\b` +
    String.raw`[^.;!?\n]{0,30}?\b(?:(?:is|are|was|were|stayed|stays|remained|remains|looks|looked|held)\b` +
    String.raw`[^.;!?\n]{0,12}?\b(?:flat|unchanged|steady|stable|normal|quiet|as usual|(?:the )?usual|` +
    // ("Other ports stayed at about last week's level")
    String.raw`(?:last (?:week|month)|yesterday|the previous (?:week|month|day))'s levels?|(?:the )?same levels?)\b|` +
    String.raw`in line with\b|(?:within|inside)\b[^.;!?\n]{0,40}?` +
    String.raw`(?:noise|range|wobble|band|baseline|levels?|percent|%|numbers|norm)|` +
    // ("Everything else moved by less than 10% either way")
    String.raw`moved (?:by )?(?:less than|under|no more than|within) [^.;!?\n]{0,8}?%|` +
    String.raw`(?:the )?usual (?:background|noise))|` +
    // 「その他のポートについては前週と比べて大きな変化はありません」「TCP はいずれも前月並み」
    // 「上記以外の順位・件数は前週から大きな変化はなく」
    String.raw`(?:その他|そのほか|それ以外|上記以外|他)(?:の[^、。\n]{0,10}?)?(?:については|は|も)[^。\n]{0,16}?` +
    String.raw`(?:前週並み|前月並み|横ばい|平常|同水準|同程度|通常の?範囲|変化(?:なし|はなく|がなく|はありません|は見られません)|` +
    // 「その他のポートは90%帯域内で推移しており、特記事項なし」
    String.raw`(?:帯域|範囲|バンド)内|特記事項(?:は)?(?:なし|ありません))|` +
    String.raw`(?:TCP|UDP) ?(?:は|も)いずれも[^。\n]{0,6}?(?:前週並み|前月並み|横ばい|平常|同水準|同程度)`,
  'gi',
);

/**
 * A port out of the report in its own clause because it serves the attackers' files, not a
 * target ("the download server listens on 8888", "the loader is fetched from port 8088"): no
 * scanner comes to it. (A C2's port stays: members look for their customers' flows to it.)
 */
const INFRASTRUCTURE = new RegExp(
  String.raw`\b(?:download|payload|malware|loader|dropper|staging|distribution) (?:server|host|site|box|url)s?\b|` +
    String.raw`\b(?:fetched|downloaded|served) (?:over \w+ )?from (?:port\b|hxxp|http|\d|` +
    String.raw`(?:a|an|the|its|their|another) (?:\w+ )?(?:server|host|machine|box|site|url|ip)\b)|ダウンロード(?:サーバ|先)` +
    // 「198.51.100.77 の 8088 番からバイナリを落とそうとする」: a server's address before the port, not
    // 「37215番ポートから侵入し…ダウンロードさせる」, where it is the way in
    String.raw`|(?:\d{1,3}\.){3}\d{1,3} ?の ?\d{1,5} ?番(?:ポート)?から(?![^。、]{0,20}?侵入)[^。、]{0,20}?` +
    String.raw`(?:落と|ダウンロード|取得|取って)` +
    // "... that downloads a Mirai variant from a server listening on port 8088"
    String.raw`|\bdownload(?:s|ed|ing)?\b[^.,;]{0,60}\bfrom ` +
    String.raw`(?:port\b|(?:a|the|its|their|the attackers?'s?) (?:\w+ )?(?:server|host|machine|box)\b)` +
    // "the miner download, hxxp://203.0.113.9:8443/kx.tgz (8443 there is the attacker's server)"
    String.raw`|\b(?:is|was) (?:the|their) attackers?'?s?'? (?:own )?(?:server|host|box)\b` +
    // "a TFTP server under their control (UDP/69 on the attacker side)"
    String.raw`|\bon the attackers?'?s?'? side\b|\bunder (?:their|the attackers?'?s?'?) control\b` +
    String.raw`|\bstratum\+(?:tcp|ssl)\b` +
    // ("serving copies of ramen.tgz to the next victims from a tiny web server on 27374/tcp")
    String.raw`|\bserv(?:es|ed|ing)\b(?:[^.;]|\.(?=\w)){0,80}?\bfrom (?:a|an|the|its|their) (?:[\w-]+ ){0,2}server\b`,
  'i',
);

/**
 * The port right after words that make it the attackers' own: a miner's pool ("talks to a pool on port
 * 3333"), where bots report ("the bots call home on 443/tcp"), an indicator of compromise ("Outbound
 * connections from the appliance to 203.0.113.200 on tcp/8081"). Only the port they stand before: "...
 * and scan tcp/37215" is a target.
 */
const THEIRS_BEFORE = new RegExp(
  // ("downloading additional tooling from infrastructure at 192.0.2.200 over port 8000")
  String.raw`(?:\bfrom (?:(?:the|their|attacker|attackers'?) )?infrastructure at [\w.:]{1,45} (?:over|on)|` +
    String.raw`\bpool (?:on|at|listening on)|\b(?:call(?:s|ed|ing)?|phon(?:e|es|ed|ing)) home (?:on|to|over|via)|` +
    String.raw`\boutbound (?:connections?|traffic|beacons?|sessions?) (?:from|to)\b[^.;,]{0,60}?\bon|` +
    // ("Infected hosts pull their config from 203.0.113.9 on 6667/tcp")
    String.raw`\b(?:pull|pulls|pulled|fetch|fetches|fetched|get|gets|download|downloads|downloaded) ` +
    String.raw`(?:their|its|the|a|an) ` +
    String.raw`(?:config|configuration|payload|binary|binaries|second stage|updates?|instructions) ` +
    // ("The payload then pulls a binary from a web server on port 8000")
    String.raw`from (?:(?:a|an|the|its|their) (?:[\w-]+ ){0,2}?(?:server|host|box|machine)|[\w.:-]{1,60}) ` +
    String.raw`(?:on|over|at|via)|` +
    // ("the C2 on tcp/6667", "an ircd at 64.18.150.3 port 6667", "a loader on tcp/48101",
    // "LDAP/RMI servers on 1389 and 1099")
    // ("C2: 185.62.190.45 on tcp/1312", "IRC C2: 203.0.113.50 port 1337/tcp", "report server: 198.51.100.46 on")
    String.raw`(?:\b(?:c2|c&c|cnc|command[- ]and[- ]control|ircd|irc server|loader|callback|report server)` +
    String.raw`(?: (?:server|host|channel)s?(?: (?:on|at))?| (?:on|at)|` +
    // (an address or a host name, not a word: "loader traffic on tcp/48101" is the port's own)
    String.raw`:? (?:at )?(?=[\w.:-]*[.\d])[\w.:-]{1,60}(?: (?:on|at))?)|` +
    String.raw`\b(?:ldap|rmi|ldap\/rmi|callback) servers?(?: (?:on|at))?|` +
    // ("payload from a web server of the attackers on tcp/8080")
    String.raw`\b(?:server|host|box|machine)s? of the attackers?'? (?:on|at)|` +
    // ("payload pulled from a box on port 8000")
    String.raw`\b(?:payload|second stage)s?\b[^.;]{0,20}?\b(?:pulled|fetched|downloaded|served) ` +
    String.raw`from (?:a|an|the|its|their) (?:[\w-]+ ){0,2}?(?:box|host|server|machine|site) (?:on|at))|` +
    // (a row of indicators: "C2  cnc.badhost.example, tcp/6667")
    String.raw`\b(?:c2|c&c|cnc)\b:?[ \t]{1,20}[\w.-]{1,60}\.[a-z]{2,}\b,?)` +
    String.raw` (?:the )?(?:port |(?:tcp|udp) ?\/? ?)?(?:\d{1,5}(?: ?\/ ?(?:tcp|udp))?(?:,? and |,? or |, ))?$` +
    // 「C&C サーバ 185.244.25.11 の 6667/tcp」
    String.raw`|(?:C2|C&C|CnC|ダウンロード|攻撃者(?:側)?の)\s*サーバー?\s*[(（]?\s*(?=[\w.:\[\]-]*[.\d])[\w.:\[\]-]{3,60}` +
    String.raw`\s*[)）]?\s*の\s*$` +
    // 「攻撃元ホスト側で動いている FTP サーバ (5554/tcp) から」
    String.raw`|(?:攻撃元|攻撃者)[^。、\n]{0,20}?サーバー?\s*[(（]\s*$`,
  'i',
);

/**
 * The writer says after the port that it is the attackers' end: "the C2 on tcp/6667 are attacker
 * infrastructure", "a loader on tcp/48101 - those two are the attackers' side", "udp/69 going OUT
 * ... - that's the worm's own download channel, not the scan". Not where the sentence has the port
 * scanned or hit before it ("the sources hitting tcp/22 are attacker infrastructure").
 */
const SAID_THEIRS = new RegExp(
  String.raw`(?:^|[-–—,;:]\s*|\b(?:and|so)\s+)(?:those(?: two)?|these|they|that|this|both|it)` +
    String.raw`(?:'s| (?:are|is|were|was)) (?:the |all )?(?:attackers?'?s?'?|worm'?s) (?:own )?` +
    String.raw`(?:side|end|infrastructure|download channel|servers?)\b|` +
    String.raw`\bnot (?:something|anything) you(?:'ll| will) see inbound\b|` +
    String.raw`^[^.;]{0,80}?\b(?:these|those) are not (?:the )?targets\b`,
  'i',
);
const PULLED_FROM = new RegExp(
  String.raw`^(?:port )?[\w/]{1,12} on (?:their|the attackers?'?s?'?) (?:own )?(?:server|host|box|infrastructure)\b|` +
    String.raw`^[\w/]{1,12} (?:that|which) (?:the )?(?:worm|bots?|malware|attackers?|infected \w+)` +
    String.raw` (?:pulls?|fetch(?:es)?|downloads?|gets?|grabs?) (?:its|their|the) ` +
    String.raw`(?:binary|binaries|payload|cop(?:y|ies)|files?) from\b`,
  'i',
);
const SCANNED = /\b(?:scan\w*|hit\w*|prob\w*|brute\w*|target\w*|sweep\w*|hammer\w*|attack\w*)\b/i;

/**
 * The poster takes the port back, in its clause or later in the sentence in words that name no
 * port of their own: "8433 was a typo", "the udp/4789 hits were our own VXLAN", "hitting udp/4789,
 * but that turned out to be VXLAN from our own DC - ignore that part".
 */
const TAKEN_BACK = new RegExp(
  // ("turned out to be OPTIONS keepalives from our own new SBC cluster", not "… a Mirai variant hitting our own
  // customers")
  String.raw`\bturned out (?:to be|that it was|it was)\b(?: [\w-]+){0,3}? from (?:our own|ours)\b|` +
    String.raw`\bturned out (?:to be|that it was|it was)\b(?: [\w-]+){0,2}? (?:our own|ours|internal|legit\w*|benign|` +
    String.raw`misconfig\w*|a test|testing|nothing|noise|harmless|leak\w*|backscatter|a mistake)` +
    String.raw`|\bignore (?:that|this|it)\b|(?<!\bthinks?\b[^.]{0,80})\b(?:should|can|may) be (?:safely )?ignored\b|` +
    // (a report withdrawn, not a route: "udp/5353: withdrawn (lab test)")
    // (or a subject that says so: "[ops-jp:04263] 取り下げ: 1433/tcp 増加の件", "RETRACTED: udp/5353 spike")
    String.raw`(?:^|\]\s*)(?:取り下げ|撤回|retraction|retracted|withdrawn)\s*[:：]|` +
    String.raw`\bdisregard\b|[:：]\s*withdrawn\b|\b(?:report|post|claim|part|mention) (?:is|was|has been) withdrawn\b|` +
    // ("Retracting the udp/5060 part: that was our VoIP vendor's monitoring")
    String.raw`^\s*(?:I'?m |we'?re |I am |we are )?retract(?:ing)?\b|` +
    // ("Please do not treat 6667 or 8088 as scan targets")
    String.raw`\bnot (?:treat|count|regard)\b[^.;]{0,40}?\bas (?:an? )?(?:scan )?(?:targets?|scanned|attacked)\b|` +
    String.raw`\bfalse (?:alarm|positive)\b|\bmy (?:bad|mistake)\b|` +
    String.raw`\b(?:was|is) a typo\b|\bscratch that\b|\b(?:line|row|entry|figure|number) (?:is|was) bogus\b|` +
    // ("the udp/53 traffic I described was NOT an attack")
    String.raw`\b(?:was|were)(?: not|n't) (?:an? )?(?:attack|ddos|real)\b|` +
    // the traffic was ours ("the udp/4789 hits were our own VXLAN"), not its targets ("the hosts are ours")
    // ("the 27015 'spike' I posted yesterday was our own game server")
    String.raw`\b(?:hits|traffic|packets|flows|probes|spikes?|jump|increase|surge|scans?|activity|` +
    String.raw`it|that|this|those)\b` +
    // ("the hits on 10443 that I mentioned came from our own lab scanner")
    String.raw`[^.,;]{0,30}?\b(?:is|are|was|were|came from|comes? from) ` +
    String.raw`(?:actually |just |all )?` +
    // ("the 4786 traffic was our new vulnerability scanner")
    String.raw`(?:our own|ours|our (?:[\w-]+ ){0,3}?(?:scanner|scanning|pentest))\b` +
    // (not "came from our own customers' infected CPEs")
    String.raw`(?!'? (?:customers?|users?|subscribers?|clients?)\b)|` +
    // "an earlier version of this diary listed 2375/tcp in first place. That was my mistake"
    String.raw`\b(?:an|the|my) earlier version\b[^.]{0,40}\b(?:listed|named|showed|gave)\b|` +
    // 「「UDP 1900」と書きましたが、誤りでした」
    String.raw`^[、,\s]*(?:これは|それは)?(?:誤り|間違い|誤記)(?:でした|です)|` +
    String.raw`誤検知|無視してください|` +
    // 「「60001/tcp 宛ての着信増加」は、当方の観測機器の設定ミスによる戻りパケットでした」, not 「設定ミスによる
    // Docker API の公開を狙った」 (the victims'), 「設定ミスによるものではない」 or 「戻りパケットでしたか？」
    String.raw`(?:当方|弊社|自社|社内|こちら)[^。、]{0,20}?(?:設定ミス|誤設定)による(?!もの(?:では|じゃ)(?:ない|ありません))|` +
    String.raw`戻りパケットでした(?!か)|` +
    // 「社内の検証用スキャナの通信を誤って集計していたもので、外部からの増加ではありませんでした」「社内の VoIP 機器の再送でした」
    String.raw`外部からの(?:増加|通信|攻撃|スキャン)では(?:なかった|ありませんでした)|通信を誤って(?:集計|計上)|` +
    String.raw`(?:当方|弊社|自社|社内)の[^。、]{0,20}?(?:通信|再送|機器|スキャナ)でした|` +
    // 「自社の脆弱性診断サービスによるスキャンでした」, not 「当方の観測でも 2323/tcp 宛の
    // スキャンでした」
    String.raw`(?:当方|弊社|自社|社内)の(?![^。、]{0,6}観測)[^。、]{0,20}?(?:診断|検証|テスト)` +
    String.raw`[^。、]{0,12}?でした|` +
    // the poster's own "I take it back", not a vendor's 「パッチを撤回しました」
    String.raw`取り消(?:します|させてください|させていただきます)|(?:報告|投稿|件)は取り消しました|` +
    String.raw`(?:撤回|取り下げ)(?:します|させてください|させていただきます|いたします)|取り下げ済み`,
  'i',
);

/**
 * A sentence that corrects the post it follows up: "Correction, sorry: the second port is 8443,
 * not 8433". Not "should be" alone, which advisories say of what to do ("should be blocked, not
 * 3389 only").
 */
/** 「…と書きましたが、こちらは集計ミスでした」: what the poster wrote was itself the slip. */
// (or what comes after puts another in its place: 「tcp/8088 と書きましたが、正しくは tcp/8080 です」)
const OWN_SLIP = new RegExp(
  String.raw`^[、,\s]*(?:正しくは|(?:(?:こちら|それ|これ|そちら|その件|この件|そちらの件)(?:は|も)?)?[^。、]{0,10}?` +
    String.raw`(?:集計|設定|確認)?(?:ミス|見間違い|勘違い|誤り|間違い|誤記)(?:でした|です))`,
);
const CORRECTION = new RegExp(
  String.raw`\b(?:correction|corrected|correcting myself|sorry|i meant|should (?:read|have been)|typo|` +
    String.raw`fat[- ]?finger\w*)\b|訂正|誤記|誤り|間違い|正しくは|(?:(?:集計|設定|確認)ミス|見間違い|勘違い)(?!では|じゃ)`,
  'i',
);

/** The sentence around `at` corrects something the poster wrote. */
export function corrects(prose: string, at: number): boolean {
  return CORRECTION.test(sentenceAt(prose, at));
}

/**
 * Others asked about the port, and the rest of the sentence answers no: 「UDP 161 宛て（SNMP）
 * についても問い合わせをいただいておりますが、特段の増加は確認しておりません」, "we've had questions
 * about udp/161 too, but see no increase".
 */
const ASKED = /問い合わせ|ご質問|(?:asked|questions?|inquir\w*|queries) (?:about|on|regarding|re)\b/i;

/**
 * Words by which a later clause points back at the port before it: "…, nothing new there",
 * 「123/UDP、1900/UDP が上位ですが、件数は前週と同程度です」.
 */
const POINTS_BACK = new RegExp(
  // "there" at the clause's end ("nothing new there"), not "there is no change on other ports"
  String.raw`\bthere\s*[.,;!?]?\s*$|\b(?:either|(?:on|against|to) (?:it|them|those|that)|for (?:it|them|that)|` +
    String.raw`(?:that|it)(?: i|'|)s` +
    String.raw`|(?:that|it) was)\b|^\s*,\s*which (?:is|was|are|were)(?: not|n't)\b` +
    String.raw`|そちら|こちら|そこ|^[、\s]*(?:件数|数|量|パケット数|いずれ|どちら)[はも]` +
    // a verdict set off after the figures: "1,204 hits on 6379 yesterday vs 1,187 the day before - flat"
    String.raw`|^\s*[-–—:]\s*(?:flat|unchanged|steady|stable|normal|quiet|as usual)\s*(?:[,.;]|$)`,
  'i',
);

/**
 * The rest of a sentence that goes on from a port named in an aside of its subject: "The trap
 * receiver, snmpkit-trapd on UDP 162, does not use this code and is not affected."
 */
const GOES_ON = new RegExp(
  String.raw`^\s*,\s*(?:does|do|did|is|are|was|were|has|have|had|remains?|remained|stays?|stayed|saw|sees?|got|gets|` +
    // ("UDP 3389, which newer clients use as an optional transport, shows no increase")
    String.raw`shows?|showed)` +
    String.raw`(?:n't)?\b` +
    // or the last of a list of subjects that share the verb: "IKE/IPsec (UDP 500 and 4500), the
    // SSL-VPN portal and the CAPWAP data channel are not affected"
    String.raw`|^\s*,[^,.;]*(?:,[^,.;]*)*\band\b[^,.;]*\b(?:are|were)(?: not|n't)\b` +
    // or a turn with no subject of its own: "Kibana (tcp/5601) was exposed too but shows no sign of being touched"
    String.raw`|^\s*,?\s*but (?:it |they )?(?:shows?|showed|has|had|have|saw|sees|got|gets|received|is|was|were|are|` +
    String.raw`remains?|remained|stays?|stayed)\b`,
  'i',
);
/**
 * A word of its own set after a comma, of a clause that tells of no rise: "DNP3 (20000/tcp) had a
 * handful of hits, flat, same as every month" (not "60001/tcp spiked to 5x baseline, stable").
 */
const SET_AFTER = new RegExp(
  String.raw`^\s*,\s*(?:flat|unchanged|steady|stable|quiet|as usual|same as (?:ever|always|usual|every \w+))` +
    String.raw`\s*(?:[,.;]|$)`,
  'i',
);

/** Whether any port of `prose` can be said to be quiet: looked at before searching for each. */
export function mayBeQuiet(prose: string): boolean {
  return (
    /\bpool\b|\bhome\b|\boutbound\b/i.test(prose) ||
    NEGATED.test(prose) ||
    BASELINE.test(prose) ||
    INFRASTRUCTURE.test(prose) ||
    NOT_VULNERABLE.test(prose) ||
    HISTORY.test(prose) ||
    /\sbackground\b/i.test(prose)
  );
}

/** The verb a subject's sentence goes on with, after the subject and an aside. */
const GOES_ON_VERB = new RegExp(
  String.raw`^(?:only |also |still |then |just )?(?:is|are|was|were|does|do|did|has|have|had|remains?|stays?|` +
    String.raw`redirects?|listens?|runs?|uses?|serves?|handles?|accepts?|shares?|parses?|answers?)\b`,
  'i',
);

// (or advice on what to do with it: "Management access (22/tcp) should not be exposed to the Internet")
const NOT_VULNERABLE = new RegExp(
  String.raw`\b(?:is|are|was|were)(?: not|n't) (?:vulnerable|exploitable)\b|` +
    String.raw`\b(?:should|must)(?: not|n't|never) be (?:exposed|reachable|open|accessible)\b`,
  'i',
);

/** What says a port is more than usual, beside "usual": above it, or at the top of the report. */
const NEWS_BESIDE_USUAL = new RegExp(
  String.raw`\b(?:above|over|beyond|times|exceed\w*|higher|\d+x|dominat(?:es|ing)|dominant|tops?|leads?|leading|` +
    // ("The usual background of SSH brute forcing is up about 30% too")
    String.raw`biggest|largest)\b|\b(?:is|are|was|were) up\b|` +
    // ("went from background noise to 3rd place")
    String.raw`\bfrom (?:\w+ ){0,2}(?:background|baseline|noise)\b(?: \w+)? to\b`,
  'i',
);

/** Said to be at its usual level, not above it ("at three times its normal levels"). */
const asUsual = (text: string) =>
  BASELINE.test(text) &&
  !RISING.test(text) &&
  // ("SMB on 445 dominates as always": the top of the report, as it always is)
  !NEWS_BESIDE_USUAL.test(text);

/** A negation that is of seeing or of change, not turned into news by what stands beside it. */
const negates = (text: string) =>
  NEGATED.test(text) && !NEWS.test(text) && !(/\bnever\b/i.test(text) && GROWTH.test(text));

/**
 * What a post says against the port at `at`. 'quiet': it is quiet, as usual, unaffected or where
 * the attackers serve their files, so no claim unless the post names it as active elsewhere. 'taken back':
 * the poster retracts or corrects it, which outweighs every other mention (a quote, the subject).
 */
export type Denial = 'quiet' | 'taken back' | null;

/**
 * A label that says what its list is: "Not affected: the host client (tcp/443), the authentication
 * daemon on tcp/902 and the CIM service on tcp/5989", "Quiet here: 23, 2323", 「影響なし：…」, or a
 * heading over its bullets (「■影響を受けない機能」 / 「・SSH サーバ機能 (TCP 22)」).
 * Short, with no comma of its own ("Not seen by us, but others report: …" labels nothing).
 */
// ("The following services are NOT affected: IPsec (UDP 500 and UDP 4500), SNMP (UDP 161)")
const LABEL = /^\s*(?:[-*•・■●◆□◇]\s*)?([^:：\n,、・]{2,48})(?:[:：]\s|\s*・)/;

/** The port at `at` stands in a list whose label (the start of its sentence) says it is quiet. */
function negatedLabel(prose: string, sentenceStart: number, at: number): boolean {
  const lead = LABEL.exec(prose.slice(sentenceStart, at));
  const label = lead?.[1];
  if (label === undefined || /\d/.test(label) || !(negates(label) || asUsual(label))) return false;
  // A block's lines are joined: the list ends where another label starts ("Quiet here: 23, 2323" /
  // "Busy: tcp/7547 (10x)").
  return !/(?:^|\s)[^\s:：,、\d]{2,20}[:：]\s/.test(prose.slice(sentenceStart + lead![0].length, at));
}

/**
 * Read in the clause around `at`, and in the rest of its sentence when that names no port of its
 * own (two digits or more): a retraction, a pointed-back negation ("…, nothing new there"), or a no
 * to what others asked about.
 */
export function denial(prose: string, at: number): Denial {
  const { start, end, sentenceStart, sentenceEnd } = clauseBounds(prose, at);
  const clause = prose.slice(start, end);
  // "Ignore the 4789 bit": only of its own clause ("tcp/23 up sharply, ignore the dip" keeps 23).
  if (TAKEN_BACK.test(clause) || /^\s*(?:(?:so|please|just|and) )?ignore the\b/i.test(clause)) return 'taken back';
  if (/^\s*(?:and )?not\b/i.test(clause) && CORRECTION.test(prose.slice(sentenceStart, sentenceEnd)))
    return 'taken back';
  // 「「8443/tcp にも来ている」と書きましたが、ログの見間違いで、正しくは 4443/tcp でした」「52869/tcp も増えていると
  // 書きましたが、こちらは集計ミスでした」
  // (unquoted, only where what follows says the report itself was the slip: not 「集計ミスで実際は 5 倍でした」)
  if (
    /と(?:書き|記載し|お伝えし|申し上げ)ましたが\s*$/.test(clause) &&
    (/」と/.test(clause)
      ? CORRECTION.test(prose.slice(start, sentenceEnd))
      : OWN_SLIP.test(prose.slice(end, sentenceEnd)))
  )
    return 'taken back';
  // (a wave that ended at a time gone by is over now: 「81/tcpの活動は昨日で終息し」)
  if (negates(clause) || asUsual(clause))
    return !ENDED.test(clause) && quietThen(prose, clause, end, sentenceEnd) ? null : 'quiet';
  // a wave of years ago that this one is like ("Same trick as the tcp/5000 wave back in 2005"), the
  // usual level that another port is set against ("the same credential list as the 23/tcp background")
  if (historyAt(prose, start, at) || backgroundAt(prose.slice(at, sentenceEnd))) return 'quiet';
  if (INFRASTRUCTURE.test(clause) || THEIRS_BEFORE.test(prose.slice(Math.max(sentenceStart, at - 120), at)))
    return 'quiet';
  // ("an FTP server on tcp/5554 that the worm pulls its binary from", "(port 80 on their server)")
  if (PULLED_FROM.test(prose.slice(at, sentenceEnd))) return 'quiet';
  if (
    SAID_THEIRS.test(prose.slice(at, sentenceEnd)) &&
    !SCANNED.test(prose.slice(sentenceStart, at)) &&
    !RISING.test(prose.slice(sentenceStart, sentenceEnd)) &&
    !GROWTH.test(prose.slice(sentenceStart, sentenceEnd))
  )
    return 'quiet';
  // "The RTSP service on tcp/554 is not vulnerable", unless the sentence goes on that it is hit more
  if (NOT_VULNERABLE.test(clause) && !RISING.test(prose.slice(sentenceStart, sentenceEnd))) return 'quiet';
  if (negatedLabel(prose, sentenceStart, at)) return 'quiet';
  // A relative clause in between says something else of the port ("port 52869, which usually moves
  // with 37215, stays at its usual background level"): what the sentence goes on to say is after it
  // (or an aside of what it usually is: "chargen on udp/19, usually part of these lists, was flat")
  const after = prose.slice(end, sentenceEnd);
  const aside =
    /^\s*,\s*(?:(?:which|who)\b[^,]*|(?:usually|normally|typically|often|generally|mostly)\b[^,\d]*)(?=,)/i.exec(after);
  // (an aside that says it rose is news of it: "Port 5555 traffic, which tripled overnight, shows nothing unusual")
  if (aside && (RISING.test(aside[0]) || GROWTH.test(aside[0]))) return null;
  const rest = aside ? after.slice(aside[0].length) : after;
  // (a count is no port of its own: "…: nothing here, zero hits across our ~2,000 panel hosts"; nor is the
  // port itself again: "The complaint also lists WinRM (tcp/5985), but there is no 5985 anywhere")
  // (with its protocol: "3389/udp has gone up tenfold, while 3389/tcp stayed flat" names another port)
  const own = PORT_TOKEN.exec(prose.slice(at, end));
  const numbers = allMatches(rest, PORT_TOKEN_G);
  const same = (n: RegExpExecArray) =>
    own !== null &&
    n[2] === own[2] &&
    ((!n[1] && !n[3]) || (!own[1] && !own[3]) || (n[1] ?? n[3]) === (own[1] ?? own[3]));
  if (!rest || numbers.some((n) => !same(n))) return null;
  if (TAKEN_BACK.test(rest)) return 'taken back';
  const quiet = negates(rest) || asUsual(rest) || (NOT_VULNERABLE.test(rest) && !RISING.test(rest));
  // A Japanese clause that ends in its continuative form (「…同程度で、」「…出ておらず、」) goes on
  // about the same subject.
  const goesOn = /(?:で|て|ず|く|り)\s*$/.test(clause) && /[\u3040-\u30ff\u4e00-\u9fff]/.test(clause);
  // So does one whose port is the sentence's topic: 「22/tcp(SSH)は中国、ロシア中心にいつも通りの水準で…」, whose
  // 、 parts a list of countries
  const topic = /^[\w/]{1,12}(?:\s*[(（][^()（）]{0,20}[)）])?\s*(?:は|も)/.test(prose.slice(at, end));
  // A clause with no verb of its own ("The legacy HTTP interface (TCP 80)") is the subject of the
  // verb that follows ("..., when enabled, only redirects to HTTPS and is not affected").
  const verbless =
    !/\b(?:is|are|was|were|has|have|had|be|been|do|does|did|can|will|see|saw|seen|got|\w+ed|\w+ing)\b/i.test(clause);
  // ...when what follows goes on with its verb ("..., when enabled, only redirects ... and is not affected"),
  // not with a subject of its own ("Big spike on tcp/7547 overnight, our CPEs are not affected").
  const head = rest.replace(/^\s*,\s*(?:(?:when|if|while|though|unless)\b[^,]{0,40},\s*)?/i, '');
  const predicate =
    verbless && GOES_ON_VERB.test(head) && /\b(?:is|are|was|were|does|do|did|has|have)(?: not|n't)\b/i.test(rest);
  if (
    quiet &&
    (ASKED.test(clause) ||
      POINTS_BACK.test(rest) ||
      numbers.length > 0 ||
      goesOn ||
      topic ||
      GOES_ON.test(rest) ||
      (SET_AFTER.test(rest) && !RISING.test(clause) && !GROWTH.test(clause)) ||
      predicate)
  )
    return 'quiet';
  return null;
}

const ENDED = new RegExp(
  String.raw`(?:終息|収束)(?:し|した|して)(?!な|ませ)|収まって(?:い(?:る|ます)|きた|きました)|` +
    String.raw`\b(?:ended|ceased|stopped|subsided|died (?:down|off|out)|dried up|petered out)\b`,
  'i',
);
// ("Reminds me of the tcp/5000 thing from years ago")
const HISTORY = new RegExp(
  String.raw`\bback in (?:(?:19|20)\d\d|the day|the (?:19|20)?\d0'?s)\b|\breminds? (?:me|us) of\b` +
    String.raw`|\b(?:many |a few |some )?years ago\b`,
  'i',
);
const BACKGROUND_AFTER =
  /^(?:(?:tcp|udp) ?\/? ?)?\d{1,5}(?: ?\/ ?(?:tcp|udp))?\s+background\b(?! (?:check|job|task|process))/i;
/** What stands after a port's background that is news of it: "23/tcp background traffic tripled overnight". */
const GREW = /\b(?:tripled|doubled|quadrupled|\d+(?:\.\d+)?x|times|up)\b/i;

function backgroundAt(after: string): boolean {
  return BACKGROUND_AFTER.test(after) && !RISING.test(after) && !GREW.test(after);
}

/**
 * The port names a wave of years ago: "the tcp/5000 wave back in 2005", "Reminds me of the tcp/5000
 * thing from years ago" (not "tcp/23 is getting hammered like back in 2016", which is now).
 */
function historyAt(prose: string, start: number, at: number): boolean {
  if (/\breminds? (?:me|us) of (?:the |that )?$/i.test(prose.slice(start, at))) return true;
  return HISTORY_AFTER.test(prose.slice(at, at + 80));
}
const HISTORY_AFTER = new RegExp(
  String.raw`^[\w/]+(?:\s+(?!(?:is|are|was|were|has|have|getting|gets|got|like)\b)[\w'-]+){0,3}?\s+` +
    String.raw`(?:back in (?:(?:19|20)\d\d|the day|the (?:19|20)?\d0'?s)|from (?:many |a few |some )?years ago)\b`,
  'i',
);

/** A time gone by: what a clause says of it may no longer hold. */
const THEN = new RegExp(
  String.raw`\b(?:last (?:week|month|year|night|weekend|quarter|time)|yesterday|earlier this (?:week|month|year)|` +
    String.raw`(?:a|one|two|three|a few|\d+) (?:days?|weeks?|months?|years?) ago|used to)\b|先週|先月|昨日|昨年|去年|前回`,
  'i',
);

/** A time that is now, after a time gone by. */
const NOW = new RegExp(
  String.raw`\b(?:this (?:week|month|year|morning|afternoon|evening|weekend)|today|tonight|now|since then|` +
    String.raw`overnight)\b|今週|今月|今日|本日|現在|今朝|それ以降`,
  'i',
);

/**
 * Quiet only then: "Port 8080 had no requests last week, this week 40,000", "Last month tcp/5555
 * was quiet. Now it is 20x." The clause says it of a time gone by, and the rest of its sentence,
 * or the next one, goes on to now without saying the same of it.
 */
function quietThen(prose: string, clause: string, end: number, sentenceEnd: number): boolean {
  if (!THEN.test(clause) || NOW.test(clause)) return false;
  const next = sentenceEnd < prose.length ? sentenceBounds(prose, sentenceEnd + 1).end : sentenceEnd;
  const after = prose.slice(end, next);
  // (now with a number or a rise of its own: not "nor this week", "this week also zero", "Today I am out")
  return (
    NOW.test(after) &&
    // (a figure, not a date or a time: "this week (2026-12-07)")
    (RISING.test(after) ||
      // ("5061 was quiet last week but is now the busiest")
      /\b(?:busiest|highest|top|most)\b/i.test(after) ||
      /[1-9]/.test(after.replace(/\d{4}-\d{2}-\d{2}|\d{4}\/\d{2}\/\d{2}|\d{1,2}:\d{2}/g, ''))) &&
    !negates(after) &&
    !asUsual(after) &&
    !/\b(?:still|again|either|too|also|nor|neither|same)\b|(?:今週|今月|今日|本日|現在|今朝|今)も/i.test(after)
  );
}

/**
 * Where a post may take a port back: the sentences around these words are all that takenBack
 * reads, with denial's own patterns. Anchor words alone: the patterns in full, tried at every
 * word of every post, cost more than the rest of reading the claims; and the case of the first
 * letter spelled out, since without the i flag the scan is a quarter faster.
 */
const TAKING_BACK = new RegExp(
  String.raw`\b(?:[Tt]urned out|[Ii]gnore|[Dd]isregard|[Ff]alse (?:alarm|positive)|[Mm]y (?:bad|mistake)|[Tt]ypo|` +
    String.raw`[Ss]cratch that|[Oo]ur own|[Oo]urs|[Cc]orrect|[Ss]orry|I meant|[Ss]hould (?:read|have been)|` +
    String.raw`[Ff]at[- ]?finger|earlier (?:version|post|mail|message)|not (?:treat|count|regard)|[Rr]etract|` +
    String.raw`[Ww]ithdrawn)|` +
    String.raw`誤検知|無視して|訂正|誤記|誤り|間違い|と書きましたが`,
  'g',
);

/**
 * The numbers a post takes back ("the second port is 8443, not 8433", "udp/4789 ... ignore that
 * part"), and those it names in their place (`meant`), found from the words that take back rather
 * than from each port, so that a long post of ports costs nothing more; a number no pattern reads
 * as a port ("not 8433") is found too.
 */
export function takenBack(prose: string): { taken: Set<number>; meant: Set<number> } {
  const out = new Set<number>();
  // "meant dpt 8081 not 8080", "8443, not 8433", 「37215 ではなく 52869 でした」: the number put aside
  // for another, whatever the sentence says of the other; the other is the one the poster meant, and
  // the words that take back around it are not of it ("it's 8088, not 8082" over "That was a typo on
  // my part - the scans target TCP 8088").
  const meant = new Set<number>();
  if (/\bnot\b|なく|actually|\bmeant\b|\bwrote\b|誤り|間違い|誤記/.test(prose))
    for (const m of allMatches(prose, INSTEAD_OF))
      // ("The 8080 hits were actually 12000 yesterday" corrects a count, not a port)
      if (m[1] === undefined || corrects(prose, m.index)) {
        const wrong = m[1] ?? m[4] ?? m[5] ?? m[7] ?? m[9]!;
        // (meant as a port only in a sentence that corrects, and not a year or a count: "started in
        // 2026, not 2025", "Peak was 1900, not 19000, sources")
        const right = m[2] ?? m[3] ?? m[6] ?? m[8] ?? m[10]!;
        // ("When I said 445 I meant 445/tcp (SMB)" restates it)
        if (wrong === right) continue;
        out.add(Number(wrong));
        if (corrects(prose, m.index) && !YEAR.test(right) && !COUNTED_AFTER.test(prose.slice(m.index + m[0].length)))
          meant.add(Number(right));
      }
  // "I think you mean 8291 (MikroTik Winbox) -- 8921 isn't anything I know of": a reply's correction of the
  // post it answers, the other numbers of its sentence the slip
  if (/\byou meant?\b/i.test(prose))
    for (const m of allMatches(prose, YOU_MEAN)) {
      if (YEAR.test(m[1]!)) continue;
      meant.add(Number(m[1]));
      const { start, end } = sentenceBounds(prose, m.index);
      // (the slip is a near miss of the number meant: 8921 for 8291, not another port the reply names)
      for (const n of allMatches(prose.slice(start, end), NUMBER)) if (nearMiss(n[0], m[1]!)) out.add(Number(n[0]));
    }
  // "tcp/7574 ... -- err, make that 7547, fat fingers": the number a poster puts right after the slip
  if (/make that/i.test(prose))
    for (const m of allMatches(prose, MADE_THAT)) {
      if (YEAR.test(m[1]!)) continue;
      meant.add(Number(m[1]));
      // (and the slip is the number just before it in its sentence)
      const { start } = sentenceBounds(prose, m.index);
      const slip = allMatches(prose.slice(start, m.index), NUMBER).at(-1);
      if (slip && slip[0] !== m[1]) out.add(Number(slip[0]));
    }
  let after = 0;
  for (const m of allMatches(prose, TAKING_BACK)) {
    if (m.index < after) continue;
    const { start, end } = sentenceBounds(prose, m.index);
    after = end;
    for (const n of allMatches(prose.slice(start, end), NUMBER))
      if (!meant.has(Number(n[0])) && denial(prose, start + n.index) === 'taken back') out.add(Number(n[0]));
  }
  // "I wrote tcp/8081, that was a typo - it's tcp/8088": the number the poster wrote, then the one meant
  if (/\bI (?:wrote|typed|put|gave|listed)\b/.test(prose))
    for (const m of allMatches(prose, WROTE_WRONG)) {
      out.add(Number(m[1]));
      const { end } = sentenceBounds(prose, m.index);
      const right = WROTE_RIGHT.exec(prose.slice(m.index + m[0].length, end));
      if (right && !YEAR.test(right[1]!)) meant.add(Number(right[1]));
    }
  // A correction's "wrong" line over its "right" one (「誤: 2323/tcp 宛て」 / 「正: 23231/tcp 宛て」).
  if (/誤|wrong|incorrect/i.test(prose))
    for (const m of allMatches(prose, WRONG_LINE)) for (const n of allMatches(m[1]!, NUMBER)) out.add(Number(n[0]));
  // "I wrote that the increase was on tcp/5985. It was not; ...": the sentence before the denial.
  if (/\bI (?:wrote|said|reported|posted|claimed|stated)\b/.test(prose))
    for (const m of allMatches(prose, SAID_THEN_DENIED)) {
      const before = sentenceBounds(prose, m.index);
      for (const n of allMatches(prose.slice(before.start, before.end), NUMBER)) out.add(Number(n[0]));
    }
  return { taken: out, meant };
}

const TYPED_NUMBER = String.raw`(?:(?:tcp|udp|port) ?\/? ?)?(\d{2,5})(?![\w.,:]\d|\d)(?: ?\/ ?(?:tcp|udp)\b)?`;
const WROTE_WRONG = new RegExp(
  String.raw`\bI (?:wrote|typed|put|gave|listed) ${TYPED_NUMBER}[^.;]{0,40}?` +
    String.raw`(?:\b(?:that|which|this|it) (?:was|is) (?:a typo|wrong|a mistake)|` +
    // ("I wrote tcp/8291 (Winbox) but the increase is on tcp/8728")
    String.raw`\bbut (?:I )?meant|` +
    // (not an addition: "I wrote tcp/8291 but it's on tcp/8728 too")
    String.raw`\bbut (?:the (?:increase|rise|spike|jump|traffic|activity|scanning) )?(?:is|was|it'?s) (?:on|at|to)\b` +
    String.raw`(?![^.;]{0,60}\b(?:too|as well|also|both)\b))`,
  'gi',
);
const WROTE_RIGHT = new RegExp(
  String.raw`^[^.;]{0,20}?\b(?:it'?s|it is|it was|should (?:be|read|have been)|meant|the right one is|actually) ` +
    TYPED_NUMBER,
  'i',
);

/** A number that stands alone as a year rather than a port. */
export const YEAR = /^(?:19[89]|20[0-3])\d$/;
/** Two numbers a slip of the fingers makes one of the other: the same digits, or one digit changed. */
function nearMiss(a: string, b: string): boolean {
  if (a === b || a.length !== b.length) return false;
  const sorted = (x: string) => [...x].sort().join('');
  return sorted(a) === sorted(b) || [...a].filter((c, i) => c !== b[i]).length === 1;
}
const MADE_THAT = /\bmake that (?:(?:tcp|udp|port) ?\/? ?)?(\d{2,5})(?![\w.,:]\d|\d)/gi;
// (not a question: "If you mean tcp/8291, yes", "Do you mean 900 sources on tcp/23 alone")
const YOU_MEAN = /(?<!\b(?:if|do|did) )\byou meant? (?:(?:tcp|udp|port) ?\/? ?)?(\d{2,5})(?![\w.,:]\d|\d)/gi;
const COUNTED_AFTER = /^,? ?(?:sources|hosts|addresses|ips|packets|hits|events|times|attempts|connections|flows)\b/i;

/** A number a pattern may read as a port, alone or after its protocol. */
const NUMBER = /(?:(?<=\b(?:tcp|udp) ?\/ ?)|(?<![\w.,:/-]))\d{2,5}(?![\w.,:]\d|\d)/gi;
/** Such a number with the protocol written before or after it. */
const PORT_TOKEN_G = new RegExp(
  String.raw`(?:\b(tcp|udp) ?\/ ?|(?<![\w.,:/-]))(\d{2,5})(?![\w.,:]\d|\d)(?: ?\/ ?(tcp|udp)\b)?`,
  'gi',
);
const PORT_TOKEN = new RegExp(PORT_TOKEN_G.source, 'i');

/** The line a correction marks wrong, as its own label: 「誤: …」, 「（誤）…」, 「誤）…」, "Wrong: …". */
// (a block's lines reach here joined, Japanese ones with no blank: the right one may follow on the same line)
const WRONG_LINE = new RegExp(
  String.raw`^[ \t]*(?:[(（【[]?誤[)）】\]][ \t]*[:：]?|(?:誤|wrong|incorrect)[ \t]*[:：])[ \t]*` +
    String.raw`(\S[^\n]*?)(?=[ \t]?[(（【[]?正[)）】\]]?[ \t]*[:：]|[ \t][(（【[]?(?:right|correct)[)）】\]]?[ \t]*:|$)`,
  'gim',
);

/** One port set aside for the other: "8081 not 8080", "8081, not 8080", 「37215 ではなく 52869」. */
// (the number set aside in groups 1, 4 and 5; the one put in its place in 2, 3 and 6)
const INSTEAD_OF = new RegExp(
  String.raw`(?<![\w.,:/-])(\d{2,5})\b[^.;\d]{0,20}? (?:were|was|is|are) actually (?:(?:tcp|udp)[ /])?(\d{2,5})\b|` +
    // ("the port is udp/3702 (WS-Discovery), not 3703")
    String.raw`(?:(?<=\b(?:tcp|udp) ?\/ ?)|(?<![\w.,:/-]))(\d{2,5})(?:\/(?:tcp|udp))?(?: \([^()\d]{1,40}\))?,? not ` +
    String.raw`(?:(?:tcp|udp|dpt|port)[ /:]?)?(\d{2,5})(?![\w.,:/]\d|\d)` +
    String.raw`|(?<![\w.,:/-])(\d{2,5})(?: ?\/ ?(?:tcp|udp))? ?(?:番ポート|番)? ?(?:では|じゃ)なく[、,]? ?` +
    String.raw`(?:(?:tcp|udp|ポート)[ /]?)?(\d{2,5})` +
    // 「先ほどの「8080/tcp」は 8081/tcp の誤りでした」
    String.raw`|(?<![\w.,:/-])(\d{2,5})(?: ?\/ ?(?:tcp|udp))?」?\s*は\s*(?:(?:tcp|udp)\/)?(\d{2,5})` +
    String.raw`(?: ?\/ ?(?:tcp|udp))?` +
    String.raw`\s*の(?:誤り|間違い|誤記)(?:でした|です)(?![かね])(?!\s*[(（]\s*(?:件数|数|カウント))` +
    // ("where I wrote udp/3702 I meant udp/3283")
    String.raw`|\b(?:I|we) (?:wrote|said|typed|put)\s+(?:(?:tcp|udp)[ /])?(\d{2,5})\b[^.;\d]{0,20}?` +
    String.raw`(?:\b(?:I|we) meant|\bit(?:'s| is| was)|\bshould (?:be|have been|read))\s+` +
    String.raw`(?:(?:tcp|udp)[ /])?(\d{2,5})\b`,
  'gi',
);

/**
 * A port whose protocol the post corrects: "it's udp/1900, not tcp", "that's tcp/502, not udp/502 as I
 * wrote", "445/tcp, not udp". The number stays a port; only the other protocol is out.
 */
const PROTO_FIX = [
  /\b(tcp|udp) ?\/ ?(\d{1,5})\b(?: \([^()]{1,40}\))?,? (?:and )?not (?:on )?(tcp|udp)\b(?: ?\/ ?(\d{1,5})\b)?/gi,
  /\b(\d{1,5}) ?\/ ?(tcp|udp)\b(?: \([^()]{1,40}\))?,? (?:and )?not (?:on )?(?:(\d{1,5}) ?\/ ?)?(tcp|udp)\b/gi,
  // 「1900/tcp ではなく 1900/udp です」
  /(?<![\d.])(\d{1,5}) ?\/ ?(tcp|udp)\s*(?:では|じゃ)なく[、,]?\s*(\d{1,5}) ?\/ ?(tcp|udp)/gi,
];
export function protoCorrections(prose: string): Array<{ port: number; proto: Proto; at: number; both: boolean }> {
  const out: Array<{ port: number; proto: Proto; at: number; both: boolean }> = [];
  if (!/\bnot\b|なく/i.test(prose)) return out;
  // (in a sentence that corrects the post: "udp/11211, not tcp" may as well be a lesson in protocols)
  // (or in the one before it: 「訂正です。1900/tcp ではなく 1900/udp です。」)
  const fix = (m: RegExpExecArray) => {
    const { start, end } = sentenceBounds(prose, m.index);
    const near = prose.slice(Math.max(0, start - 40), end);
    return CORRECTION.test(near) || MISREAD.test(near);
  };
  for (const m of allMatches(prose, PROTO_FIX[0]!))
    if (m[1]!.toLowerCase() !== m[3]!.toLowerCase() && (m[4] === undefined || m[4] === m[2]) && fix(m))
      out.push({ port: Number(m[2]), proto: m[3]!.toLowerCase() as Proto, at: m.index, both: m[4] !== undefined });
  for (const m of allMatches(prose, PROTO_FIX[1]!))
    if (m[2]!.toLowerCase() !== m[4]!.toLowerCase() && (m[3] === undefined || m[3] === m[1]) && fix(m))
      out.push({ port: Number(m[1]), proto: m[4]!.toLowerCase() as Proto, at: m.index, both: m[3] !== undefined });
  for (const m of allMatches(prose, PROTO_FIX[2]!))
    if (m[1] === m[3] && m[2]!.toLowerCase() !== m[4]!.toLowerCase() && fix(m))
      out.push({ port: Number(m[1]), proto: m[2]!.toLowerCase() as Proto, at: m.index, both: true });
  return out;
}
const MISREAD = /\b(?:scratch that|misread|mis-read|self-followup|my earlier (?:mail|post|message))\b/i;

/** What the poster wrote before, then that it was wrong: the first sentence is taken back. */
const SAID_THEN_DENIED = new RegExp(
  String.raw`\bI (?:wrote|said|reported|posted|claimed|stated)\b[^.!?\n]{0,160}[.!?] ` +
    String.raw`(?=(?:It|That|This) (?:was|is) (?:not\b|wrong|incorrect|a mistake|an error))`,
  'g',
);

const HEADING_MARK = '■●◆□◇';

/**
 * Whether the sentence ends at `k`: a full stop ends it only before a blank or the end, not inside
 * a name ("configured in daemon.json but never started") or a version.
 */
function endsAt(prose: string, k: number): boolean {
  // A heading's marker starts a new one, even where a block's lines were joined without a stop.
  const after = prose[k + 1];
  if (after !== undefined && HEADING_MARK.includes(after)) return true;
  const c = prose[k]!;
  if (c === '.') {
    // ...or before what closes around the sentence ("(about 10x since Monday.) Nothing else")
    let j = k + 1;
    while (j < prose.length && ')]"\'”’」』'.includes(prose[j]!)) j++;
    const next = prose.charCodeAt(j);
    return Number.isNaN(next) || next === 32 || next === 10 || next === 9 || next === 13;
  }
  return '。!！?？\n'.includes(c);
}

/**
 * Where the sentences of the prose last asked about end, found once: each port a post names asks
 * for its sentence, and walking to its ends from each took 5 s for 70,000 mentions in one sentence.
 */
let ends: { prose: string; at: number[] } = { prose: '', at: [] };

function sentenceEnds(prose: string): number[] {
  if (ends.prose !== prose) {
    const at: number[] = [];
    for (let k = 0; k < prose.length; k++) if (endsAt(prose, k)) at.push(k);
    ends = { prose, at };
  }
  return ends.at;
}

/** Where the sentence around `at` starts and ends: at most 300 characters either way. */
export function sentenceBounds(prose: string, at: number): { start: number; end: number } {
  const e = sentenceEnds(prose);
  // the first end at or after `at`
  let lo = 0;
  let hi = e.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (e[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  const before = lo > 0 ? e[lo - 1]! + 1 : 0;
  const after = lo < e.length ? e[lo]! : prose.length;
  return { start: Math.max(before, at - 300), end: Math.min(after, at + 300) };
}

/** The post says this port's traffic is rising, not just that it exists. */
export function saysRising(sentence: string): boolean {
  return RISING.test(sentence);
}
