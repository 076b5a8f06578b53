import { addressLike, event, leadingTimestamp, MASKED_V4, port, protoOf, toIso, type LogFormat } from './common.ts';

/*
 * What an operator pastes from the host itself rather than from a firewall: the sockets netstat and
 * ss list, the kernel's connection tracking table, a port scanner's findings, and what sshd and
 * fail2ban log of the addresses that knock. Each is a line a member shares as evidence.
 */

/** An address and its port joined by the last colon, as netstat and ss write them ("[::1]:22", "::1:22"). */
function endpoint(s: string): { addr: string; port: number | null } | null {
  const i = s.lastIndexOf(':');
  if (i <= 0) return null;
  const addr = s.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const p = port(s.slice(i + 1));
  return p === null || !addressLike(addr.replace(/^::ffff:(?=\d)/i, '')) ? null : { addr, port: p };
}

// "tcp   0   0 192.0.2.14:6379   198.51.100.201:53312   ESTABLISHED" (netstat -tn), "ESTAB 0 0 local
// peer" and "tcp ESTAB 0 0 local peer" (ss -tn, ss -tan)
const NETSTAT = /^\s*(tcp|udp)6?\s+\d+\s+\d+\s+(\S+:\d{1,5})\s+(\S+:\d{1,5})(?:\s+([A-Z][A-Z_0-9-]+))?\s*$/;
const SS = /^\s*(?:(tcp|udp)\s+)?([A-Z][A-Z_-]{2,11}|UNCONN)\s+\d+\s+\d+\s+(\S+:\d{1,5})\s+(\S+:\d{1,5})(?:\s+\S.*)?$/;

/**
 * A socket netstat or ss lists on the operator's own host: local end first. The end on the lower
 * port is the service, so a socket whose local port is the lower one is a connection that came in
 * (the peer scanned or attacked it), and one whose peer port is lower went out.
 */
export const sockets: LogFormat = {
  id: 'sockets',
  description: 'netstat and ss socket lists',
  // (netstat writes its protocols in lower case, ss its states in capitals)
  sniff: (t) => /^\s*(?:(?:tcp|udp)6?\s|[A-Z][A-Z_-]{2,11}\s)/.test(t) && t.includes(':'),
  parse(text) {
    const n = NETSTAT.exec(text);
    const s = n ? null : SS.exec(text);
    if (!n && !s) return null;
    const [proto, state, local, peer] = n ? [n[1], n[4], n[2], n[3]] : [s![1] ?? 'tcp', s![2], s![3], s![4]];
    const l = endpoint(local!);
    const p = endpoint(peer!);
    // a listening socket's peer is "*:*" or "0.0.0.0:*": no connection
    if (!l || !p || /^(?:LISTEN|UNCONN)$/.test(state ?? '')) return null;
    const inbound = l.port! <= p.port!;
    const [from, to] = inbound ? [p, l] : [l, p];
    return event('sockets', text, {
      ts: null,
      tsText: null,
      src: from.addr,
      spt: from.port,
      dst: to.addr,
      dpt: to.port,
      proto: protoOf(proto),
      flags: null,
      flagsText: null,
      action: state ?? null,
    });
  },
};

// "udp 17 29 src=192.0.2.100 dst=203.0.113.80 sport=33012 dport=123 [UNREPLIED] src=... " (conntrack -L),
// "ipv4 2 tcp 6 431999 ESTABLISHED src=... dst=... sport=... dport=..." (/proc/net/nf_conntrack)
const CONNTRACK = new RegExp(
  String.raw`^\s*(?:ipv[46]\s+\d+\s+)?(tcp|udp|icmp|icmpv6)\s+\d+\s+\d+\s+(?:([A-Z_]+)\s+)?` +
    String.raw`src=(\S+)\s+dst=(\S+)\s+(?:sport=(\d{1,5})\s+dport=(\d{1,5})|type=)`,
);

/** The kernel's connection tracking table: the original direction, the first tuple of the line. */
export const conntrack: LogFormat = {
  id: 'conntrack',
  description: 'Linux conntrack table entries',
  sniff: (t) => t.includes('src=') && t.includes('dst=') && !t.includes('SRC='),
  parse(text) {
    const m = CONNTRACK.exec(text);
    if (!m || !addressLike(m[3]!) || !addressLike(m[4]!)) return null;
    return event('conntrack', text, {
      ts: null,
      tsText: null,
      src: m[3]!,
      spt: port(m[5]),
      dst: m[4]!,
      dpt: port(m[6]),
      proto: protoOf(m[1]!.replace(/v6$/, '')),
      flags: null,
      flagsText: null,
      action: m[2] ?? (text.includes('[UNREPLIED]') ? 'UNREPLIED' : null),
    });
  },
};

