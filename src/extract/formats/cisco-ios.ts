import { event, leadingTimestamp, port, protoOf, type LogFormat } from './common.ts';

/**
 * The message tag: IPv4 (`%SEC-6-IPACCESSLOGP`, `…LOGDP`, `…LOGNP`, `…LOGS`; IOS XE's forwarding
 * plane as `%FMANFP-6-IPACCESSLOGP`) or IPv6 (`%IPV6_ACL-6-ACCESSLOGP`, older IOS `%IPV6-6-ACCESSLOGP`).
 */
const TAG = /%(?:(?:SEC|FMANFP)-\d-IPACCESSLOG(?:P|DP|NP|S|RP)|IPV6(?:_ACL)?-\d-ACCESSLOG(?:P|DP|NP|S)?):\s*/;
/** An address as written, masked ones too (`103.x.x.12`), then its port in brackets, masked too (`(xxxxx)`). */
const ADDR = /^([0-9A-Za-z.:*]+)(?:\(([\dx*]{1,5})\))?$/;
/**
 * A BGP session's TCP MD5 check failing, as probes of tcp/179 show up on a router:
 * `%TCP-6-BADAUTH: No MD5 digest from 198.51.100.61(50312) to 192.0.2.1(179) (RST) tableid - 0`.
 */
const BADAUTH = new RegExp(
  String.raw`%(?:IP-)?TCP-\d-BADAUTH:\s*(?:No|Invalid) MD5 digest ` +
    String.raw`from ([0-9A-Fa-f.:]+)\((\d{1,5})\) to ([0-9A-Fa-f.:]+)\((\d{1,5})\)`,
);
/** What ends the record: the packets the line stands for (`, 1 packet`). */
const PACKETS = /,? (\d+) packets?\b/;

/**
 * The fields of `list 110 denied udp 103.x.x.12(41872) -> 203.0.113.5(161), 1 packet`, read a
 * piece at a time (one pattern over the whole of it backtracks between the optional parts): the
 * source may be followed by its interface and MAC (`(GigabitEthernet0/0 0050.56a3.1b2c)`), ICMP by
 * its type and code (`(8/0)`), and a standard list names the source alone (`list 10 denied 192.0.2.1
 * 3 packets`).
 */
function fields(body: string) {
  const at = body.indexOf('list ');
  if (at < 0) return null;
  const [, , action, ...rest] = body.slice(at).split(' ');
  if (action !== 'permitted' && action !== 'denied') return null;
  let text = rest.join(' ');
  const packets = PACKETS.exec(text);
  if (!packets) return null;
  text = text
    .slice(0, packets.index)
    .replace(/ \([A-Za-z][^()]*\)/g, '')
    .replace(/ \(\d{1,3}\/\d{1,3}\)$/, '');
  const [from, to, ...more] = text.split(' -> ');
  if (more.length) return null;
  const left = from!.split(' ');
  if (left.length > 2) return null;
  const src = ADDR.exec(left.at(-1)!);
  const dst = to === undefined ? null : ADDR.exec(to);
  if (!src || dst === undefined || (to !== undefined && !dst)) return null;
  return { action, proto: left.length === 2 ? left[0]! : null, src, dst };
}

/**
 * Cisco IOS and IOS XE access-list logging (`access-list 110 deny udp any any log`): the line a
 * router writes for each flow it logs, through syslog or in the router's own buffer
 * (`*Nov 21 03:12:44.123: %SEC-6-…`, `000123: Nov 21 …`); and its BGP MD5 failures.
 */
export const ciscoIos: LogFormat = {
  id: 'cisco-ios',
  description: 'Cisco IOS access-list log (%SEC-6-IPACCESSLOGP) and BGP MD5 failures (%TCP-6-BADAUTH)',
  sniff: (t) => (t.includes('ACCESSLOG') && /%(?:SEC|FMANFP|IPV6)/.test(t)) || t.includes('-BADAUTH:'),
  parse(text, time) {
    const bad = BADAUTH.exec(text);
    if (bad) {
      const ts = leadingTimestamp(text.slice(0, bad.index).replace(/^\s*(?:\d+:\s*)?[*.]?/, ''), time);
      return event('cisco-ios', text, {
        ts: ts?.ts ?? null,
        tsText: ts?.tsText ?? null,
        src: bad[1]!,
        spt: port(bad[2]),
        dst: bad[3]!,
        // (the peer's segment from its BGP port to our own ephemeral one, where we connect, is no probe of it)
        dpt: bad[2] === '179' && bad[4] !== '179' ? null : port(bad[4]),
        proto: 'tcp',
        flags: null,
        flagsText: null,
        action: 'badauth',
      });
    }
    const tag = TAG.exec(text);
    if (!tag) return null;
    // IOS XE names its forwarding process first ("SIP0: fman_fp_image: list ..."); a mailer may double a space.
    const f = fields(text.slice(tag.index + tag[0].length).replace(/\s+/g, ' '));
    if (!f) return null;
    const proto = protoOf(f.proto);
    const ports = proto === 'tcp' || proto === 'udp';
    // The router's buffer puts a sequence number, "*" (clock not set) or "." (not synced) first.
    const head = text.slice(0, tag.index).replace(/^\s*(?:\d+:\s*)?[*.]?/, '');
    const ts = leadingTimestamp(head, time);
    return event('cisco-ios', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src: f.src[1]!,
      spt: ports ? port(f.src[2]) : null,
      dst: f.dst?.[1] ?? null,
      dpt: ports ? port(f.dst?.[2]) : null,
      proto,
      flags: null,
      flagsText: null,
      action: f.action,
    });
  },
};
