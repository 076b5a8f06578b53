import { event, flagsFromWords, leadingTimestamp, port, protoOf, toIso, wallOf, type LogFormat } from './common.ts';

/**
 * What PortSentry's scan types say of the packet's TCP flags: "TCP SYN/Normal scan" (older
 * versions: "SYN/Normal scan"), FIN, XMAS, NULL, and "Unknown Type: TCP Packet Flags: SYN: 1 FIN:
 * 0 ...". A connect or a UDP scan says nothing of them.
 */
function scanTypeFlags(type: string): string | null {
  if (/SYN\/Normal scan/.test(type)) return 'S';
  if (/FIN scan/.test(type)) return 'F';
  if (/XMAS scan/.test(type)) return flagsFromWords('FIN PSH URG');
  if (/NULL scan/.test(type)) return '';
  if (!type.startsWith('Unknown Type')) return null;
  return flagsFromWords([...type.matchAll(/\b(SYN|FIN|ACK|PSH|URG|RST): 1\b/g)].map((x) => x[1]).join(' '));
}

const HISTORY = new RegExp(
  String.raw`(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) ` +
    String.raw`Host: (?:[^\s/]*\/)?(\S+) Port: (\d{1,5}) (TCP|UDP) (\w+)`,
);
const ALERT = new RegExp(
  String.raw`attackalert: ([A-Za-z][\w/:, ]{0,100}?) ` +
    String.raw`from host: (?:[^\s/]*\/)?([\da-fA-F.:]+) to (TCP|UDP) port: (\d{1,5})`,
);
const SCAN_V2 = new RegExp(
  String.raw`Scan from: \[([\da-fA-F.:]{2,39})\] \([^)\s]{0,255}\) ` +
    String.raw`protocol: \[(TCP|UDP)\] port: \[(\d{1,5})\] type: \[([^\]]*)\]`,
);

/**
 * PortSentry, in the three shapes it writes: its history file (`EPOCH - MM/DD/YYYY HH:MM:SS Host:
 * name/addr Port: N TCP Blocked`), its syslog alerts (`attackalert: TCP SYN/Normal scan from host:
 * name/addr to TCP port: N`), and version 2's scan log (`Scan from: [addr] (name) protocol: [TCP]
 * port: [N] type: [...]`).
 */
export const portsentry: LogFormat = {
  id: 'portsentry',
  description: 'PortSentry',
  sniff: (t) =>
    (t.includes('Host:') && t.includes('Port:')) || t.includes('attackalert:') || t.includes('Scan from: ['),
  parse(text, time) {
    const m = HISTORY.exec(text);
    if (m) {
      return event('portsentry', text, {
        ts: toIso(wallOf([m[3], m[1], m[2], m[4], m[5], m[6]], '', null), time),
        tsText: `${m[1]}/${m[2]}/${m[3]} ${m[4]}:${m[5]}:${m[6]}`,
        src: m[7]!,
        spt: null,
        dst: null,
        dpt: port(m[8]),
        proto: protoOf(m[9]),
        flags: null,
        flagsText: null,
        action: m[10]!,
      });
    }
    const alert = ALERT.exec(text);
    const v2 = alert ? null : SCAN_V2.exec(text);
    if (!alert && !v2) return null;
    const [src, proto, dpt, type] = alert
      ? [alert[2]!, alert[3]!, alert[4]!, alert[1]!]
      : [v2![1]!, v2![2]!, v2![3]!, v2![4]!];
    const ts = leadingTimestamp(text, time);
    return event('portsentry', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src,
      spt: null,
      dst: null,
      dpt: port(dpt),
      proto: protoOf(proto),
      flags: proto === 'TCP' ? scanTypeFlags(type) : null,
      flagsText: type,
      action: null,
    });
  },
};

