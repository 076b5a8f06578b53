import { event, leadingTimestamp, MASKED_V4, maskedV4, port, protoOf, type LogFormat } from './common.ts';

const ADDR = String.raw`(${MASKED_V4}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})`;
/**
 * `DENY TCP 203.0.113.8:60211 -> 192.0.2.33:445` (an IPv6 end in brackets), `Denied TCP
 * 203.0.113.52(46120) > 198.51.100.9(60001)`: each end's port after a colon, a dot or in brackets.
 */
const END = String.raw`\[?${ADDR}\]?(?:[:.](\d{1,5})\b|\((\d{1,5})\))`;
// (a honeypot's "SYN a:p -> b:q" names TCP by its flag)
const ARROW = new RegExp(String.raw`\b(tcp|udp|icmp|syn)\b[^\n]{0,40}?[\s(]${END}\s*-?>\s*${END}`, 'i');
/**
 * `2024-06-23 08:01:12 UTC 203.0.113.23:61022 -> 198.51.100.100:3389 TCP SYN`: the protocol after, or
 * the flag that says it (`… 203.0.113.12:51002 -> 192.0.2.10:8000 SYN`, a honeypot's).
 */
const ARROW_FIRST = new RegExp(
  String.raw`[\s(]\[?${ADDR}\]?[:.](\d{1,5})\s*->\s*\[?${ADDR}\]?[:.](\d{1,5})\s+(tcp|udp|icmp|syn)\b`,
  'i',
);
/** `deny tcp src 198.51.100.23 sport 44321 dst 192.0.2.5 dport 3389`. */
const KEYWORDS = new RegExp(
  String.raw`\b(tcp|udp|icmp)\s+src\s+${ADDR}\s+s(?:rc)?port\s+(\d{1,5})\s+dst\s+${ADDR}\s+d(?:st)?port\s+(\d{1,5})\b`,
  'i',
);
/**
 * `2024-05-14T03:12:55Z 203.0.113.77:51234 -> 192.0.2.10:37215 POST /ctrlt/DeviceUpgrade_1 HTTP/1.1`: a
 * honeypot's line of the two ends alone, right after its time; an HTTP request or a login says it is TCP.
 */
// (or to a port alone, the honeypot's own address left out: "203.0.113.90:49122 -> 10443 GET /remote/login")
const BARE = new RegExp(
  String.raw`^\s*(?:\S+\s+){0,2}?\[?${ADDR}\]?[:.](\d{1,5})\s*->\s*(?:\[?${ADDR}\]?[:.])?(\d{1,5})(?=\s|$)`,
);
// (a honeypot's "login [root/xc3511]", not "SNMP get session" or "SIP REGISTER login attempt")
// (a request's path alone, as a honeypot writes it: "-> x.x.x.x:81 GET /login.cgi")
// (a request quoted: '-> A.B.C.15:6443 "GET /api/v1/namespaces HTTP/1.1" 401'; a login with its
// credentials or a shell command, as a telnet honeypot writes them: "login root/xc3511 OK", 'cmd "enable"')
const OVER_TCP = new RegExp(
  String.raw`[\s"](?:GET|POST|HEAD|PUT|OPTIONS|DELETE|CONNECT) (?:\/\S*|\S+ HTTP\/\d)|\blogin (?:\[|[^\s/]+\/\S)|` +
    String.raw`\bcmd "|\b(?:ssh|telnet)\b`,
  'i',
);
/** `2024-04-26 22:14:09 -0500 198.51.100.19 51022 192.0.2.66 4899 TCP S`: ends and ports in columns. */
const COLUMNS = new RegExp(
  String.raw`^\s*(?:\S+\s+){0,2}?${ADDR}\s+(\d{1,5})\s+${ADDR}\s+(\d{1,5})\s+(tcp|udp|icmp)\b`,
  'i',
);
/** A daemon's words for the two ends: `conn from x.x.x.15 port 49210 to 192.0.2.80 port 8291`. */
// (the line's end: "moved sshd from 192.0.2.5 port 22 to 192.0.2.6 port 2222, no other change" is prose)
const FROM_TO = new RegExp(String.raw`\bfrom ${ADDR} port (\d{1,5}) to ${ADDR} port (\d{1,5})\s*$`, 'i');
const ACTION = /\b(deny|denied|drop|dropped|reject|rejected|block|blocked|accept|accepted|permit|permitted|pass)\b/i;
/**
 * A flow line a tool wrote with no time, as a post quotes a tap's excerpt: the TCP flags or the
 * protocol first, then the ends, and at most a few words after (`-S------ 198.51.100.4:3312 ->
 * 203.0.113.20:27374`, `UDP 192.0.2.7:5353 -> 203.0.113.9:5353`). Only a line that begins so: prose
 * that names a flow is no record.
 */
const TIMELESS = new RegExp(
  String.raw`^\s*(?:(tcp|udp|icmp|syn|[-UAPRSF]{8}|[SAFRPU.]{1,4})\s+)?` +
    String.raw`(?:(?:deny|drop|reject|block|permit|accept)\s+)?${END}\s*-?>\s*${END}` +
    // (a few fields after, not words: "... -> 10.0.0.5:80 is our port forward" is prose)
    String.raw`(?:\s+(tcp|udp|icmp)\b)?` +
    String.raw`(?:\s+(?:[^\sa-z(]\S*|(?:len|length|win|bytes|pkts?|packets|flags|ttl|id)\b\S*)){0,4}\s*$`,
  'i',
);

