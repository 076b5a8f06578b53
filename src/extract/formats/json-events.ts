import {
  addressLike,
  csvFields,
  epochIso,
  event,
  flagsFromLetters,
  hostPort,
  ISO_TS,
  isoWall,
  isIpAddress,
  maskedV4,
  leadingTimestamp,
  jsonRecord,
  jsonText,
  port,
  protoOf,
  toIso,
  type LogFormat,
  type TimeContext,
} from './common.ts';
import type { Proto } from '../../model.ts';

/**
 * The keys the common tools give each field, in the order they are tried; dotted keys are nested
 * (ECS, Google Cloud's VPC flow logs).
 */
const KEYS = {
  src: [
    'src_ip',
    'src_host',
    'source_ip',
    'srcip',
    'src_addr',
    'saddr',
    'source.ip',
    'src',
    'source_address',
    'jsonPayload.connection.src_ip',
    // a server's own logs of who came in (cPanel's cPHulk, web and mail daemons)
    'remote_ip_address',
    'remote_ip',
    'remote_addr',
    // DShield's and many SIEMs' exports name the ends source and target
    'source',
    'source_addr',
  ],
  dst: [
    'dst_ip',
    'dest_ip',
    'dst_host',
    'destination_ip',
    'dstip',
    'dst_addr',
    'daddr',
    'destination.ip',
    'dst',
    'destination_address',
    'jsonPayload.connection.dest_ip',
    'target',
    'target_ip',
  ],
  spt: [
    'src_port',
    'source_port',
    'srcport',
    'sport',
    'source.port',
    'spt',
    'jsonPayload.connection.src_port',
    'remote_port',
    'client_port',
  ],
  dpt: [
    'dst_port',
    'dest_port',
    'destination_port',
    'dstport',
    'dport',
    'destination.port',
    'dpt',
    'jsonPayload.connection.dest_port',
    'local_port',
    'server_port',
    'target_port',
    'targetport',
    // DShield's own reports: "date,time,submitter,source,sport,target,tport,proto,flags"
    'tport',
  ],
  proto: [
    'transport',
    'proto',
    'protocol',
    'ip_proto',
    'network.transport',
    'jsonPayload.connection.protocol',
    // T-Pot's Dionaea events
    'connection.transport',
  ],
  time: ['timestamp', '@timestamp', 'utc_time', 'time', 'ts'],
} as const;

/** Honeypots name the service, not the transport: these run over TCP. */
const TCP_SERVICES = new Set([
  'ssh',
  'telnet',
  'http',
  'https',
  'ftp',
  'smb',
  'rdp',
  'mysql',
  'mssql',
  'redis',
  'vnc',
  'smtp',
  'pop3',
  'imap',
]);

/** A key's value, or a dotted key's through the objects it names (ECS's, GCP flow logs' jsonPayload). */
function lookup(o: Record<string, unknown>, key: string): unknown {
  if (key in o) return o[key];
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  const inner = o[key.slice(0, dot)];
  return typeof inner === 'object' && inner !== null
    ? lookup(inner as Record<string, unknown>, key.slice(dot + 1))
    : undefined;
}

function first(o: Record<string, unknown>, keys: readonly string[]): { key: string; value: string } | null {
  for (const key of keys) {
    const value = jsonText(lookup(o, key));
    if (value !== undefined && value !== '') return { key, value };
  }
  return null;
}

function transport(name: string | undefined): Proto | null {
  if (!name) return null;
  return protoOf(name) ?? (TCP_SERVICES.has(name.toLowerCase()) ? 'tcp' : null);
}

function timeOf(t: { key: string; value: string } | null, time: TimeContext): string | null {
  if (!t) return null;
  if (/^\d{9,13}(\.\d+)?$/.test(t.value))
    return epochIso(Number(t.value) > 1e11 ? String(Number(t.value) / 1000) : t.value);
  const iso = ISO_TS.exec(t.value);
  if (!iso || iso.index !== 0) return null;
  const wall = isoWall(iso);
  // OpenCanary's utc_time carries no offset, and is UTC.
  return toIso(t.key === 'utc_time' && wall.offset === null ? { ...wall, offset: 'Z' } : wall, time);
}

/**
 * JSON event logs that name a connection's source and destination in keys of their own: Cowrie
 * and OpenCanary honeypots, T-Pot's and other Elastic Common Schema exports (`source.ip`,
 * `destination.port`), Google Cloud VPC flow logs (`jsonPayload.connection.dest_port`). A record
 * counts when it has both addresses and the destination port; Suricata's eve.json and Zeek's JSON
 * logs have modules of their own, tried first. A honeypot's export that leaves its own address out
 * counts with both ports.
 */
