import type { LogEvent, PortClaim, PortRange, Proto } from '../model.ts';
import {
  clauseBefore,
  denial,
  mayBeQuiet,
  rangesAt,
  saysRising,
  sentenceAt,
  sentenceBounds,
  takenBack,
  deniesThread,
  seesThread,
  quietServicePorts,
  REST_QUIET,
  answersNo,
  corrects,
  protoCorrections,
  YEAR as YEAR_ALONE,
  type Denial,
} from './claims.ts';
import { allMatches } from './matches.ts';
import { plusPercent, type TablePort } from './tables.ts';
import { isReplySubject } from '../mail/reply-text.ts';

interface Hit {
  port: number;
  proto: Proto | null;
  span: string;
  rising: boolean;
  destination: boolean;
  /** Where in the prose it was read, for the protocol its paragraph names. */
  at?: number;
  /** What the post says against it: quiet or unaffected ("not seeing a change on 80"), or taken back. */
  denied?: Denial;
  /** Read as where something listens ("the honeypot also listens on 2376"): a setting, not a sighting. */
  setup?: boolean;
  /** A source port named as a reflection attack's vector (VECTOR_BEFORE). */
  vector?: boolean;
  /** Read at the head of a row of figures (" 22/tcp   3,015 / 288   -1%"): a table's row, not a sighting. */
  row?: boolean;
}

/** A cell of a row of figures (ROW_LINE): a figure, a separator, a short note in brackets or letters, an arrow. */
const ROW_FIELD =
  String.raw`[ \t]*(?:[~≈+\-−]?\d[\d,.]*[kKM%]?|[/|:]|[(（][^)）\n]{0,30}[)）]|[A-Za-z]{1,4}|[↑↓→])` +
  String.raw`(?=[ \t]|$)`;
/** A row's rank or bracketed label before its port, and a note after it, with a figure somewhere after. */
const ROW_HEAD = String.raw`^[ \t]*(?:【[^】\n]{0,30}】[ \t]*)?(?:\d{1,2}(?:[.)]|位)?[ \t]+)?`;
const ROW_NOTE = String.raw`(?:[ \t]*[(（][^)）\n]{0,30}[)）])?(?=[^\n]*[ \t][~≈+\-−]?\d)`;
/**
 * A line that is a row of a table with no header: a port first (after a rank, or after the heading
 * its paragraph was joined to), then only figures, separators and short notes, no words that say
 * something of it ("23/tcp 18,442 / 2,910 (前週比 +12%)", "2. tcp/445  902,113  -8%").
 */
const ROW_LINE = new RegExp(
  String.raw`${ROW_HEAD}(?:(?:tcp|udp) ?\/ ?)?\d{1,5}(?: ?\/ ?(?:tcp|udp))?${ROW_NOTE}(?:${ROW_FIELD}){2,}[ \t]*$`,
  'i',
);
/**
 * A ranking's row of one figure beside a port and its protocol (「1位 23/TCP 31.2%」): a row where the
 * prose says its port is flat, but not one of the rest a sentence calls the usual ("Ports hit by the
 * new wave, by share: 1. 23/tcp 61% ... Everything else looked normal").
 */
const LONE_FIGURE_ROW = new RegExp(
  String.raw`${ROW_HEAD}(?:(?:tcp|udp) ?\/ ?\d{1,5}|\d{1,5} ?\/ ?(?:tcp|udp))${ROW_NOTE}${ROW_FIELD}[ \t]*$`,
  'i',
);

/** A row's own figures or words that say its port rose: "+180%", "3x", "rising", 「急増」. */
const ROW_RISES = new RegExp(
  String.raw`${plusPercent(3)}|\b(?:[2-9]|\d{2,})(?:\.\d+)? ?(?:x|times)\b|` +
    String.raw`\b(?:rising|up|new|surging|spiking|increas\w*|doubled|tripled)\b|↑|急増|増加`,
  'i',
);

/** The starts of the lines of the last text asked about, for lineAt. */
let lines: { text: string; starts: number[] } = { text: '', starts: [0] };

/**
 * The line of `text` that holds `at`, found by halving among the line starts: a search back and
 * forth from `at` is quadratic over the hits of a 200 KB line.
 */
function lineAt(text: string, at: number): { start: number; line: string } {
  if (lines.text !== text) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    lines = { text, starts };
  }
  const { starts } = lines;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  const start = starts[lo]!;
  const next = starts[lo + 1];
  return { start, line: text.slice(start, next === undefined ? text.length : next - 1) };
}

const TYPED_BEFORE = /\b(?:tcp|udp|port) ?\/? ?\d{2,5}\b|\b\d{2,5} ?\/ ?(?:tcp|udp)\b/i;
/** A port named just before: "sshd on 2222 getting it now too, not just 22". */
const PORT_BEFORE = /\b(?:on|port|tcp|udp|dpt)[ /:]?\d{2,5}\b/i;

/** `n` stands somewhere in the post as a port: "tcp/37215", "37215/tcp", "port 37215", 「ポート 37215」, 「37215番」. */
export function namedAsPort(text: string, n: string): boolean {
  return new RegExp(
    String.raw`(?:\b(?:tcp|udp|ports?|dpt)|ポート)\s*[/:=]?\s*${n}(?!\d)|(?<![\d.])${n}\s*(?:\/\s*(?:tcp|udp)\b|番)`,
    'i',
  ).test(text);
}

const P = String.raw`(tcp|udp)`;
/**
 * A range's second end after a number: "5900-5903", "6000 〜 6010" (not "udp/123 ~80% of volume", where
 * the tilde says about).
 */
const RANGE_ON = String.raw`(?:[-–〜~] ?\d| [-–〜] ?\d| ~ \d)`;
/**
 * What follows a number that is not a port: a Japanese time, date, count or share (「0時」「12日」
 * 「150件」「96%」), the rest of a date ("2026/11/20"), or a zone after a military time ("1400 UTC").
 */
// "12k packets", "1.1M attempts": a figure with its multiplier counts something; so does "port 2
// packets", and "UDP 2 minutes" is a time ("tcp/23 packets", the number joined to its protocol,
// still names the port).
// (and an ISO week: "2024-W24")
const NOT_AFTER =
  String.raw` ?[時分秒年月日件個台%％万億]|\/\d{1,2}\/\d|[-–]W\d{1,2}(?!\d)|[kKM](?![a-zA-Z])| ?(?:UTC|GMT|JST|hrs)\b|` +
  String.raw`(?<=\s\d{1,5}) (?:packets?|hosts?|sources?|targets?|addresses|servers?|routers?|customers?|times|` +
  String.raw`seconds?|secs?|minutes?|mins?|hours?|days?|weeks?|[KMG]?bps|[KM]?pps)\b|` +
  // a ranking's place before its port, the next place after it: "Most scanned ports: 1. tcp/445 2. tcp/23"
  String.raw`\.\s+(?:tcp|udp) ?\/ ?\d{1,5}\s+\d{1,2}\.\s`;
/** A port number that is not part of an address, a time, a version or a bigger number. */
const N = String.raw`(?!0\d)(\d{1,5})(?![\d.,:]\d|\d|番台|${RANGE_ON}|${NOT_AFTER})`;
const BOTH = String.raw`(?:tcp ?/ ?udp|udp ?/ ?tcp|tcp (?:and|or|&) udp|udp (?:and|or|&) tcp|tcp・udp|udp・tcp)`;
// "port" as a word of its own or after "d"/"dst"/"dest" ("dport 23", "dst port=53", "dpt 8081"), never inside
// "report 1"; nor ポート inside レポート, サポート, インポート, エクスポート, パスポート, エアポート (「観測レポート 2025」).
// "port5", "port12" written together are a firewall's interfaces (FortiGate), not ports 5 and 12.
// "porta 80 e 443": a Portuguese or Spanish word for it in a non-native speaker's English
// "linecard 4 port 21", "port 3 on the Arista": a switch's or a router card's port, not a service's
const PORT_WORD =
  String.raw`(?:(?<![a-z])(?<!(?:linecard|line card|slot|module|fpc|pic|card) \d{1,3},? )` +
  String.raw`(?:(?:(?:dst|dest|destination|target)[ _]|d|dst|dest)?ports?(?!\d{1,2}(?!\d))` +
  // ("Check that port 7 and port 8 are on the same ASIC": a port of one digit is a switch's)
  String.raw`(?:(?<=\b(?:tcp|udp) ports?)|` +
  String.raw`(?! ?[1-9](?![\d/]| ?\/ ?(?:tcp|udp)| ?\((?:echo|discard|daytime|chargen)\))))` +
  String.raw`(?! \d on (?:the |an? )?(?:arista|juniper|mx\d*|switch|linecard|line card|asic|` +
  String.raw`fpc|pic|module|slot|nexus|catalyst|patch panel)\b)|portas?|puertos?|dpt)|` +
  String.raw`(?<!レ|リ|サ|イン|エクス|パス|エア|トランス)ポート(?:番号)?)`;
/** Between the words of a pattern, at most a little whitespace: unbounded runs invite backtracking. */
// "ports 80/8080/8443 + 10443": a list of ports joins its items with slashes and pluses too
const SEP = String.raw`(?:,|、|and|or|&|\/|\+|(?<= )[ey](?= )|および|及び|とか|と|や)`;
const SEP_SPLIT = new RegExp(SEP, 'i');
/** Nouns a number counts: "1,200 hosts" is a count, whatever word came before it. */
const COUNTED =
  String.raw`(?:packets?|hosts?|sources?|targets?|events?|connections?|flows?|probes?|sessions?|bytes?|` +
  String.raw`ips|addresses|件|個|台|パケット|ホスト)`;
/**
 * A number written with a thousands separator that a port could be ("1,100", "64,000"): a figure,
 * never two ports. "80,443" (80443) can only be a list.
 */
const GROUPED = String.raw`(?:(?:[1-9]|[1-5]\d|6[0-4]),\d{3}|65,(?:[0-4]\d\d|5[0-2]\d|53[0-5]))(?!\d)`;
// A list item never starts with 0 ("1,000" is not ports 1 and 000); a list before a noun counts it.
const NUM_LIST =
  String.raw`(?!0\d|${GROUPED})(\d{1,5}(?: ?${SEP} ?(?!0\d)\d{1,5})*)` +
  String.raw`(?![\d.,:/]\d|\d|番台|${RANGE_ON}| ?${COUNTED}|${NOT_AFTER})`;

/*
 * Numbers a reader takes for ports with no "port" or protocol beside them: "hits on 3389", "telnet
 * (23, 2323)", "seeing 445 and 139 spike", "a rise on 5900 (VNC)". The words around them carry the
 * meaning, so these read two to five digits only, a list joined by ", ", "and", "or" or "/" (never a
 * bare comma: "20,000" is a count), no year a post dates things by, and only when what follows is
 * the end of a phrase or a word that goes on about traffic: "hits on 20 servers" names no port.
 */