// "Discovered open port 8080/tcp on 192.0.2.33" (masscan's console), "open tcp 8080 192.0.2.33 1718000000" (-oL)
const MASSCAN = new RegExp(String.raw`Discovered open port (\d{1,5})\/(tcp|udp) on (${MASKED_V4}|[\da-fA-F:]{2,39})\b`);
const MASSCAN_LIST = new RegExp(String.raw`^\s*open (tcp|udp) (\d{1,5}) (${MASKED_V4}|[\da-fA-F:]{2,39}) \d{9,10}\s*$`);
// "23/tcp   open  telnet" under nmap's "PORT STATE SERVICE"
const NMAP_ROW =
  /^\s*(\d{1,5})\/(tcp|udp)\s+(open|closed|filtered|unfiltered|open\|filtered|closed\|filtered)(?:\s+\S.*)?$/;

/**
 * A port scanner's findings, as an operator scanning its own space pastes them: masscan's lines,
 * and the port rows of an nmap report (whose host is named on the line above them, not in the row).
 * A port the scan found closed or filtered is none that anything can reach: the row is read, with
 * no port.
 */
export const portScan: LogFormat = {
  id: 'port-scan',
  description: 'masscan and nmap findings',
  sniff: (t) => t.includes('open ') || /\/(?:tcp|udp)\s/.test(t),
  parse(text) {
    const m = MASSCAN.exec(text);
    const l = m ? null : MASSCAN_LIST.exec(text);
    const row = m || l ? null : NMAP_ROW.exec(text);
    if (!m && !l && !row) return null;
    const [dpt, proto, dst, state] = m
      ? [m[1], m[2], m[3], 'open']
      : l
        ? [l[2], l[1], l[3], 'open']
        : [row![1], row![2], null, row![3]];
    if (dst && !addressLike(dst)) return null;
    return event('port-scan', text, {
      ts: null,
      tsText: null,
      src: null,
      spt: null,
      dst: dst ?? null,
      dpt: state === 'open' ? port(dpt) : null,
      proto: protoOf(proto),
      flags: null,
      flagsText: null,
      action: state!,
    });
  },
};

const ADDR = String.raw`(${MASKED_V4}|[\da-fA-F]{0,4}(?::[\da-fA-F]{0,4}){2,7})`;
// "Failed password for root from 198.51.100.8 port 50422 ssh2", "Connection closed by invalid user
// admin 203.0.113.19 port 38810 [preauth]": the client's address and its own port (not "Server
// listening on 0.0.0.0 port 22")
const SSHD = new RegExp(
  String.raw`\bsshd(?:-session)?\[\d+\]: (.{1,200}?)\b(?:from|by|user \S{1,64}) ${ADDR} port (\d{1,5})\b`,
);
/** What sshd says happened, without the user name an attacker chose. */
const SSHD_WHAT = new RegExp(
  String.raw`^(?:Failed \w+|Accepted \w+|Invalid user|Connection (?:closed|reset)|Disconnect(?:ed|ing)|` +
    String.raw`Received disconnect|Timeout|Did not receive identification|Unable to negotiate|banner exchange)`,
  'i',
);

/**
 * What sshd logs of a client that tries to log in (auth.log, secure). The port in the line is the
 * client's own; the one it came to is sshd's, which the line does not say.
 */
export const sshd: LogFormat = {
  id: 'sshd',
  description: 'OpenSSH sshd authentication log',
  sniff: (t) => t.includes('sshd') && t.includes(' port '),
  parse(text, time) {
    const m = SSHD.exec(text);
    if (!m || !addressLike(m[2]!)) return null;
    const ts = leadingTimestamp(text, time);
    return event('sshd', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src: m[2]!,
      spt: port(m[3]),
      dst: null,
      dpt: null,
      proto: 'tcp',
      flags: null,
      flagsText: null,
      action: SSHD_WHAT.exec(m[1]!)?.[0] ?? null,
    });
  },
};

