import { endsEvent, hostPort, protoOf, toIso, wallOf, type LogFormat, type TimeContext } from './common.ts';

// "[06062024 10:11:12] connection connection.c:1745-message: connection 0x55d1c2a0
// accept/tcp/established [192.0.2.90:445->203.0.113.33:49213] state: none->established"
const LINE = new RegExp(
  String.raw`^\s*\[(\d{2})(\d{2})(\d{4}) (\d{2}):(\d{2}):(\d{2})\] connection\b[^\n]{0,80}? ` +
    String.raw`(accept|connect|listen|reject)\/(tcp|udp|tls)\/(\w+) \[(\S+?)->(\S+?)\]`,
);

// A summary script's line of the same log, ends in the connection's direction: "[11062024 22:03:11]
// connection 203.0.113.18:49211 -> 192.0.2.90:445 tcp accept"
const ARROW = new RegExp(
  String.raw`^\s*\[(\d{2})(\d{2})(\d{4}) (\d{2}):(\d{2}):(\d{2})\] connection:? (\S+?) ?-> ?(\S+?) (tcp|udp|tls)\b` +
    String.raw`(?: (accept|connect|reject|established|close|\w+))?`,
);

/**
 * Dionaea, the malware honeypot: its connection log writes the honeypot's own end first
 * (`[local:port->remote:port]`), so an accepted connection came to the local port, one it
 * made went to the remote.
 */
export const dionaea: LogFormat = {
  id: 'dionaea',
  description: 'Dionaea honeypot connection log',
  sniff: (t) => t.includes('connection') && t.includes('->'),
  parse(text, time) {
    const a = ARROW.exec(text);
    if (a)
      return endsEvent('dionaea', text, time, {
        src: a[7]!,
        dst: a[8]!,
        proto: protoOf(a[9] === 'tls' ? 'tcp' : a[9]),
        action: a[10] ?? null,
        ts: stamp(a, time),
      });
    const m = LINE.exec(text);
    if (!m || m[7] === 'listen') return null;
    let [local, remote] = [m[10]!, m[11]!];
    const inbound = m[7] !== 'connect';
    // A connection it accepted, retyped into a post with the ends the other way round ("[203.0.113.71:49822
    // ->192.0.2.10:445]"), is known by its "remote" port, one of the services Dionaea runs, where the
    // "local" one is none of them.
    if (inbound && SERVICES.has(endPort(remote)) && !SERVICES.has(endPort(local))) [local, remote] = [remote, local];
    return endsEvent('dionaea', text, time, {
      src: inbound ? remote : local,
      dst: inbound ? local : remote,
      proto: protoOf(m[8] === 'tls' ? 'tcp' : m[8]),
      action: `${m[7]}/${m[9]}`,
      ts: stamp(m, time),
    });
  },
};

/**
 * The TCP ports Dionaea's services listen on (its default configuration), less SIP's, which clients
 * send from too.
 */
const SERVICES = new Set([21, 42, 80, 135, 443, 445, 1433, 1723, 1883, 3306, 11211, 27017]);
const endPort = (end: string) => hostPort(end).port ?? 0;

/** Its time is day, month, year, in the honeypot's zone. */
function stamp(m: RegExpExecArray, time: TimeContext): { ts: string | null; tsText: string } {
  return {
    ts: toIso(wallOf([m[3], m[2], m[1], m[4], m[5], m[6]], '', null), time),
    tsText: m[0].slice(m[0].indexOf('[') + 1, m[0].indexOf(']')),
  };
}