const YEAR = String.raw`(?:19[89]|20[0-3])\d(?!\d)`;
const ITEM = String.raw`(?!0\d|${YEAR})\d{2,5}(?![\d.,:]\d|\d|[a-zA-Z]|番台|${RANGE_ON}|${NOT_AFTER})`;
// Each item may carry the service's name ("3389 (RDP) and 445 (SMB)") and a colon (":6443").
const NAMED = String.raw`(?: ?[(（][A-Za-z][\w /.+-]{0,24}[)）])?`;
const WEAK_LIST = String.raw`(:?${ITEM}(?:${NAMED}(?:, | ?/ ?| and | or | & | \+ |, and |, or |、|と):?${ITEM}){0,11})`;
/** Words a list of ports may stop before: what goes on about the traffic, or the end of a phrase. */
const WEAK_END_WORDS =
  String.raw`from|since|and|or|on|in|to|across|during|today|yesterday|tonight|overnight|this|last|only|again|` +
  String.raw`too|here|also|as|traffic|scans?|scanning|probes?|probing|activity|hits|requests|attempts|starting|` +
  String.raw`connections|is|are|was|were|has|have|had|seems?|looks?|went|gone|spike[sd]?|spiking|ris(?:e|es|ing)|` +
  String.raw`rose|jump(?:s|ed|ing)?|climb(?:s|ed|ing)?|up|continues?|keeps?|lately|recently|now|mostly|mainly|` +
  String.raw`plus|with|via|tcp|udp|which|that|but|then|still|grew|growing|doubled|tripled|increased|` +
  String.raw`increasing|exposed|open|listening|both|respectively|etc|each|every|all|alone|instead|toward|` +
  String.raw`towards|right after|shortly|soon after|later|afterwards|a few|a couple|getting|mapped`;
const WEAK_END =
  String.raw`(?=$|\n|[.,;:!?)）\]、。—]| --? |\s?[(（]| (?:${WEAK_END_WORDS})\b|` +
  // "telnetd on 23 w/ hardcoded pw"
  String.raw` w\/ )`;
/** Services a post names beside their number, with the transport they run over (null: either). */
const SERVICE_PROTO: Record<string, Proto | null> = {
  ssh: 'tcp',
  sshd: 'tcp',
  telnet: 'tcp',
  telnetd: 'tcp',
  ftpd: 'tcp',
  httpd: 'tcp',
  rdp: 'tcp',
  smb: 'tcp',
  cifs: 'tcp',
  http: 'tcp',
  https: 'tcp',
  web: 'tcp',
  vnc: 'tcp',
  ftp: 'tcp',
  smtp: 'tcp',
  imap: 'tcp',
  pop3: 'tcp',
  mysql: 'tcp',
  mssql: 'tcp',
  postgres: 'tcp',
  postgresql: 'tcp',
  redis: 'tcp',
  mongodb: 'tcp',
  elasticsearch: 'tcp',
  docker: 'tcp',
  adb: 'tcp',
  winbox: 'tcp',
  'tr-069': 'tcp',
  cwmp: 'tcp',
  weblogic: 'tcp',
  bgp: 'tcp',
  socks: 'tcp',
  proxy: 'tcp',
  ntp: 'udp',
  snmp: 'udp',
  ssdp: 'udp',
  tftp: 'udp',
  ike: 'udp',
  cldap: 'udp',
  mdns: 'udp',
  'ws-discovery': 'udp',
  chargen: 'udp',
  modbus: 'tcp',
  s7comm: 'tcp',
  'iso-tsap': 'tcp',
  dnp3: 'tcp',
  mqtt: 'tcp',
  rtsp: 'tcp',
  bacnet: 'udp',
  coap: 'udp',
  ipmi: 'udp',
  etcd: 'tcp',
  dns: null,
  sip: null,
  ldap: null,
  upnp: null,
  netbios: null,
  memcached: null,
  kerberos: null,
};
const SERVICE = String.raw`(${Object.keys(SERVICE_PROTO).join('|')})`;
const ACTIVITY =
  String.raw`(?:hits?|probes?|probing|scans?|scanning|sweeps?|sweeping|traffic|attempts?|connections?|requests?|` +
  String.raw`syns?|floods?|flooding|activity|knocks?|attacks?|exploitation|` +
  // ("~300 srcs/hr on 5555 here"): who comes, and how often
  String.raw`sources|srcs|scanners|bots)(?:\/(?:hr|h|hour|day|d|min|s|sec))?`;
/** A change reaches a value ("a jump to 300"): only "on" makes its number a port ("a rise on 5900"). */
const CHANGE = String.raw`(?:spikes?|upticks?|jump|bump|rise|surge|increase|amount|trickle)`;
/**
 * Words between the activity and its port ("attempts a day to 10250", "traffic from China to
 * 445"), but none that makes the number an amount ("traffic went up to 40").
 */
const BETWEEN =
  String.raw`(?: (?!(?:up|down|back|rose|grew|climbed|jumped|dropped|fell|went|came|increased|decreased|` +
  String.raw`amounted|limited|capped|reduced|close|equal|over|under)\b)[a-z]+){0,3}?`;
/** What listens on a port ("the service on 37777", "listens on 2323"). */
const LISTENER =
  String.raw`(?:listens?|listening|exposed|open|running|reachable|bound|answers|responds|service|daemon|listener|` +
  String.raw`server|console|portal|interface|api|panel|endpoint)`;

/** Words that say a sentence sets a slip right ("Correction: it's 8888, not 8088 - fat-fingered it"). */
const CORRECTING = /\b(?:correction|corrected|typo|sorry|meant|fat[- ]?finger\w*|mistyped|mistake)\b/i;

const serviceProto = (name: string | undefined): Proto | null => SERVICE_PROTO[(name ?? '').toLowerCase()] ?? null;
function weakList(s: string, p: Proto | null): Array<[string, Proto | null]> {
  const numbers = s.replace(/[(（][^)）]*[)）]/g, ' ').match(/\d+/g) ?? [];
  // "a rise on 11/20" is a date, not ports 11 and 20.
  if (writtenDate(s)) return [];
  return numbers.map((n) => [n, p]);
}

/**
 * A list that is slashed numbers making a date ("11/20", ":2026/11/20"), or that starts with one
 * ("1990/10/10 /8": a date, then a prefix length).
 */
function writtenDate(list: string): boolean {
  const t = list.trim().replace(/^:/, '');
  const lead = /^\d+(?:\/\d+){1,2}(?![\d/])/.exec(t)?.[0];
  return lead !== undefined && slashedDate(lead.split('/').map(Number));
}

/** Slashed numbers that make a date: "2026/11/20", "11/20/26", "20/11": "22/23/2323" does not. */
function slashedDate(parts: number[]): boolean {
  const dayMonth = (a: number, b: number) => a >= 1 && b >= 1 && ((a <= 12 && b <= 31) || (a <= 31 && b <= 12));
  const [a = 0, b = 0, c = 0] = parts;
  if (parts.length === 2) return dayMonth(a, b);
  if (parts.length !== 3) return false;
  return (a >= 1900 && dayMonth(b, c)) || (dayMonth(a, b) && (c <= 99 || c >= 1900));
}

/*
 * What the patterns below cannot match without, a test far cheaper than theirs: most posts name no
 * protocol, and a pattern that may start at any digit or word is tried at every one.
 */
