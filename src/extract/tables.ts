import type { Proto } from '../model.ts';
import { allMatches } from './matches.ts';

/*
 * Plain-text tables a member pastes from a report ("Port  Proto  Count" over rows of numbers). Joined
 * into prose, their rows read as "tcp 1200" and give the counts as ports; read by column, the port
 * column gives the ports and the proto column their protocol.
 */

/** A port read from a row of a table a post pasted, with the protocol its row gives. */
export interface TablePort {
  port: number;
  proto: Proto | null;
  span: string;
  /** Under a caption that says its rows are the news ("Ports above threshold (z > 3):"). */
  news?: boolean;
}

const NEWS_CAPTION = new RegExp(
  String.raw`\b(?:above (?:the )?(?:threshold|band|baseline|normal)|rising|increas\w*|spik\w*|flagged|anomal\w*|` +
    String.raw`alerts?)\b|急増|増加|上限超`,
  'i',
);

/** A table has at most this many columns; a wider line is not a table header. */
const MAX_COLUMNS = 12;

const PORT_COLUMN = new RegExp(
  String.raw`^(?:(?:dst|dest|destination|target|default|listening|service|proto(?:col)? ?\/ ?|宛先)[ _-]?)?` +
    // ("port/proto", as a bot heads the column of "23/tcp")
    String.raw`(?:port|dport|dpt|ポート(?:番号)?)(?:s|\(s\))?(?: ?\/ ?proto(?:col)?)?$`,
  'i',
);
const SOURCE_PORT_COLUMN = /^(?:src|source|送信元)[ _-]?(?:port|ポート)$|^(?:sport|spt)$/i;
const PROTO_COLUMN = /^(?:proto(?:col)?|プロトコル)$/i;
/** A rule under the header ("----  -----", "|---|---|", "====="). */
const RULE = /^[\s|:+=-]+$/;
// "22/TCP (SSH)", "TCP 443": a service's name may stand in the cell beside its port, its protocol before it
const PORT_CELL =
  /^(?:(tcp|udp)(?: ?\/ ?| ))?(\d{1,5})(?: ?\/ ?(tcp|udp))?(?: ?[(（][A-Za-z\u3040-\u30ff][^()（）]{0,23}[)）])?$/i;

interface CellPort {
  port: number;
  proto: string | undefined;
}

/** The ports of a port cell: one, or a list ("UDP 500, UDP 4500"); null when it holds anything else. */
function portCell(cell: string): CellPort[] | null {
  const out: CellPort[] = [];
  for (const item of cell.split(/, ?| and | ?\/ (?=\D)|、/)) {
    const m = PORT_CELL.exec(item.trim());
    if (!m || Number(m[2]) > 65535) return null;
    out.push({ port: Number(m[2]), proto: m[1] ?? m[3] });
  }
  return out.length ? out : null;
}

/** What a row names: its ports with their protocols; none for an ICMP row or a closed one. */
type RowPorts = Array<{ port: number; proto: Proto | null }>;

const asProto = (p: string): Proto | null => (p === 'tcp' || p === 'udp' ? p : null);

/**
 * The cells of a table line: split at `|`, at tabs or at runs of two blanks; a line with none of
 * them at commas (CSV, quotes taken off), else at single blanks, as a header of one-word names is
 * often typed.
 */
function cells(line: string): string[] {
  // A pipe table's last cell may be empty ("| 2323 | TCP | 6,804,115 |        |"): pipes stripped
  // once at each end, blanks around them included, and every cell between kept.
  const t = line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|\s*$/, '');
  if (t.includes('|')) return t.split('|').map((c) => c.trim());
  const parts = /\t| {2}/.test(t)
    ? t.split(/\t+| {2,}/)
    : t.includes(',')
      ? t.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'))
      : t.split(' ');
  return parts.map((c) => c.trim()).filter((c, i, a) => c !== '' || (i > 0 && i < a.length - 1));
}

