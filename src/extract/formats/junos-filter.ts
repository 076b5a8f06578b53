import { event, leadingTimestamp, port, protoOf, type LogFormat } from './common.ts';

/** What a term's `syslog` action writes for its `then` verdict: accept, discard, reject. */
const ACTIONS: Record<string, string> = { A: 'accept', D: 'discard', R: 'reject' };

/**
 * `FW: <interface> <action> [vlan-id: N] <proto> <src> <dst> <sport> <dport> (<n> packets)`: the
 * record a Junos firewall filter term with `then syslog` writes (MX, PTX, EX and the SRX's own
 * lo0 filters), as PFE_FW_SYSLOG_IP / _IP6 / _ETH_IP in syslog and in `show firewall log`.
 */
const RECORD = new RegExp(
  String.raw`\bFW: +(\S+) +([ADR]) +(?:vlan-id: \d+ +)?(tcp|udp|icmp6?|ipv6-icmp|\d{1,3}) +(\S+) +(\S+) +` +
    String.raw`(\d{1,5}) +(\d{1,5}) +\((\d+) packets?\)`,
  'i',
);

export const junosFilter: LogFormat = {
  id: 'junos-filter',
  description: 'Junos firewall filter syslog (PFE_FW_SYSLOG_IP)',
  sniff: (t) => t.includes('FW: ') && t.includes('packet'),
  parse(text, time) {
    const m = RECORD.exec(text);
    if (!m) return null;
    const proto = protoOf(m[3]);
    const ports = proto === 'tcp' || proto === 'udp';
    const ts = leadingTimestamp(text, time);
    return event('junos-filter', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src: m[4]!,
      // ICMP records put the type and code where the ports stand.
      spt: ports ? port(m[6]) : null,
      dst: m[5]!,
      dpt: ports ? port(m[7]) : null,
      proto,
      flags: null,
      flagsText: null,
      action: ACTIONS[m[2]!.toUpperCase()] ?? null,
    });
  },
};