/**
 * A router's or firewall's filter line that no format of its own reads, when it names the
 * protocol and both ends with their ports in one of the two ways most devices write them (Allied
 * Telesis, NEC IX, many embedded firewalls): `DENY TCP 203.0.113.8:60211 -> 192.0.2.33:445`, `deny
 * tcp src 198.51.100.23 sport 44321 dst 192.0.2.5 dport 3389`. Only after a timestamp that leads
 * the line, so that prose naming a flow is not a record.
 */
export const genericFlow: LogFormat = {
  id: 'generic-flow',
  description: 'Filter log lines of protocol and ends (Allied Telesis, NEC IX and others)',
  sniff: (t) =>
    ((t.includes('->') || t.includes(' > ') || t.includes('dport')) && /\b(?:tcp|udp|icmp|syn)\b/i.test(t)) ||
    (t.includes('->') && (OVER_TCP.test(t) || TIMELESS.test(t) || /[:.]\d{1,5}\s*->\s*\S/.test(t))) ||
    /\d\s+(?:tcp|udp|icmp)\b/i.test(t) ||
    / port \d{1,5} to /.test(t),
  parse(text, time) {
    const ts = leadingTimestamp(text, time);
    if (!ts) return timeless(text);
    const after = ARROW_FIRST.exec(text);
    const arrow = after ? null : ARROW.exec(text);
    const keywords = after || arrow ? null : KEYWORDS.exec(text);
    const rest = text.slice(ts.end);
    const overTcp = OVER_TCP.test(rest);
    const bare = after || arrow || keywords ? null : bareEnds(rest, overTcp);
    const columns = after || arrow || keywords || bare ? null : COLUMNS.exec(rest);
    const fromTo = after || arrow || keywords || bare || columns ? null : FROM_TO.exec(rest);
    const m = after
      ? [after[0], after[5], after[1], after[2], after[3], after[4]]
      : arrow
        ? [arrow[0], arrow[1], arrow[2], arrow[3] ?? arrow[4], arrow[5], arrow[6] ?? arrow[7]]
        : bare
          ? [bare[0], overTcp ? 'tcp' : '', bare[1], bare[2], bare[3], bare[4]]
          : columns
            ? [columns[0], columns[5], columns[1], columns[2], columns[3], columns[4]]
            : fromTo
              ? [fromTo[0], '', fromTo[1], fromTo[2], fromTo[3], fromTo[4]]
              : keywords;
    if (!m) return null;
    const syn = /^syn$/i.test(m[1]!);
    // (a honeypot's "SYN-ACK a:p -> b:q" is the answer, not a probe)
    const synAck = syn && /\bsyn[-/]ack\b/i.test(text);
    const proto = syn ? 'tcp' : protoOf(m[1]);
    // (a bare line that does not say its protocol still names the port: "a:p -> b:6379 "CONFIG SET dir"")
    const ports = proto !== 'icmp';
    return event('generic-flow', text, {
      ts: ts.ts,
      tsText: ts.tsText,
      src: m[2]!,
      spt: ports ? port(m[3]) : null,
      dst: m[4] ?? null,
      dpt: ports ? port(m[5]) : null,
      proto,
      flags: synAck ? 'SA' : syn ? 'S' : null,
      flagsText: syn ? m[1]! : null,
      action: ACTION.exec(text)?.[1]?.toLowerCase() ?? null,
    });
  },
};

/**
 * The two ends alone after the time, where what follows says TCP (a request, a login) or is
 * nothing but the payload a honeypot quotes: `203.0.113.61:48820 -> 192.0.2.7:6379 "CONFIG SET dir"`.
 */
function bareEnds(rest: string, overTcp: boolean): RegExpExecArray | null {
  const m = BARE.exec(rest);
  // (not the post's own masked host reaching out, a honeypot fetching the attacker's file: "A.B.C.15:41822 ->
  // 203.0.113.9:8000 "GET /bins.sh HTTP/1.0" 200"; nor a question in a chat: "... -> 192.0.2.15:8291 telnet banner?")
  if (!m || (maskedV4(m[1]!) && m[3] !== undefined && !maskedV4(m[3])) || rest.trimEnd().endsWith('?')) return null;
  if (overTcp) return m;
  // (a client's high port to a service's, not an answer: "192.0.2.53:53 -> 203.0.113.61:48820")
  const client = Number(m[2]) > Number(m[4]);
  return client && /^\s*(?:"[^"\n]*"?|'[^'\n]*'?)?\s*$/.test(rest.slice(m.index + m[0].length)) ? m : null;
}

function timeless(text: string) {
  const m = TIMELESS.exec(text);
  if (!m || (!m[1] && !m[8])) return null;
  const lead = m[1] ?? '';
  // IMS-style flags ("-S------", "-A--S---") and a flag word in capitals ("S", "SA", "RA") say TCP;
  // a word that only looks like one ("As ... shows") is prose
  const flags = /^(?:[-UAPRSF]{8}|[SAFRPU.]{1,4})$/.test(lead)
    ? lead.replace(/[-.]/g, '')
    : /^syn$/i.test(lead)
      ? 'S'
      : null;
  if (lead && flags === null && !/^(?:tcp|udp|icmp)$/i.test(lead)) return null;
  const proto = m[8] ? protoOf(m[8]) : flags ? 'tcp' : protoOf(lead);
  const ports = proto === 'tcp' || proto === 'udp';
  return event('generic-flow', text, {
    ts: null,
    tsText: null,
    src: m[2]!,
    spt: ports ? port(m[3] ?? m[4]) : null,
    dst: m[5]!,
    dpt: ports ? port(m[6] ?? m[7]) : null,
    proto,
    flags: proto === 'tcp' ? flags : null,
    flagsText: flags === null ? null : lead,
    action: ACTION.exec(text)?.[1]?.toLowerCase() ?? null,
  });
}