interface Header {
  port: number;
  proto: number | null;
  width: number;
  /** nmap's STATE column: its rows are split at blanks, and only an open port is one the post names. */
  state: number | null;
  /** An advisory's "Affected" (or "Vulnerable", 「影響」) column: a row that says no there names no port. */
  affected: number | null;
  /** A bot's "flag" (or "alert", 「備考」) column: where some rows are marked UP and the rest left blank. */
  flag: number | null;
  /** The protocol a caption over the table gives its rows ("Top 5 TCP ports (DShield, last 24h):"). */
  caption: Proto | null;
  /**
   * Where the port and protocol columns' names stand in an aligned header, for rows whose cells
   * blanks do not part as the header's (nfdump's "2024-05-18 00:00:02.118 86397.880 any    23").
   */
  spans: { port: Span; proto: Span | null; flag: Span | null } | null;
}

interface Span {
  start: number;
  end: number;
}

const STATE_COLUMN = /^state$/i;
const FLAG_COLUMN = /^(?:flag|alert|mark|notes?|remarks?|備考|判定|注目|注意|マーク)$/i;
/** A flag cell that marks its row as news: "UP", "NEW", "ALERT", "★", 「急増」. */
// (a warning only as the whole cell: not 「注意: センサー1台のみの観測」 or "! partial day")
const FLAG_RISE = /^(?:(?:up|new|alert|rising|high|hot|spike|★|☆|↑|急増|増加|新規|上昇)(?![a-z])|(?:!+|注意|警戒)$)/i;
/** A flag cell that marks its row as no news, or as beyond a verdict: "-", "LOW", "GAP", 「欠損」. */
const FLAG_NONE = /^(?:-|－|—|–|ok|normal|gap|no data|n\/a|平常|欠損|欠測)$/i;
/** In a table with a band ("hi_band", "mavg48", "σ"), LOW and its kin are a side of it, not a severity. */
const FLAG_BELOW = /^(?:low|down|drop|below|低下|減少)$/i;
const BAND_HEADER = /band|baseline|mavg|sigma|σ|帯域/i;
const AFFECTED_COLUMN =
  /^(?:affected|vulnerable|impacted|exploited|exposed)\??$|^(?:影響|対象|脆弱性?)(?:の有無|有無)?$/i;
/** A cell that says no ("No", 「いいえ」, 「なし」, a dash). */
const SAYS_NO = /^(?:no|n|false|none|-|－|—|いいえ|なし|無し|無|×)$/i;
const NMAP_STATE = /^(?:open|closed|filtered|unfiltered|open\|filtered|closed\|filtered)$/i;
/** A cell that holds a figure: a header has none ("Change vs wk 46" is a name, "46" is not). */
const FIGURE = /^[\d,.%+-]+$/;

/**
 * What every header line has: a port column's name, and no digit in any cell. Splitting every
 * line of a post into cells only to find that it is no header was a third of reading its tables.
 */
const MAYBE_HEADER = /port|dpt|ポート/i;

function header(line: string, caption: string): Header | null {
  if (!MAYBE_HEADER.test(line)) return null;
  let c = cells(line);
  if (c.length < 2 || c.length > MAX_COLUMNS || c.some((x) => x.length > 24 || FIGURE.test(x))) return null;
  const isPort = (x: string) => PORT_COLUMN.test(x) && !SOURCE_PORT_COLUMN.test(x);
  let dst = c.findIndex(isPort);
  // A name set one blank from the next, where the rows below are set two apart ("順位 宛先ポート  件数"):
  // read by where the words stand.
  if (dst < 0 && / {2}/.test(line)) {
    c = line.trim().split(/\s+/);
    dst = c.findIndex(isPort);
    // (not a caption's "Top ports  last 24h", nor a source's port: "Source Port  Proto", 「送信元 ポート」)
    if (c.some((x) => /^(?:top|last|past|latest)$/i.test(x)) || /^(?:src|source|送信元)$/i.test(c[dst - 1] ?? ''))
      return null;
  }
  if (dst < 0 || c.length > MAX_COLUMNS) return null;
  const proto = c.findIndex((x) => PROTO_COLUMN.test(x));
  const state = c.findIndex((x) => STATE_COLUMN.test(x));
  const affected = c.findIndex((x) => AFFECTED_COLUMN.test(x));
  const flag = c.findIndex((x) => FLAG_COLUMN.test(x));
  const named = new Set([...caption.matchAll(/(?<![a-z])(tcp|udp)(?![a-z])/gi)].map((m) => m[1]!.toLowerCase()));
  const aligned = / {2}/.test(line) && !/[|\t,]/.test(line);
  const span = (cell: string): Span => {
    const start = line.indexOf(cell);
    return { start, end: start + cell.length };
  };
  return {
    port: dst,
    proto: proto < 0 ? null : proto,
    width: c.length,
    state: state < 0 ? null : state,
    affected: affected < 0 ? null : affected,
    flag: flag < 0 ? null : flag,
    caption: named.size === 1 ? ([...named][0] as Proto) : null,
    spans: aligned
      ? { port: span(c[dst]!), proto: proto < 0 ? null : span(c[proto]!), flag: flag < 0 ? null : span(c[flag]!) }
      : null,
  };
}

