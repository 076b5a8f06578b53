import type { LogEvent, PortClaim, PortRange, Proto } from '../model.ts';
import { portRanges, saysRising, sentenceAt } from './claims.ts';

interface Hit {
  port: number;
  proto: Proto | null;
  span: string;
  rising: boolean;
  destination: boolean;
  /** Where in the prose it was read, for the protocol its paragraph names. */
  at?: number;
}

/** A port read from a row of a table a post pasted (tables.ts), with the protocol its row gives. */
export interface TablePort {
  port: number;
  proto: Proto | null;
  span: string;
}

const P = String.raw`(tcp|udp)`;
/**
 * What follows a number that is not a port: a Japanese time, date, count or share (「0時」「12日」
 * 「150件」「96%」), or the rest of a date ("2026/11/20").
 */
// "12k packets", "1.1M attempts": a figure with its multiplier counts something; so does "port 2
// packets" ("tcp/23 packets", the number joined to its protocol, still names the port).
const NOT_AFTER =
  String.raw` ?[時分秒年月日件個台%％万億]|\/\d{1,2}\/\d|[kKM](?![a-zA-Z])|` +
  String.raw`(?<=\s\d{1,5}) (?:packets?|hosts?|sources?|targets?|addresses)\b`;
/** A port number that is not part of an address, a time, a version or a bigger number. */
const N = String.raw`(?!0\d)(\d{1,5})(?![\d.,:]\d|\d|番台| ?[-–〜~] ?\d|${NOT_AFTER})`;
const BOTH = String.raw`(?:tcp ?/ ?udp|udp ?/ ?tcp|tcp (?:and|or|&) udp|udp (?:and|or|&) tcp|tcp・udp|udp・tcp)`;
// "port" as a word of its own or after "d"/"dst"/"dest" ("dport 23"), never inside "report 1".
const PORT_WORD = String.raw`(?:(?<![a-z])(?:d|dst|dest)?ports?|ポート(?:番号)?)`;
/** Between the words of a pattern, at most a little whitespace: unbounded runs invite backtracking. */
const SEP = String.raw`(?:,|、|and|or|&|および|及び|と)`;
/** Nouns a number counts: "1,200 hosts" is a count, whatever word came before it. */
const COUNTED =
  String.raw`(?:packets?|hosts?|sources?|targets?|events?|connections?|flows?|probes?|sessions?|bytes?|` +
  String.raw`ips|addresses|件|個|台|パケット|ホスト)`;
// A list item never starts with 0 ("1,000" is not ports 1 and 000); a list before a noun counts it.
const NUM_LIST =
  String.raw`(?!0\d)(\d{1,5}(?: ?${SEP} ?(?!0\d)\d{1,5})*)` +
  String.raw`(?![\d.,:]\d|\d|番台| ?[-–〜~] ?\d| ?${COUNTED}|${NOT_AFTER})`;

