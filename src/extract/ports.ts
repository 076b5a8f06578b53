import type { LogEvent, PortClaim, Proto } from '../model.ts';
import { saysRising, sentenceAt } from './claims.ts';

interface Hit {
  port: number;
  proto: Proto | null;
  span: string;
  rising: boolean;
  destination: boolean;
}

const P = String.raw`(tcp|udp)`;
/** A port number that is not part of an address, a time, a version or a bigger number. */
const N = String.raw`(\d{1,5})(?![\d.,:]\d|\d|番台| ?[-–〜~] ?\d)`;
const BOTH = String.raw`(?:tcp ?/ ?udp|udp ?/ ?tcp|tcp (?:and|or|&) udp|udp (?:and|or|&) tcp|tcp・udp|udp・tcp)`;
// "port" as a word of its own or after "d"/"dst"/"dest" ("dport 23"), never inside "report 1".
const PORT_WORD = String.raw`(?:(?<![a-z])(?:d|dst|dest)?ports?|ポート(?:番号)?)`;
/** Between the words of a pattern, at most a little whitespace: unbounded runs invite backtracking. */
const SEP = String.raw`(?:,|、|and|or|&|および|及び|と)`;
const NUM_LIST = String.raw`(\d{1,5}(?: ?${SEP} ?\d{1,5})*)(?![\d.,:]\d|\d|番台)`;

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
    re: new RegExp(String.raw`\b${P} ?(?:[/:] ?|${PORT_WORD} ?(?:[:：#] ?)?)${N}`, 'gi'),
    read: (m) => [[m[2]!, proto(m[1]!)]],
  },
  // "UDP 1900 (SSDP)", "TCP 445番ポート": a protocol then a number, unless the number counts something
  {
    re: new RegExp(
      String.raw`\b${P} ${N}(?! ?(?:packets?|hosts?|sources?|targets?|events?|connections?|flows?|probes?|` +
        String.raw`sessions?|bytes?|件|個|台|パケット|ホスト))`,
      'gi',
    ),
    read: (m) => [[m[2]!, proto(m[1]!)]],
  },
  // "tcp ports 8080, 8081 and 8443": the protocol applies to the whole list
  {
    re: new RegExp(String.raw`\b${P} ${PORT_WORD} ?(?:[:：#] ?)?${NUM_LIST}`, 'gi'),
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
        });
      }
    }
  }
  return { hits, source };
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
  for (const h of hits) add(h, 'prose');
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