/**
 * A row of an aligned table read by where its words stand: the number under the port column's
 * name (right-aligned numbers end under it, left-aligned ones start there), and the protocol
 * under the protocol's. For rows whose blanks do not part the cells as the header's do
 * (nfdump's "2024-05-18 00:00:02.118 86397.880 any    23 ..."), or that leave a cell empty
 * ("2    22/TCP    +5%" under "順位  宛先ポート  前週比  備考"). Most of a row's words hold digits.
 */
function alignedRow(line: string, h: Header): RowPorts | null {
  if (!h.spans) return null;
  const words = [...line.matchAll(/\S+/g)];
  if (words.length < h.width - 1 || words.filter((w) => /\d/.test(w[0])).length * 2 < words.length) return null;
  const under = (s: Span) => wordUnder(words, s);
  const items = portCell(under(h.spans.port)?.[0] ?? '');
  if (!items) return null;
  const fallback = (h.spans.proto ? under(h.spans.proto)?.[0] : h.caption) ?? '';
  return items.map((i) => ({ port: i.port, proto: asProto((i.proto ?? fallback).toLowerCase()) }));
}

/** The word of a row of an aligned table that stands under a column's name, of the shape a cell there has. */
function wordUnder(words: RegExpMatchArray[], s: Span, shape = /^[\w/.-]+$/): RegExpMatchArray | undefined {
  return words.find((w) => w.index! < s.end + 2 && w.index! + w[0].length > s.start - 2 && shape.test(w[0]));
}

/** What a row holds in the flag column: by where it stands in an aligned table, else by its cell. */
function flagCell(line: string, h: Header): string {
  if (h.flag === null) return '';
  if (h.spans?.flag) return wordUnder([...line.matchAll(/\S+/g)], h.spans.flag, /\S/)?.[0] ?? '';
  const c = cells(line);
  return c.length === h.width ? c[h.flag]! : '';
}

/** The ports (and protocols) of a row, none for an ICMP row; null when the row does not fit the header. */
function row(line: string, h: Header): RowPorts | null {
  // nmap pads its columns with single blanks too ("443/tcp   filtered https"), and SERVICE and
  // VERSION may be empty or hold blanks: the port and its state lead every row.
  const c = h.state === null ? cells(line) : line.trim().split(/\s+/);
  if (h.state === null && c.length !== h.width) return alignedRow(line, h);
  if (h.state !== null && (c.length <= h.state || !NMAP_STATE.test(c[h.state]!))) return null;
  const items = portCell(c[h.port]!);
  if (!items) return null;
  if (h.state !== null && c[h.state]!.toLowerCase() !== 'open') return [];
  const fallback = (h.proto === null ? (h.caption ?? '') : c[h.proto]!).toLowerCase();
  const untyped = items.some((i) => !i.proto);
  if (h.proto !== null && untyped && !/^(?:tcp|udp|icmp|\d{1,3})$/.test(fallback)) return null;
  if (untyped && fallback === 'icmp') return [];
  return items.map((i) => ({ port: i.port, proto: asProto((i.proto ?? fallback).toLowerCase()) }));
}

/**
 * A row that says its port is out of it: an advisory's "Status" or "Affected" cell ("SIP |
 * 5060/udp | Not affected", 「対象外」), a trend that says "(normal)". Its port is no claim; the row
 * is still the table's.
 */
