import { endsEvent, protoOf, toIso, wallOf, type LogFormat } from './common.ts';

// "[06062024 10:11:12] connection connection.c:1745-message: connection 0x55d1c2a0
// accept/tcp/established [192.0.2.90:445->203.0.113.33:49213] state: none->established"
const LINE = new RegExp(
  String.raw`^\s*\[(\d{2})(\d{2})(\d{4}) (\d{2}):(\d{2}):(\d{2})\] connection\b[^\n]{0,80}? ` +
    String.raw`(accept|connect|listen|reject)\/(tcp|udp|tls)\/(\w+) \[(\S+?)->(\S+?)\]`,
);

/**
 * Dionaea, the malware honeypot: its connection log writes the honeypot's own end first
 * (`[local:port->remote:port]`), so an accepted connection came to the local port, one it
 * made went to the remote. Its time is day, month, year, in the honeypot's zone.
 */
export const dionaea: LogFormat = {
  id: 'dionaea',
  description: 'Dionaea honeypot connection log',
  sniff: (t) => t.includes('connection') && t.includes('->'),
  parse(text, time) {
    const m = LINE.exec(text);
    if (!m || m[7] === 'listen') return null;
    const [local, remote] = [m[10]!, m[11]!];
    const inbound = m[7] !== 'connect';
    return endsEvent('dionaea', text, time, {
      src: inbound ? remote : local,
      dst: inbound ? local : remote,
      proto: protoOf(m[8] === 'tls' ? 'tcp' : m[8]),
      action: `${m[7]}/${m[9]}`,
      ts: {
        ts: toIso(wallOf([m[3], m[2], m[1], m[4], m[5], m[6]], '', null), time),
        tsText: m[0].slice(m[0].indexOf('[') + 1, m[0].indexOf(']')),
      },
    });
  },
};
