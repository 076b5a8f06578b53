import { event, flagsFromLetters, leadingTimestamp, port, protoOf, type LogFormat } from './common.ts';

/**
 * pfSense / OPNsense `filterlog` CSV. The layout after the common head (rule, subrule, anchor,
 * tracker, interface, reason, action, direction, IP version) depends on the IP version:
 * IPv4 tos,ecn,ttl,id,offset,flags,protonum,protoname,length,src,dst,...;
 * IPv6 class,flowlabel,hoplimit,protoname,protonum,length,src,dst,...; then ports and TCP fields.
 */
export const pfsense: LogFormat = {
  id: 'pfsense-filterlog',
  description: 'pfSense / OPNsense filterlog CSV',
  sniff: (t) => t.includes('filterlog'),
  parse(text, time) {
    // BSD syslog (`filterlog[123]: `) or RFC 5424, pfSense's remote-logging default (`filterlog 123 - - `:
    // process id, message id, and no structured data) or OPNsense's (`filterlog 61234 - [meta sequenceId="5"] `).
    const at = /filterlog(?:\[\d+\])?:\s*|filterlog (?:\d+|-) \S+ (?:-|(?:\[[^\]]*\])+) /.exec(text);
    if (!at) return null;
    const f = text
      .slice(at.index + at[0].length)
      .trim()
      .split(',');
    const v6 = f[8] === '6';
    if (f[8] !== '4' && !v6) return null;
    const [protoName, src, dst, rest] = v6 ? [f[12], f[15], f[16], 17] : [f[16], f[18], f[19], 20];
    const proto = protoOf(protoName);
    if (!src || !dst) return null;
    const ports = proto === 'tcp' || proto === 'udp';
    const flagsText = proto === 'tcp' && !v6 ? (f[rest + 3] ?? null) : null;
    const ts = leadingTimestamp(text, time);
    return event('pfsense-filterlog', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src,
      spt: ports ? port(f[rest]) : null,
      dst,
      dpt: ports ? port(f[rest + 1]) : null,
      proto,
      flags: flagsText ? flagsFromLetters(flagsText) : null,
      flagsText: flagsText || null,
      action: f[6] || null,
    });
  },
};