// (or a trend that says it is as usual: "22/tcp  2,904,112  41,220  +2%  (normal)", "udp/1900 ... flat",
// "quiet, back to baseline", 「横ばい」「変化なし」「低調」: the writers of a bot's overview leave such rows out of what it reports)
const NOT_AFFECTED = new RegExp(
  String.raw`^(?:not (?:affected|vulnerable|impacted|exploited|exposed)|unaffected|対象外|影響(?:なし|無し)|該当なし|` +
    String.raw`\((?:normal|flat|as usual|unchanged|no change|baseline|reference)\)|` +
    String.raw`(?:(?:falling|dropping|down|quiet|flat),? )?` +
    // (or inside the band a bot's overview draws: "inside", "below", 「帯域内」)
    String.raw`(?:back to (?:baseline|normal)|flat|steady|stable|unchanged|quiet|(?:as )?usual|` +
    String.raw`inside|within|in band|below|帯域内|横ばい|平常|低調|同水準|` +
    String.raw`(?:前日|前週|前月)並み|変化(?:なし|無し|はなし)))\.?$`,
  'i',
);

/** A heading over a table that says its rows did nothing: "STEADY (within +/-15%)", 「横ばい」. */
const QUIET_HEADING = new RegExp(
  String.raw`^\s*(?:[#*=■●◆【[-]+\s*)?(?:(?:steady|stable|flat|unchanged|quiet|no change|normal)\b|横ばい|変化なし|平常)` +
    String.raw`(?![^\n]{0,12}\b(?:but|except)\b)`,
  'i',
);

/** A count or a note in brackets: "(1)", "(data gap, not a real drop)". */
const NOTE = (most: number) => String.raw`(?:\s*[(（][^)）\n]{0,${most}}[)）])?`;

/** Words that say the usual, as a bot's overview heads a section or leads a line with them. */
const QUIET_WORD =
  String.raw`(?:(?:(?:holding |remained |staying )?(?:steady|stable|flat)|unchanged|quiet|no (?:significant )?change|` +
  String.raw`normal|usual)(?: (?:today|this (?:week|month)|overnight))?|` +
  String.raw`as usual|dropped (?:off|out)|ended|cleared|平常(?:範囲内|範囲|どおり|通り)?|範囲内|静穏|静か|横ばい|変化なし|通常|` +
  // (what a bot cannot tell: "== NO DATA / データ欠損 ==", "GAP: 123/udp (collector restart)", 「データ欠損のため判断不可」)
  String.raw`no data|(?:data )?gap|(?:データ)?欠損(?:のため)?(?:判断不可)?|欠測|判断不可|観測なし|not (?:observed|seen)|` +
  // (an advisory's 「■影響を受けない機能」 over what is not exposed)
  String.raw`(?:not affected|unaffected)(?: (?:products?|versions?|features?|functions?|services?|configurations?))?|` +
  String.raw`影響を受けない(?:機能|製品|構成|バージョン|もの|サービス)?|影響なし|対象外|` +
  // (a bot's band: "Inside band", 「帯域内 (変化なし)」)
  String.raw`(?:inside|within|in|below) (?:the )?band|within (?:the )?(?:baseline|normal range|normal)|帯域内|下限割れ|下限未満)`;
// (a heading's own words may lead: "Top ports (records), no significant change:")
const QUIET_ALONE = new RegExp(
  String.raw`^\s*(?:[#*=■●◆□○◇【[-]+\s*)?(?<lead>[^,:：\n]{1,40}, )?(?<ports>(?:other |remaining |all other )?ports? )?` +
    String.raw`${QUIET_WORD}(?: ?[/／・] ?${QUIET_WORD})?` +
    String.raw`${NOTE(20)}\s*(?:[】\]:：]|={2,}|-{2,})?\s*$`,
  'i',
);

/**
 * A heading of a section of what did nothing, alone on its line and marked as a heading: a mark
 * before it ("■ 平常", "## Steady", "- Normal"), a colon or bracket after it ("Steady:"), capitals
 * ("UNCHANGED", "HOLDING STEADY"), two languages ("平常 / Usual"). A bare "Normal" may be a cell.
 */