/** ipchains (Linux 2.2): `Packet log: input REJECT eth0 PROTO=6 src:spt dst:dpt ... SYN (#8)`. */
export const ipchains: LogFormat = {
  id: 'ipchains',
  description: 'Linux ipchains packet log',
  sniff: (t) => t.includes('Packet log:'),
  parse(text, time) {
    const m = /Packet log:\s+\S+\s+(\S+)\s+\S+\s+PROTO=(\d+)\s+(\S+?):(\d{1,5})\s+(\S+?):(\d{1,5})/.exec(text);
    if (!m) return null;
    const proto = protoOf(m[2]);
    const ts = leadingTimestamp(text, time);
    const syn = proto === 'tcp' && /\sSYN\s/.test(text);
    return event('ipchains', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src: m[3]!,
      spt: proto === 'icmp' ? null : port(m[4]),
      dst: m[5]!,
      dpt: proto === 'icmp' ? null : port(m[6]),
      proto,
      flags: proto === 'tcp' ? (syn ? 'S' : '') : null,
      flagsText: syn ? 'SYN' : null,
      action: m[1]!,
    });
  },
};

/**
 * ZoneAlarm's log (the 2000s' home firewall, as DShield users pasted it):
 * `FWIN,2003/08/11,16:22:09 -5:00 GMT,203.0.113.67:4121,192.0.2.23:135,TCP (flags:S)`.
 */
const ZONEALARM = new RegExp(
  String.raw`^\s*(FWIN|FWOUT|PE|ACCESS),(\d{4})\/(\d{2})\/(\d{2}),(\d{2}):(\d{2}):(\d{2}) ` +
    String.raw`([+-])(\d{1,2}):(\d{2}) GMT,([\d.]+):(\d{1,5}),([\d.]+):(\d{1,5}),(TCP|UDP)(?: \(flags:([A-Z]+)\))?`,
);

export const zonealarm: LogFormat = {
  id: 'zonealarm',
  description: 'ZoneAlarm firewall log',
  sniff: (t) => t.includes(' GMT,') && /^\s*(?:FWIN|FWOUT|PE|ACCESS),/.test(t),
  parse(text) {
    const m = ZONEALARM.exec(text);
    if (!m) return null;
    const offset = `${m[8]}${m[9]!.padStart(2, '0')}:${m[10]}`;
    const t = Date.parse(`${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}${offset}`);
    const proto = protoOf(m[15]!.toLowerCase());
    return event('zonealarm', text, {
      ts: Number.isNaN(t) ? null : new Date(t).toISOString().replace('.000Z', 'Z'),
      tsText: `${m[2]}/${m[3]}/${m[4]},${m[5]}:${m[6]}:${m[7]} ${m[8]}${m[9]}:${m[10]} GMT`,
      src: m[11]!,
      spt: port(m[12]),
      dst: m[13]!,
      dpt: port(m[14]),
      proto,
      flags: proto === 'tcp' ? (m[16] ?? null) : null,
      flagsText: m[16] ?? null,
      action: m[1] === 'FWIN' || m[1] === 'FWOUT' ? 'block' : null,
    });
  },
};

/** scanlogd: a scan summary, `SRC to DST ports 80, 81, ..., FLAGS, TOS 00, TTL 49 @time`. */
export const scanlogd: LogFormat = {
  id: 'scanlogd',
  description: 'scanlogd scan summaries',
  sniff: (t) => t.includes('scanlogd:'),
  parse(text, time) {
    // "SRC[:port] to DST ports LIST, FLAGS, TOS xx, TTL yy @time": cut at the fixed words.
    const body = text.slice(text.indexOf('scanlogd:') + 9).trim();
    const to = body.indexOf(' to ');
    const portsAt = body.indexOf(' ports ', to);
    const tos = body.lastIndexOf(', TOS ');
    if (to < 0 || portsAt < 0 || tos < 0) return null;
    const list = body.slice(portsAt + 7, tos);
    const cut = list.lastIndexOf(', ');
    if (cut < 0 || !/^[A-Za-z?]{8}$/.test(list.slice(cut + 2))) return null;
    const m = [
      '',
      body.slice(0, to).replace(/:\d+$/, ''),
      body.slice(to + 4, portsAt),
      list.slice(0, cut),
      list.slice(cut + 2),
    ];
    const ts = leadingTimestamp(text, time);
    const ports = m[3]!.split(/,\s*/).filter((x) => /^\d+$/.test(x));
    return {
      ...event('scanlogd', text, {
        ts: ts?.ts ?? null,
        tsText: ts?.tsText ?? null,
        src: m[1]!,
        spt: null,
        dst: m[2]!,
        dpt: ports.length === 1 ? port(ports[0]) : null,
        proto: null,
        flags: null,
        flagsText: m[4]!,
        action: null,
      }),
      dptText: m[3]!,
    };
  },
};