const NEEDS_PROTO = /tcp|udp/i;
const NEEDS_PORT_WORD = /port|ポート|dpt/i;
const NEEDS_PAREN_NUMBER = /[(（] ?:?\d/;

/**
 * Patterns over prose; each names the protocol it implies or takes it from a group, and `needs`
 * what any match of it holds.
 */
const PATTERNS: Array<{
  needs: RegExp;
  re: RegExp;
  read: (m: RegExpExecArray) => Array<[string, Proto | null]>;
  setup?: boolean;
}> = [
  // "TCP/UDP port 137", "TCP/UDPポート137", "tcp and udp 53" -> one entry per protocol
  {
    needs: NEEDS_PROTO,
    re: new RegExp(String.raw`\b${BOTH} ?(?:${PORT_WORD} ?)?(?:[:：#=] ?)?${NUM_LIST}`, 'gi'),
    read: (m) =>
      listOf(m[1]!).flatMap(
        (n) =>
          [
            [n, 'tcp'],
            [n, 'udp'],
          ] as Array<[string, Proto]>,
      ),
  },
  // "tcp/5000", "UDP/6585番ポート", "TCP:443", "tcp port 445", "UDPポート53", "tcp-37215", "udp dst port=53"
  {
    needs: NEEDS_PROTO,
    // "TCP/UDP /8" is a prefix length: a slash after a space needs a space after it too.
    re: new RegExp(
      String.raw`\b${P}(?:[/:] ?| \/ | : ?|-(?=\d)| ${PORT_WORD} ?(?:[:：#=] ?)?|${PORT_WORD} ?(?:[:：#=] ?)?)${N}`,
      'gi',
    ),
    read: (m) => [[m[2]!, proto(m[1]!)]],
  },
  // "TCP10443", "UDP53": a protocol written together with its port
  {
    needs: NEEDS_PROTO,
    // (not netstat's "tcp46", a socket for IPv4 and IPv6)
    re: new RegExp(String.raw`\b${P}(?!46\b)(\d{2,5})(?![\d.,:]\d|\d|[a-z])`, 'gi'),
    read: (m) => [[m[2]!, proto(m[1]!)]],
  },
  // "rtsp://<camera>:554/live", "curl http://TARGET:8080/cgi-bin/": a proof of concept's URL whose host
  // stands for the device attacked (a URL on a real host may be the attackers' own server)
  {
    needs: /:\/\//,
    re: new RegExp(
      String.raw`\b(?:https?|rtsp|ftp|telnet):\/\/(?:<[^<>\s]{1,24}>|\$\{?\w{1,24}\}?|` +
        String.raw`\[?(?:target|victim|camera|device|host|ip|router|ip-address)\]?)(?::(\d{1,5}))(?=[/?\s]|$)`,
      'gi',
    ),
    read: (m) => [[m[1]!, null]],
  },
  // "UDP 1900 (SSDP)", "TCP 445番ポート": a protocol then a number, unless the number counts something
  // or numbers the next item of a list ("3. 8080/TCP 4. 445/TCP")
  {
    needs: NEEDS_PROTO,
    // (not the protocol of the port before it: "23/tcp 5  37215/tcp 3", a list of counts per port)
    re: new RegExp(String.raw`(?<!\d ?\/ ?)\b${P} ${N}(?! ?${COUNTED}|\. +\d)`, 'gi'),
    read: (m) => [[m[2]!, proto(m[1]!)]],
  },
  // "tcp ports 8080, 8081 and 8443": the protocol applies to the whole list
  {
    needs: NEEDS_PROTO,
    re: new RegExp(String.raw`\b${P} ${PORT_WORD} ?(?:[:：#=] ?)?${NUM_LIST}`, 'gi'),
    read: (m) => listOf(m[2]!).map((n) => [n, proto(m[1]!)] as [string, Proto]),
  },
  // "TCP: 445, 135, 25" / "UDP: 1434, 137": a protocol as a label over the list that follows it
  {
    needs: NEEDS_PROTO,
    re: new RegExp(String.raw`\b${P} ?[:：] ?${NUM_LIST}`, 'gi'),
    read: (m) => listOf(m[2]!).map((n) => [n, proto(m[1]!)] as [string, Proto]),
  },
  // "139/445/tcp": several ports sharing one protocol
  {
    needs: NEEDS_PROTO,
    re: new RegExp(String.raw`(?<![\d./])((?:\d{1,5}/){2,6})${P}\b`, 'gi'),
    read: (m) =>
      m[1]!
        .split('/')
        .filter(Boolean)
        .map((n) => [n, proto(m[2]!)] as [string, Proto]),
  },
  // "5000/tcp", "123/udp(NTP)", "8080tcp", "8022-tcp", "port 5060 UDP", "port 5060/udp", "ポート5060/UDP"
  {
    needs: NEEDS_PROTO,
    // (not the end of a range: "8000-8010/tcp")
    // (not "IPv6-TCP" or "L4-UDP": a letter before the number makes it a name's)
    re: new RegExp(String.raw`(?<![\w.]|\d ?[-–〜~] ?)(\d{1,5})(?: ?/ ?|番?/|-|)${P}\b`, 'gi'),
    read: (m) => [[m[1]!, proto(m[2]!)]],
  },
  {
    needs: NEEDS_PROTO,
    re: new RegExp(String.raw`\b${PORT_WORD} ?${N} ?(?:[(（] ?)?${P}\b`, 'gi'),
    read: (m) => [[m[1]!, proto(m[2]!)]],
  },
  // "dst port 5060 (UDP or TCP)"
  {
    needs: NEEDS_PROTO,
    re: new RegExp(String.raw`\b${PORT_WORD} ?${N} ?[(（] ?(?:udp|tcp) ?(?:or|and|\/|&) ?(?:udp|tcp)\b`, 'gi'),
    read: (m) => [
      [m[1]!, 'tcp'],
      [m[1]!, 'udp'],
    ],
  },
  // "port 5000", "ports 139 and 445", "ポート137", "destination port 23", "ポートを 33890 とか 13389 に"
  {
    needs: NEEDS_PORT_WORD,
    re: new RegExp(String.raw`${PORT_WORD} ?(?:number ?)?(?:[:：#=をはがも] ?)?${NUM_LIST}`, 'gi'),
    read: (m) => listOf(m[1]!).map((n) => [n, null] as [string, null]),
  },
  // "tcp/7574 -- err, make that 7547": the number a poster puts in place of a slip of a port just named
  {
    needs: /make that/i,
    re: /\bmake that (?:(tcp|udp) ?\/? ?|port )?(\d{2,5})(?![\w.,:]\d|\d)/gi,
    read: (m) =>
      !YEAR_ALONE.test(m[2]!) && TYPED_BEFORE.test(m.input.slice(Math.max(0, m.index - 200), m.index))
        ? [[m[2]!, m[1] ? proto(m[1]) : null]]
        : [],
  },
  // "Correction: it's 8888, not 8088": a correction's number, set against the slip (claims' INSTEAD_OF
  // takes the slip back; a year or a count set right is no port: "it's 2026, not 2025")
  {
    needs: /\bnot\b/i,
    re: new RegExp(
      String.raw`\b(?:it'?s|it is|it was|that'?s|that should be|should (?:be|read|have been)) ` +
        String.raw`(?:(tcp|udp) ?\/ ?|port )?(\d{2,5})(?: ?\/ ?(tcp|udp))?,? not (?:(?:tcp|udp|port)[ /]?)?\d{2,5}` +
        String.raw`(?![\w.,:]\d|\d)(?! ?(?:sources|hosts|packets|addresses|ips|hits|events|per|minutes?|mins?|hours?|` +
        String.raw`hrs?|seconds?|secs?|days?|weeks?|percent|%|ms|[kmg]bps|[km]?pps)\b)`,
      'gi',
    ),
    read: (m) =>
      YEAR_ALONE.test(m[2]!) ||
      !CORRECTING.test(m.input.slice(Math.max(0, m.index - 80), m.index + m[0].length + 80)) ||
      new RegExp(String.raw`\b(?:AS|ASN|ticket|case|id) ?#?${m[2]}\b`, 'i').test(m.input)
        ? []
        : [[m[2]!, m[1] || m[3] ? proto((m[1] ?? m[3])!) : null]],
  },
  // "the port is 8291": a service's number, not a switch's port or a count ("port is 3 on the switch",
  // "ports are 48 in total", "port was 1 of 4")
  {
    needs: NEEDS_PORT_WORD,
    re: new RegExp(
      String.raw`\bports? (?:is|was|are|were)(?: actually)? (?=\d{2})${NUM_LIST}(?! (?:in total|total|of\b|on the\b))`,
      'gi',
    ),
    read: (m) => listOf(m[1]!).map((n) => [n, null] as [string, null]),
  },
  // "port 23 probes", "port 5000 scans": the activity's noun after a port's number names what went to it
  // (a list before such a noun counts it: "ports 1,200 probes" is no list, and NUM_LIST stops there)
  {
    needs: NEEDS_PORT_WORD,
    re: new RegExp(
      String.raw`${PORT_WORD} ?(?:[:：#=] ?)?${N}(?= (?:probes|probing|scans|scanning|traffic|hits|attempts|` +
        String.raw`connections|requests|activity|flows|syns|sweeps)\b)`,
      'gi',
    ),
    read: (m) => [[m[1]!, null]],
  },
  // "a second port (9527 on the samples)": a number in brackets, where it ends a phrase ("the top
  // port (2x yesterday)" and "a new port (30 of them)" name none)
  {
    needs: NEEDS_PORT_WORD,
    re: new RegExp(String.raw`${PORT_WORD} ?[(（] ?${WEAK_LIST}${WEAK_END}`, 'gi'),
    read: (m) => weakList(m[1]!, null),
  },
  // "2323宛", "445番宛て", "8080向け": what a number is addressed to is a port (an address is
  // dotted, a range's end is the range's, and 宛先, the destination, names what follows)
  {
    needs: /宛|あて|向け/,
    // (not 「AS64511 向け経路」, an AS)
    re: new RegExp(String.raw`(?<![\dA-Za-z.,/:：]|\d ?[-–〜~] ?)${N} ?番?(?:宛て?|あて|向け)(?!先)`, 'g'),
    read: (m) => [[m[1]!, null]],
  },
  // "that was 8081, not 8080", "the hits I attributed to 5555 were actually 5558": the number a
  // correction puts in place of another
  {
    needs: /actually|not/i,
    re: new RegExp(
      // (not "it was 300, not 3000 sources", a count)
      // (not "the MTU is 1500, not 9000": a port, named or pointed at, is what the sentence corrects)
      String.raw`\b(?:(?:was|is|were|are) actually|` +
        String.raw`(?:(?:that|it|this|port) (?:was|is)|meant|should (?:be|read|have been))` +
        String.raw`(?= \S{2,12},? not (?:(?:tcp|udp)[ /]?)?\d{2,5}(?![\d.,:]\d|\d| ?${COUNTED}|${NOT_AFTER}))) ` +
        String.raw`(?:${P}[ /]?)?${N}(?:\/${P})?`,
      'gi',
    ),
    // only where the sentence corrects something ("Sorry, that was 8081"; not "The MTU was actually 1500")
    read: (m) => {
      const p = m[1] ?? m[3];
      return corrects(m.input, m.index) && !YEAR_ALONE.test(m[2]!) ? [[m[2]!, p ? proto(p) : null]] : [];
    },
  },
  // 「37215 ではなく 52869 でした」: the number one port is corrected to
  {
    needs: /なく/,
    re: new RegExp(
      String.raw`(?<![\w.,:/-])(\d{2,5})(?: ?\/ ?(?:tcp|udp))? ?(?:番ポート|番)? ?(?:では|じゃ)なく[、,]? ?` +
        String.raw`(?:${P}[ /]?)?${N}(?: ?\/ ?${P})?`,
      'gi',
    ),
    // when the post names the first as a port somewhere (not 「送信元は 300 ではなく 3000 でした」)
    read: (m) => {
      const p = m[2] ?? m[4];
      return namedAsPort(m.input, m[1]!) ? [[m[3]!, p ? proto(p) : null]] : [];
    },
  },
  // "137番ポート", "445番"
  {
    needs: /番/,
    // "5900〜5903 番" is a range, whose end is the range's
    re: new RegExp(String.raw`(?<![\d.,/]|\d ?[-–〜~] ?)(\d{1,5}) ?番(?!台)(?:ポート)?`, 'g'),
    read: (m) => [[m[1]!, null]],
  },
  // "tcp 22/23/2323", "UDP 500/4500": one protocol over slashed ports, unless they make a date
  {
    needs: NEEDS_PROTO,
    re: new RegExp(String.raw`\b${P} ?(?:[:/] ?)?((?:\d{1,5}/){1,6}\d{1,5})(?![\d/:-]|\.\d|${NOT_AFTER})`, 'gi'),
    read: (m) => {
      const parts = m[2]!.split('/');
      return slashedDate(parts.map(Number)) ? [] : parts.map((n) => [n, proto(m[1]!)] as [string, Proto]);
    },
  },
  // "today on 22, 23 and 2323 toward our customers": a list of two or more after "on" is of ports,
  // unless every one of them could be a day ("bursts on 14 and 15 too")
  {
    needs: / on (?:ports? )?:?\d/i,
    re: new RegExp(String.raw`\bon (?:ports? )?(:?${ITEM}(?:, :?${ITEM})*,? (?:and|or|&) :?${ITEM})${WEAK_END}`, 'gi'),
    read: (m) => {
      const list = weakList(m[1]!, null);
      return list.every(([n]) => Number(n) <= 31) ? [] : list;
    },
  },
  // "hits on 3389", "probes to 80, 443 and 8080", "attempts a day to 10250", "a small rise on 5900"
  {
    needs: / (?:on|to|against|towards?|into|for) (?:the )?:?\d/i,
    re: new RegExp(
      String.raw`\b(?:${ACTIVITY}${BETWEEN} (?:on|to|against|toward|towards|into|for)|${CHANGE} on) (?:the )?` +
        String.raw`${WEAK_LIST}${WEAK_END}`,
      'gi',
    ),
    read: (m) => weakList(m[1]!, null),
  },
  // "the service on 37777", "listens on 2323"
  {
    needs: / on (?:the )?:?\d/i,
    re: new RegExp(String.raw`\b${LISTENER} on (?:the )?${WEAK_LIST}${WEAK_END}`, 'gi'),
    read: (m) => weakList(m[1]!, null),
    setup: true,
  },
  // "TCP 554 (RTSP), 8000 and 37777", "TCP/10443 and 4433 (SSL VPN)": the protocol over the list
  // that follows it
  {
    needs: NEEDS_PROTO,
    re: new RegExp(String.raw`(?<!\d ?\/ ?)\b${P}(?: |\/ ?| \/ )${WEAK_LIST}${WEAK_END}`, 'gi'),
    read: (m) => weakList(m[2]!, proto(m[1]!)),
  },
  // "Modbus/TCP on 502", "SIP over UDP on 5060": a transport named, then where it runs
  {
    needs: NEEDS_PROTO,
    re: new RegExp(String.raw`\b${P} on (?:the )?(?:ports? )?${WEAK_LIST}${WEAK_END}`, 'gi'),
    read: (m) => weakList(m[2]!, proto(m[1]!)),
  },
  // "a smaller amount to 5061 and 5080", "the rest to 8443": a share of the traffic and where it
  // went ("a jump to 300", a change, reaches a value instead)
  {
    needs: / (?:to|on|against|towards?) (?:the )?:?\d/i,
    re: new RegExp(
      // (an amount or a number only with a size before it: "we raised the number of sessions to 5000")
      String.raw`\b(?:(?:smaller|larger|small|large|lesser|minor|tiny|bigger|good|fair) (?:amount|number|share|` +
        String.raw`fraction|portion)|handful|trickle|bulk|rest|remainder|majority)` +
        String.raw`(?: of (?:it|them|the \w+|\w+))? (?:to|on|against|toward|towards) (?:the )?(?:ports? )?` +
        String.raw`${WEAK_LIST}${WEAK_END}`,
      'gi',
    ),
    read: (m) => weakList(m[1]!, null),
  },
  // "sshd on 2222 getting it now too, not just 22": the one it was already on
  {
    needs: /not (?:just|only)/i,
    re: new RegExp(String.raw`\bnot (?:just|only) (?:on |to )?(?:the )?(?:ports? )?${WEAK_LIST}${WEAK_END}`, 'gi'),
    // after a port of its own ("sshd on 2222 ..."), not after a count ("hit 30 of our hosts, not just 22")
    read: (m) => (PORT_BEFORE.test(m.input.slice(Math.max(0, m.index - 60), m.index)) ? weakList(m[1]!, null) : []),
  },
  // "scan src 198.51.100.0/24 -> :8080 and :8081": where a flow goes, written as its port alone
  {
    needs: /> ?:\d/,
    re: new RegExp(String.raw`(?:->|→|=>) ?(?=:\d)${WEAK_LIST}${WEAK_END}`, 'g'),
    read: (m) => weakList(m[1]!, null),
  },
  // "the usual 37215/52869 pair": slashed numbers a reader knows as ports by the word after them
  {
    needs: /\d\/\d/,
    re: new RegExp(String.raw`(?<![\w.,:/-])(${ITEM}(?:\/${ITEM}){1,5}) (?:pair|combo|combination|duo|trio)\b`, 'gi'),
    read: (m) => weakList(m[1]!, null),
  },
  // "also tries 5858", "probing 8291 and 8728", "hammering 3389 since Monday": what a scanner does to
  // a port (a count has its noun after it: "hitting 300 hosts", "tried 3 times")
  {
    needs: /tr(?:y|ie)|pok|prob|scan|hit|hammer|target|touch|sweep|swept/i,
    re: new RegExp(
      String.raw`\b(?:tr(?:y|ies|ied|ying)|pok(?:e|es|ed|ing)|prob(?:es|ed|ing)|scan(?:s|ned|ning)|hit(?:s|ting)|` +
        // "so they hit 8443 and 49152" (not "traffic hit 800 Mbps", "we hit 500 by noon": a level)
        String.raw`(?<=\b(?:they|bots|scanners|attackers|also|then) )hit|` +
        String.raw`hammer(?:s|ed|ing)?|target(?:s|ed|ing)|touch(?:es|ed|ing)?|sweep(?:s|ing)?|swept) ` +
        // ("getting hammered on 7547 again")
        String.raw`(?:on )?(?:the )?(?:ports? )?${WEAK_LIST}${WEAK_END}`,
      'gi',
    ),
    read: (m) => weakList(m[1]!, null),
  },
  // "the same sources also walk 3390 and 33890", "knocking on 2323": a list walked, a port knocked on (not
  // "walks 512 every minute", "knocks 10 to 20 times", which count)
  {
    needs: /walk|knock/i,
    re: new RegExp(
      String.raw`\bwalk(?:s|ed|ing)? (?:the )?(?:ports? )?` +
        String.raw`(:?${ITEM}(?:, :?${ITEM})*,? (?:and|or) :?${ITEM})${WEAK_END}|` +
        String.raw`\bknock(?:s|ed|ing)? on (?:the )?(?:ports? )?${WEAK_LIST}${WEAK_END}`,
      'gi',
    ),
    read: (m) => weakList(m[1] ?? m[2]!, null),
  },
  // "with a secondary pass on 8443", "a second sweep against 5555": another round of the scan
  {
    needs: /pass|sweep|round/i,
    re: new RegExp(
      String.raw`\b(?:second(?:ary)?|another|third|later|follow-up|separate|smaller|slower|final) ` +
        String.raw`(?:pass|sweep|round)(?:es|s)? (?:on|against|over|of|at|to) (?:the )?(?:ports? )?` +
        String.raw`${WEAK_LIST}${WEAK_END}`,
      'gi',
    ),
    read: (m) => weakList(m[1]!, null),
  },
  // "Seeing it here too, 7547 and 5555.": a terse reply that confirms, the ports at its end
  {
    needs: /see|saw|seen/i,
    re: new RegExp(
      String.raw`\b(?:seeing|see|saw|seen) (?:it|this|that|them|the same)(?: here| too| as well| also| from here)*` +
        String.raw`(?:,|:| -) (?:on )?(?:ports? )?${WEAK_LIST}(?=[.!]|$)`,
      'gi',
    ),
    // a list, not one figure ("Seeing them too: 1200.")
    read: (m) => {
      const items = weakList(m[1]!, null);
      return items.length > 1 ? items : [];
    },
  },
  // "telnet on 2323", "a web console on 8081", "SSH via 2222"
  {
    needs: / (?:on|via|using) (?:the )?:?\d/i,
    re: new RegExp(
      String.raw`\b${SERVICE}(?: [a-z][a-z-]*){0,2}? (?:on|via|using) (?:the )?${WEAK_LIST}${WEAK_END}`,
      'gi',
    ),
    read: (m) => weakList(m[2]!, serviceProto(m[1])),
  },
  // "telnet (23, 2323)", "a fake Docker daemon (2375)", "the Redis server (6379)": not "SSH logins
  // (340)", a count
  {
    needs: NEEDS_PAREN_NUMBER,
    re: new RegExp(
      // ("Modbus/TCP (502)")
      String.raw`\b${SERVICE}(?:\/(?:tcp|udp|ip))?` +
        String.raw`(?: (?:daemon|server|service|api|listener|honeypot|interface|endpoint|` +
        String.raw`console|port))? ?` +
        String.raw`[(（] ?${WEAK_LIST} ?[)）]`,
      'gi',
    ),
    read: (m) => weakList(m[2]!, serviceProto(m[1])),
  },
  // "5900 (VNC)", "8291 (winbox)": one number, the one the name stands beside
  {
    needs: /\d ?[(（]/,
    re: new RegExp(String.raw`(?<![\d.,:/-])(${ITEM}) ?[(（] ?${SERVICE}(?!:\/\/|[\w.-])`, 'gi'),
    read: (m) => [[m[1]!, serviceProto(m[2])]],
  },
  // "seeing 445 and 139 spike", "a lot of 8080 from Brazil", "5555 and 5858 lit up"
  {
    needs: new RegExp(
      String.raw`see|saw|notic|watching|lots? of|plenty of|bunch of|tons of|a little|a bit of|lit up|` +
        String.raw`light(?:ing)? up|woke up|went up|picked up|jumped|spiked|doubled|tripled|rose|climbed|grew|surged|` +
        String.raw`shot up`,
      'i',
    ),
    re: new RegExp(
      String.raw`\b(?:seeing|see|saw|seen|noticed|noticing|watching) (?:a lot of |lots of |heavy |more |some )?` +
        String.raw`${WEAK_LIST}(?= (?:spike[sd]?|spiking|traffic|scans?|scanning|probes?|probing|hits|activity|` +
        // ("We also see 2083 picking up a bit")
        String.raw`ris(?:e|ing)|climbing|jump(?:s|ed|ing)?|again|picking up|ticking up|creeping up|going up|` +
        String.raw`growing|increasing)\b|` +
        // ("we see 23 but not 2323": two lists set against each other are ports; not "40 but not 400 sources")
        String.raw` but not (?:(?:tcp|udp) ?\/ ?)?\d{2,5}(?: ?\/ ?(?:tcp|udp))?` +
        String.raw`(?=[.,;!?)]|$| (?:here|either|yet|so far)\b))` +
        String.raw`|\b(?:a lot of|lots of|plenty of|a bunch of|tons of|a little|a bit of) ` +
        String.raw`${WEAK_LIST}(?= from\b| today\b| again\b|[.,?!]| ?[(（]|$)` +
        // "5555 and 5858 lit up around 23:10": ports, not amounts, do that
        String.raw`|(?<![\w.,:/-])${WEAK_LIST}(?= (?:both |all )?(?:lit up|light up|lighting up|woke up)\b)` +
        // "8728 is flat for us, but 8729 (the API-SSL one) went up ~5x": a clause's subject that rose
        String.raw`|(?:^|(?<=[.;!?]\s|\bbut\s|\bwhile\s|\bwhereas\s))${WEAK_LIST}` +
        // ("5900 picked up too since Sunday")
        String.raw`(?=${NAMED} (?:went up|picked up|jumped|spiked|doubled|tripled|rose|climbed|grew|surged|shot up)\b)`,
      'gi',
    ),
    read: (m) =>
      m[4] !== undefined &&
      !/[(（]/.test(m.input.slice(m.index + m[0].length, m.index + m[0].length + 2)) &&
      !TYPED_BEFORE.test(m.input.slice(Math.max(0, m.input.lastIndexOf('.', m.index - 2) + 1), m.index))
        ? []
        : weakList(m[1] ?? m[2] ?? m[3] ?? m[4]!, null),
  },
  // "Destinations 3389 and 445 only", "aimed at dst 443"
  {
    needs: /destination|dst|dest/i,
    // "dst 2400:cb00::/32" is an address
    re: new RegExp(
      String.raw`\b(?:destinations?|dst|dest)(?: were| are| was| is|:)? ${WEAK_LIST}(?!:[\da-f:])${WEAK_END}`,
      'gi',
    ),
    read: (m) => weakList(m[1]!, null),
  },
  // "the port report: 23, 445, 22", "top ports this week: 23, 445": a label over a list
  {
    needs: NEEDS_PORT_WORD,
    re: new RegExp(
      String.raw`${PORT_WORD}(?: (?!(?:scans?|scanning|counts?|hits|packets|events|sources|targets|total|rate|` +
        String.raw`number|range|ranges|volume)\b)[a-z]+){1,3} ?[:：] ?${WEAK_LIST}${WEAK_END}`,
      'gi',
    ),
    read: (m) => weakList(m[1]!, null),
  },
];

/**
 * A port named right after "source port" is the scanner's, not the one the report is about; so is
 * one right after a flow tool's "src", "sport" or "spt" ("udp src 123 (NTP monlist) ~55%").
 */
const SOURCE_PORT_BEFORE = new RegExp(
  String.raw`(?:(?:source|src|ソース|送信元|発信元)[ _-]?(?:port|ポート)|ephemeral|エフェメラル)[\s\S]{0,10}$` +
    String.raw`|\b(?:src|sport|spt) ?[:=]? ?$|\bsourced from (?:(?:tcp|udp) ?\/? ?)?(?:ports? )?$` +
    // a pf rule's "from any port 5071 to any port 5060"; "reflected traffic came in from udp/389"
    String.raw`|\bfrom (?:any|[\w.:/]+) port ?$` +
    String.raw`|\b(?:came|comes|coming|arriv\w+|originat\w+) (?:in )?from (?:(?:tcp|udp) ?\/? ?)?(?:ports? )?$` +
    // "CLDAP (replies from udp/389)": the reflector's port
    String.raw`|\b(?:replies|responses|answers)(?: from)? ?[(（]? ?(?:(?:tcp|udp) ?\/? ?)?(?:ports? )?$`,
  'i',
);

/** A reflection said not to be one, or of another time: "not an NTP reflection", "ruled that out", "Last year". */
const VECTOR_DOUBTED =
  /\b(?:not|n't|no|never|ruled|suspect\w*|thought|last (?:year|month|week)|previous\w*|earlier|used to)\b/i;
/**
 * "WS-Discovery reflection (udp/3702)": the vector of a reflection attack, the reflectors' port. A
 * source port beside the victim's port; the port of a post that names no other.
 */
const VECTOR_BEFORE =
  /\b(?:reflection|amplification|reflected)(?: from)? ?[(（]? ?(?:(?:tcp|udp) ?\/? ?)?(?:ports? )?$/i;

/**
 * A clause that opens on the source ports names sources to its end, unless it turns to where
 * they went: "Source ports were udp/389 (CLDAP, ~70%) and udp/3702 (WS-Discovery, ~25%)".
 */
const SOURCE_LEAD = new RegExp(
  String.raw`(?:(?:source|src|送信元|発信元)[ _-]?(?:port|ポート)s?|` +
    // a port right after "from": "came in from udp/389 (CLDAP) and udp/11211", not "came from AS4134"
    String.raw`\b(?:came|comes|coming|arriv\w+|originat\w+) (?:in )?from (?:(?:tcp|udp) ?\/? ?)?(?:ports? )?\d)` +
    String.raw`(?![\s\S]*(?:destination|\bdst|\bdest|target|aimed|宛先|宛|\bto\b|->|→))`,
  'i',
);
const MAY_LEAD =
  /(?:source|src|送信元|発信元)[ _-]?(?:port|ポート)|\b(?:came|comes|coming|arriv\w+|originat\w+) (?:in )?from/i;

function proto(s: string): Proto {
  return s.toLowerCase() as Proto;
}

function listOf(s: string): string[] {
  // "ポート 11/20" is a date after the word, not ports 11 and 20.
  if (writtenDate(s)) return [];
  return s
    .split(SEP_SPLIT)
    .map((x) => x.trim())
    .filter(Boolean);
}

const DESTINATION_BEFORE = /(?:destination|dst|dest|target(?:ed)?|宛先|ターゲット) ?(?:port|ポート)?[\s\S]{0,6}$/i;

/**
 * What makes the numbers before it days of a month: "probes on 12, 13 and 14 Nov", "spiked on 20
 * and 21 this month", "peaked on 10 and 11 November". The list may go on past the match's end.
 */
const DAYS_AFTER = new RegExp(
  String.raw`^(?:(?:,| and| or| &) ?\d{1,2}\b)*,? ?(?:st|nd|rd|th)?\b ?(?:of )?` +
    String.raw`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|(?:this|last|next) (?:month|week)|the month)`,
  'i',
);

/** Ports named in prose; those named as the scanners' source ports come back apart. */
function prosePorts(text: string): { hits: Hit[]; source: Hit[] } {
  const hits: Hit[] = [];
  const source: Hit[] = [];
  const holds = new Map<RegExp, boolean>();
  const sourceLed = MAY_LEAD.test(text);
  // Whether the line at each start is a row, asked once per line (a 200 KB line holds thousands of hits).
  const rowAt = new Map<number, boolean>();
  const subjectEnd = text.indexOf('\n');
  const isRow = (at: number) => {
    const { start, line } = lineAt(text, at);
    let v = rowAt.get(start);
    if (v === undefined)
      rowAt.set(
        start,
        (v = start > 0 && subjectEnd >= 0 && line.length <= 200 && (ROW_LINE.test(line) || LONE_FIGURE_ROW.test(line))),
      );
    return v;
  };
  for (const { needs, re, read: readPorts, setup } of PATTERNS) {
    let may = holds.get(needs);
    if (may === undefined) holds.set(needs, (may = needs.test(text)));
    if (!may) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const lead = m[0].replace(/\d[\s\S]*$/, '');
      const before = text.slice(Math.max(0, m.index - 14), m.index) + lead;
      const vector = VECTOR_BEFORE.test(before);
      const isSource =
        vector ||
        SOURCE_PORT_BEFORE.test(before) ||
        (sourceLed && SOURCE_LEAD.test(clauseBefore(text, m.index) + lead));
      // What the words around say holds for every port of a list: read once, for the first port kept.
      let said: { rising: boolean; destination: boolean; denied: Denial; setup?: boolean } | undefined;
      const read = readPorts(m);
      if (
        read.length &&
        read.every(([n]) => Number(n) <= 31) &&
        DAYS_AFTER.test(text.slice(m.index + m[0].length, m.index + m[0].length + 60))
      )
        continue;
      for (const [n, p] of read) {
        const port = Number(n);
        // (port 0 is no service: "Port 0 is the fragments")
        if (!Number.isInteger(port) || port < 1 || port > 65535 || n.length > 5) continue;
        said ??= {
          rising: saysRising(sentenceAt(text, m.index)),
          destination: DESTINATION_BEFORE.test(before),
          denied: denial(text, m.index),
          setup,
        };
        const row = isRow(m.index);
        (isSource ? source : hits).push({ port, proto: p, span: m[0], ...said, at: m.index, vector, row });
      }
    }
  }
  return { hits, source };
}

/** The post's own words: the prose without its thread's subject line and quotes. */
function ownText(prose: string, threadEnd: number, quoted: ReadonlyArray<readonly [number, number]>): string {
  let out = '';
  let at = Math.max(0, threadEnd);
  for (const [start, end] of [...quoted].sort((x, y) => x[0] - y[0])) {
    if (start > at) out += prose.slice(at, start) + '\n';
    at = Math.max(at, end);
  }
  return out + prose.slice(at);
}

const WEEK_OR_RANK_BEFORE = /(?:第|\bweek |\bW|#)$/i;
// (read from the character before the number, which NOT_AFTER's "23 packets" looks back at)
const FIGURE_AFTER = new RegExp(String.raw`^\D?\d{1,5}(?:週|位|${NOT_AFTER})`, 'i');

/** A range this narrow is a handful of ports, each of which a post goes on to name by its number alone. */
const NARROW_RANGE = 64;
// One number at a time: a pattern over whole lists, tried at every number of a long run, backtracks.
const BARE_NUMBER = new RegExp(
  String.raw`(?<![\w.,:/~〜–-])(?<![~〜–-] | through | thru )(${ITEM})(?:${WEAK_END}|(?= ?\/ ?\d))`,
  'g',
);

/**
 * Bare numbers inside a narrow range the post stated ("spoofed UDP 1026-31 ... a handful to
 * 1027"): the range says what they are.
 */
function inRanges(prose: string, ranges: PortRange[]): Hit[] {
  const narrow = ranges.filter((r) => r.to - r.from <= NARROW_RANGE);
  if (!narrow.length) return [];
  const out: Hit[] = [];
  for (const m of allMatches(prose, BARE_NUMBER)) {
    const port = Number(m[1]);
    // (not the scanners' own: "use a source port of 1028 every time")
    const before = prose.slice(Math.max(0, m.index - 24), m.index);
    if (SOURCE_PORT_BEFORE.test(before) || VECTOR_BEFORE.test(before)) continue;
    // (a member of the range the post says is quiet is none: "spread across udp/5060-5080 ... 5061 (TLS) is quiet")
    if (narrow.some((r) => r.from <= port && port <= r.to))
      out.push({ ...bareHit(prose, port, m), denied: denial(prose, m.index) });
  }
  return out;
}

/** A port read as a bare number, with no protocol of its own, where match `m` stands in `prose`. */
function bareHit(prose: string, port: number, m: RegExpExecArray): Hit {
  return {
    port,
    proto: null,
    span: m[0],
    rising: saysRising(sentenceAt(prose, m.index)),
    destination: false,
    at: m.index,
  };
}

/** "use 10443 or 4433", "used 14444 instead", "switched to 2222", "or on 10443": a port put for another. */
const USED = new RegExp(
  String.raw`\b(?:use|uses|using|used|switch(?:es|ed)? to|mov(?:e|es|ed) to) (?:the )?(?:port )?` +
    // Where the phrase ends: "use 1000 as the threshold" and "used 300, 500 and 1000 passwords" count
    String.raw`${WEAK_LIST}(?=[.;!?)）]|,(?! ?\d)|$| instead\b| too\b| as well\b| by default\b)` +
    // "a small number went to 10001 and 20000 instead": only with what makes it a swap ("went to 300." is an amount)
    String.raw`|\b(?:went|go|goes|going|sent|came) to (?:the )?(?:port )?${WEAK_LIST}(?= instead\b| too\b| as well\b)` +
    // "listens on TCP 443 by default, or on 10443 on some models"
    String.raw`|\bor (?:on|at) (?:port )?${WEAK_LIST}${WEAK_END}`,
  'gi',
);
/**
 * 「8443 も少し来てます」「5555 もちょっと見えてます」: a number of three digits or more said to arrive in
 * some measure, as traffic to a port is. Not one said only to arrive (「昨日は 1000 も来てました」 is
 * how many), to grow or to be observed (「1000 も増えてる」「4500 が観測された」).
 */
const ARRIVING = new RegExp(
  String.raw`(?<![\w.,:/~〜–-]|AS ?)(\d{3,5}) ?(?:も|が|は) ?(?:少し|ちょっと|若干|多少|結構|けっこう|かなり)` +
    // the verb may be left out: 「23番増えてます。2323 も少し。」
    String.raw`(?:[^。\n\d]{0,4}?(?:来て|きて|見えて)|(?=[。．.、！!\n]|$))`,
  'g',
);
/**
 * "Also 60001 and 7547 to a lesser degree", "plus 8443 as well": more ports beside those the post
 * names, said to come too.
 */
const ALSO = new RegExp(
  String.raw`\b(?:also|plus)(?: some| a little| a bit of)? ${WEAK_LIST}` +
    String.raw`(?= to a (?:lesser|smaller|lower) (?:degree|extent)\b| as well\b| too\b)`,
  'gi',
);
/** What makes a number said to arrive an amount: 「1日あたり 500 も来てます」「300 が見えてます（IP数）」. */
const AMOUNT_WORDS = /件|個|IP|アドレス|ホスト|送信元|前日比|あたり|毎|AS|数/;

/**
 * Numbers the post's own ports vouch for, which alone read as no port: one put in place of a port
 * in the same sentence ("listens on 443, but many deployments use 10443 or 4433", "its pool on
 * tcp/3333; one sample used 14444 instead"), more said to come too in a post that names a port
 * ("Also 60001 and 7547 to a lesser degree"), and in Japanese one said to arrive in such a post
 * (「23番宛が増えてる…あと 8443 も少し来てます」「2323 も少し。」).
 */
function vouchedPorts(prose: string, hits: Hit[], named: boolean): Hit[] {
  if (!named) return [];
  const out: Hit[] = [];
  /** The sentence around `at`, and whether another port of the post stands in it. */
  const sentenceOf = (at: number) => {
    const { start, end } = sentenceBounds(prose, at);
    return {
      text: prose.slice(start, end),
      beside: hits.some((h) => h.at !== undefined && h.at !== at && h.at >= start && h.at < end),
    };
  };
  if (/\b(?:use|using|switch|mov|went|go|sent|came|or on|or at)/i.test(prose))
    for (const m of allMatches(prose, USED)) {
      if (sentenceOf(m.index).beside)
        for (const [n] of weakList(m[1] ?? m[2] ?? m[3]!, null)) out.push(bareHit(prose, Number(n), m));
    }
  if (/\b(?:also|plus)\b/i.test(prose))
    for (const m of allMatches(prose, ALSO))
      for (const [n] of weakList(m[1]!, null)) out.push(bareHit(prose, Number(n), m));
  if (/来て|きて|見えて|も(?:少し|ちょっと|若干|多少)/.test(prose))
    for (const m of allMatches(prose, ARRIVING)) {
      // Beside another port, or with words that count, the number is how many came (「23番宛が 1000 も来てます」).
      const { beside, text } = sentenceOf(m.index);
      if (!beside && !AMOUNT_WORDS.test(text)) out.push(bareHit(prose, Number(m[1]), m));
    }
  return out.filter((h) => h.port <= 65535);
}

/** How far back a bare port looks for the protocol its paragraph named. */
const PROTO_REACH = 600;

const BOTH_WORDS = /(?:tcp|udp) ?(?:\/|and|or|&) ?(?:tcp|udp)/i;
/** Both named, and not for a number of their own: not "TCP/UDP port 137". */
const BOTH_FOR_IT = new RegExp(String.raw`\b${BOTH_WORDS.source}\b(?! ?(?:ports? ?)?[:/#]? ?\d)`, 'i');
const PROTO_WORD = /(?<![a-z])(tcp|udp)(?![a-z])(?! ?(?:\/|and|or|&) ?(?:tcp|udp))/gi;
/** A protocol word that names no port of its own: not "tcp/23", "TCP 445", "23/tcp", nor "tcp/udp". */
const PROTO_ALONE =
  /(?<![a-z]|\d ?\/? ?|(?:tcp|udp) ?(?:\/|and|or|&) ?)(tcp|udp)(?![a-z]| ?[/:]? ?\d| ?(?:\/|and|or|&) ?(?:tcp|udp))/gi;

// (a TCP flag alone says TCP: "GRE floods with random inner UDP + ACK flood to 443")
const PROTO_OF_ACTIVITY = new RegExp(
  String.raw`\b(?:(tcp|udp)(?: (?:syn|ack|rst|fin|syn-ack|syn\/ack|push|null|xmas))?|` +
    String.raw`(syn|ack|rst|fin|syn-ack|syn\/ack)(?= (?:floods?|flooding|scans?|scanning|packets)| ?$))` +
    String.raw`(?: (?:floods?|flooding|scans?|scanning|probes?|probing|traffic|packets|connections|attempts|` +
    String.raw`sweeps?))?` +
    String.raw`(?: (?:to|on|against|at|toward|towards|into|of))? (?:the )?(?:ports? )?$`,
  'i',
);

/**
 * The protocol a bare port takes from what a reader has in mind: a range with a protocol that
 * holds it ("the UDP 1026-31 traffic ... ports 1026 and 1030"), else the one protocol its paragraph
 * named before it. Two protocols named, or none, leave it bare.
 */
function impliedProto(prose: string, h: Hit, ranges: PortRange[]): { protos: Proto[]; text: string } | null {
  const range = ranges.find((r) => r.proto && r.from <= h.port && h.port <= r.to);
  if (range) return { protos: [range.proto!], text: range.text };
  if (h.at === undefined) return null;
  // Its own sentence names both for it: "Both the UDP and TCP listeners on port 53 are affected"
  // (not "TCP/UDP port 137, and port 53 too", where the pair is port 137's).
  const sentence = prose.slice(sentenceBounds(prose, h.at).start, h.at);
  const both = BOTH_FOR_IT.exec(sentence);
  if (both && /tcp/i.test(both[0]) && /udp/i.test(both[0])) return { protos: ['tcp', 'udp'], text: both[0] };
  // Within reach of a reader's eye: a paragraph, at most PROTO_REACH characters back (a pasted
  // block joins into one long paragraph, and each port must not rescan it).
  // Its own sentence's one protocol first ("a flood of TCP SYN in the porta 80 e 443" after a
  // paragraph about DNS over UDP and TCP).
  // The protocol of the activity that goes to it: "UDP floods to random high ports plus TCP SYN floods to 443"
  const near = PROTO_OF_ACTIVITY.exec(sentence.slice(-60));
  if (near) return { protos: [near[1] ? proto(near[1]) : 'tcp'], text: near[0].trim() };
  const inSentence = new Set(allMatches(sentence, PROTO_WORD).map((m) => m[1]!.toLowerCase() as Proto));
  if (inSentence.size === 1 && !BOTH_WORDS.test(sentence))
    return { protos: [...inSentence], text: [...inSentence][0]! };
  const para = prose.slice(Math.max(prose.lastIndexOf('\n', h.at) + 1, h.at - PROTO_REACH), h.at);
  // "tcp/udp" and "tcp and udp" name both: the lookahead leaves them out, and their second word too.
  if (BOTH_WORDS.test(para)) return null;
  const named = allMatches(para, PROTO_WORD);
  const protos = new Set(named.map((m) => m[1]!.toLowerCase()));
  if (protos.size === 1) return { protos: [proto(named[0]![1]!)], text: named.at(-1)![0] };
  if (protos.size > 1) return null;
  // A service only TCP carries, named in its sentence: "the telnet honeypot, hits on 23 and 2323"
  const whole = sentence + prose.slice(h.at, sentenceBounds(prose, h.at).end);
  const service = protos.size ? null : TCP_SERVICE.exec(whole);
  if (service && !UDP_SERVICE.test(whole)) return { protos: ['tcp'], text: service[0] };
  // None before: the rest of its sentence may say it ("Destinations 3389 and 445 only, all TCP SYN",
  // "Destination Port: 3389 Protocol: TCP"), where the word qualifies, not a port of its own.
  const after = prose.slice(h.at, h.at + 300).split(/[.。!！?？\n]/)[0]!;
  const later = allMatches(after, PROTO_ALONE);
  const laterProtos = new Set(later.map((m) => m[1]!.toLowerCase()));
  if (laterProtos.size === 1) return { protos: [proto(later[0]![1]!)], text: later[0]![0] };
  // or the next sentence, in a word or two: "hammered on 7547 again. both tcp."
  const next = NEXT_SAYS_PROTO.exec(prose.slice(h.at, h.at + 300));
  if (next) return { protos: [proto(next[1]!)], text: next[0].slice(next[0].search(/\S+\s+\S+$/)) };
  // or, for the port a correction names, the protocol of the subject's own ports: the thread's
  // ("Re: tcp/8921 scanning" over "the port is 8291, not 8921")
  const subject = subjectProto(prose);
  if (subject && h.at > subject.end && corrects(prose, h.at)) return { protos: [subject.proto], text: subject.text };
  // A port in a post whose own words tell of SYNs and name no UDP is TCP's: "on port 80 as well as 443.
  // Roughly 900k SYN/s at peak" (not a reflector's service port, nor one beside a UDP service: "IKE on
  // port 500", "QUIC floods to 443")
  if (!REFLECTORS.has(h.port) && !UDP_SERVICE.test(whole) && !/\b(?:IKE|NAT-T|OpenVPN|WireGuard)\b/i.test(whole))
    if (synPost(afterSubject(prose))) return { protos: ['tcp'], text: 'SYN' };
  // A web port in a post about web requests is TCP's: "requests for .env files ... arrive on ports 80,
  // 8080 and 8443" (not where the post names QUIC or HTTP/3)
  // (nor in a flood that reaches web servers' ports: "Memcached reflection aimed at port 80 and 443")
  if (!WEB_PORTS.has(h.port)) return null;
  const web = webWords(prose);
  return web && !REFLECTED.test(whole) && !/\budp\b/i.test(whole) ? { protos: ['tcp'], text: web } : null;
}

/** The prose after its first line, the subject. */
function afterSubject(prose: string): string {
  const nl = prose.indexOf('\n');
  return nl < 0 ? '' : prose.slice(nl);
}

/** A question whose "no" is a yes: "Is it just us?", "Are we the only ones?", 「弊社だけでしょうか」. */
const JUST_US = /\b(?:just (?:us|me)|only (?:ones?|us|me)|alone)\b[^?]*\?\s*$|だけ(?:でしょうか|ですか|かな)/i;

/** `f` kept for the last prose it was asked of: each port of a post asks the same question of it. */
function perProse<T>(f: (prose: string) => T): (prose: string) => T {
  let last: { prose: string; found: T } | null = null;
  return (prose) => {
    if (last?.prose !== prose) last = { prose, found: f(prose) };
    return last.found;
  };
}

/** Whether a post speaks of SYNs and names no UDP. */
const synPost = perProse((prose) => /\bSYN(?:s|\/s)?\b/.test(prose) && !/\budp\b/i.test(prose));

/** The words that say a post is about web requests. */
const webWords = perProse((prose) =>
  /\b(?:quic|http\/3|h3)\b/i.test(prose) ? null : (WEB_WORDS.exec(prose)?.[0] ?? null),
);

const WEB_PORTS = new Set([80, 443, 8000, 8008, 8080, 8081, 8088, 8443, 8888]);
const WEB_WORDS =
  /\bHTTPS?\/\d|\b(?:GET|POST|HEAD) \/|\bweb (?:server|honeypot|request|app|interface|ui|panel)s?\b|\burls?\b/i;

/** The one protocol the subject's ports are written with ("Re: tcp/8921 scanning"). */
const subjectProto = perProse((prose): { proto: Proto; text: string; end: number } | null => {
  const end = Math.max(0, prose.indexOf('\n'));
  const typed = allMatches(prose.slice(0, end), TYPED_PORT);
  const protos = new Set(typed.map((m) => (m[1] ?? m[2]!).toLowerCase() as Proto));
  return protos.size === 1 ? { proto: [...protos][0]!, text: typed[0]![0], end } : null;
});

const TYPED_PORT = /\b(tcp|udp) ?\/? ?\d{1,5}\b|\b\d{1,5} ?\/ ?(tcp|udp)\b/gi;

// (not RDP nor HTTPS, which have UDP too: RDP's UDP transport, QUIC)
const TCP_SERVICE =
  /\b(?:telnet|ssh|sshd|smb|mysql|mssql|redis|vnc|ftp|smtp|imaps?|pop3|winbox|adb|kubelet|mongodb|postgres(?:ql)?)\b/i;
const UDP_SERVICE =
  /\b(?:dns|ntp|snmp|ssdp|sip|memcached|cldap|coap|bacnet|tftp|quic|udp|netbios|mdns|ws-discovery)\b/i;

// (a sentence of those words alone: not "Both TCP and UDP.", nor "All TCP ports are closed")
const NEXT_SAYS_PROTO =
  /^[^.。!?\n]*[.。!?] ?(?:both|all(?: of them)?|each|these are|those are|all are) (tcp|udp) ?[.!。]/i;

/**
 * The protocol of a range the post gives none ("the four VNC display ports, 5900-5903"): the one
 * all the post's typed ports inside it have (its pasted tcp lines on 5900 to 5903), if one.
 */
function rangeProto(r: PortRange, ports: PortClaim[]): Proto | null {
  const protos = new Set(ports.filter((p) => p.proto && r.from <= p.port && p.port <= r.to).map((p) => p.proto));
  return protos.size === 1 ? [...protos][0]! : null;
}

/** A post that says its flood was reflected: the reflectors' ports are its vectors. */
const REFLECTED = /\b(?:reflect\w*|amplif\w*)\b|反射|増幅|リフレクション|アンプ/i;

/** A post about a reflection or amplification attack, whose pasted answers are its evidence. */
const REFLECTION = new RegExp(String.raw`\b(?:d?dos|flood\w*|attack\w*)\b|${REFLECTED.source}`, 'i');

/**
 * UDP services that answer a small spoofed query with a large reply (US-CERT TA14-017A and later
 * floods): a datagram from one of them to a high port is a reflected answer to the victim's
 * random port, not a probe of it.
 */
const REFLECTORS = new Set([
  17, 19, 53, 69, 111, 123, 137, 161, 389, 427, 520, 623, 1434, 1900, 3283, 3389, 3478, 3702, 5353, 5683, 10001, 10074,
  11211, 27015, 32414, 33848, 37810,
]);

/**
 * Log lines name the ports a report is about: each one, when the lines show a handful (a reader
 * of a short paste takes them all: a held-out set missed 5 of 70 ports at three), and in a long
 * paste of many ports only those that several lines agree on.
 */
function logPorts(events: LogEvent[]): { probes: Hit[]; answers: Hit[] } {
  const byKey = new Map<string, { port: number; proto: Proto | null; n: number; raw: string }>();
  // The reflectors' ports of the answers, which a reflection attack's report is about
  const answered = new Map<number, { n: number; raw: string }>();
  // A flow log writes each direction of a connection (AWS VPC, NetFlow): the reverse of a record,
  // from its port to the prober's high port, is the answer.
  const flow = (src: string | null, spt: number | null, dst: string | null, dpt: number | null) =>
    `${src}|${spt}|${dst}|${dpt}`;
  const flows = new Set(events.map((e) => flow(e.src, e.spt, e.dst, e.dpt)));
  // A record from the port the paste's probes reach, back to one of their sources' high ports, is a
  // probed host's answer ("198.51.100.44:445 -> 203.0.113.61:49841" under that source's probes of 445).
  const probed = new Set(events.map((e) => e.dpt));
  const probers = new Set(events.map((e) => e.src));
  for (const e of events) {
    // A record with a port and no protocol (a Shadowserver legacy darknet row) still names the port.
    // (port 0 is a fragment's: "ports 0/0" in a flow log names no service)
    if (e.dpt === null || e.dpt === 0 || e.proto === 'icmp') continue;
    // A SYN-ACK or a reply from a well-known port is the answer, not the probe.
    if (e.flags && e.flags.includes('S') && e.flags.includes('A')) continue;
    // (to a random port, which may be a low one: "427 > 22"; not to another low service's)
    const random = e.dpt >= 1024 || !REFLECTORS.has(e.dpt);
    if (e.proto === 'udp' && e.spt !== null && REFLECTORS.has(e.spt) && random && e.dpt !== e.spt) {
      const a = answered.get(e.spt);
      if (a) a.n++;
      else answered.set(e.spt, { n: 1, raw: e.raw });
      continue;
    }
    // A TCP segment with ACK set from a service's port to a high one is a server's answer (a middlebox's
    // block page, a reflected SYN-ACK): the victim's random port, not a probe of it.
    if (e.proto === 'tcp' && e.flags?.includes('A') && e.spt !== null && e.spt < 1024 && e.dpt >= 1024) continue;
    if (e.spt !== null && e.spt < e.dpt && e.src && flows.has(flow(e.dst, e.dpt, e.src, e.spt))) continue;
    if (e.spt !== null && e.dpt >= 1024 && e.spt < e.dpt && probed.has(e.spt) && e.dst !== null && probers.has(e.dst))
      continue;
    const k = `${e.proto ?? '-'}/${e.dpt}`;
    const cur = byKey.get(k);
    if (cur) cur.n++;
    else byKey.set(k, { port: e.dpt, proto: e.proto, n: 1, raw: e.raw });
  }
  const few = byKey.size <= 8;
  const hit = (port: number, proto: Proto | null, raw: string, destination: boolean): Hit => ({
    port,
    proto,
    span: raw.split('\n')[0]!,
    rising: false,
    destination,
  });
  return {
    probes: [...byKey.values()].filter((v) => few || v.n >= 2).map((v) => hit(v.port, v.proto, v.raw, true)),
    answers: [...answered].filter(([, v]) => v.n >= 2).map(([port, v]) => hit(port, 'udp', v.raw, false)),
  };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The (port, protocol) pairs a post is about, from its prose, subject and log lines. A port named
 * without a protocol is dropped when the same port is also named with one.
 */
export function extractPorts(
  prose: string,
  events: LogEvent[],
  table: TablePort[] = [],
  quoted: ReadonlyArray<readonly [number, number]> = [],
  usual: TablePort[] = [],
): {
  ports: PortClaim[];
  sourcePorts: Array<{ port: number; proto: Proto | null; text: string }>;
  /** The port ranges the prose states, which the ports in them were read against. */
  ranges: PortRange[];
  /** Every port the post names in any way, kept or not (said quiet, taken back, a source port). */
  named: Set<number>;
} {
  const claims = new Map<string, PortClaim>();
  const add = (h: Hit, from: 'prose' | 'log') => {
    const k = `${h.proto ?? '-'}/${h.port}`;
    const c: PortClaim = claims.get(k) ?? {
      port: h.port,
      proto: h.proto,
      from: [],
      spans: [],
      trend: 'mentioned',
      role: null,
    };
    if (!c.from.includes(from)) c.from.push(from);
    if (c.spans.length < 3 && !c.spans.includes(h.span)) c.spans.push(h.span);
    if (h.rising) c.trend = 'rising';
    if (h.destination) c.role = 'destination';
    claims.set(k, c);
  };
  const found = prosePorts(prose);
  const stated = rangesAt(prose);
  const ranges = stated.map(({ at: _, ...r }) => r);
  // The ends of a range the post states are the range's ("6000/TCP から 6010/TCP まで").
  const inside = (h: Hit) => stated.some((r) => h.at !== undefined && h.at >= r.at && h.at < r.at + r.text.length);
  const hits = found.hits.filter((h) => !inside(h));
  const source = found.source;
  const vouched = vouchedPorts(prose, hits, hits.length + table.length + events.length > 0);
  const typed = [...hits, ...inRanges(prose, ranges), ...vouched].flatMap((h) => {
    const implied = h.proto === null ? impliedProto(prose, h, ranges) : null;
    return implied ? implied.protos.map((p) => ({ ...h, proto: p, span: `${h.span} (${implied.text})` })) : [h];
  });
  // A port the post says is quiet is no claim, unless the post also names it as active with its
  // protocol or without one ("their TCP 443 is fine" beside a UDP flood on 443 is not tcp/443);
  // where something listens, or a table's row, says nothing of what changed. One the poster takes
  // back is none at all.
  const { taken, meant } = takenBack(prose);
  // (a correction of the protocol takes back the other protocol only: "it's udp/1900, not tcp"; "tcp/502, not
  // udp/502" leaves the number in)
  const wrongProto = protoCorrections(prose);
  for (const w of wrongProto) if (w.both) taken.delete(w.port);
  // (the port a correction puts in place of another is not what its own words take back)
  for (const h of typed) if (h.denied === 'taken back' && meant.has(h.port)) h.denied = null;
  // A reply's subject is its thread's, and its quotes are the words of the posts it answers: their
  // ports weigh nothing against what the reply says of them ("Re: ... TCP 9530/60001/34567" and a
  // quote naming 60001, over "Nothing at all on 60001 here"). The subject is the prose's first line.
  const subjectEnd = prose.indexOf('\n');
  const threadEnd = isReplySubject(prose.slice(0, subjectEnd < 0 ? prose.length : subjectEnd)) ? subjectEnd : -1;
  const thread = (h: { at?: number }) =>
    h.at !== undefined && (h.at < threadEnd || quoted.some(([start, end]) => h.at! >= start && h.at! < end));
  // What the post's own words name as active, then with its log lines too.
  const said = new Map<number, Array<Proto | null>>();
  const active = new Map<number, Array<Proto | null>>();
  for (const h of typed)
    if (!h.denied && !h.setup && !h.row && !thread(h)) {
      // pushed in place: a copy per mention took 2 s for a post of 7,000 "tcp/23"
      pushTo(said, h.port, h.proto);
      pushTo(active, h.port, h.proto);
    }
  for (const e of events) if (e.dpt !== null) pushTo(active, e.dpt, e.proto);
  const among = (map: Map<number, Array<Proto | null>>, h: { port: number; proto: Proto | null }) =>
    (map.get(h.port) ?? []).some((p) => p === null || h.proto === null || p === h.proto);
  const isActive = (h: { port: number; proto: Proto | null }) => among(active, h);
  // A setting or a row is dropped too when its number alone is said to be quiet ("the honeypot
  // also listens on 2376 ... 2376 received nothing", a table's "23 and 5555 are just the usual
  // background"), where no pattern reads the number as a port. Looked for in a table of a few
  // rows only: each row's number is searched for in the whole post.
  // Whether any port may be quiet at all, asked once and only when a setting or a row needs it.
  let quietAnywhere: boolean | undefined;
  // Where each port's number stands said quiet, found once per port (two places are all it takes:
  // one may be the mention being weighed), not once per mention of it.
  const quietAt = new Map<number, number[]>();
  const quietPlaces = (port: number) => {
    let at = quietAt.get(port);
    if (at) return at;
    at = [];
    if ((quietAnywhere ??= mayBeQuiet(prose)))
      for (const m of allMatches(prose, new RegExp(String.raw`(?<![\d.,:/])${port}(?![\d.,:]\d|\d)`, 'g'))) {
        if (!thread({ at: m.index }) && denial(prose, m.index) === 'quiet') at.push(m.index);
        if (at.length === 2) break;
      }
    quietAt.set(port, at);
    return at;
  };
  // Said quiet where a pattern reads it as a port ("Zero packets to tcp/623"), or where none does.
  const deniedAt = new Map<number, Hit[]>();
  // (what a quoted post says of a port is its writer's, and weighs nothing against this one's lines)
  for (const x of typed) if (x.denied === 'quiet' && !thread(x)) pushTo(deniedAt, x.port, x);
  // A port the reply takes back in its own words is out of what it quotes too: "445/TCP の件は…外部からの
  // 増加ではありませんでした" under its own "> 昨日から 445/TCP と 1433/TCP への通信が増えています".
  const retracted = new Set(typed.filter((x) => x.denied === 'taken back' && !thread(x)).map((x) => x.port));
  const sameAs = (h: { port: number; proto: Proto | null }) => (x: { port: number; proto: Proto | null }) =>
    x.port === h.port && (!x.proto || !h.proto || x.proto === h.proto);
  const quietElsewhere = (h: { port: number; proto: Proto | null; at?: number }) =>
    (deniedAt.get(h.port) ?? []).some((x) => x.at !== h.at && sameAs(h)(x)) ||
    quietPlaces(h.port).some((i) => i !== h.at);
  const weighed = (h: { port: number; proto: Proto | null; at?: number }) => isActive(h) || !quietElsewhere(h);
  // A row, of a table or of figures that leads with its port, is in the report unless the post says it
  // is quiet; past "Everything else stayed inside the band", only where the post's own words name it,
  // as a port or as its number alone ("37215 and 52869 more than tripled").
  const restQuiet =
    table.length || typed.some((h) => h.row)
      ? allMatches(prose, REST_QUIET)
          // (not a question: "Is anyone seeing anything else within that range?")
          .filter(
            (m) =>
              !thread({ at: m.index }) &&
              !prose
                .slice(m.index, sentenceBounds(prose, m.index).end + 1)
                .trimEnd()
                .endsWith('?'),
          )
          .map((m) => ({ start: m.index, end: m.index + m[0].length }))
      : [];
  const rowLines = new Set(typed.filter((h) => h.row).map((h) => lineAt(prose, h.at!).start));
  const elsewhere = new Map<number, boolean>();
  const namedElsewhere = (port: number) => {
    let v = elsewhere.get(port);
    if (v === undefined)
      elsewhere.set(
        port,
        (v = allMatches(prose, new RegExp(String.raw`(?<![\d.,:/])${port}(?![\d.,:]\d|\d)`, 'g')).some(
          (m) =>
            // (not as a week, a rank or a figure: "2024年第23週", "week 23", "23%")
            !WEEK_OR_RANK_BEFORE.test(prose.slice(Math.max(0, m.index - 5), m.index)) &&
            !FIGURE_AFTER.test(prose.slice(Math.max(0, m.index - 1), m.index + m[0].length + 12)) &&
            !thread({ at: m.index }) &&
            !rowLines.has(lineAt(prose, m.index).start) &&
            // (nor where it is said to be quiet: "the same credential list as the 23/tcp background")
            !quietPlaces(port).includes(m.index) &&
            !restQuiet.some((b) => m.index >= b.start && m.index < b.end),
        )),
      );
    return v;
  };
  // (a row that shows its own rise is among the changes, not the rest: "tcp/81  +180%  new exploit script")
  const rowKept = (t: { port: number; proto: Proto | null; at?: number }, line: string) =>
    restQuiet.length ? among(said, t) || namedElsewhere(t.port) || ROW_RISES.test(line) : weighed(t);
  let ownWords: string | undefined;
  let quietServices: Set<number> | undefined;
  // What a reply only quotes is not its own when it says it sees none of it ("Not seeing this here"), nor
  // where it names the port's service as quiet ("No DNS component at all on our side" under a quote's
  // "DNS amplification (udp/53 sourced)").
  let threadSeen: boolean | undefined;
  let threadDenied: boolean | undefined;
  const threadKept = (h: Hit) => {
    ownWords ??= ownText(prose, threadEnd, quoted);
    if ((threadSeen ??= seesThread(ownWords))) return true;
    return (
      !(threadDenied ??= deniesThread(ownWords)) &&
      !(quietServices ??= quietServicePorts(prose, (at) => thread({ at }))).has(h.port)
    );
  };
  // A row or a line of the reply's own that gives the port as usual ("| 2323/tcp | 観測なし |", "・445/tcp: 平常"),
  // unless the reply says it sees what the thread reports.
  const usualHere = (h: Hit) =>
    usual.some(sameAs(h)) && !(threadSeen ??= seesThread((ownWords ??= ownText(prose, threadEnd, quoted))));
  // A reply written between the quoted lines it answers: what it says under a line is of that line's port.
  const answeredNo = (h: Hit) => {
    const q = quoted.find(([start, end]) => h.at! >= start && h.at! < end);
    if (!q) return false;
    const next = quoted.reduce((at, [start]) => (start >= q[1] && start < at ? start : at), prose.length);
    const answer = prose.slice(q[1], next).trim();
    // (a "no" to "Is it just us?" says the reply sees it too)
    if (JUST_US.test(prose.slice(q[0], q[1]))) return false;
    return answer.length > 0 && answersNo(answer);
  };
  const kept = (h: Hit) => {
    if (h.denied) return among(said, h);
    if (h.row) {
      const { line } = lineAt(prose, h.at!);
      return ROW_LINE.test(line) ? rowKept(h, line) : weighed(h);
    }
    if (!thread(h)) return !h.setup || weighed(h);
    return weighed(h) && threadKept(h) && !retracted.has(h.port) && !answeredNo(h) && !usualHere(h);
  };
  // (how many of the claims are the post's own words: the ports a reply only quotes are not)
  let own = 0;
  for (const h of typed)
    if (!taken.has(h.port) && kept(h)) {
      add(h, 'prose');
      if (!thread(h)) own++;
    }
  const fewRows = table.length <= NARROW_RANGE;
  for (const t of table)
    if (!taken.has(t.port) && (restQuiet.length || fewRows ? (t.news && weighed(t)) || rowKept(t, t.span) : true)) {
      add({ ...t, rising: false, destination: false }, 'prose');
      own++;
    }
  // "(The DPT=8081 line is our own monitoring box, ignore that one.)": its lines are taken back too.
  // So are those of lines the post says are quiet or where the attackers serve their files ("The last
  // record is the script download from the attacker's server on port 8000"), unless it also names the
  // port as active.
  const fromLogs = logPorts(events);
  for (const h of fromLogs.probes)
    if (!taken.has(h.port) && (among(said, h) || !quietElsewhere(h))) {
      add(h, 'log');
      own++;
    }
  // A reflection attack's post that names no port of its own: its vectors are what it reports
  // ("NTP reflection (udp/123, monlist-size replies) toward our customers"), and a reply's, besides
  // what it quotes ("Adding 161 - we see SNMP reflection (udp/161 sourced)").
  if (!own) {
    // (or a reflector's service named as where the flood came from: "CLDAP, src udp/389 ~18%", "all src 123/udp")
    const reflection = REFLECTED.test(prose);
    // (a quoted post's only where the reply shares it: "弊社でも同じ傾向です" over "> NTP reflection (udp/123, ...)")
    const vector = (h: Hit) =>
      (h.vector || (reflection && h.proto !== 'tcp' && REFLECTORS.has(h.port))) && (!thread(h) || threadKept(h));
    for (const h of source)
      if (vector(h) && !h.denied && !taken.has(h.port) && !VECTOR_DOUBTED.test(sentenceAt(prose, h.at!)))
        // (a reflector's service is a UDP one: "WS-Discovery, source port 3702" is udp/3702)
        add(h.proto === null && REFLECTORS.has(h.port) ? { ...h, proto: 'udp' } : h, 'prose');
    // Nor of its pasted lines, which are the answers: "192.0.2.17.123 > A.B.C.50.41877: NTPv2" is NTP's.
    if (!claims.size && REFLECTION.test(prose) && !/\bignore\b|\bnot seeing\b|無視/i.test(prose))
      for (const h of fromLogs.answers) if (!taken.has(h.port) && !quietElsewhere(h)) add(h, 'log');
  }
  // ...unless the post's own words name the other protocol as active outside the correction
  const fixed = wrongProto.filter(
    (w) =>
      !thread({ at: w.at }) &&
      !typed.some((h) => {
        const { start, end } = sentenceBounds(prose, w.at);
        return h.port === w.port && h.proto === w.proto && !h.denied && !thread(h) && (h.at! < start || h.at! >= end);
      }),
  );
  for (const [k, c] of claims) if (fixed.some((w) => w.port === c.port && w.proto === c.proto)) claims.delete(k);
  // A bare "port 5000" and a "tcp/5000" or a log line on 5000 are one claim. Typed claims are
  // looked up by port: a scan of all claims for each bare one took 140 s for 30,000 "port N" lines.
  const typedByPort = new Map<number, PortClaim[]>();
  for (const c of claims.values()) if (c.proto !== null) pushTo(typedByPort, c.port, c);
  for (const [k, c] of claims) {
    if (c.proto !== null) continue;
    const typed = typedByPort.get(c.port) ?? [];
    if (typed.length) {
      for (const t of typed) {
        for (const f of c.from) if (!t.from.includes(f)) t.from.push(f);
        if (c.trend === 'rising') t.trend = 'rising';
        t.role ??= c.role;
      }
      claims.delete(k);
    }
  }
  const ports = [...claims.values()].sort((a, b) => a.port - b.port || (a.proto ?? '').localeCompare(b.proto ?? ''));
  const named = new Set(ports.map((p) => p.port));
  // Two patterns may read one source port: it is told once.
  const sourcePorts = [
    ...new Map(source.filter((h) => !named.has(h.port)).map((h) => [`${h.proto}/${h.port}`, h])),
  ].map(([, h]) => ({ port: h.port, proto: h.proto, text: h.span }));
  return {
    ports,
    sourcePorts,
    ranges: ranges.map((r) => (r.proto ? r : { ...r, proto: rangeProto(r, ports) })),
    named: new Set([...typed, ...source, ...table, ...fromLogs.probes].map((h) => h.port)),
  };
}