// "2024-06-12 09:01:44,118 fail2ban.actions [812]: NOTICE [sshd-2222] Ban 198.51.100.77"
const FAIL2BAN = new RegExp(
  String.raw`fail2ban\.\w+\s*\[\d+\]:\s*[A-Z]+\s+\[([\w.-]{1,40})\]\s+` +
    String.raw`(Ban|Unban|Restore Ban|Found|Already banned)\s+${ADDR}`,
);

/** fail2ban's bans: the address a jail banned, and the jail's name as the action. */
export const fail2ban: LogFormat = {
  id: 'fail2ban',
  description: 'fail2ban actions and filter matches',
  sniff: (t) => t.includes('fail2ban.'),
  parse(text, time) {
    const m = FAIL2BAN.exec(text);
    if (!m || !addressLike(m[3]!)) return null;
    const ts = leadingTimestamp(text, time);
    return event('fail2ban', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src: m[3]!,
      spt: null,
      dst: null,
      dpt: null,
      proto: null,
      flags: null,
      flagsText: null,
      action: `${m[2]} [${m[1]}]`,
    });
  },
};

/**
 * How a server daemon's own log line starts, so that a line of prose with a time and "from
 * 192.0.2.1" is not one: a syslog program with its pid (`dropbear[2211]: `), Kubernetes' klog
 * header (`I0318 02:11:45.120933     877 log.go:245] `), Apache's error log (`[Sun Mar 09
 * 03:14:07.221915 2025] [core:error] [pid 22871...`), nginx's (`2025/03/09 03:15:02 [error] 1193#1193: `).
 */
const DAEMON_HEAD = new RegExp(
  String.raw`[\w.-]\[\d+\]: |^\s*[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\] |` +
    String.raw`^\s*\[[^\]]{10,40}\] \[[\w:]+\] \[pid \d+|\[(?:error|warn|crit|alert|emerg|notice|info)\] \d+#\d+: `,
);
/** The client a daemon names: `from A:P`, `from A port P`, `[client A:P]`, `client: A`, `srcIP="A:P"`. */
const CLIENT = new RegExp(
  String.raw`(?:\bfrom|\[client|\bclient:|\bsrcIP=")\s*\[?${ADDR}\]?(?:[:.](\d{1,5})\b|\s+port\s+(\d{1,5})\b)?`,
);
const OVER_TCP = new RegExp(
  String.raw`\b(?:sshd?|dropbear|https?|tls|login|password|GET|POST|HEAD)\b|` +
    String.raw`\[(?:core|php|authz_core|ssl|proxy):|\[(?:error|warn|crit)\] \d+#`,
  'i',
);
// klog's time has no year: "I0318 02:11:45.120933" is 18 March
const KLOG_TS = /^\s*[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,9})/;

/**
 * A server daemon's line about a client that came to it (a login tried, a request refused, a TLS
 * handshake failed): dropbear, kubelet, Apache's and nginx's error logs, an appliance's own
 * daemons. The port after the client's address is the client's own; the one it came to is the
 * daemon's, which the line does not say. Tried after the formats that read a daemon of their own (sshd).
 */
export const daemonClient: LogFormat = {
  id: 'daemon-client',
  description: "A server daemon's log line naming a client",
  sniff: (t) => (t.includes('from') || t.includes('client') || t.includes('srcIP')) && DAEMON_HEAD.test(t),
  parse(text, time) {
    const m = CLIENT.exec(text);
    if (!m || !addressLike(m[1]!)) return null;
    const k = KLOG_TS.exec(text);
    if (k && (+k[1]! < 1 || +k[1]! > 12 || +k[2]! < 1 || +k[2]! > 31)) return null;
    const ts = k
      ? {
          ts: toIso(
            {
              year: null,
              month: +k[1]!,
              day: +k[2]!,
              hour: +k[3]!,
              minute: +k[4]!,
              second: +k[5]!,
              fraction: k[6]!,
              offset: null,
            },
            time,
          ),
          tsText: k[0].trim(),
        }
      : leadingTimestamp(text.replace(/^\s*\[/, ''), time);
    if (!ts) return null;
    return event('daemon-client', text, {
      ts: ts.ts,
      tsText: ts.tsText,
      src: m[1]!,
      spt: port(m[2] ?? m[3]),
      dst: null,
      dpt: null,
      // (TCP where the line says what only goes over it: a web server's, a login's, TLS; dnsmasq,
      // ntpd or an IKE daemon name their clients too, over UDP)
      proto: k || OVER_TCP.test(text) ? 'tcp' : null,
      flags: null,
      flagsText: null,
      action: null,
    });
  },
};