function quietHeading(line: string): boolean {
  const m = QUIET_ALONE.exec(line);
  if (!m || NEWS_NOTE.test(line)) return false;
  const t = line.trim();
  if (m.groups!.lead) return /[:：]$/.test(t) && !RISE.test(m.groups!.lead);
  // ("Ports within baseline (no action)", as an HTML overview heads its list)
  if (m.groups!.ports) return true;
  // (capitals before a note in brackets: "STEADY (within band)")
  const words = t.replace(/\s*[(（][^)）]*[)）]\s*$/, '');
  return /^[#*=■●◆□○◇【[-]|[】\]:：]$|[/／]/.test(t) || (/[A-Z]/.test(words) && words === words.toUpperCase());
}

/**
 * Words beside a quiet word that make the line news: "quiet (2 alerts)", "Normal (2 exceptions)", "Not
 * observed (prior 30d)", "Emerging, not observed".
 */
const NEWS_NOTE =
  /\b(?:alerts?|exceptions?|except|but|new|emerging|rising|up(?! to)|prior|until|before|previous(?:ly)?)\b/i;
/** A quiet line, unless it says it is news or shows a rise: "- **Quiet:** tcp/22 (−3%), tcp/23 (+412%)". */
const usualLine = (line: string) =>
  (QUIET_LINE.test(line) || QUIET_AFTER.test(line)) && !NEWS_NOTE.test(line) && !OWN_RISE.test(line);

/**
 * A sentence that leads into a list of the usual: 「以下のポートは平常範囲内です。」, "The following ports
 * were within baseline:".
 */
const QUIET_LEAD = new RegExp(
  String.raw`^\s*(?:(?:以下|下記|次)の(?:ポート|もの)(?:は|も)[^。\n]{0,12}?(?:平常|通常|変化(?:なし|はありません)|範囲内|横ばい)` +
    String.raw`[^。\n]{0,10}?[。:：]?|(?:the )?(?:following|other|remaining) ports? (?:are|were|stayed|remained) ` +
    String.raw`(?:${QUIET_WORD})[.:]?)\s*$`,
  'i',
);

/**
 * What such a section lists: ports and words of no more than that, up to a label of its own
 * ("Rising:", "Still going: tcp/8728") or a line that tells of a rise.
 */
const RISE = new RegExp(
  String.raw`\b(?:up|rising|rose|climb\w*|jump\w*|increas\w*|spik\w*|surg\w*|doubl\w*|tripl\w*|elevated|new|` +
    String.raw`hammer\w*|attack\w*|exploit\w*|targeted|brute\w*|` +
    String.raw`except\w*|but|heavy)\b|\d(?:\.\d+)?x\b|倍|増|急|↑`,
  'i',
);
const LABEL = /[:：]\s*$|^[^:：\d]{1,30}[:：]\s/;
const listsTheUsual = (line: string) => !RISE.test(line) && !LABEL.test(line) && !SECTION.test(line);
/** An item of a list, as html-to-text lays out <li> (" * ") or a writer marks one. */
const ITEM = /^\s*(?:[-*•・]|\d{1,2}[.)])\s/;

