import {
  event,
  flagsFromWords,
  leadingTimestamp,
  port,
  protoOf,
  SYSLOG_TS,
  syslogWall,
  toIso,
  type LogFormat,
} from './common.ts';

const TAG = /%(ASA|PIX|FWSM|FTD)-\d-\d{6}:/;
/** `IFACE:ADDR/PORT` (106010, 106014, 106023) with the interface optional (106001, 106006, 106015). */
const ADDR = String.raw`(?:[\w.-]+:)?([0-9A-Za-z.:]+?)(?:/(\d{1,5}))?`;
const SRC_DST = new RegExp(String.raw`\bsrc\s+${ADDR}\s+dst\s+${ADDR}(?=[\s(]|$)`);
const FROM_TO = new RegExp(String.raw`\bfrom\s+${ADDR}\s+to\s+${ADDR}(?=[\s(,]|$)`);
/**
 * 302013/302015, a connection built: `Built inbound TCP connection 41882201 for outside:203.0.113.77/48212
 * (203.0.113.77/48212) to inside:192.0.2.30/22 (192.0.2.30/22)`. Inbound, the `for` end opened it;
 * outbound, the `to` end did.
 */
const BUILT = new RegExp(
  String.raw`\bBuilt (inbound|outbound) (?:TCP|UDP) connection \d+ for ${ADDR}(?: \([^)]*\))? to ${ADDR}(?=[\s(]|$)`,
);
/** 106100: `inside/172.29.2.101(1039) -> outside/192.168.2.10(53)`. */
const ARROW = /(?<![\w.-])[\w.-]+\/([0-9A-Za-z.:]+)\((\d{1,5})\)\s*->\s*[\w.-]+\/([0-9A-Za-z.:]+)\((\d{1,5})\)/;

/**
 * FTD's connection and intrusion events (430001-430005), written as "Key: value" pairs:
 * `Protocol: TCP, SrcIP: 45.141.87.13, OriginalClientIP: ::, DstIP: 198.51.100.x, SrcPort: 38814,
 * DstPort: 8088, ...`.
 */
function connectionFields(msg: string) {
  const field = (k: string) => new RegExp(String.raw`(?:^|[\s,])${k}: ([^,\s]+)`).exec(msg)?.[1];
  const src = field('SrcIP');
  const dst = field('DstIP');
  if (!src || !dst) return null;
  return { src, dst, spt: field('SrcPort'), dpt: field('DstPort'), proto: field('Protocol') };
}

/**
 * Cisco ASA / PIX / FWSM deny and access-list messages (106001, 106006, 106010, 106014, 106015,
 * 106023, 106100, 710003...), and Firepower Threat Defense's, which carry the same ids as %FTD-,
 * and its connection events.
 */
export const ciscoAsa: LogFormat = {
  id: 'cisco-asa',
  description: 'Cisco ASA / PIX / FWSM / FTD access denials',
  sniff: (t) => t.includes('%ASA-') || t.includes('%PIX-') || t.includes('%FWSM-') || t.includes('%FTD-'),
  parse(text, time) {
    const tag = TAG.exec(text);
    if (!tag) return null;
    const msg = text.slice(tag.index + tag[0].length);
    const m = SRC_DST.exec(msg) ?? FROM_TO.exec(msg);
    let src: string, dst: string, spt: string | undefined, dpt: string | undefined;
    const built = m ? null : BUILT.exec(msg);
    const a = m || built ? null : ARROW.exec(msg);
    const fields = m || built || a ? null : connectionFields(msg);
    if (m) [src, spt, dst, dpt] = [m[1]!, m[2], m[3]!, m[4]];
    else if (built && built[1] === 'inbound') [src, spt, dst, dpt] = [built[2]!, built[3], built[4]!, built[5]];
    else if (built) [src, spt, dst, dpt] = [built[4]!, built[5], built[2]!, built[3]];
    else if (a) [src, spt, dst, dpt] = [a[1]!, a[2], a[3]!, a[4]];
    else if (fields) ({ src, spt, dst, dpt } = fields);
    else return null;
    const proto = protoOf(fields?.proto ?? /\b(tcp|udp|icmp)\b/i.exec(msg)?.[1]);
    const head = text.slice(0, tag.index);
    const sys = SYSLOG_TS.exec(head);
    const wall = sys ? syslogWall(sys) : null;
    // A relay's ISO 8601 time (RFC 5424) where the device's own is not there.
    const lead = wall ? null : leadingTimestamp(head, time);
    const flagsText = /\bflags\s+((?:(?:SYN|ACK|FIN|RST|PSH|URG|ECE|CWR)\s*)+)/i.exec(msg)?.[1]?.trim() ?? null;
    const action = /\b(Deny|Denied|denied|deny|permitted|Permitted|discarded|Dropping)\b/.exec(msg)?.[1] ?? null;
    return event('cisco-asa', text, {
      ts: wall ? toIso(wall, time) : (lead?.ts ?? null),
      tsText: wall ? sys![0] : (lead?.tsText ?? null),
      src,
      spt: proto === 'icmp' ? null : port(spt),
      dst,
      dpt: proto === 'icmp' ? null : port(dpt),
      proto,
      flags: flagsText === null ? null : flagsFromWords(flagsText),
      flagsText,
      action,
    });
  },
};