export const jsonEvents: LogFormat = {
  id: 'json-events',
  description: 'JSON event logs (Cowrie, OpenCanary, ECS)',
  sniff: (t) => t.includes('{') && /(?:src|source)/.test(t) && (/(?:dst|dest)/.test(t) || t.includes('"cowrie.')),
  parse(text, time) {
    const o = jsonRecord(text);
    if (!o) return null;
    const dst = first(o, KEYS.dst)?.value;
    // Both ends must be addresses: a JSON line of other keys is not a connection. (A honeypot's export may
    // leave its own address out, and name both ports: `{"src_ip":…,"src_port":52210,"dst_port":6379}`.)
    const cowrie = typeof o.eventid === 'string' && o.eventid.startsWith('cowrie.');
    if (dst ? isIpAddress(dst) : !cowrie && first(o, KEYS.spt) !== null && first(o, KEYS.dpt) !== null)
      return connection('json-events', text, o, time, isIpAddress);
    return honeypotSession(text, o, time);
  },
};

/**
 * A Cowrie event after the connect (a login tried, a command run) names only the attacker and
 * the session: a record of the attack all the same, over Cowrie's SSH or telnet, its port unknown
 * unless the line was written with one (a sensor's export adds `dst_port` to every event).
 */
function honeypotSession(text: string, o: Record<string, unknown>, time: TimeContext) {
  const src = first(o, KEYS.src)?.value;
  if (typeof o.eventid !== 'string' || !o.eventid.startsWith('cowrie.') || !src || !isIpAddress(src)) return null;
  const t = first(o, KEYS.time);
  return event('json-events', text, {
    ts: timeOf(t, time),
    tsText: t?.value ?? null,
    src,
    spt: port(first(o, KEYS.spt)?.value),
    dst: null,
    dpt: cowriePort(port(first(o, KEYS.dpt)?.value)),
    proto: 'tcp',
    flags: null,
    flagsText: null,
    action: null,
  });
}

/**
 * Cowrie listens on 2222 and 2223, where a firewall redirects SSH and telnet: the port the attacker
 * came to is 22 or 23.
 */
function cowriePort(p: number | null): number | null {
  return p === 2222 ? 22 : p === 2223 ? 23 : p;
}

/**
 * OpenCanary names no transport; its `logtype` names the service, and with it the transport: TFTP
 * (10001), NTP (11001), SNMP (13001), SIP (15001) and LLMNR (19001) are UDP, the other services from
 * FTP (2000) on are TCP, and the 1000s are the daemon's own messages (opencanary/logger.py).
 */
const OPENCANARY_UDP = new Set([10001, 11001, 13001, 15001, 19001]);

function openCanaryProto(o: Record<string, unknown>): Proto | null {
  const t = o.logtype;
  if (typeof t !== 'number' || typeof o.node_id !== 'string' || t < 2000 || t >= 20000) return null;
  return OPENCANARY_UDP.has(Math.floor(t / 1000) * 1000 + 1) ? 'udp' : 'tcp';
}

/** The connection a record of named fields (a JSON object, a CSV row by its header) describes, or null. */
function connection(
  format: string,
  text: string,
  o: Record<string, unknown>,
  time: TimeContext,
  isAddress: (s: string) => boolean,
) {
  const src = first(o, KEYS.src)?.value;
  const dst = first(o, KEYS.dst)?.value;
  const dpt = port(first(o, KEYS.dpt)?.value);
  if (!src || dpt === null || !isAddress(src) || (dst && !isAddress(dst))) return null;
  const letters = first(o, ['tcp_flags', 'flags', 'tcpflags'])?.value;
  const flagsText = letters && /^[FSRPAUEC.]{1,9}$/i.test(letters) ? letters : null;
  const t = first(o, KEYS.time);
  return event(format, text, {
    ts: timeOf(t, time),
    tsText: t?.value ?? null,
    src,
    spt: port(first(o, KEYS.spt)?.value),
    dst: dst ?? null,
    dpt,
    proto: transport(first(o, KEYS.proto)?.value) ?? openCanaryProto(o),
    // (a flow tool's TCP flags in letters, "PA", "FPA": what tells an answer from a probe)
    flags: flagsText ? flagsFromLetters(flagsText) : null,
    flagsText,
    action: null,
  });
}

