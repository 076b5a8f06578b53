import { event, hostPort, isIpAddress, leadingTimestamp, type LogFormat } from './common.ts';

/** `New connection: 203.0.113.20:50122 (192.0.2.3:22)`: the attacker, then the honeypot's end. */
const CONNECTION = /\bNew connection: (\S+) \((\S+)\)/;
/** `[HoneyPotSSHTransport,4211,203.0.113.20]`, `[SSHService b'ssh-userauth' on HoneyPotSSHTransport,...]`. */
const SESSION = /\[(?:[^\]]*? on )?(?:HoneyPot|Cowrie)\w*Transport,\d+,([\da-fA-F.:]+)\]/;

/**
 * The Cowrie honeypot's text log (cowrie.log), as handlers paste it: a session's connection line
 * names both ends and the port the honeypot answered on; the lines of the session after it (a
 * login tried, a command run) name the attacker only.
 */
export const cowrieLog: LogFormat = {
  id: 'cowrie-log',
  description: 'Cowrie honeypot text log (cowrie.log)',
  sniff: (t) => t.includes('New connection: ') || /(?:HoneyPot|Cowrie)\w*Transport,/.test(t),
  parse(text, time) {
    const ts = leadingTimestamp(text, time);
    if (!ts) return null;
    const c = CONNECTION.exec(text);
    const src = c ? hostPort(c[1]!) : { addr: SESSION.exec(text)?.[1] ?? '', port: null };
    const dst = c ? hostPort(c[2]!) : { addr: null, port: null };
    if (!isIpAddress(src.addr)) return null;
    return event('cowrie-log', text, {
      ts: ts.ts,
      tsText: ts.tsText,
      src: src.addr,
      spt: src.port,
      dst: dst.addr,
      dpt: dst.port,
      // Cowrie answers SSH and telnet only.
      proto: 'tcp',
      flags: null,
      flagsText: null,
      action: null,
    });
  },
};
