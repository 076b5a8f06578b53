import { endsEvent, protoOf, type LogFormat } from './common.ts';

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
    return endsEvent('ipfw', text, time, { src: m[4]!, dst: m[5]!, proto: protoOf(m[3]), action: m[2]! });
  },
};