/**
 * ZMap's CSV (`saddr,sport,dport,classification,success`) is of the replies it got: saddr and sport
 * are the host it scanned and the port that answered, daddr and dport the scanner's own.
 */
function zmapReply(text: string, o: Record<string, string>, time: TimeContext) {
  const dst = o.saddr;
  const dpt = port(o.sport);
  if (!dst || dpt === null || !addressLike(dst) || (o.daddr && !addressLike(o.daddr))) return null;
  const c = o.classification?.toLowerCase() ?? '';
  return event('csv-events', text, {
    ts: timeOf(first(o, KEYS.time), time),
    tsText: first(o, KEYS.time)?.value ?? null,
    src: o.daddr || null,
    spt: port(o.dport),
    dst,
    // (a reply that failed, an "rst", says the port is closed: no port anything reached)
    dpt: o.success === '0' ? null : dpt,
    // "synack" and "rst" answer a TCP probe; "udp" a UDP one
    proto: /^(?:synack|rst)/.test(c) ? 'tcp' : c.startsWith('udp') ? 'udp' : null,
    flags: null,
    flagsText: null,
    action: o.success === '1' ? c : null,
  });
}

/** A header's column name as the keys above write it: "Dst Port" and "dst-port" are dst_port. */
const columnName = (c: string) =>
  c
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * CSV exports with a header row that names a connection's source address and destination port
 * (a honeypot's or a flow tool's per-connection records, a SIEM export), read by the same column
 * names as the JSON logs. Addresses may be masked, and a darknet's empty destination is none.
 * Shadowserver's reports, whose header this also reads, are tried first by their own module.
 */
export const csvEvents: LogFormat = {
  id: 'csv-events',
  description: 'CSV connection records with a header row',
  // A row of values joined by bare commas, with an address among them: prose puts a blank after
  // its commas, and a line that may start a record is tried with the lines after it too.
  sniff: (t) => /,[^,]*,/.test(t) && !t.includes(', ') && /\d\.\d|\w\.\w\.\w|[\da-f]:[\da-f]*:/i.test(t),
  header: (line) => {
    // Splitting every line of a post only to find no header there was most of this format's cost.
    if (!line.includes(',') || !/port|dpt/i.test(line) || !/src|source|saddr/i.test(line)) return null;
    const cols = csvFields(line.trim())?.map(columnName);
    if (!cols || cols.length < 3 || cols.some((c) => !/^[a-z@][\w.@]*$/.test(c))) return null;
    const has = (keys: readonly string[]) => cols.some((c) => keys.includes(c));
    return has(KEYS.src) && has(KEYS.dpt) ? cols : null;
  },
  parse(text, time, columns) {
    if (!columns) return null;
    const f = csvFields(text.trim());
    if (!f || f.length !== columns.length) return null;
    const o: Record<string, string> = {};
    columns.forEach((c, i) => (o[c] = f[i]!.trim()));
    return columns.includes('classification') && columns.includes('saddr')
      ? zmapReply(text, o, time)
      : connection('csv-events', text, o, time, addressLike);
  },
};

/** A whitespace-aligned header: names alone, among them a source address's and a destination port's. */
function columnsHeader(line: string): string[] | null {
  if (!/port|dpt/i.test(line) || !/src|source|saddr/i.test(line)) return null;
  const cols = line.trim().split(/\s+/).map(columnName);
  if (cols.length < 3 || cols.some((c) => !/^[a-z][\w.]*$/.test(c))) return null;
  const has = (keys: readonly string[]) => cols.some((c) => keys.includes(c));
  // (a summary's "src  dst_port  flows" is a table of ports for the table reader, not of connections)
  return has(KEYS.src) && has(KEYS.dpt) && (has(KEYS.dst) || has(KEYS.proto)) ? cols : null;
}

/**
 * A flow tool's table printed in columns under a header line of their names, as pmacct's print
 * plugin and `pmacct -s` write it (`SRC_IP  DST_IP  SRC_PORT  DST_PORT  PROTOCOL  PACKETS  BYTES`):
 * each row is a connection when the header names its source address and destination port.
 */