/** Patterns over prose; each names the protocol it implies or takes it from a group. */
const PATTERNS: Array<{ re: RegExp; read: (m: RegExpExecArray) => Array<[string, Proto | null]> }> = [
  // "TCP/UDP port 137", "TCP/UDPポート137", "tcp and udp 53" -> one entry per protocol
  {
    re: new RegExp(String.raw`\b${BOTH} ?(?:${PORT_WORD} ?)?(?:[:：#] ?)?${NUM_LIST}`, 'gi'),
    read: (m) =>
      listOf(m[1]!).flatMap(
        (n) =>
          [
            [n, 'tcp'],
            [n, 'udp'],
          ] as Array<[string, Proto]>,
      ),
  },
  // "tcp/5000", "UDP/6585番ポート", "TCP:443", "tcp port 445", "UDPポート53"
  {
    // "TCP/UDP /8" is a prefix length: a slash after a space needs a space after it too.
    re: new RegExp(
      String.raw`\b${P}(?:[/:] ?| \/ | : ?| ${PORT_WORD} ?(?:[:：#] ?)?|${PORT_WORD} ?(?:[:：#] ?)?)${N}`,
      'gi',
    ),
    read: (m) => [[m[2]!, proto(m[1]!)]],
  },
  // "UDP 1900 (SSDP)", "TCP 445番ポート": a protocol then a number, unless the number counts something
  {
    re: new RegExp(String.raw`\b${P} ${N}(?! ?${COUNTED})`, 'gi'),
    read: (m) => [[m[2]!, proto(m[1]!)]],
  },
  // "tcp ports 8080, 8081 and 8443": the protocol applies to the whole list
  {
    re: new RegExp(String.raw`\b${P} ${PORT_WORD} ?(?:[:：#] ?)?${NUM_LIST}`, 'gi'),
    read: (m) => listOf(m[2]!).map((n) => [n, proto(m[1]!)] as [string, Proto]),
  },
  // "TCP: 445, 135, 25" / "UDP: 1434, 137": a protocol as a label over the list that follows it
  {
    re: new RegExp(String.raw`\b${P} ?[:：] ?${NUM_LIST}`, 'gi'),
    read: (m) => listOf(m[2]!).map((n) => [n, proto(m[1]!)] as [string, Proto]),
  },
  // "139/445/tcp": several ports sharing one protocol
  {
    re: new RegExp(String.raw`(?<![\d./])((?:\d{1,5}/){2,6})${P}\b`, 'gi'),
    read: (m) =>
      m[1]!
        .split('/')
        .filter(Boolean)
        .map((n) => [n, proto(m[2]!)] as [string, Proto]),
  },
  // "5000/tcp", "123/udp(NTP)", "8080tcp", "port 5060 UDP", "port 5060/udp", "ポート5060/UDP"
  {
    re: new RegExp(String.raw`(?<![\d.])(\d{1,5})(?: ?/ ?|番?/|)${P}\b`, 'gi'),
    read: (m) => [[m[1]!, proto(m[2]!)]],
  },
  {
    re: new RegExp(String.raw`\b${PORT_WORD} ?${N} ?(?:[(（] ?)?${P}\b`, 'gi'),
    read: (m) => [[m[1]!, proto(m[2]!)]],
  },
  // "port 5000", "ports 139 and 445", "ポート137", "destination port 23"
  {
    re: new RegExp(String.raw`${PORT_WORD} ?(?:number ?)?(?:[:：#] ?)?${NUM_LIST}`, 'gi'),
    read: (m) => listOf(m[1]!).map((n) => [n, null] as [string, null]),
  },
  // "137番ポート", "445番"
  {
    re: new RegExp(String.raw`(?<![\d.,/])(\d{1,5}) ?番(?!台)(?:ポート)?`, 'g'),
    read: (m) => [[m[1]!, null]],
  },
];

/** A port named right after "source port" is the scanner's, not the one the report is about. */
const SOURCE_PORT_BEFORE =
  /(?:(?:source|src|ソース|送信元|発信元) ?(?:port|ポート)|ephemeral|エフェメラル)[\s\S]{0,10}$/i;

function proto(s: string): Proto {
  return s.toLowerCase() as Proto;
}

function listOf(s: string): string[] {
  return s
    .split(/,|、|and|or|&|および|及び|と/i)
    .map((x) => x.trim())
    .filter(Boolean);
}

const DESTINATION_BEFORE = /(?:destination|dst|dest|target(?:ed)?|宛先|ターゲット) ?(?:port|ポート)?[\s\S]{0,6}$/i;

/** Ports named in prose; those named as the scanners' source ports come back apart. */
function prosePorts(text: string): { hits: Hit[]; source: Hit[] } {
  const hits: Hit[] = [];
  const source: Hit[] = [];
  for (const { re, read } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const before = text.slice(Math.max(0, m.index - 14), m.index) + m[0].replace(/\d[\s\S]*$/, '');
      const isSource = SOURCE_PORT_BEFORE.test(before);
      const sentence = sentenceAt(text, m.index);
      for (const [n, p] of read(m)) {
        const port = Number(n);
        if (!Number.isInteger(port) || port < 0 || port > 65535 || n.length > 5) continue;
        (isSource ? source : hits).push({
          port,
          proto: p,
          span: m[0],
          rising: saysRising(sentence),
          destination: DESTINATION_BEFORE.test(before),
          at: m.index,
        });
      }
    }
  }
  return { hits, source };
}

/** How far back a bare port looks for the protocol its paragraph named. */
const PROTO_REACH = 600;

