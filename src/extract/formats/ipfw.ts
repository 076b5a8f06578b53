import { event, hostPort, leadingTimestamp, protoOf, type LogFormat } from './common.ts';

const RULE = new RegExp(
  String.raw`ipfw: (\d{1,5}) ([A-Z][a-zA-Z]{1,10}(?: \d{1,5})?) (TCP|UDP|ICMP(?:v6)?)(?::[\d.]{1,7})? ` +
    String.raw`(\S{1,60}) (\S{1,60}) (?:in|out) via `,
);

/**
 * FreeBSD ipfw rules with `log`, through syslog: `ipfw: 100 Deny TCP 192.0.2.1:51000
 * 198.51.100.1:22 in via em0` (ICMP as `ICMP:8.0`, the type and code).
 */
export const ipfw: LogFormat = {
  id: 'ipfw',
  description: 'FreeBSD ipfw log',
  sniff: (t) => t.includes('ipfw: '),
  parse(text, time) {
    const m = RULE.exec(text);
    if (!m) return null;
    const proto = protoOf(m[3]);
    const ports = proto === 'tcp' || proto === 'udp';
    const s = hostPort(m[4]!);
    const d = hostPort(m[5]!);
    const ts = leadingTimestamp(text, time);
    return event('ipfw', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src: s.addr,
      spt: ports ? s.port : null,
      dst: d.addr,
      dpt: ports ? d.port : null,
      proto,
      flags: null,
      flagsText: null,
      action: m[2]!,
    });
  },
};