export const columnEvents: LogFormat = {
  id: 'column-events',
  description: 'Connection records in columns under a header line (pmacct)',
  // A row of values: an address among three fields or more, and no word (each line that may start a
  // record is tried with the lines after it, so a sniff that takes prose costs every post)
  sniff: (t) =>
    /\d\.\d{1,3}\.|[\da-f]:[\da-f]*:|[xX]\.[xX]/.test(t) && !/[A-Za-z]{5}/.test(t) && /\S\s+\S+\s+\S/.test(t),
  header: columnsHeader,
  parse(text, time, columns) {
    if (!columns) return null;
    const f = text.trim().split(/\s+/);
    if (f.length !== columns.length) return null;
    const o: Record<string, string> = {};
    columns.forEach((c, i) => (o[c] = f[i]!));
    return connection('column-events', text, o, time, addressLike);
  },
};

/**
 * One `key=value` pair: `Src=198.51.100.14`, `srcip="192.0.2.1"`, cPHulk's `[Remote IP Address]=[198.51.100.81]`.
 * A key may hold blanks only in brackets.
 */
const PAIR =
  /(?:^|[\s,;])(?:\[([A-Za-z][\w .-]{0,40})\]|([A-Za-z][\w.-]{0,40}))=(?:\[([^\]]*)\]|"([^"]*)"|([^\s,;\]]*))/g;

/**
 * A log line of `key=value` pairs that no format of its own reads (a server's or an appliance's own
 * logs: Windows event one-liners, cPanel's cPHulk, Sophos UTM), read by the keys the JSON logs use:
 * a record when it names a source address among three pairs or more (two after a time: the two ends).
 * Tried last of the key=value formats, after netfilter, FortiGate, NetScreen and the others that have
 * a module of their own.
 */
export const keyValueEvents: LogFormat = {
  id: 'key-value-events',
  description: 'key=value log lines naming a source address',
  // (netfilter's KEY=value lines are netfilter's, whole or cut: never read as another record)
  sniff: (t) => t.includes('=') && /src|source|remote|client/i.test(t) && !NETFILTER_KEYS.test(t),
  parse(text, time) {
    const o: Record<string, string> = {};
    let pairs = 0;
    for (const m of text.matchAll(PAIR)) {
      const key = columnName(m[1] ?? m[2]!);
      pairs++;
      o[key] ??= (m[3] ?? m[4] ?? m[5]!).trim();
    }
    // (an end with its port: "src=198.51.100.4:52144 dst=192.0.2.10:23")
    const s = hostPort(first(o, KEYS.src)?.value ?? '');
    const d = hostPort(first(o, KEYS.dst)?.value ?? '');
    // (the destination may be masked, as posts mask their own: "dst=A.B.C.15:5555", not a name: "dst=www.ntt.co.jp")
    if (pairs < 2 || !isIpAddress(s.addr) || (d.addr && !isIpAddress(d.addr) && !maskedV4(d.addr))) return null;
    const t = first(o, KEYS.time);
    // (the line's own time when no key gives one; cPHulk's in brackets)
    const lead = t ? null : leadingTimestamp(text.replace(/^\s*\[/, ''), time);
    // A log line has a time or a daemon's name: mail headers' "client-ip=...; envelope-from=..." have neither.
    if (!t && !lead && !DAEMON.test(text)) return null;
    // Two pairs make a record only after its time, and only the two ends: a honeypot's "2024-03-18T08:01:13Z
    // adbhoney connect src=203.0.113.91:40122 dst=192.0.2.50:5555", "... src=198.51.100.33 dport=2375".
    if (pairs === 2 && !(lead && (first(o, KEYS.dst) || first(o, KEYS.dpt)))) return null;
    return event('key-value-events', text, {
      ts: t ? timeOf(t, time) : (lead?.ts ?? null),
      tsText: t?.value ?? lead?.tsText ?? null,
      src: s.addr,
      spt: port(first(o, KEYS.spt)?.value) ?? s.port,
      dst: d.addr || null,
      dpt: port(first(o, KEYS.dpt)?.value) ?? d.port,
      // (a login is over TCP: cPHulk names the daemon, not the transport)
      proto: transport(first(o, KEYS.proto)?.value) ?? (LOGIN.test(text) ? 'tcp' : null),
      flags: null,
      flagsText: null,
      action: null,
    });
  },
};

const NETFILTER_KEYS = /\b(?:IN|OUT)=|\bPROTO=[A-Z]|\bSRC=\S+\s+DST=/;
/** A syslog line's `program[pid]:` before its message. */
const DAEMON = /^\S[^=]{0,80}?[\w.-]\[\d+\]:\s/;
const LOGIN = /\b(?:log(?:in|on)|auth\w*|password)\b|\b(?:user(?:name)?|pass(?:word)?)=/i;