const PROTO_WORD = /(?<![a-z])(tcp|udp)(?![a-z])(?! ?(?:\/|and|or|&) ?(?:tcp|udp))/gi;

/**
 * The protocol a bare port takes from what a reader has in mind: a range with a protocol that
 * holds it ("the UDP 1026-31 traffic ... ports 1026 and 1030"), else the one protocol its paragraph
 * named before it. Two protocols named, or none, leave it bare.
 */
function impliedProto(prose: string, h: Hit, ranges: PortRange[]): { proto: Proto; text: string } | null {
  const range = ranges.find((r) => r.proto && r.from <= h.port && h.port <= r.to);
  if (range) return { proto: range.proto!, text: range.text };
  if (h.at === undefined) return null;
  // Within reach of a reader's eye: a paragraph, at most PROTO_REACH characters back (a pasted
  // block joins into one long paragraph, and each port must not rescan it).
  const para = prose.slice(Math.max(prose.lastIndexOf('\n', h.at) + 1, h.at - PROTO_REACH), h.at);
  // "tcp/udp" and "tcp and udp" name both: the lookahead leaves them out, and their second word too.
  if (/(?:tcp|udp) ?(?:\/|and|or|&) ?(?:tcp|udp)/i.test(para)) return null;
  const named = [...para.matchAll(PROTO_WORD)];
  const protos = new Set(named.map((m) => m[1]!.toLowerCase()));
  return protos.size === 1 ? { proto: proto(named[0]![1]!), text: named.at(-1)![0] } : null;
}

/** Log lines name the port a report is about when several lines agree or only a few ports appear. */
function logPorts(events: LogEvent[]): Hit[] {
  const byKey = new Map<string, { port: number; proto: Proto; n: number; raw: string }>();
  for (const e of events) {
    if (e.dpt === null || !e.proto || e.proto === 'icmp') continue;
    // A SYN-ACK or a reply from a well-known port is the answer, not the probe.
    if (e.flags && e.flags.includes('S') && e.flags.includes('A')) continue;
    const k = `${e.proto}/${e.dpt}`;
    const cur = byKey.get(k);
    if (cur) cur.n++;
    else byKey.set(k, { port: e.dpt, proto: e.proto, n: 1, raw: e.raw });
  }
  const few = byKey.size <= 3;
  return [...byKey.values()]
    .filter((v) => few || v.n >= 2)
    .map((v) => ({ port: v.port, proto: v.proto, span: v.raw.split('\n')[0]!, rising: false, destination: true }));
}

/**
 * The (port, protocol) pairs a post is about, from its prose, subject and log lines. A port named
 * without a protocol is dropped when the same port is also named with one.
 */
export function extractPorts(
  prose: string,
  events: LogEvent[],
  table: TablePort[] = [],
): { ports: PortClaim[]; sourcePorts: Array<{ port: number; proto: Proto | null; text: string }> } {
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
  const { hits, source } = prosePorts(prose);
  const ranges = portRanges(prose);
  for (const h of hits) {
    const implied = h.proto === null ? impliedProto(prose, h, ranges) : null;
    if (implied) add({ ...h, proto: implied.proto, span: `${h.span} (${implied.text})` }, 'prose');
    else add(h, 'prose');
  }
  for (const t of table) add({ ...t, rising: false, destination: false }, 'prose');
  const log = logPorts(events);
  const logPortNumbers = new Set(log.map((h) => h.port));
  for (const h of log) add(h, 'log');
  // A bare "port 5000" and a "tcp/5000" or a log line on 5000 are one claim. Typed claims are
  // looked up by port: a scan of all claims for each bare one took 140 s for 30,000 "port N" lines.
  const typedByPort = new Map<number, PortClaim[]>();
  for (const c of claims.values())
    if (c.proto !== null) typedByPort.set(c.port, [...(typedByPort.get(c.port) ?? []), c]);
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
    } else if (logPortNumbers.has(c.port)) claims.delete(k);
  }
  const ports = [...claims.values()].sort((a, b) => a.port - b.port || (a.proto ?? '').localeCompare(b.proto ?? ''));
  const named = new Set(ports.map((p) => p.port));
  const sourcePorts = source
    .filter((h) => !named.has(h.port))
    .map((h) => ({ port: h.port, proto: h.proto, text: h.span }));
  return { ports, sourcePorts };
}
