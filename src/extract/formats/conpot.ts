import { addressLike, event, leadingTimestamp, MASKED_V4, port, type LogFormat } from './common.ts';

// "New Modbus connection from 203.0.113.45:49822. (a1c3f0e2-...)", "Modbus traffic from 203.0.113.45: {...}",
// "S7 session closed from 198.51.100.201:61523"
const LINE = new RegExp(
  String.raw`\b(?:New )?(Modbus|S7|BACnet|IPMI|SNMP|HTTP|FTP|TFTP|EtherNet\/IP|ENIP|Guardian AST|IEC104|Kamstrup)` +
    String.raw` (connection|traffic|session|request)\b[^\n]{0,20}? from ` +
    String.raw`(${MASKED_V4}|[\da-fA-F:]{2,39}?)(?::(\d{1,5}))?(?=[\s.:,]|$)`,
);

/**
 * Conpot, the ICS honeypot: which of its emulated services a client spoke to, and from where. The
 * line names the service, not the port it listens on (a template may move it).
 */
export const conpot: LogFormat = {
  id: 'conpot',
  description: 'Conpot ICS honeypot log',
  sniff: (t) => t.includes(' from ') && /\b(?:connection|traffic|session|request)\b/.test(t),
  parse(text, time) {
    const m = LINE.exec(text);
    if (!m || !addressLike(m[3]!)) return null;
    const ts = leadingTimestamp(text, time);
    if (!ts) return null;
    return event('conpot', text, {
      ts: ts.ts,
      tsText: ts.tsText,
      src: m[3]!,
      spt: port(m[4]),
      dst: null,
      dpt: null,
      proto: /^(?:BACnet|IPMI|SNMP|TFTP)$/.test(m[1]!) ? 'udp' : 'tcp',
      flags: null,
      flagsText: null,
      action: `${m[1]} ${m[2]}`,
    });
  },
};