/** A line that leads with such a word and lists ports only: "FLAT     tcp/22, tcp/23, tcp/445" (a bot's overview). */
const PORT_ITEM = String.raw`(?:(?:tcp|udp)(?: ?\/ ?| )\d{1,5}|\d{1,5}(?: ?\/ ?(?:tcp|udp))?)`;
// (each with a short note of its own: "tcp/23 (−18%), tcp/2323 (−25%)")
const PORT_LIST = String.raw`${PORT_ITEM}${NOTE(12)}(?:\s*(?:,|、|and|&)\s*${PORT_ITEM}${NOTE(12)}){0,30}`;
// (with a count or a note in brackets: "Below band (1): 123/udp (data gap, not a real drop)")
const QUIET_LINE = new RegExp(
  String.raw`^[\s>]*(?:[-*•]\s*)?(?:\*\*|__)?${QUIET_WORD}(?: ?[/／] ?${QUIET_WORD})?${NOTE(20)}` +
    String.raw`(?: {2,}|\s*[:：]\s*)(?:\*\*|__)?\s*${PORT_LIST}${NOTE(60)}\s*[.。]?\s*$`,
  'i',
);
const PORTS_ALONE = new RegExp(String.raw`^\s*${PORT_LIST}\s*[.。]?\s*$`, 'i');
/** A line that lists ports and then the word: "・23/tcp: 平常", "- 445/tcp (SMB): flat". */
const QUIET_AFTER = new RegExp(
  String.raw`^[\s>]*(?:[-*•・]\s*)?${PORT_LIST}${NOTE(20)}\s*[:：]\s*${QUIET_WORD}\s*[.。]?\s*$`,
  'i',
);
const NO_DATA = /\bno data\b|\bgap\b|欠損|欠測|判断不可/i;
/** A line that opens a section of its own: a bullet or a bracket before its words. */
const SECTION = /^\s*(?:[#■●◆□○◇【[]|={2,}|-{2,})/;
/** A rise of at least `tens`0 percent: "+180%", "＋42 %". */
export const plusPercent = (tens: number) => String.raw`[+＋]\s?(?:[${tens}-9]\d|\d{3,})(?:\.\d+)?\s?%`;
/**
 * A row's own rise: above +50% it is no row of the usual, whatever a cell says ("+400%  usual"
 * sources); beside a flag column that left it blank, +20% is news too ("23  tcp  +42%").
 */
const risesBy = (tens: number) => new RegExp(String.raw`${plusPercent(tens)}|\b\d+(?:\.\d+)?x\b|倍`);
const OWN_RISE = risesBy(2);
const ROW_RISE = risesBy(5);

/**
 * A cell that says the port was not seen, or not measured: 「観測なし」, "no data", "GAP". Of the row only
 * where no other cell holds a figure: beside "12,400" it is another period's or sensor's.
 */
const NOT_SEEN = new RegExp(
  String.raw`^(?:not (?:seen|observed)|(?:none|nothing) (?:seen|observed)(?: since [\w ]{1,20})?|観測なし|未観測|` +
    String.raw`no data|(?:data )?gap|(?:データ)?欠損|欠測)$`,
  'i',
);
const notSeen = (line: string, h: Header) => {
  const c = cells(line);
  return c.some((x) => NOT_SEEN.test(x)) && !c.some((x, k) => k !== h.port && (/\d/.test(x) || RISE.test(x)));
};

function saysNo(line: string, h: Header): boolean {
  if (h.affected === null) return false;
  const c = cells(line);
  return c.length === h.width && SAYS_NO.test(c[h.affected]!);
}

/** The ports a line of the usual lists: "FLAT  tcp/22, tcp/23", "・445/tcp: 平常範囲内". */
// (a bare number of two digits or more, as "Steady: 22, 23, 445" lists them, not "sensor-2" or "40%")
const LISTED = new RegExp(
  String.raw`\b(tcp|udp)(?: ?\/ ?| )(\d{1,5})\b|` +
    String.raw`(?<![\w.-])(\d{2,5}|\d{1,5}(?= ?\/ ?(?:tcp|udp)\b))(?: ?\/ ?(tcp|udp)\b|(?![\w.%]))`,
  'gi',
);
function listed(line: string, span: string): TablePort[] {
  // (a time or a date in the line is no port: "03:00-03:40 JST", "3月19日")
  // (nor a figure in a note: "Normal: tcp/22, tcp/23 (about 443 events/h each)")
  const bare = line
    .replace(/[(（][^)）]*[)）]/g, ' ')
    .replace(/\d+[:：]\d+|\d+[月日年時]/g, ' ')
    .replace(/\d+[-/]\d+[-/]\d+/g, ' ');
  return allMatches(bare, LISTED)
    .map((m) => ({ port: Number(m[2] ?? m[3]), proto: asProto((m[1] ?? m[4] ?? '').toLowerCase()), span }))
    .filter((p) => p.port > 0 && p.port <= 65535);
}

/**
 * Ports in the tables of one block of lines, and the lines the tables took (header, rule and rows)
 * and those of a section headed as the usual, which are then not read as prose. A table ends at
 * the first line that does not fit its header. `before` is the line above the block, which may be
 * a table's caption. `quiet` holds the ports of the rows and lines that say they are as usual, or
 * not seen: what a reply's subject or quote says of them is then not the reply's.
 */
export function tablePorts(
  lines: string[],
  before = '',
): { ports: TablePort[]; used: Set<string>; quiet: TablePort[] } {
  const ports: TablePort[] = [];
  const quiet: TablePort[] = [];
  const used = new Set<string>();
  // (a line of no data says nothing of the port: "GAP: 123/udp (collector restart)")
  const usual = (line: string, noData = NO_DATA.test(line)) => {
    used.add(line);
    if (!noData) quiet.push(...listed(line, line.trim()));
  };
  // (under a heading alone in the block before, as an HTML overview's <h3>Holding steady</h3> is laid out: a list)
  // (or a paragraph of ports alone: <h3>Ports within baseline (no action)</h3><p>tcp/23, tcp/445</p>)
  if (
    quietHeading(before) &&
    lines.every((l) => (ITEM.test(l) || PORTS_ALONE.test(l)) && listsTheUsual(l) && !OWN_RISE.test(l))
  )
    for (const l of lines) usual(l);
  for (let i = 0; i < lines.length; i++) {
    if (used.has(lines[i]!)) continue;
    if (usualLine(lines[i]!)) {
      usual(lines[i]!);
      continue;
    }
    if (quietHeading(lines[i]!) || QUIET_LEAD.test(lines[i]!)) {
      // The section's lines are no claims, and no prose either.
      used.add(lines[i]!);
      const noData = NO_DATA.test(lines[i]!);
      while (i + 1 < lines.length && listsTheUsual(lines[i + 1]!)) usual(lines[++i]!, noData);
      continue;
    }
    const h = header(lines[i]!, i ? lines[i - 1]! : before);
    if (!h) continue;
    const quietAbove = QUIET_HEADING.test(i ? lines[i - 1]! : before);
    // (a caption: a line of its own that ends in a colon or is marked as a heading)
    const caption = i ? lines[i - 1]! : before;
    const news = !quietAbove && /[:：]\s*$|^\s*[#■●◆【[=]/.test(caption) && NEWS_CAPTION.test(caption);
    let j = i + 1;
    if (j < lines.length && RULE.test(lines[j]!)) j++;
    const rows: string[] = [];
    const read: Array<{ line: string; ports: RowPorts }> = [];
    for (; j < lines.length; j++) {
      const r = row(lines[j]!, h);
      if (!r) break;
      rows.push(lines[j]!);
      // (a cell that says so, not a note that mentions it: "was not affected last week, now 10x"; or the
      // heading over the table: "STEADY (within +/-15%)")
      const said = cells(lines[j]!).some((c) => NOT_AFFECTED.test(c)) && !ROW_RISE.test(lines[j]!);
      if (quietAbove || said || saysNo(lines[j]!, h) || notSeen(lines[j]!, h)) {
        for (const p of r) quiet.push({ ...p, span: lines[j]!.trim() });
        continue;
      }
      read.push({ line: lines[j]!, ports: r });
    }
    if (!rows.length) continue;
    // Where a flag column marks some rows as news and leaves the rest blank or says they are none ("-", "LOW",
    // "GAP"), those are not:
    // 'flag "UP" when today > mean + 1.645 sd' (unless a row shows its own rise: "2323  tcp  +180%", "23  tcp  +42%").
    const flags = read.map((r) => flagCell(r.line, h));
    const band = BAND_HEADER.test(lines[i]!);
    const marked =
      flags.some((f) => FLAG_RISE.test(f)) &&
      flags.every((f) => f === '' || FLAG_RISE.test(f) || FLAG_NONE.test(f) || (band && FLAG_BELOW.test(f)));
    read.forEach((r, k) => {
      if (!marked || FLAG_RISE.test(flags[k]!) || OWN_RISE.test(r.line))
        for (const p of r.ports) ports.push({ ...p, span: r.line.trim(), ...(news && { news }) });
    });
    for (let k = i; k < j; k++) used.add(lines[k]!);
    i = j - 1;
  }
  return { ports, used, quiet };
}
