import { addressLike, endsEvent, hostPort, kvField, protoOf, type LogFormat } from './common.ts';

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
    if (!addressLike(hostPort(src).addr) || !addressLike(hostPort(dst).addr)) return null;
    const proto = protoOf(kvField(text, 'protoID'));
    return endsEvent('zyxel', text, time, { src, dst, proto, action: kvField(text, 'msg') ?? null });
  },
};
