import { addressLike, event, hostPort, kvField, leadingTimestamp, protoOf, type LogFormat } from './common.ts';

/**
 * Zyxel ZyWALL, USG FLEX and ATP firewall logs: each end as `src="203.0.113.14:51000"
 * dst="192.0.2.8:8443"`, the transport as protoID (its protocol number; `proto` names the service),
 * what was done in msg.
 */
export const zyxel: LogFormat = {
  id: 'zyxel',
  description: 'Zyxel ZyWALL / USG FLEX / ATP firewall log',
  sniff: (t) => t.includes('src="') && t.includes('dst="'),
  parse(text, time) {
    const src = kvField(text, 'src');
    const dst = kvField(text, 'dst');
    if (!src || !dst) return null;
    const s = hostPort(src);
    const d = hostPort(dst);
    if (!addressLike(s.addr) || !addressLike(d.addr)) return null;
    const proto = protoOf(kvField(text, 'protoID'));
    const ports = proto !== 'icmp';
    const ts = leadingTimestamp(text, time);
    return event('zyxel', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src: s.addr,
      spt: ports ? s.port : null,
      dst: d.addr,
      dpt: ports ? d.port : null,
      proto,
      flags: null,
      flagsText: null,
      action: kvField(text, 'msg') ?? null,
    });
  },
};
